// The timeline WebviewPanel: streams a TimelineFeed to the d3 app in webview/ (through
// src/core/protocol/stream: a packed snapshot, then adaptive batches chained by seq, acked by the
// page), opens Pod YAML read-only, saves exports through a save dialog (opened outside the workspace), and is restored after a
// window reload by a WebviewPanelSerializer. No retainContextWhenHidden: the view keeps its own
// small state with setState, and the host sends a fresh snapshot whenever the panel becomes
// visible again, while the feed keeps running in the background.
import * as vscode from 'vscode';
import { randomBytes } from 'node:crypto';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import type { PodSummary, TimelineFeed, WatchScope } from '../core/events';
import { parseViewState, parseWebviewMessage, timelinePageHtml, type ExportFormat, type HostMessage, type WebviewMessage } from '../core/protocol';
import { TimelineStream } from '../core/protocol/stream';
import { workspaceIndex } from './codeActions';
import { PanelReferences } from './timelineReferences';

export const TIMELINE_VIEW_TYPE = 'podIpLens.timeline';
export const POD_YAML_SCHEME = 'pod-ip-lens-pod';

export interface TimelinePanelOptions {
  /** The live Pod manifest as YAML (e.g. from a GET on the API server); absent → last known summary. */
  getPodYaml?: (uid: string) => Promise<string>;
  /** Called once when the panel closes (or moves to another feed), e.g. to stop the feed's watches. */
  onDispose?: () => void;
  /**
   * The panel shows the cluster in use (the default context), not one chosen by name: when the user
   * switches (another kubeconfig or context, the demo cluster starting or stopping), it follows.
   */
  followsDefault?: boolean;
  /** Where a new panel opens (default: the active column). */
  viewColumn?: vscode.ViewColumn;
}

/** What the serializer needs to rebuild a panel after a reload: a feed for the saved scope. */
export type RestoreTimeline = (scope: WatchScope) => Promise<({ feed: TimelineFeed } & TimelinePanelOptions) | undefined>;

type Log = Pick<vscode.LogOutputChannel, 'info' | 'warn' | 'error' | 'debug'>;

const open = new Map<string, TimelinePanel>();

/** Panels are bound to a server: the same context name in two kubeconfigs is two panels. */
function scopeKey(s: WatchScope): string {
  return JSON.stringify([s.server ?? null, s.context, s.namespace ?? null, s.labelSelector]);
}

/** Where a scope's Pods come from, for the Output log and tooltips: `context (https://host:port)`. */
export function describeScope(s: WatchScope): string {
  return `${s.context}${s.server ? ` (${s.server})` : ''} / ${s.namespace ?? 'all namespaces'} / ${s.labelSelector || '(all Pods)'}`;
}

export function timelineTitle(s: WatchScope): string {
  return `Pod IPs: ${s.namespace ?? 'all namespaces'}${s.labelSelector ? ` (${s.labelSelector})` : ''}`;
}

/** Opens (or reveals) the timeline for the feed's scope. */
export function openTimelinePanel(context: vscode.ExtensionContext, feed: TimelineFeed, log: Log, options: TimelinePanelOptions = {}): TimelinePanel {
  const existing = open.get(scopeKey(feed.scope));
  if (existing) {
    existing.panel.reveal();
    // The caller made a new feed for a scope that is already shown; it is not needed.
    options.onDispose?.();
    return existing;
  }
  const panel = vscode.window.createWebviewPanel(TIMELINE_VIEW_TYPE, timelineTitle(feed.scope), { viewColumn: options.viewColumn ?? vscode.ViewColumn.Active, preserveFocus: false }, webviewOptions(context));
  return new TimelinePanel(panel, context, feed, log, options);
}

/**
 * Registers the serializer (restores panels after a window reload) and the read-only Pod YAML
 * documents. Call once from activate(); package.json needs `onWebviewPanel:podIpLens.timeline`.
 */
export function registerTimelinePanel(context: vscode.ExtensionContext, log: Log, restore: RestoreTimeline): vscode.Disposable {
  const subs: vscode.Disposable[] = [];
  subs.push(vscode.workspace.registerTextDocumentContentProvider(POD_YAML_SCHEME, podYamlProvider));
  subs.push(
    vscode.window.registerWebviewPanelSerializer(TIMELINE_VIEW_TYPE, {
      async deserializeWebviewPanel(panel: vscode.WebviewPanel, state: unknown) {
        const view = parseViewState(state);
        if (!view.scope) {
          log.warn('timeline: a restored panel had no saved scope; closing it');
          panel.dispose();
          return;
        }
        try {
          const source = await restore(view.scope);
          if (!source) {
            panel.dispose();
            return;
          }
          panel.webview.options = webviewOptions(context);
          panel.title = timelineTitle(view.scope);
          const { feed, ...options } = source;
          new TimelinePanel(panel, context, feed, log, options);
        } catch (e) {
          log.error(`timeline: could not restore the panel for ${timelineTitle(view.scope)}: ${(e as Error).message}`);
          panel.dispose();
        }
      },
    }),
  );
  return vscode.Disposable.from(...subs);
}

function webviewOptions(context: vscode.ExtensionContext): vscode.WebviewPanelOptions & vscode.WebviewOptions {
  return {
    enableScripts: true,
    enableFindWidget: true,
    retainContextWhenHidden: false,
    localResourceRoots: [vscode.Uri.joinPath(context.extensionUri, 'dist', 'webview'), vscode.Uri.joinPath(context.extensionUri, 'media')],
  };
}

export class TimelinePanel {
  private ready = false;
  private readonly subs: vscode.Disposable[] = [];
  private stream: TimelineStream;
  /** The References section: the workspace's manifest literals joined with this feed. */
  references: PanelReferences;
  private disposed = false;
  private webviewErrors = 0;

  constructor(
    readonly panel: vscode.WebviewPanel,
    private readonly context: vscode.ExtensionContext,
    private currentFeed: TimelineFeed,
    private readonly log: Log,
    private options: TimelinePanelOptions,
  ) {
    open.set(scopeKey(currentFeed.scope), this);
    // The feed keeps running while the panel is hidden; nothing is posted then, and a snapshot
    // brings the view up to date when it is shown again.
    this.stream = new TimelineStream(currentFeed, (m) => this.post(m));
    this.references = this.referencesFor(currentFeed);
    this.subs.push(panel.webview.onDidReceiveMessage((m: unknown) => this.onMessage(m)));
    let wasVisible = panel.visible;
    this.subs.push(
      panel.onDidChangeViewState((e) => {
        // This also fires on focus and column changes; only a hidden → visible change matters.
        const visible = e.webviewPanel.visible;
        const shown = visible && !wasVisible;
        wasVisible = visible;
        if (shown) {
          // Usually the page was torn down and will say `ready` (which brings a snapshot); if it
          // was kept, it missed the events posted while hidden and needs the snapshot now.
          if (this.ready) this.sendSnapshot();
        } else if (!visible) {
          // The webview's page is torn down when hidden; it says `ready` again when shown.
          this.ready = false;
          this.stream.suspend();
        }
      }),
    );
    this.subs.push(panel.onDidDispose(() => this.dispose()));
    panel.webview.html = this.html();
  }

  get feed(): TimelineFeed {
    return this.currentFeed;
  }

  private referencesFor(feed: TimelineFeed): PanelReferences {
    return new PanelReferences(feed, workspaceIndex, (m) => {
      if (!this.ready || this.disposed) return false;
      this.post(m);
      return true;
    }, this.log);
  }

  get followsDefault(): boolean {
    return this.options.followsDefault === true;
  }

  /**
   * Shows another feed in this panel (the user switched clusters): the old feed is released, the
   * title follows, and the page gets a snapshot of the new one, whose scope names its server.
   */
  rebind(feed: TimelineFeed, options: TimelinePanelOptions): void {
    if (this.disposed) {
      options.onDispose?.();
      return;
    }
    const old = { feed: this.currentFeed, options: this.options, stream: this.stream };
    if (open.get(scopeKey(old.feed.scope)) === this) open.delete(scopeKey(old.feed.scope));
    this.currentFeed = feed;
    this.options = { ...options, viewColumn: undefined };
    open.set(scopeKey(feed.scope), this);
    old.stream.dispose();
    this.references.dispose();
    this.stream = new TimelineStream(feed, (m) => this.post(m));
    this.references = this.referencesFor(feed);
    this.panel.title = timelineTitle(feed.scope);
    try {
      old.options.onDispose?.();
    } catch (e) {
      this.log.warn(`timeline: releasing the previous watch failed: ${(e as Error).message}`);
    }
    if (this.ready && this.panel.visible) this.sendSnapshot();
  }

  /** Messages posted, for tests and the output channel. */
  get stats(): { snapshots: number; eventMessages: number; events: number; skippedWhileHidden: number; webviewErrors: number; largestBatch: number } {
    const s = this.stream.stats;
    return { snapshots: s.snapshots, eventMessages: s.eventMessages, events: s.events, skippedWhileHidden: s.skippedWhileInactive, webviewErrors: this.webviewErrors, largestBatch: s.largestBatch };
  }

  private html(): string {
    const webview = this.panel.webview;
    const dist = vscode.Uri.joinPath(this.context.extensionUri, 'dist', 'webview');
    return timelinePageHtml({
      nonce: randomBytes(18).toString('base64'),
      resourceSource: webview.cspSource,
      title: timelineTitle(this.feed.scope),
      script: { src: webview.asWebviewUri(vscode.Uri.joinPath(dist, 'main.js')).toString() },
      style: { href: webview.asWebviewUri(vscode.Uri.joinPath(dist, 'main.css')).toString() },
    });
  }

  private post(m: HostMessage): void {
    this.panel.webview.postMessage(m).then(
      (delivered) => {
        if (!delivered) this.log.debug(`timeline: a ${m.type} message was not delivered (panel hidden or closing)`);
      },
      (e: unknown) => this.log.warn(`timeline: posting to the webview failed: ${(e as Error).message}`),
    );
  }

  sendSnapshot(): void {
    if (this.disposed) return;
    this.stream.sendSnapshot();
    this.references.resend();
  }

  private onMessage(raw: unknown): void {
    const parsed = parseWebviewMessage(raw);
    if (!parsed.ok) {
      this.log.warn(`timeline: ignored a message from the webview: ${parsed.error}`);
      return;
    }
    const m: WebviewMessage = parsed.value;
    switch (m.type) {
      case 'ready':
        this.ready = true;
        this.sendSnapshot();
        return;
      case 'request-snapshot':
        if (m.reason) this.log.warn(`timeline: the webview asked for a fresh snapshot: ${m.reason}`);
        this.sendSnapshot();
        return;
      case 'drawn':
        this.stream.drawn(m.seq);
        return;
      case 'open-pod':
        void this.openPodYaml(m.uid, m.pod);
        return;
      case 'open-reference':
        void this.openReference(m.id);
        return;
      case 'export':
        void this.export(m.format, m.data);
        return;
      case 'log':
        if (m.level === 'error') this.webviewErrors++;
        this.log[m.level === 'warn' ? 'warn' : m.level](`timeline webview: ${m.message}`);
        return;
    }
  }

  async openPodYaml(uid: string, podName?: string): Promise<vscode.TextEditor | undefined> {
    const pod = this.feed.podSummaries([uid])[0];
    const name = pod ? `${pod.namespace}/${pod.name}` : podName ?? uid;
    const uri = vscode.Uri.from({ scheme: POD_YAML_SCHEME, path: `/${name}.yaml`, query: new URLSearchParams({ uid }).toString() });
    podSources.set(uid, { pod, name, getPodYaml: this.options.getPodYaml });
    podYamlProvider.refresh(uri);
    try {
      const doc = await vscode.workspace.openTextDocument(uri);
      // Next to the timeline (not next to whatever editor is active), reusing one preview tab.
      const column = this.panel.viewColumn !== undefined ? this.panel.viewColumn + 1 : vscode.ViewColumn.Beside;
      return await vscode.window.showTextDocument(doc, { viewColumn: column, preview: true, preserveFocus: false });
    } catch (e) {
      const message = `Could not open the YAML of ${name}: ${(e as Error).message}`;
      this.log.warn(`timeline: ${message}`);
      this.post({ type: 'notice', level: 'error', message });
      return undefined;
    }
  }

  /** Opens a references row's manifest at its literal, next to the timeline. */
  openReference(id: string): Promise<vscode.TextEditor | undefined> {
    return this.references.open(id, this.panel.viewColumn !== undefined ? this.panel.viewColumn + 1 : undefined);
  }

  async export(format: ExportFormat, data: string): Promise<vscode.Uri | undefined> {
    const stamp = new Date().toISOString().replace(/[:.]/g, '-').slice(0, 19);
    const base = await defaultExportFolder(this.context);
    const filters: Record<ExportFormat, Record<string, string[]>> = { svg: { 'SVG image': ['svg'] }, png: { 'PNG image': ['png'] }, json: { 'Timeline snapshot (JSON)': ['json'] } };
    const target = await vscode.window.showSaveDialog({
      defaultUri: vscode.Uri.joinPath(base, `pod-ip-timeline-${stamp}.${format}`),
      filters: filters[format],
      saveLabel: `Export ${format.toUpperCase()}`,
      title: 'Export the Pod IP timeline',
    });
    if (!target) return undefined;
    let bytes: Uint8Array;
    if (format === 'png') bytes = Buffer.from(data.slice(data.indexOf(',') + 1), 'base64');
    else if (format === 'svg') bytes = Buffer.from(data, 'utf8');
    else {
      const refs = this.references.current;
      bytes = Buffer.from(`${JSON.stringify(refs.length ? { ...this.feed.snapshot(), references: refs } : this.feed.snapshot(), null, 2)}\n`, 'utf8');
    }
    try {
      await vscode.workspace.fs.writeFile(target, bytes);
      await this.context.globalState.update(LAST_EXPORT_FOLDER, vscode.Uri.joinPath(target, '..').toString());
      this.log.info(`timeline: exported ${format.toUpperCase()} to ${target.toString(true)} (${bytes.byteLength} bytes)`);
      this.post({ type: 'notice', level: 'info', message: `Saved ${target.path.split('/').pop()}` });
      return target;
    } catch (e) {
      const message = `Could not save ${target.toString(true)}: ${(e as Error).message}`;
      this.log.error(`timeline: ${message}`);
      void vscode.window.showErrorMessage(message);
      return undefined;
    }
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    if (open.get(scopeKey(this.feed.scope)) === this) open.delete(scopeKey(this.feed.scope));
    this.stream.dispose();
    this.references.dispose();
    for (const s of this.subs.splice(0)) s.dispose();
    this.panel.dispose();
    try {
      this.options.onDispose?.();
    } catch (e) {
      this.log.warn(`timeline: cleanup after closing failed: ${(e as Error).message}`);
    }
  }
}

const LAST_EXPORT_FOLDER = 'podIpLens.timeline.lastExportFolder';

async function isFolder(uri: vscode.Uri): Promise<boolean> {
  return vscode.workspace.fs.stat(uri).then(
    (st) => (st.type & vscode.FileType.Directory) !== 0,
    () => false,
  );
}

/**
 * Where the save dialog of an export opens: the folder of the last export (the user chose it),
 * else Downloads, else the home folder. Not the workspace: an image of the timeline is not part
 * of the project (under `npm run demo` the workspace is the repository's fixture folder).
 */
export async function defaultExportFolder(context: vscode.ExtensionContext): Promise<vscode.Uri> {
  const last = context.globalState.get<string>(LAST_EXPORT_FOLDER);
  if (last) {
    try {
      const uri = vscode.Uri.parse(last, true);
      if (await isFolder(uri)) return uri;
    } catch {
      // Not a URI (an older or edited state): ignored.
    }
  }
  const downloads = vscode.Uri.file(join(homedir(), 'Downloads'));
  return (await isFolder(downloads)) ? downloads : vscode.Uri.file(homedir());
}

/** The open timeline panels (tests read the webview through these). */
export function openTimelinePanels(): TimelinePanel[] {
  return [...open.values()];
}

// ---------------------------------------------------------------- read-only Pod YAML documents

interface PodSource {
  pod?: PodSummary;
  name: string;
  getPodYaml?: (uid: string) => Promise<string>;
}
const podSources = new Map<string, PodSource>();

class PodYamlProvider implements vscode.TextDocumentContentProvider {
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changed.event;

  refresh(uri: vscode.Uri): void {
    this.changed.fire(uri);
  }

  async provideTextDocumentContent(uri: vscode.Uri): Promise<string> {
    const uid = new URLSearchParams(uri.query).get('uid') ?? '';
    const src = podSources.get(uid);
    if (!src) return `# Pod ${uid}: nothing is known about it in this window (open it again from the timeline).\n`;
    let why = 'no live source for Pod manifests in this session';
    if (src.getPodYaml) {
      try {
        return await src.getPodYaml(uid);
      } catch (e) {
        why = (e as Error).message;
      }
    }
    // The Pod may be long gone (that is the point of the timeline): show what the watch last saw.
    const header = `# ${src.name} (uid ${uid})\n# The live manifest is not available: ${why}.\n# Below: what the watch last saw of this Pod.\n`;
    return `${header}${src.pod ? stringify(src.pod) : '# (no summary: the Pod was only seen in events)\n'}`;
  }
}
const podYamlProvider = new PodYamlProvider();
