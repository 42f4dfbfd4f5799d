// Restricted Mode: this file runs in its own pass, with Workspace Trust on and the test folder
// untrusted (scripts/run-integration.mjs). A reviewer opening an untrusted repository gets the
// linter and its offline fixes; every cluster feature is off (no kubeconfig read, no exec plugin,
// no request), one notification says so with a way to trust the workspace, and trusting it turns
// the cluster features on.
import * as assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { inWorkbench, screenshot, until } from './util';
import type { ExtensionApi } from '../../src/extension';
import { startDemoCluster, type DemoCluster } from '../../src/demo';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const NOTICE = 'this workspace is in Restricted Mode';

function hoverText(hovers: vscode.Hover[]): string {
  return hovers.flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : 'value' in c ? c.value : ''))).join('\n');
}

/** The notification toasts on screen, as text and their buttons. */
function toasts(): Promise<{ text: string; buttons: string[] }[] | undefined> {
  return inWorkbench(`Array.from(document.querySelectorAll('.notifications-toasts .notification-toast')).map((t) => ({
    text: t.querySelector('.notification-list-item-message')?.textContent ?? '',
    buttons: Array.from(t.querySelectorAll('.monaco-button')).map((b) => b.textContent.trim()),
  }))`);
}

describe('Restricted Mode', function () {
  this.timeout(120_000);
  let api: ExtensionApi;
  let cluster: DemoCluster;
  let dir: string;
  let marker: string;
  /** An unsaved copy of the workspace's frontend.yaml: edited freely, never saved. */
  let doc: vscode.TextDocument;
  const requests: string[] = [];
  const folder = () => vscode.workspace.workspaceFolders![0].uri.fsPath;

  before(async () => {
    assert.equal(vscode.workspace.isTrusted, false, 'this pass must run with the workspace untrusted');
    // Opening a manifest activates the extension in Restricted Mode too (untrustedWorkspaces: limited).
    const opened = await vscode.workspace.openTextDocument(join(folder(), 'frontend.yaml'));
    await vscode.window.showTextDocument(opened);
    const ext = vscode.extensions.getExtension('pod-ip-lens.pod-ip-lens')!;
    await until('the extension to activate', () => ext.isActive || undefined, 20_000);
    api = ext.exports as ExtensionApi;
    doc = await vscode.workspace.openTextDocument({ language: 'yaml', content: opened.getText() });
    await vscode.window.showTextDocument(doc);

    // A kubeconfig the user set (machine scope) whose exec plugin leaves a marker, for a cluster that logs every request.
    dir = mkdtempSync(join(tmpdir(), 'pod-ip-lens-restricted-'));
    cluster = await startDemoCluster({ nodes: 2, systemWorkloads: false, verbose: true, log: (l) => /^[A-Z]+ \//.test(l) && requests.push(l) });
    marker = join(dir, 'plugin.ran');
    const plugin = join(dir, 'plugin.sh');
    writeFileSync(plugin, `#!/bin/sh\necho ran >> '${marker}'\nprintf '%s' '{"apiVersion":"client.authentication.k8s.io/v1beta1","kind":"ExecCredential","status":{"token":"${cluster.token}"}}'\n`);
    chmodSync(plugin, 0o700);
    const kubeconfig = join(dir, 'kubeconfig');
    writeFileSync(
      kubeconfig,
      [
        'apiVersion: v1',
        'kind: Config',
        `clusters: [{name: c, cluster: {server: "${cluster.url}", certificate-authority-data: ${Buffer.from(cluster.caCert).toString('base64')}}}]`,
        `users: [{name: u, user: {exec: {apiVersion: client.authentication.k8s.io/v1beta1, command: "${plugin}", interactiveMode: Never}}}]`,
        'contexts: [{name: mine, context: {cluster: c, user: u}}]',
        'current-context: mine',
        '',
      ].join('\n'),
    );
    await vscode.workspace.getConfiguration('podIpLens.cluster').update('kubeconfig', kubeconfig, vscode.ConfigurationTarget.Global);
  });

  afterEach(async function () {
    if (this.currentTest?.state === 'failed') await screenshot(`restricted-${this.currentTest.title.replace(/\W+/g, '-')}`);
  });

  after(async () => {
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor').then(undefined, () => undefined);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await vscode.workspace.getConfiguration('podIpLens.cluster').update('kubeconfig', undefined, vscode.ConfigurationTarget.Global);
    await cluster?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const untouched = (what: string) => {
    assert.equal(existsSync(marker), false, `${what}: the exec plugin ran`);
    assert.deepEqual(requests, [], `${what}: requests reached the cluster`);
    assert.equal(api.session.feeds().length, 0, `${what}: a watch was started`);
  };

  it('lints manifests and offers the offline fixes', async () => {
    const diags = await until('diagnostics on frontend.yaml', () => {
      const d = vscode.languages.getDiagnostics(doc.uri);
      return d.length >= 2 ? d : undefined;
    });
    const ipDiag = diags.find((d) => doc.getText(d.range) === '10.244.1.7:80')!;
    assert.ok(ipDiag, 'the Pod IP is flagged');
    // (Retried: a request the workbench cancels, e.g. while the editor settles, answers nothing.)
    const actions = await until(
      'quick fixes',
      async () => {
        const a = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', doc.uri, ipDiag.range, vscode.CodeActionKind.QuickFix.value);
        return a.length ? a : undefined;
      },
      15_000,
    );
    const titles = actions.map((a) => a.title);
    const replace = actions.find((a) => a.title === 'Replace 10.244.1.7:80 with backend.default.svc.cluster.local:80');
    assert.ok(replace, `the workspace Service fix is offered: ${titles.join(' | ')}`);
    assert.ok(titles.some((t) => t.startsWith('Disable ip-literal')), titles.join(' | '));
    assert.ok(!titles.some((t) => /\(from cluster\)|in the cluster/.test(t)), `no cluster fixes: ${titles.join(' | ')}`);
    assert.ok(await vscode.workspace.applyEdit(replace.edit!));
    assert.match(doc.getText(), /value: "http:\/\/backend\.default\.svc\.cluster\.local:80\/api"/);
  });

  it('hovers and Quick Fix do not touch the cluster, and one notification says why, with a way to trust', async () => {
    const editor = await vscode.window.showTextDocument(doc);
    const pos = doc.positionAt(doc.getText().indexOf('10.244.2.15') + 2);
    for (let i = 0; i < 3; i++) {
      const text = hoverText(await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', doc.uri, pos));
      assert.doesNotMatch(text, /Pod IP|not a Pod IP|the cluster did not answer/, 'no cluster hover');
      await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', doc.uri, new vscode.Range(pos, pos), vscode.CodeActionKind.QuickFix.value);
      await editor.edit((e) => e.insert(new vscode.Position(0, 0), `# review note ${i}\n`));
    }
    await sleep(1500);
    untouched('hovers, Quick Fix and edits');
    assert.equal(api.session.restricted.count, 1, 'one notification for all of them');
    const shown = await until('the Restricted Mode notification', async () => (await toasts())?.filter((t) => t.text.includes(NOTICE)));
    assert.equal(shown.length, 1);
    assert.deepEqual(shown[0].buttons, ['Manage Workspace Trust']);
    await screenshot('restricted-mode-notice');
  });

  it('cluster commands are off and say so', async () => {
    const before = api.session.restricted.count;
    assert.equal(await vscode.commands.executeCommand('podIpLens.openTimeline', { namespace: 'default', labelSelector: 'app=backend' }), undefined);
    assert.equal(await vscode.commands.executeCommand('podIpLens.startDemoCluster'), undefined);
    await vscode.commands.executeCommand('podIpLens.runInDemoTerminal', 'kubectl get pods');
    assert.equal(api.session.demo, undefined, 'no demo cluster started');
    assert.ok(!vscode.window.terminals.some((t) => t.name === 'Pod IP Lens demo'), 'no demo terminal');
    assert.equal(api.session.restricted.count, before + 3, 'each command run on purpose answers (VS Code keeps one notification for the same message)');
    untouched('the cluster commands');
  });

  it('Manage Workspace Trust opens the trust editor; once trusted, a hover asks the cluster', async () => {
    // In the notification center (the toast may have hidden itself by now; the notification stays there).
    await vscode.commands.executeCommand('notifications.hideToasts');
    await vscode.commands.executeCommand('notifications.showList');
    const press = () =>
      inWorkbench<boolean>(`(() => {
        const items = Array.from(document.querySelectorAll('.notifications-center .notification-list-item'));
        const item = items.find((t) => t.textContent.includes(${JSON.stringify(NOTICE)}));
        const button = item && Array.from(item.querySelectorAll('.monaco-button')).find((b) => b.textContent.includes('Manage Workspace Trust'));
        if (!button) return false;
        button.click();
        return true;
      })()`);
    await until('the notification in the notification center', () => press().then((v) => v || undefined), 10_000);
    await until('the Workspace Trust editor', () => vscode.window.tabGroups.all.flatMap((g) => g.tabs).find((t) => /Workspace Trust/.test(t.label)), 15_000);
    untouched('opening the trust editor');
    // The editor's "Trust" button, as a user would press it.
    await until('the Trust button', () =>
      inWorkbench<boolean>(`(() => {
        const b = Array.from(document.querySelectorAll('.workspace-trust-editor .monaco-button')).find((x) => x.textContent.trim() === 'Trust');
        if (!b) return false;
        b.click();
        return true;
      })()`).then((v) => v || undefined),
    );
    await until('the workspace to be trusted', () => vscode.workspace.isTrusted || undefined, 15_000);
    const pos = doc.positionAt(doc.getText().indexOf('10.244.2.15') + 2);
    const text = hoverText(await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', doc.uri, pos));
    assert.match(text, /not a Pod, node or Service address of `mine`|not a Pod IP in `mine` now/);
    assert.ok(existsSync(marker), 'the exec plugin ran for the hover');
    assert.ok(requests.length > 0);
  });
});
