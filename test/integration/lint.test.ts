// The manifest linter inside a real VS Code: diagnostics on open and on edit, every quick fix
// applied through the real code-action API, suppression comments, and the size limit.
// Files are written to a temporary folder inside the test workspace (so the workspace index and
// its FileSystemWatcher see them) and removed afterwards.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { LintCodeActions } from '../../src/features/codeActions';

const SOURCE = 'Pod IP Lens';
const NS = 'lint-it';

const API = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
  namespace: ${NS}
spec:
  selector:
    matchLabels: {app: api}
  template:
    metadata:
      labels: {app: api}
    spec:
      containers:
        - name: api
          image: registry.local/api:1.0
          ports:
            - name: http
              containerPort: 8080
---
apiVersion: v1
kind: Service
metadata:
  name: api
  namespace: ${NS}
spec:
  selector: {app: api}
  ports:
    - port: 80
      targetPort: http
`;

const WORKER = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: worker
  namespace: ${NS}
spec:
  selector:
    matchLabels: {app: worker}
  template:
    metadata:
      labels: {app: worker}
    spec:
      containers:
        - name: worker
          image: registry.local/worker:1.0
          ports:
            - containerPort: 9090
`;

const CLIENT = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: client
  namespace: ${NS}
spec:
  selector:
    matchLabels: {app: client}
  template:
    metadata:
      labels: {app: client}
    spec:
      hostNetwork: true
      containers:
        - name: client
          image: registry.local/client:1.0
          env:
            - name: API_URL
              value: "http://10.244.1.7:8080/x"
            - name: WORKER
              value: 10.244.3.3:9090
            # pod-ip-lens-disable-next-line ip-literal
            - {name: OLD_HOST, value: "10.244.9.9"}
          ports:
            - containerPort: 80
              hostPort: 8081
`;

let dir: vscode.Uri;
const uri = (name: string) => vscode.Uri.joinPath(dir, name);

async function waitFor<T>(what: string, probe: () => T | undefined | Promise<T | undefined>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: T | undefined;
  while (Date.now() < deadline) {
    last = await probe();
    if (last !== undefined) return last;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}

function lintDiagnostics(u: vscode.Uri): vscode.Diagnostic[] {
  return vscode.languages.getDiagnostics(u).filter((d) => d.source === SOURCE);
}

/** Diagnostics as "rule text" pairs, in document order. */
function summary(doc: vscode.TextDocument): string[] {
  return lintDiagnostics(doc.uri)
    .sort((a, b) => a.range.start.compareTo(b.range.start))
    .map((d) => `${typeof d.code === 'object' ? d.code.value : d.code} ${doc.getText(d.range)}`);
}

async function waitForSummary(doc: vscode.TextDocument, want: string[]): Promise<void> {
  await waitFor(`diagnostics ${JSON.stringify(want)} (now ${JSON.stringify(summary(doc))})`, () => (JSON.stringify(summary(doc)) === JSON.stringify(want) ? true : undefined));
}

/** Puts `text` in the file: through its open document when there is one (writing the file
 *  under an open document would make the next save conflict), else on disk. */
async function write(name: string, text: string): Promise<vscode.TextDocument> {
  const open = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri(name).toString());
  if (!open) await vscode.workspace.fs.writeFile(uri(name), new TextEncoder().encode(text));
  const doc = open ?? (await vscode.workspace.openTextDocument(uri(name)));
  if (doc.getText() !== text) await setText(doc, text);
  return doc;
}

async function setText(doc: vscode.TextDocument, text: string): Promise<void> {
  const e = new vscode.WorkspaceEdit();
  e.replace(doc.uri, new vscode.Range(0, 0, doc.lineCount, 0), text);
  assert.ok(await vscode.workspace.applyEdit(e));
  await doc.save();
}

async function quickFixes(doc: vscode.TextDocument, snippet: string): Promise<vscode.CodeAction[]> {
  const at = doc.getText().indexOf(snippet);
  assert.ok(at >= 0, `${snippet} is in the document`);
  const range = new vscode.Range(doc.positionAt(at), doc.positionAt(at + snippet.length));
  return (await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', doc.uri, range, vscode.CodeActionKind.QuickFix.value)) ?? [];
}

/** Waits for a quick fix with this title (the workspace index fills in the background). */
async function fix(doc: vscode.TextDocument, snippet: string, title: string): Promise<vscode.CodeAction> {
  let titles: string[] = [];
  return waitFor(`quick fix "${title}" (offered: ${titles.join(' | ')})`, async () => {
    const actions = await quickFixes(doc, snippet);
    titles = actions.map((a) => a.title);
    return actions.find((a) => a.title === title);
  });
}

async function apply(action: vscode.CodeAction): Promise<void> {
  assert.ok(action.edit, `${action.title} has an edit`);
  assert.ok(await vscode.workspace.applyEdit(action.edit));
}

describe('lint in the editor', function () {
  this.timeout(90_000);

  before(async () => {
    const folder = vscode.workspace.workspaceFolders?.[0];
    assert.ok(folder, 'the test workspace is open');
    dir = vscode.Uri.joinPath(folder.uri, `lint-it-tmp-${process.pid}-${Date.now()}`);
    await vscode.workspace.fs.createDirectory(dir);
    await vscode.workspace.fs.writeFile(uri('api.yaml'), new TextEncoder().encode(API));
    await vscode.workspace.fs.writeFile(uri('worker.yaml'), new TextEncoder().encode(WORKER));
    const ext = vscode.extensions.getExtension('pod-ip-lens.pod-ip-lens');
    await ext?.activate();
  });

  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await vscode.workspace.getConfiguration('podIpLens.lint').update('maxFileSizeKb', undefined, vscode.ConfigurationTarget.Global);
    if (dir) await vscode.workspace.fs.delete(dir, { recursive: true, useTrash: false });
  });

  it('shows diagnostics on open, with exact ranges and a link to the rule', async () => {
    const doc = await write('client.yaml', CLIENT);
    await vscode.window.showTextDocument(doc);
    await waitForSummary(doc, ['host-network hostNetwork: true', 'ip-literal 10.244.1.7:8080', 'ip-literal 10.244.3.3:9090', 'host-port hostPort: 8081']);
    const d = lintDiagnostics(doc.uri).find((x) => doc.getText(x.range) === '10.244.1.7:8080')!;
    assert.equal(d.severity, vscode.DiagnosticSeverity.Warning);
    assert.match(d.message, /Pod IPs change whenever a Pod is replaced/);
    assert.ok(typeof d.code === 'object' && d.code.value === 'ip-literal' && d.code.target.toString().endsWith('#ip-literal'), String(d.code));
  });

  it('follows edits, and honours the suppression comment', async () => {
    const doc = await write('client.yaml', CLIENT);
    const at = doc.getText().indexOf('            # pod-ip-lens-disable-next-line');
    const e = new vscode.WorkspaceEdit();
    e.insert(doc.uri, doc.positionAt(at), '            - {name: NEW_HOST, value: "[fd00::42]:7000"}\n');
    assert.ok(await vscode.workspace.applyEdit(e));
    await waitForSummary(doc, ['host-network hostNetwork: true', 'ip-literal 10.244.1.7:8080', 'ip-literal 10.244.3.3:9090', 'ip-literal [fd00::42]:7000', 'host-port hostPort: 8081']);
    // Removing the suppression comment makes the line below it count again.
    await setText(doc, CLIENT.replace('            # pod-ip-lens-disable-next-line ip-literal\n', ''));
    await waitForSummary(doc, ['host-network hostNetwork: true', 'ip-literal 10.244.1.7:8080', 'ip-literal 10.244.3.3:9090', 'ip-literal 10.244.9.9', 'host-port hostPort: 8081']);
    await setText(doc, CLIENT);
    await waitForSummary(doc, ['host-network hostNetwork: true', 'ip-literal 10.244.1.7:8080', 'ip-literal 10.244.3.3:9090', 'host-port hostPort: 8081']);
  });

  it('offers exactly the fixes that apply, as quick fixes, the clearly right one preferred', async () => {
    const doc = await write('client.yaml', CLIENT);
    await fix(doc, '10.244.1.7:8080', `Replace 10.244.1.7:8080 with api.${NS}.svc.cluster.local:80`);
    const titles = async (snippet: string) => (await quickFixes(doc, snippet)).map((a) => `${a.isPreferred ? '* ' : ''}${a.title}`);
    assert.deepEqual(await titles('10.244.1.7:8080'), [
      `* Replace 10.244.1.7:8080 with api.${NS}.svc.cluster.local:80`,
      `Create Service api-svc for Deployment api in api.yaml and use api-svc.${NS}.svc.cluster.local:8080`,
      `Create Service api-svc for Deployment api in a new file api-svc-service.yaml and use api-svc.${NS}.svc.cluster.local:8080`,
      'Disable ip-literal for this line',
    ]);
    assert.deepEqual(await titles('hostNetwork: true'), [
      'Remove hostNetwork',
      'Create Service client (port 80) for Deployment client in this file',
      'Create Service client (port 80) for Deployment client in a new file client-service.yaml',
      'Disable host-network for this line',
    ]);
    for (const a of await quickFixes(doc, 'hostPort: 8081')) assert.equal(a.kind?.value, 'quickfix', a.title);
    // vscode.executeCodeActionProvider drops `diagnostics` from what it returns, so ask the
    // provider itself (this bundle's copy of it) with the real diagnostics of the document.
    const log = vscode.window.createOutputChannel('Pod IP Lens lint test', { log: true });
    try {
      const diag = lintDiagnostics(doc.uri).find((d) => doc.getText(d.range) === 'hostNetwork: true')!;
      const source = new vscode.CancellationTokenSource();
      const actions = await new LintCodeActions(log).provideCodeActions(doc, diag.range, { diagnostics: [diag], only: undefined, triggerKind: vscode.CodeActionTriggerKind.Invoke }, source.token);
      assert.ok(actions.length >= 2);
      for (const a of actions) assert.deepEqual(a.diagnostics, [diag], a.title);
      source.dispose();
    } finally {
      log.dispose();
    }
  });

  it('replaces a literal with the DNS name of a workspace Service, port mapped through a named targetPort', async () => {
    const doc = await write('client.yaml', CLIENT);
    const action = await fix(doc, '10.244.1.7:8080', `Replace 10.244.1.7:8080 with api.${NS}.svc.cluster.local:80`);
    assert.equal(action.isPreferred, true);
    assert.equal(action.kind?.value, vscode.CodeActionKind.QuickFix.value);
    await apply(action);
    assert.equal(doc.getText(), CLIENT.replace('10.244.1.7:8080', `api.${NS}.svc.cluster.local:80`));
    await waitForSummary(doc, ['host-network hostNetwork: true', 'ip-literal 10.244.3.3:9090', 'host-port hostPort: 8081']);
  });

  it('keeps the workspace index current as manifest files appear and disappear', async () => {
    const doc = await write('client.yaml', CLIENT);
    const title = `Replace 10.244.3.3:9090 with late.${NS}.svc.cluster.local:9090`;
    const late = `apiVersion: v1\nkind: Service\nmetadata:\n  name: late\n  namespace: ${NS}\nspec:\n  selector: {app: worker}\n  ports:\n    - port: 9090\n`;
    // Written behind VS Code's back: only the FileSystemWatcher can tell the index.
    await vscode.workspace.fs.writeFile(uri('late.yaml'), new TextEncoder().encode(late));
    await fix(doc, '10.244.3.3:9090', title);
    await vscode.workspace.fs.delete(uri('late.yaml'));
    await waitFor('the fix to go with the file', async () => ((await quickFixes(doc, '10.244.3.3:9090')).some((a) => a.title === title) ? undefined : true));
  });

  it('creates a Service for the workload listening on the port, in its file, and uses it', async () => {
    const doc = await write('client.yaml', CLIENT);
    const action = await fix(doc, '10.244.3.3:9090', `Create Service worker for Deployment worker in worker.yaml and use worker.${NS}.svc.cluster.local:9090`);
    await apply(action);
    assert.equal(doc.getText(), CLIENT.replace('10.244.3.3:9090', `worker.${NS}.svc.cluster.local:9090`));
    const worker = await vscode.workspace.openTextDocument(uri('worker.yaml'));
    assert.equal(
      worker.getText(),
      `${WORKER}---\napiVersion: v1\nkind: Service\nmetadata:\n  name: worker\n  namespace: ${NS}\nspec:\n  selector:\n    app: worker\n  ports:\n    - port: 9090\n      targetPort: 9090\n`,
    );
    await setText(worker, WORKER);
  });

  it('creates the Service in a new file when asked to', async () => {
    const doc = await write('client.yaml', CLIENT);
    const action = await fix(doc, '10.244.3.3:9090', `Create Service worker for Deployment worker in a new file worker-service.yaml and use worker.${NS}.svc.cluster.local:9090`);
    await apply(action);
    assert.equal(doc.getText(), CLIENT.replace('10.244.3.3:9090', `worker.${NS}.svc.cluster.local:9090`));
    // The new file is created on disk and filled in its (unsaved) editor buffer.
    const created = await vscode.workspace.openTextDocument(uri('worker-service.yaml'));
    assert.equal(created.getText(), `apiVersion: v1\nkind: Service\nmetadata:\n  name: worker\n  namespace: ${NS}\nspec:\n  selector:\n    app: worker\n  ports:\n    - port: 9090\n      targetPort: 9090\n`);
    await created.save();
    // The workbench copies a saved file into its local history a moment later; deleting it at
    // once makes that copy fail noisily.
    await new Promise((r) => setTimeout(r, 1000));
    await vscode.workspace.fs.delete(uri('worker-service.yaml'));
  });

  it('disables a rule for one line with a comment', async () => {
    const doc = await write('client.yaml', CLIENT);
    await apply(await fix(doc, '10.244.3.3:9090', 'Disable ip-literal for this line'));
    assert.equal(doc.getText(), CLIENT.replace('              value: 10.244.3.3:9090', '              # pod-ip-lens-disable-next-line ip-literal\n              value: 10.244.3.3:9090'));
    await waitForSummary(doc, ['host-network hostNetwork: true', 'ip-literal 10.244.1.7:8080', 'host-port hostPort: 8081']);
  });

  it('removes hostNetwork and hostPort, or offers a Service in their place', async () => {
    const doc = await write('client.yaml', CLIENT);
    await apply(await fix(doc, 'hostNetwork: true', 'Remove hostNetwork'));
    assert.equal(doc.getText(), CLIENT.replace('      hostNetwork: true\n', ''));
    await waitForSummary(doc, ['ip-literal 10.244.1.7:8080', 'ip-literal 10.244.3.3:9090', 'host-port hostPort: 8081']);
    await apply(await fix(doc, 'hostPort: 8081', 'Remove hostPort'));
    assert.equal(doc.getText(), CLIENT.replace('      hostNetwork: true\n', '').replace('\n              hostPort: 8081', ''));

    await setText(doc, CLIENT);
    await apply(await fix(doc, 'hostPort: 8081', 'Create Service client (port 8081) for Deployment client in this file'));
    assert.equal(
      doc.getText(),
      `${CLIENT}---\napiVersion: v1\nkind: Service\nmetadata:\n  name: client\n  namespace: ${NS}\nspec:\n  selector:\n    app: client\n  ports:\n    - port: 8081\n      targetPort: 80\n`,
    );
  });

  it('skips a file over the size limit with one visible message', async () => {
    await vscode.workspace.getConfiguration('podIpLens.lint').update('maxFileSizeKb', 1, vscode.ConfigurationTarget.Global);
    const big = `${CLIENT}---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: big}\ndata:\n${Array.from({ length: 60 }, (_, i) => `  host_${i}: 10.1.0.${i}\n`).join('')}`;
    const doc = await write('big.yaml', big);
    const d = await waitFor('the skipped message', () => {
      const ds = lintDiagnostics(doc.uri);
      return ds.length === 1 && ds[0].code === 'file-too-large' ? ds[0] : undefined;
    });
    assert.equal(d.severity, vscode.DiagnosticSeverity.Information);
    assert.match(d.message, /did not lint this file: it is \d+ KB, over the 1 KB limit/);
    await vscode.workspace.getConfiguration('podIpLens.lint').update('maxFileSizeKb', undefined, vscode.ConfigurationTarget.Global);
    await waitFor('diagnostics after raising the limit', () => (lintDiagnostics(doc.uri).length === 64 ? true : undefined));
  });

  it('lints only manifests, unless the user opts a file in', async () => {
    const doc = await vscode.workspace.openTextDocument({ language: 'yaml', content: 'name: ci\nenv:\n  URL: http://10.1.2.3:8080/\n' });
    await vscode.window.showTextDocument(doc);
    // A manifest opened after it is linted after it: once the sentinel has its diagnostic, the
    // linter has seen (and, rightly, passed over) the file that is not a manifest.
    const sentinel = await vscode.workspace.openTextDocument({ language: 'yaml', content: 'apiVersion: v1\nkind: ConfigMap\ndata: {db_host: 10.9.8.7}\n' });
    await waitForSummary(sentinel, ['ip-literal 10.9.8.7']);
    assert.deepEqual(summary(doc), []);
    await vscode.commands.executeCommand('podIpLens.lint.lintThisFile');
    await waitForSummary(doc, ['ip-literal 10.1.2.3:8080']);
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
  });

  it('applies rule and ignored-range settings as they change', async () => {
    const config = vscode.workspace.getConfiguration('podIpLens.lint');
    const doc = await write('client.yaml', CLIENT);
    try {
      await config.update('rules', { 'host-network': 'off', 'host-port': 'error' }, vscode.ConfigurationTarget.Global);
      await config.update('ignoreCidrs', ['10.244.3.0/24'], vscode.ConfigurationTarget.Global);
      await waitForSummary(doc, ['ip-literal 10.244.1.7:8080', 'host-port hostPort: 8081']);
      const hp = lintDiagnostics(doc.uri).find((d) => doc.getText(d.range) === 'hostPort: 8081')!;
      assert.equal(hp.severity, vscode.DiagnosticSeverity.Error);
    } finally {
      await config.update('rules', undefined, vscode.ConfigurationTarget.Global);
      await config.update('ignoreCidrs', undefined, vscode.ConfigurationTarget.Global);
    }
    await waitForSummary(doc, ['host-network hostNetwork: true', 'ip-literal 10.244.1.7:8080', 'ip-literal 10.244.3.3:9090', 'host-port hostPort: 8081']);
  });

  it('reports a repeated literal once with its other places, and an external address at its own severity', async () => {
    const text = `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: routes, namespace: ${NS}}\ndata:\n  routes: |\n    upstream: 10.244.4.4:80\n    upstream: 10.244.4.4:80\n    upstream: 10.244.4.4:80\n  API_URL: https://52.94.236.248/v1\n  POOL: 10.244.5.0/24\n  GATEWAY_IP: 10.244.5.1\n`;
    const doc = await write('routes.yaml', text);
    await waitForSummary(doc, ['ip-literal 10.244.4.4:80', 'ip-literal 52.94.236.248']);
    const [repeated, external] = lintDiagnostics(doc.uri).sort((a, b) => a.range.start.compareTo(b.range.start));
    assert.deepEqual(repeated.relatedInformation?.map((r) => [r.location.uri.toString(), r.location.range.start.line]), [[doc.uri.toString(), 6], [doc.uri.toString(), 7]]);
    assert.equal(repeated.severity, vscode.DiagnosticSeverity.Warning);
    assert.equal(external.severity, vscode.DiagnosticSeverity.Information);
    assert.match(external.message, /^Hard-coded external address 52\.94\.236\.248 — /);
    const config = vscode.workspace.getConfiguration('podIpLens.lint');
    try {
      await config.update('externalSeverity', 'error', vscode.ConfigurationTarget.Global);
      await waitFor('the external severity setting', () => (lintDiagnostics(doc.uri).some((d) => d.severity === vscode.DiagnosticSeverity.Error) ? true : undefined));
    } finally {
      await config.update('externalSeverity', undefined, vscode.ConfigurationTarget.Global);
    }
  });

  it('clears diagnostics when the document closes', async function () {
    this.timeout(240_000);
    // An untitled document is disposed as soon as its editor is reverted and closed (a file's
    // document lingers for minutes), so the close event comes promptly.
    const doc = await vscode.workspace.openTextDocument({ language: 'yaml', content: CLIENT });
    await vscode.window.showTextDocument(doc);
    await waitFor('diagnostics', () => (lintDiagnostics(doc.uri).length === 4 ? true : undefined));
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
    await waitFor('diagnostics to clear', () => (doc.isClosed && lintDiagnostics(doc.uri).length === 0 ? true : undefined), 200_000);
  });
});
