// Quick fixes for lint diagnostics. Plans come from src/core/lint as data; this file gathers the
// inputs (candidate Services from every registered source, workloads from the workspace index)
// and turns plans into WorkspaceEdits. Other features add Service sources (e.g. a live cluster)
// with registerServiceCandidateSource().
import * as vscode from 'vscode';
import { manifestVerdict } from '../core/manifest';
import {
  ManifestIndex,
  extractObjects,
  gatherCandidates,
  isRuleId,
  planCreateService,
  planDisableLine,
  planRemoveField,
  planServiceForHostAccess,
  planServiceReplacements,
  workloadOfFinding,
  type Finding,
  type FixPlan,
  type ServiceCandidate,
  type ServiceCandidateSource,
  type WorkloadCandidate,
} from '../core/lint';
import { LINT_SOURCE, readLintOptions, sharedLinter } from './diagnostics';

export type { ServiceCandidate, ServiceCandidateSource } from '../core/lint';

/** Services and workloads in the workspace's manifests, kept current by a FileSystemWatcher. */
export const workspaceIndex = new ManifestIndex();

const sources: ServiceCandidateSource[] = [workspaceIndex];

/** Adds a source of candidate Services (asked after the workspace manifests); dispose to remove. */
export function registerServiceCandidateSource(source: ServiceCandidateSource): vscode.Disposable {
  sources.push(source);
  return new vscode.Disposable(() => {
    const i = sources.indexOf(source);
    if (i > 0) sources.splice(i, 1);
  });
}

/**
 * What a live cluster knows of an IP: the Pod that holds it now and the workload that owns it. When
 * an IP is a known Pod's, only Services and workloads that select that Pod are offered.
 */
export interface LiveIpSource {
  readonly id: string;
  podFor(ip: string): Promise<{ namespace: string; labels: Record<string, string> } | undefined>;
  /** The Service whose ClusterIP is `ip`, when the IP is one. */
  serviceFor?(ip: string): Promise<{ namespace: string; name: string } | undefined>;
  /** The owner of the Pod holding `ip`, to build a Service from; `file` is the document being fixed. */
  workloadFor(ip: string, port: number | undefined, file: string): Promise<WorkloadCandidate | undefined>;
  /** The user invoked Quick Fix: a source that connects only when asked may connect now. */
  userAsked?(): void;
  /** For a light bulb that showed by itself: the title of an action that asks this source, if it waits to be asked. */
  askTitle?(): string | undefined;
}

/** Runs from the "look up fixes in the cluster" action: asks the live sources, then reopens Quick Fix. */
export const ASK_LIVE_SOURCES_COMMAND = 'podIpLens.lint.askCluster';

const liveSources: LiveIpSource[] = [];

export function registerLiveIpSource(source: LiveIpSource): vscode.Disposable {
  liveSources.push(source);
  return new vscode.Disposable(() => {
    const i = liveSources.indexOf(source);
    if (i >= 0) liveSources.splice(i, 1);
  });
}

/** Every label of the selector is on the Pod (an empty selector selects nothing here). */
function selectsPod(selector: Record<string, string>, pod: { labels: Record<string, string> }): boolean {
  const keys = Object.keys(selector);
  return keys.length > 0 && keys.every((k) => pod.labels[k] === selector[k]);
}

const MANIFEST_GLOB = '**/*.{yaml,yml,json}';
const EXCLUDE_GLOB = '**/{node_modules,.git}/**';
/** Most workloads offered for "Create a Service"; each may cost opening its file. */
const MAX_WORKLOAD_FIXES = 5;

/** Keeps workspaceIndex in step with the files: a full scan at start, then watcher events. */
class IndexMaintainer implements vscode.Disposable {
  private readonly disposables: vscode.Disposable[] = [];
  private readonly pending = new Map<string, NodeJS.Timeout>();
  readonly ready: Promise<void>;

  constructor(private readonly log: vscode.LogOutputChannel) {
    const watcher = vscode.workspace.createFileSystemWatcher(MANIFEST_GLOB);
    this.disposables.push(
      watcher,
      watcher.onDidCreate((u) => this.soon(u)),
      watcher.onDidChange((u) => this.soon(u)),
      watcher.onDidDelete((u) => workspaceIndex.remove(u.toString())),
      // Unsaved edits count too: a Service typed into an open file is offered right away.
      vscode.workspace.onDidChangeTextDocument((e) => {
        if (this.isManifestFile(e.document.uri)) this.soonFromDocument(e.document);
      }),
      vscode.workspace.onDidCloseTextDocument((d) => {
        if (this.isManifestFile(d.uri) && d.uri.scheme === 'file') this.soon(d.uri);
      }),
    );
    this.ready = this.scanAll();
  }

  private isManifestFile(uri: vscode.Uri): boolean {
    return /\.(ya?ml|json)$/i.test(uri.path);
  }

  private async scanAll(): Promise<void> {
    const t0 = performance.now();
    const uris = await vscode.workspace.findFiles(MANIFEST_GLOB, EXCLUDE_GLOB, 20_000);
    // A few at a time: the extension host stays responsive during the first scan.
    for (let i = 0; i < uris.length; i += 16) await Promise.all(uris.slice(i, i + 16).map((u) => this.indexFile(u)));
    this.log.info(`lint: indexed ${workspaceIndex.services().length} Services and ${workspaceIndex.workloads().length} workloads in ${workspaceIndex.fileCount} of ${uris.length} YAML/JSON files (${(performance.now() - t0).toFixed(0)} ms)`);
  }

  private soon(uri: vscode.Uri): void {
    const key = uri.toString();
    clearTimeout(this.pending.get(key));
    this.pending.set(key, setTimeout(() => {
      this.pending.delete(key);
      void this.indexFile(uri);
    }, 200));
  }

  private soonFromDocument(doc: vscode.TextDocument): void {
    const key = doc.uri.toString();
    clearTimeout(this.pending.get(key));
    this.pending.set(key, setTimeout(() => {
      this.pending.delete(key);
      if (!doc.isClosed) this.indexText(key, doc.getText());
    }, 300));
  }

  private indexText(key: string, text: string): void {
    const max = readLintOptions().maxLength ?? 0;
    if ((max > 0 && text.length > max) || !manifestVerdict(vscode.Uri.parse(key).path, text).manifest) workspaceIndex.remove(key);
    else workspaceIndex.update(key, text);
  }

  private async indexFile(uri: vscode.Uri): Promise<void> {
    const key = uri.toString();
    const open = vscode.workspace.textDocuments.find((d) => d.uri.toString() === key);
    if (open) return this.indexText(key, open.getText());
    try {
      const max = readLintOptions().maxLength ?? 0;
      const st = await vscode.workspace.fs.stat(uri);
      if (max > 0 && st.size > max) {
        workspaceIndex.remove(key);
        return;
      }
      this.indexText(key, new TextDecoder().decode(await vscode.workspace.fs.readFile(uri)));
    } catch (err) {
      workspaceIndex.remove(key);
      this.log.debug(`lint index: cannot read ${uri.fsPath}: ${err instanceof Error ? err.message : String(err)}`);
    }
  }

  dispose(): void {
    this.pending.forEach((t) => clearTimeout(t));
    this.disposables.forEach((d) => d.dispose());
  }
}

/** For a ClusterIP: its Service, as the cluster maps the port (a workspace copy would map it as a targetPort). */
function ownService(all: ServiceCandidate[], svc: { namespace: string; name: string }): ServiceCandidate[] {
  const own = all.filter((c) => c.name === svc.name && c.namespace === svc.namespace);
  const best = own.find((c) => c.source === 'cluster') ?? own[0];
  return best ? [best] : [];
}

function sameRange(doc: vscode.TextDocument, f: Finding, r: vscode.Range): boolean {
  return doc.offsetAt(r.start) === f.start && doc.offsetAt(r.end) === f.end;
}

export class LintCodeActions implements vscode.CodeActionProvider {
  static readonly kinds = [vscode.CodeActionKind.QuickFix];

  constructor(private readonly log: vscode.LogOutputChannel) {}

  async provideCodeActions(doc: vscode.TextDocument, _range: vscode.Range, context: vscode.CodeActionContext, token: vscode.CancellationToken): Promise<vscode.CodeAction[]> {
    if (context.only && !vscode.CodeActionKind.QuickFix.contains(context.only)) return [];
    const diags = context.diagnostics.filter((d) => d.source === LINT_SOURCE && typeof d.code === 'object' && isRuleId(String(d.code.value)));
    if (diags.length === 0) return [];
    // Quick Fix (Ctrl+.) is asking for fixes, the cluster's included. A light bulb computed because
    // the cursor moved onto a diagnostic is not: it gets the offline fixes, and an action to ask.
    const invoked = context.triggerKind === vscode.CodeActionTriggerKind.Invoke;
    if (invoked) for (const s of liveSources) s.userAsked?.();
    const text = doc.getText();
    const findings = sharedLinter.lint(text).findings;
    const file = doc.uri.toString();
    const actions: vscode.CodeAction[] = [];
    // Other files' texts, for positions of edits that append a Service to them.
    const texts = new Map<string, vscode.TextDocument>([[file, doc]]);
    for (const diag of diags) {
      const f = findings.find((x) => x.rule === (diag.code as { value: string }).value && sameRange(doc, x, diag.range));
      if (!f) continue;
      const plans = await this.plansFor(text, file, f, texts);
      if (token.isCancellationRequested) return [];
      for (const p of plans) {
        const a = this.toAction(p, doc, texts);
        if (!a) continue;
        a.diagnostics = [diag];
        actions.push(a);
      }
    }
    const ipDiags = diags.filter((d) => (d.code as { value: string }).value === 'ip-literal');
    if (!invoked && ipDiags.length) {
      for (const src of liveSources) {
        const title = src.askTitle?.();
        if (!title) continue;
        const ask = new vscode.CodeAction(title, vscode.CodeActionKind.QuickFix);
        ask.command = { command: ASK_LIVE_SOURCES_COMMAND, title };
        ask.diagnostics = ipDiags;
        actions.push(ask);
      }
    }
    return actions;
  }

  private async plansFor(text: string, file: string, f: Finding, texts: Map<string, vscode.TextDocument>): Promise<FixPlan[]> {
    const plans: FixPlan[] = [];
    if (f.rule === 'ip-literal' && f.ip !== undefined) {
      const ip = f.ip;
      const warn = (id: string, err: unknown) => this.log.warn(`lint: source ${id} failed: ${err instanceof Error ? err.message : String(err)}`);
      const [found, services, all] = await Promise.all([
        Promise.all(liveSources.map((src) => src.podFor(ip).catch((err: unknown) => void warn(src.id, err)))),
        Promise.all(liveSources.map((src) => src.serviceFor?.(ip).catch((err: unknown) => void warn(src.id, err)))),
        gatherCandidates(sources, ip, f.port, f.namespace, warn),
      ]);
      const livePod = found.find((p) => p !== undefined);
      const clusterService = services.find((s) => s !== undefined);
      // A cluster that knows the IP's Pod rules out workspace Services and workloads that do not
      // select it; a ClusterIP leaves only its own Service.
      const candidates = livePod
        ? all.filter((c) => c.source !== 'workspace' || (c.namespace === livePod.namespace && workspaceIndex.services(c.namespace).some((s) => s.name === c.name && selectsPod(s.selector, livePod))))
        : clusterService
          ? ownService(all, clusterService)
          : all;
      plans.push(...planServiceReplacements(f, candidates));
      const taken = new Set(workspaceIndex.services(f.namespace).map((s) => s.name));
      const workloads = workspaceIndex
        .workloadsFor(f.port, livePod?.namespace ?? f.namespace)
        .filter((c) => !livePod || selectsPod(c.workload.podLabels, livePod));
      for (const candidate of workloads.slice(0, MAX_WORKLOAD_FIXES)) {
        const wfile = candidate.workload.file;
        let wdoc = texts.get(wfile);
        if (!wdoc) {
          try {
            wdoc = await vscode.workspace.openTextDocument(vscode.Uri.parse(wfile));
            texts.set(wfile, wdoc);
          } catch {
            continue; // deleted since it was indexed
          }
        }
        plans.push(...planCreateService({ text, file, finding: f, candidate, workloadFileText: wfile === file ? undefined : wdoc.getText(), takenNames: taken }));
      }
      if (livePod && candidates.length === 0 && workloads.length === 0) {
        for (const source of liveSources) {
          const candidate = await source.workloadFor(ip, f.port, file).catch((err: unknown) => void warn(source.id, err));
          if (!candidate) continue;
          for (const p of planCreateService({ text, file, finding: f, candidate, takenNames: taken })) plans.push({ ...p, title: `${p.title} (from ${source.id})` });
          break;
        }
      }
    } else {
      plans.push(...planRemoveField(f));
      const workload = workloadOfFinding(extractObjects(text.slice(f.documentStart, f.documentEnd), file).workloads.map((w) => ({ ...w, document: f.document })), f);
      const taken = new Set(workspaceIndex.services(f.namespace).map((s) => s.name));
      plans.push(...planServiceForHostAccess(text, file, f, workload, taken));
    }
    plans.push(...planDisableLine(text, f));
    return plans;
  }

  private toAction(plan: FixPlan, doc: vscode.TextDocument, texts: Map<string, vscode.TextDocument>): vscode.CodeAction | undefined {
    const edit = new vscode.WorkspaceEdit();
    for (const e of plan.edits) {
      const target = e.file === undefined ? doc : texts.get(e.file);
      if (!target) return undefined;
      edit.replace(target.uri, new vscode.Range(target.positionAt(e.start), target.positionAt(e.end)), e.newText);
    }
    if (plan.createFile) {
      const nextTo = vscode.Uri.parse(plan.createFile.nextTo);
      if (nextTo.scheme === 'untitled') return undefined; // an unsaved file has no folder to put a new one in
      const dir = vscode.Uri.joinPath(nextTo, '..');
      const uri = vscode.Uri.joinPath(dir, plan.createFile.name);
      // Created empty and filled by an insert: `contents` does not survive every route a code
      // action's edit takes to the workbench (e.g. vscode.executeCodeActionProvider).
      edit.createFile(uri, { ignoreIfExists: false });
      edit.insert(uri, new vscode.Position(0, 0), plan.createFile.content);
    }
    const action = new vscode.CodeAction(plan.title, vscode.CodeActionKind.QuickFix);
    action.edit = edit;
    action.isPreferred = plan.isPreferred;
    return action;
  }
}

export function registerCodeActions(context: vscode.ExtensionContext, log: vscode.LogOutputChannel): void {
  const maintainer = new IndexMaintainer(log);
  context.subscriptions.push(
    maintainer,
    vscode.commands.registerCommand(ASK_LIVE_SOURCES_COMMAND, async () => {
      for (const s of liveSources) s.userAsked?.();
      await vscode.commands.executeCommand('editor.action.quickFix');
    }),
    vscode.languages.registerCodeActionsProvider(
      [{ scheme: 'file' }, { scheme: 'untitled' }],
      new LintCodeActions(log),
      { providedCodeActionKinds: LintCodeActions.kinds },
    ),
  );
}
