// The "ephemeral Pod IP" walkthrough's commands. Each step completes on its own command (or, for
// the fix, on the sample manifest no longer holding the Pod IPs), never on one shared by others.
// The sample manifest is a real file in the workspace, written with the IPs of backend Pods
// running when it is opened, so the hover names a Pod and the fixes come from the cluster.
import * as vscode from 'vscode';
import { isWrittenSample, probeCommand, renderSampleManifest, sampleFixed, SAMPLE_FILE_NAME, type BackendPodIp } from '../core/workshop';
import type { ClusterSession } from './clusterSession';
import { plainMessage } from './markdown';

type Log = Pick<vscode.LogOutputChannel, 'info' | 'warn' | 'error' | 'debug'>;

export const WALKTHROUGH_ID = 'podIpLens.lesson';
const NAMESPACE = 'default';
const SELECTOR = 'app=backend';
const SAMPLE_STATE = 'podIpLens.walkthrough.sample';
/** Context key that completes the "fix" step. */
export const SAMPLE_FIXED_KEY = 'podIpLens.walkthrough.sampleFixed';

/** The terminal commands of the steps, one command id per button. */
export const STEP_COMMANDS: Record<string, string> = {
  'podIpLens.walkthrough.createBackend': 'kubectl create deployment backend --image=nginx:1.28 --replicas=2',
  'podIpLens.walkthrough.showIps': 'kubectl get pods -o wide -l app=backend',
  'podIpLens.walkthrough.setImage': 'kubectl set image deployment/backend nginx=nginx:1.25',
  'podIpLens.walkthrough.probeLogs': 'kubectl logs probe --tail=6',
};

interface SampleState {
  uri: string;
  ips: string[];
}

export function registerWalkthrough(context: vscode.ExtensionContext, session: ClusterSession, log: Log): void {
  const run = (command: string) => vscode.commands.executeCommand<boolean>('podIpLens.runInDemoTerminal', command);
  const sample = () => context.workspaceState.get<SampleState>(SAMPLE_STATE);
  let fixed: boolean | undefined;
  const checkFixed = (doc: vscode.TextDocument) => {
    const s = sample();
    if (!s || doc.uri.toString() !== s.uri) return;
    const now = sampleFixed(doc.getText(), s.ips);
    if (now === fixed) return;
    fixed = now;
    void vscode.commands.executeCommand('setContext', SAMPLE_FIXED_KEY, now);
    if (now) log.info(`walkthrough: the sample manifest no longer holds the Pod IP${s.ips.length > 1 ? 's' : ''} ${s.ips.join(', ')}`);
  };

  context.subscriptions.push(
    ...Object.entries(STEP_COMMANDS).map(([id, command]) => vscode.commands.registerCommand(id, () => run(command))),
    vscode.commands.registerCommand('podIpLens.walkthrough.openTimeline', () =>
      vscode.commands.executeCommand('podIpLens.openTimeline', { namespace: NAMESPACE, labelSelector: SELECTOR, beside: true }),
    ),
    vscode.commands.registerCommand('podIpLens.openSampleManifest', () =>
      // A new sample holds its IPs again: the fix step is not done.
      openSampleManifest(context, session, log, (doc) => ((fixed = undefined), checkFixed(doc))),
    ),
    vscode.commands.registerCommand('podIpLens.walkthrough.startProbe', async () => {
      // The IP the sample manifest holds (if it still does: the state outlives the file), so the
      // probe and the manifest break together; else a backend Pod's IP now.
      const s = sample();
      let ip: string | undefined;
      try {
        const text = s ? new TextDecoder().decode(await vscode.workspace.fs.readFile(vscode.Uri.parse(s.uri))) : '';
        ip = s?.ips.find((x) => text.includes(x));
      } catch {
        // The sample is gone: a Pod's IP now, below.
      }
      try {
        ip ??= (await backendPodIps(session, log))?.[0]?.ip;
      } catch (e) {
        const message = `Cannot start the probe: the cluster did not say which backend Pods run (${(e as Error).message}).`;
        log.warn(`walkthrough: ${message}`);
        void vscode.window.showErrorMessage(plainMessage(message));
        return false;
      }
      if (!ip) {
        void vscode.window.showWarningMessage('No backend Pod holds an IP yet: run "Create backend" first, then "Open Sample Manifest".');
        return false;
      }
      return run(`kubectl expose deployment backend --port=80 --target-port=80; ${probeCommand(ip, 'backend', NAMESPACE)}`);
    }),
    vscode.commands.registerCommand('podIpLens.openWalkthrough', async () => {
      // In the first column, over the manifest, so the timeline (opened beside) stays in view.
      await vscode.commands.executeCommand('workbench.action.focusFirstEditorGroup');
      return vscode.commands.executeCommand('workbench.action.openWalkthrough', `${context.extension.id}#${WALKTHROUGH_ID}`, false);
    }),
    vscode.workspace.onDidChangeTextDocument((e) => checkFixed(e.document)),
    vscode.workspace.onDidOpenTextDocument(checkFixed),
    vscode.workspace.onDidSaveTextDocument(checkFixed),
  );
  for (const doc of vscode.workspace.textDocuments) checkFixed(doc);
}

/** Backend Pods with an IP now, oldest first (waits up to `waitMs` for one, e.g. right after `create`). */
async function backendPodIps(session: ClusterSession, log: Log, waitMs = 0): Promise<BackendPodIp[] | undefined> {
  if (!session.request('the sample manifest', true)) return undefined;
  const client = session.hub.client(session.defaultContext());
  const deadline = Date.now() + waitMs;
  for (;;) {
    type PodList = { items?: { metadata?: { name?: string; creationTimestamp?: string; deletionTimestamp?: string }; status?: { phase?: string; podIP?: string } }[] };
    const res = await client.getJson<PodList>(`/api/v1/namespaces/${NAMESPACE}/pods`, { labelSelector: SELECTOR }, client.requestContext('list', 'pods', undefined, NAMESPACE, SELECTOR), 10_000);
    const items = (res.body.items ?? []).filter((p) => !p.metadata?.deletionTimestamp);
    const pods = items
      .filter((p) => p.status?.phase === 'Running' && p.status.podIP)
      .sort((a, b) => (a.metadata?.creationTimestamp ?? '').localeCompare(b.metadata?.creationTimestamp ?? '') || (a.metadata?.name ?? '').localeCompare(b.metadata?.name ?? ''))
      .map((p) => ({ name: p.metadata?.name ?? '?', ip: p.status!.podIP! }));
    // Right after `create` some Pods are still starting: wait for all of them, so the sample holds
    // the IP of each (while the deadline allows).
    if ((pods.length && pods.length === items.length) || Date.now() >= deadline) {
      log.info(`walkthrough: backend Pods with an IP on ${client.server}: ${pods.map((p) => `${p.name} ${p.ip}`).join(', ') || 'none'}`);
      return pods;
    }
    await new Promise((r) => setTimeout(r, 500));
  }
}

/** Where the sample goes: the first workspace folder, else the extension's storage (a real file either way). */
function sampleUri(context: vscode.ExtensionContext): vscode.Uri {
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
  return vscode.Uri.joinPath(folder ?? vscode.Uri.joinPath(context.globalStorageUri, 'walkthrough'), SAMPLE_FILE_NAME);
}

async function openSampleManifest(context: vscode.ExtensionContext, session: ClusterSession, log: Log, onWritten: (doc: vscode.TextDocument) => void): Promise<vscode.TextEditor | undefined> {
  let pods: BackendPodIp[] | undefined;
  try {
    pods = await vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: 'Pod IP Lens: looking for backend Pods' }, () => backendPodIps(session, log, 20_000));
  } catch (e) {
    const message = `Cannot write the sample manifest: the cluster did not say which backend Pods run (${(e as Error).message}). Start the demo cluster first.`;
    log.warn(`walkthrough: ${message}`);
    void vscode.window.showErrorMessage(plainMessage(message), 'Start Demo Cluster').then((c) => c && vscode.commands.executeCommand('podIpLens.startDemoCluster'));
    return undefined;
  }
  if (!pods) return undefined;
  if (!pods.length) {
    void vscode.window.showWarningMessage('No backend Pod holds an IP yet: run "Create backend" (kubectl create deployment backend --image=nginx:1.28 --replicas=2) first.');
    return undefined;
  }
  const template = new TextDecoder().decode(await vscode.workspace.fs.readFile(vscode.Uri.joinPath(context.extensionUri, 'media', 'walkthrough', SAMPLE_FILE_NAME)));
  const { text, ips } = renderSampleManifest(template, pods, new Date());
  const uri = sampleUri(context);
  // Never over the user's own work: a file of that name that Pod IP Lens did not write, or unsaved edits.
  const open = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
  let existing: string | undefined;
  try {
    existing = new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));
  } catch {
    // Not there yet.
  }
  if ((existing !== undefined && !isWrittenSample(existing)) || open?.isDirty) {
    const replace = 'Replace It';
    const choice = await vscode.window.showWarningMessage(
      `${vscode.workspace.asRelativePath(uri)} ${open?.isDirty ? 'has unsaved changes' : 'was not written by Pod IP Lens'}. Replace it with the sample manifest (with the IPs of the backend Pods running now)?`,
      { modal: true },
      replace,
    );
    if (choice !== replace) return undefined;
  }
  // The IP-history watch from now on, so that after the rollout the hover and the fixes still know
  // who held the sample's IPs (opening the sample is a request for the cluster's view of them).
  session.historyFeed();
  if (open) {
    // Through the open document, so it holds the new text as soon as this returns.
    const edit = new vscode.WorkspaceEdit();
    edit.replace(uri, new vscode.Range(open.positionAt(0), open.positionAt(open.getText().length)), text);
    await vscode.workspace.applyEdit(edit);
    await open.save();
  } else {
    await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(text));
  }
  await context.workspaceState.update(SAMPLE_STATE, { uri: uri.toString(), ips } satisfies SampleState);
  log.info(`walkthrough: wrote ${uri.toString(true)} with the Pod IP${ips.length > 1 ? 's' : ''} ${ips.join(', ')}`);
  const doc = await vscode.workspace.openTextDocument(uri);
  onWritten(doc);
  // Next to the timeline when one is open; the walkthrough keeps its own column.
  return vscode.window.showTextDocument(doc, { viewColumn: vscode.ViewColumn.One, preview: false });
}
