// "Audit Cluster for Hard-Coded IPs": the live cluster's workloads and ConfigMaps, linted with the
// manifest rules and classified against the cluster, shown as a tree in the Explorer (object →
// findings). An entry opens the live object, as the audit read it, in a read-only YAML document
// at the literal, with the finding as a diagnostic there.
import * as vscode from 'vscode';
import type { AuditFinding } from '../core/audit';
import type { Severity } from '../core/lint';
import { auditWithClient, objectKey, type AuditRun } from '../kube/audit';
import { describeError, type ClusterSession } from './clusterSession';
import { clusterSeverities, pastHolders } from './clusterClassification';
import { plainMessage } from './markdown';

type Log = Pick<vscode.LogOutputChannel, 'info' | 'warn' | 'error' | 'debug'>;

export const LIVE_SCHEME = 'pod-ip-lens-live';
export const AUDIT_VIEW = 'podIpLens.audit';

const ICON: Record<Severity, vscode.ThemeIcon> = {
  error: new vscode.ThemeIcon('error', new vscode.ThemeColor('problemsErrorIcon.foreground')),
  warning: new vscode.ThemeIcon('warning', new vscode.ThemeColor('problemsWarningIcon.foreground')),
  info: new vscode.ThemeIcon('info', new vscode.ThemeColor('problemsInfoIcon.foreground')),
  hint: new vscode.ThemeIcon('lightbulb'),
};
const SEVERITY: Record<Severity, vscode.DiagnosticSeverity> = {
  error: vscode.DiagnosticSeverity.Error,
  warning: vscode.DiagnosticSeverity.Warning,
  info: vscode.DiagnosticSeverity.Information,
  hint: vscode.DiagnosticSeverity.Hint,
};
const RANK: Record<Severity, number> = { error: 3, warning: 2, info: 1, hint: 0 };

type Node = { kind: 'object'; key: string; findings: AuditFinding[] } | { kind: 'finding'; finding: AuditFinding };

/** The document an object opens as: `pod-ip-lens-live:/<context>/<Kind>/<namespace>/<name>.yaml`. */
export function liveUri(context: string, f: { kind: string; namespace?: string; name: string }): vscode.Uri {
  const seg = (s: string) => encodeURIComponent(s);
  return vscode.Uri.from({ scheme: LIVE_SCHEME, path: `/${seg(context)}/${seg(f.kind)}/${seg(f.namespace ?? '-')}/${seg(f.name)}.yaml` });
}

export class AuditTree implements vscode.TreeDataProvider<Node>, vscode.TextDocumentContentProvider {
  private run?: AuditRun;
  private readonly changed = new vscode.EventEmitter<Node | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly docChanged = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.docChanged.event;
  readonly diagnostics = vscode.languages.createDiagnosticCollection('pod-ip-lens-audit');

  show(run: AuditRun): void {
    this.run = run;
    this.diagnostics.clear();
    for (const [key, findings] of this.byObject()) {
      const uri = liveUri(run.context, findings[0]);
      const text = run.objects.get(key) ?? '';
      const lines = text.split('\n');
      this.diagnostics.set(
        uri,
        findings.map((f) => {
          const line = Math.max(0, f.line - 1);
          const col = Math.max(0, f.column - 1);
          const end = Math.min((lines[line] ?? '').length, col + f.literal.length);
          const d = new vscode.Diagnostic(new vscode.Range(line, col, line, end), f.message, SEVERITY[f.severity]);
          d.source = 'Pod IP Lens audit';
          d.code = f.class;
          return d;
        }),
      );
      this.docChanged.fire(uri);
    }
    this.changed.fire(undefined);
  }

  private byObject(): Map<string, AuditFinding[]> {
    const m = new Map<string, AuditFinding[]>();
    for (const f of this.run?.findings ?? []) {
      const k = objectKey(f);
      const list = m.get(k);
      if (list) list.push(f);
      else m.set(k, [f]);
    }
    return m;
  }

  getChildren(node?: Node): Node[] {
    if (!node) {
      const roots = [...this.byObject()].map(([key, findings]) => ({ kind: 'object' as const, key, findings }));
      // The worst first: a reused IP reaches the wrong service now.
      const worst = (n: { findings: AuditFinding[] }) => Math.max(...n.findings.map((f) => RANK[f.severity]));
      return roots.sort((a, b) => worst(b) - worst(a) || a.key.localeCompare(b.key));
    }
    return node.kind === 'object' ? node.findings.map((finding) => ({ kind: 'finding' as const, finding })) : [];
  }

  getTreeItem(node: Node): vscode.TreeItem {
    const ctx = this.run?.context ?? '';
    if (node.kind === 'object') {
      const f = node.findings[0];
      const item = new vscode.TreeItem(`${f.kind} ${f.namespace ? `${f.namespace}/` : ''}${f.name}`, vscode.TreeItemCollapsibleState.Expanded);
      item.description = `${node.findings.length} hard-coded IP${node.findings.length === 1 ? '' : 's'}`;
      item.resourceUri = liveUri(ctx, f);
      item.contextValue = 'auditObject';
      item.command = { command: 'vscode.open', title: 'Open the live object', arguments: [liveUri(ctx, f)] };
      return item;
    }
    const f = node.finding;
    const item = new vscode.TreeItem(f.literal, vscode.TreeItemCollapsibleState.None);
    item.description = `${f.class} · ${f.path}`;
    // Plain text: names and messages come from the cluster.
    item.tooltip = f.message;
    item.iconPath = ICON[f.severity];
    const at = new vscode.Range(f.line - 1, f.column - 1, f.line - 1, f.column - 1 + f.literal.length);
    item.command = { command: 'vscode.open', title: 'Open the live object at the literal', arguments: [liveUri(ctx, f), { selection: at, preview: true } satisfies vscode.TextDocumentShowOptions] };
    return item;
  }

  provideTextDocumentContent(uri: vscode.Uri): string {
    const [, , kind, ns, file] = uri.path.split('/').map(decodeURIComponent);
    const key = `${kind}/${ns === '-' ? '' : ns}/${file.replace(/\.yaml$/, '')}`;
    return this.run?.objects.get(key) ?? `# ${plainMessage(key)} is not in the last audit; run Pod IP Lens: Audit Cluster for Hard-Coded IPs again.\n`;
  }

  dispose(): void {
    this.diagnostics.dispose();
    this.changed.dispose();
    this.docChanged.dispose();
  }
}

export function registerAudit(context: vscode.ExtensionContext, session: ClusterSession, log: Log): AuditTree {
  const tree = new AuditTree();
  const view = vscode.window.createTreeView(AUDIT_VIEW, { treeDataProvider: tree, showCollapseAll: true });
  context.subscriptions.push(
    tree,
    view,
    vscode.workspace.registerTextDocumentContentProvider(LIVE_SCHEME, tree),
    vscode.commands.registerCommand('podIpLens.auditCluster', async (): Promise<AuditRun | undefined> => {
      if (!session.request('the cluster audit', true)) return undefined;
      let ctx: string;
      try {
        ctx = session.defaultContext();
      } catch (e) {
        void vscode.window.showErrorMessage(`Pod IP Lens: ${plainMessage(describeError(e))}`);
        return undefined;
      }
      const run = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Pod IP Lens: auditing ${plainMessage(ctx)} for hard-coded IPs` }, async (progress) => {
        try {
          // The IP-history watch, when one runs, says who held an address before: reuse shows.
          const history = session.feeds().find((f) => session.isHistoryFeed(f));
          return await auditWithClient(
            session.hub.client(ctx),
            { includeSecrets: false, pageSize: 500, severity: clusterSeverities(), keepObjects: true, pastHolders: history ? (ip) => pastHolders(history, ip) : undefined },
            (line) => progress.report({ message: plainMessage(line) }),
          );
        } catch (e) {
          void vscode.window.showErrorMessage(`Pod IP Lens: the audit of ${plainMessage(ctx)} failed: ${plainMessage(describeError(e))}`);
          return undefined;
        }
      });
      if (!run) return undefined;
      tree.show(run);
      await vscode.commands.executeCommand('setContext', 'podIpLens.auditShown', true);
      view.title = `Hard-Coded IPs in ${ctx}`;
      view.message = run.findings.length === 0 ? `No hard-coded IPs in ${Object.values(run.scanned).reduce((a, b) => a + b, 0)} objects.` : undefined;
      await vscode.commands.executeCommand(`${AUDIT_VIEW}.focus`);
      log.info(`audit of ${ctx}: ${run.findings.length} findings; scanned ${JSON.stringify(run.scanned)}`);
      for (const e of run.errors) log.warn(`audit: ${e}`);
      if (run.errors.length) void vscode.window.showWarningMessage(`Pod IP Lens: the audit could not read ${run.errors.length} resource${run.errors.length === 1 ? '' : 's'} (${plainMessage(run.errors[0])}); the rest was audited. See the Output log.`);
      return run;
    }),
  );
  return tree;
}
