// "Open Timeline": choose context, namespace and label selector (suggested from the live cluster's
// labels and the last ones used), or take them from the workload under the cursor; then show the
// timeline panel on a shared watch of that scope.
import * as vscode from 'vscode';
import { stringify } from 'yaml';
import type { WatchScope } from '../core/events';
import { selectorFromWorkload, workloadAt } from '../core/workloadAtCursor';
import { listContexts } from '../kube';
import type { ClusterSession } from './clusterSession';
import { plainMessage } from './markdown';
import { describeScope, openTimelinePanel, openTimelinePanels, registerTimelinePanel, type TimelinePanelOptions } from './timelinePanel';

type Log = Pick<vscode.LogOutputChannel, 'info' | 'warn' | 'error' | 'debug'>;

const RECENT_KEY = 'podIpLens.recentScopes';
const ALL_NAMESPACES = '$(globe) All namespaces';
const EVERY_POD = '$(list-flat) Every Pod';

export interface OpenTimelineArgs {
  context?: string;
  namespace?: string | null;
  labelSelector?: string;
  /** Open next to the active editor instead of in its place (the workshop's first screen). */
  beside?: boolean;
}

export function registerTimelineCommands(context: vscode.ExtensionContext, session: ClusterSession, log: Log): void {
  const sourceFor = (scope: WatchScope): { feed: ReturnType<ClusterSession['hub']['acquire']>['feed'] } & TimelinePanelOptions => {
    const lease = session.hub.acquire(scope);
    const feed = lease.feed;
    return {
      feed,
      onDispose: () => lease.release(),
      getPodYaml: async (uid) => {
        const pod = feed.model.pod(uid);
        if (!pod) throw new Error('that Pod is no longer known to the timeline');
        const path = `/api/v1/namespaces/${encodeURIComponent(pod.namespace)}/pods/${encodeURIComponent(pod.name)}`;
        const res = await feed.client.getJson(path, {}, feed.client.requestContext('get', 'pods', undefined, pod.namespace));
        return stringify(res.body);
      },
    };
  };

  const open = async (scope: WatchScope, followsDefault: boolean, beside: boolean) => {
    const source = sourceFor(scope);
    const { feed, ...options } = source;
    // Remembered without the server: a suggestion for the next time, wherever the context points then.
    await rememberScope(context, { context: scope.context, namespace: scope.namespace, labelSelector: scope.labelSelector });
    log.info(`timeline: watching ${describeScope(feed.scope)}`);
    // Beside whatever is in front (a manifest, the walkthrough), so both stay in view.
    const viewColumn = beside && vscode.window.tabGroups.activeTabGroup.activeTab ? vscode.ViewColumn.Beside : undefined;
    return openTimelinePanel(context, feed, log, { ...options, followsDefault, viewColumn });
  };

  // When the cluster in use changes (kubeconfig or context setting, the demo cluster starting or
  // stopping), panels that show the cluster in use move to the new one; panels opened on a context
  // picked by name stay where they are while that context still points at the same server.
  const follow = () => {
    const panels = openTimelinePanels().filter((p) => p.followsDefault);
    if (!panels.length || !session.trusted) return;
    let ctx: string;
    let server: string;
    try {
      ctx = session.defaultContext();
      server = session.hub.client(ctx).server;
    } catch (e) {
      log.warn(`timeline: the cluster in use changed, but its context cannot be used (${(e as Error).message}); the open timelines keep watching where they were`);
      return;
    }
    for (const panel of panels) {
      const old = panel.feed.scope;
      if (old.context === ctx && old.server === server) continue;
      try {
        const { feed, ...options } = sourceFor({ context: ctx, namespace: old.namespace, labelSelector: old.labelSelector });
        panel.rebind(feed, { ...options, followsDefault: true });
        log.info(`timeline: the cluster in use changed; now watching ${describeScope(feed.scope)} (was ${describeScope(old)})`);
      } catch (e) {
        log.warn(`timeline: cannot move the timeline of ${describeScope(old)} to context ${ctx}: ${(e as Error).message}`);
      }
    }
  };
  context.subscriptions.push(session.onDidChange(follow));

  context.subscriptions.push(
    registerTimelinePanel(context, log, async (scope) => {
      // A panel the user opened before a reload: continuing it is their request (not in Restricted Mode).
      if (!session.request('the timeline')) return undefined;
      try {
        const source = sourceFor(scope);
        log.info(`timeline: restored, watching ${describeScope(source.feed.scope)}`);
        return { ...source, followsDefault: scope.context === defaultContextOrUndefined(session) };
      } catch (e) {
        // The context is gone or points elsewhere now (a demo cluster of an earlier session): the
        // same Pods on the cluster in use, as the panel would have followed had it been open.
        try {
          const source = sourceFor({ context: session.defaultContext(), namespace: scope.namespace, labelSelector: scope.labelSelector });
          log.info(`timeline: ${describeScope(scope)} is not reachable as saved (${(e as Error).message}); restored on ${describeScope(source.feed.scope)}`);
          return { ...source, followsDefault: true };
        } catch (e2) {
          log.warn(`timeline: cannot restore ${describeScope(scope)}: ${(e2 as Error).message}`);
          return undefined;
        }
      }
    }),
    vscode.commands.registerCommand('podIpLens.openTimeline', async (args?: OpenTimelineArgs) => {
      if (!session.request('the timeline', true)) return undefined;
      try {
        const a = args ?? {};
        const scope = await chooseScope(context, session, a);
        if (scope) return await open(scope, !a.context && scope.context === defaultContextOrUndefined(session), a.beside === true);
      } catch (e) {
        const message = `Pod IP Lens: cannot open the timeline: ${(e as Error).message}`;
        log.error(message);
        // The error can quote the API server: no links from it in the notification.
        void vscode.window.showErrorMessage(plainMessage(message), 'Start Demo Cluster').then((c) => {
          if (c) void vscode.commands.executeCommand('podIpLens.startDemoCluster', { openTimeline: true });
        });
      }
      return undefined;
    }),
    vscode.commands.registerCommand('podIpLens.openTimelineForManifest', async (uri?: vscode.Uri, position?: vscode.Position) => {
      const editor = vscode.window.activeTextEditor;
      const doc = uri ? await vscode.workspace.openTextDocument(uri) : editor?.document;
      if (!doc) {
        void vscode.window.showInformationMessage('Open a manifest with a Deployment (or another workload) first.');
        return undefined;
      }
      const offset = doc.offsetAt(position ?? (editor?.document === doc ? editor.selection.active : new vscode.Position(0, 0)));
      const workload = workloadAt(doc.getText(), offset);
      const selector = workload && selectorFromWorkload(workload);
      if (!workload || !selector) {
        void vscode.window.showInformationMessage('No workload with a label selector here: place the cursor inside a Deployment, StatefulSet, DaemonSet, ReplicaSet, Job, Pod or Service.');
        return undefined;
      }
      return vscode.commands.executeCommand('podIpLens.openTimeline', { namespace: workload.namespace ?? null, labelSelector: selector } satisfies OpenTimelineArgs);
    }),
  );

  // Set by the user (in Restricted Mode the workspace's value is ignored: restrictedConfigurations).
  const startup = vscode.workspace.getConfiguration('podIpLens.timeline').get<string>('openOnStartup', '').trim();
  if (startup && session.request('the timeline')) {
    void vscode.commands.executeCommand('podIpLens.openTimeline', { namespace: 'default', labelSelector: startup, beside: true } satisfies OpenTimelineArgs);
  }
}

function defaultContextOrUndefined(session: ClusterSession): string | undefined {
  try {
    return session.defaultContext();
  } catch {
    return undefined;
  }
}

async function rememberScope(context: vscode.ExtensionContext, scope: WatchScope): Promise<void> {
  const recent = context.globalState.get<WatchScope[]>(RECENT_KEY, []).filter((s) => JSON.stringify(s) !== JSON.stringify(scope));
  await context.globalState.update(RECENT_KEY, [scope, ...recent].slice(0, 10));
}

/** Asks only for what `args` leaves open. `namespace: null` means all namespaces. */
async function chooseScope(context: vscode.ExtensionContext, session: ClusterSession, args: OpenTimelineArgs): Promise<WatchScope | undefined> {
  const kc = session.kubeConfig();
  let ctx = args.context;
  if (!ctx) {
    const contexts = listContexts(kc);
    const preferred = session.defaultContext();
    if (contexts.length <= 1 || args.labelSelector !== undefined) ctx = preferred;
    else {
      const pick = await vscode.window.showQuickPick(
        contexts
          .sort((a, b) => Number(b.name === preferred) - Number(a.name === preferred))
          .map((c) => ({ label: c.name, description: c.name === preferred ? 'current' : undefined, detail: c.server })),
        { title: 'Pod IP Lens: Kubernetes context', placeHolder: 'Which cluster?' },
      );
      if (!pick) return undefined;
      ctx = pick.label;
    }
  }
  const client = session.hub.client(ctx);
  let namespace: string | undefined;
  if (args.namespace === null) namespace = undefined;
  else if (args.namespace !== undefined) namespace = args.namespace;
  else {
    let names: string[] = [];
    try {
      const res = await client.getJson<{ items?: { metadata?: { name?: string } }[] }>('/api/v1/namespaces', {}, client.requestContext('list', 'namespaces', undefined, undefined), 10_000);
      names = (res.body.items ?? []).map((n) => n.metadata?.name ?? '').filter(Boolean);
    } catch {
      // Listing namespaces may be forbidden; the context's own namespace is still a fine choice.
    }
    if (!names.includes(client.namespace)) names.unshift(client.namespace);
    const pick = await vscode.window.showQuickPick(
      [{ label: ALL_NAMESPACES }, ...names.sort((a, b) => Number(b === client.namespace) - Number(a === client.namespace)).map((n) => ({ label: n, description: n === client.namespace ? 'context default' : undefined }))],
      { title: `Pod IP Lens: namespace in ${ctx}` },
    );
    if (!pick) return undefined;
    namespace = pick.label === ALL_NAMESPACES ? undefined : pick.label;
  }
  let labelSelector = args.labelSelector;
  if (labelSelector === undefined) {
    labelSelector = await pickSelector(context, client, ctx!, namespace);
    if (labelSelector === undefined) return undefined;
  }
  return { context: client.context, namespace, labelSelector: labelSelector.trim() };
}

const NOISY_LABELS = new Set(['pod-template-hash', 'controller-revision-hash', 'pod-template-generation', 'statefulset.kubernetes.io/pod-name', 'batch.kubernetes.io/controller-uid', 'controller-uid']);

async function pickSelector(context: vscode.ExtensionContext, client: ReturnType<ClusterSession['hub']['client']>, ctx: string, namespace: string | undefined): Promise<string | undefined> {
  const counts = new Map<string, number>();
  try {
    const path = namespace ? `/api/v1/namespaces/${encodeURIComponent(namespace)}/pods` : '/api/v1/pods';
    const res = await client.getJson<{ items?: { metadata?: { labels?: Record<string, string> } }[] }>(path, { limit: 2000 }, client.requestContext('list', 'pods', undefined, namespace), 10_000);
    for (const p of res.body.items ?? []) {
      for (const [k, v] of Object.entries(p.metadata?.labels ?? {})) {
        if (NOISY_LABELS.has(k)) continue;
        counts.set(`${k}=${v}`, (counts.get(`${k}=${v}`) ?? 0) + 1);
      }
    }
  } catch {
    // Suggestions only; the user can still type a selector.
  }
  const recent = context.globalState
    .get<WatchScope[]>(RECENT_KEY, [])
    .filter((s) => s.context === ctx && s.namespace === namespace && s.labelSelector)
    .map((s) => s.labelSelector);
  const items: vscode.QuickPickItem[] = [
    ...[...new Set(recent)].map((s) => ({ label: s, description: 'recently used' })),
    ...[...counts.entries()].sort((a, b) => b[1] - a[1]).filter(([s]) => !recent.includes(s)).map(([s, n]) => ({ label: s, description: `${n} Pod${n === 1 ? '' : 's'}` })),
    { label: EVERY_POD, description: 'no selector' },
  ];
  return new Promise((resolve) => {
    const qp = vscode.window.createQuickPick();
    qp.title = `Pod IP Lens: label selector (${namespace ?? 'all namespaces'})`;
    qp.placeholder = 'app=backend, or tier in (web,api) — type any selector';
    qp.items = items;
    let done = false;
    qp.onDidAccept(() => {
      done = true;
      const chosen = qp.selectedItems[0]?.label;
      resolve(chosen === EVERY_POD ? '' : (chosen ?? qp.value));
      qp.hide();
    });
    qp.onDidHide(() => {
      if (!done) resolve(undefined);
      qp.dispose();
    });
    qp.show();
  });
}
