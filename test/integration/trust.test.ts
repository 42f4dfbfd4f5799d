// Trust and safety in a trusted workspace.
// 1. Opening and editing manifests with IPs talks to no cluster and starts no process: the
//    kubeconfig here names an exec plugin that leaves a marker file each time it runs, and the
//    cluster (a demo cluster in this test, logging every request) counts what reaches it. Nothing
//    may happen until a hover on a flagged IP, or Quick Fix.
// 2. What a cluster says is shown as text: a Pod whose ownerReference (not validated by the API
//    server) holds Markdown links, an image, HTML and a command: URI renders none of them.
import * as assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { inWorkbench, screenshot, until } from './util';
import type { ExtensionApi } from '../../src/extension';
import { startDemoCluster, type DemoCluster } from '../../src/demo';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function hoverValues(hovers: vscode.Hover[]): vscode.MarkdownString[] {
  return hovers.flatMap((h) => h.contents.filter((c): c is vscode.MarkdownString => typeof c === 'object' && 'value' in c));
}

/** A kubeconfig for `cluster` whose user is an exec plugin that appends a line to `marker` each time it runs. */
function trapKubeconfig(dir: string, name: string, cluster: DemoCluster): { path: string; marker: string } {
  const marker = join(dir, `${name}.ran`);
  const plugin = join(dir, `${name}-plugin.sh`);
  writeFileSync(
    plugin,
    `#!/bin/sh\necho ran >> '${marker}'\nprintf '%s' '{"apiVersion":"client.authentication.k8s.io/v1beta1","kind":"ExecCredential","status":{"token":"${cluster.token}"}}'\n`,
  );
  chmodSync(plugin, 0o700);
  const path = join(dir, `${name}.kubeconfig`);
  writeFileSync(
    path,
    [
      'apiVersion: v1',
      'kind: Config',
      `clusters: [{name: trap, cluster: {server: "${cluster.url}", certificate-authority-data: ${Buffer.from(cluster.caCert).toString('base64')}}}]`,
      `users: [{name: trap, user: {exec: {apiVersion: client.authentication.k8s.io/v1beta1, command: "${plugin}", interactiveMode: Never}}}]`,
      'contexts: [{name: trap, context: {cluster: trap, user: trap, namespace: default}}]',
      'current-context: trap',
      '',
    ].join('\n'),
  );
  return { path, marker };
}

describe('trust: no cluster contact without a user action', function () {
  this.timeout(120_000);
  let api: ExtensionApi;
  let cluster: DemoCluster;
  let dir: string;
  const requests: string[] = [];
  const config = () => vscode.workspace.getConfiguration('podIpLens.cluster');

  before(async () => {
    api = await vscode.extensions.getExtension('pod-ip-lens.pod-ip-lens')!.activate();
    assert.equal(api.session.demo, undefined, 'no demo cluster from an earlier suite');
    dir = mkdtempSync(join(tmpdir(), 'pod-ip-lens-trust-'));
    cluster = await startDemoCluster({ nodes: 2, systemWorkloads: false, verbose: true, log: (l) => /^[A-Z]+ \//.test(l) && requests.push(l) });
  });

  afterEach(async function () {
    if (this.currentTest?.state === 'failed') await screenshot(`trust-${this.currentTest.title.replace(/\W+/g, '-')}`);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  after(async () => {
    await config().update('kubeconfig', undefined, vscode.ConfigurationTarget.Global);
    await cluster?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const nodeIp = () => {
    const node = cluster.store.list('nodes').items.find((n) => n.metadata.name === 'demo-worker')!;
    return (node.status as { addresses: { type: string; address: string }[] }).addresses.find((a) => a.type === 'InternalIP')!.address;
  };

  /** Opens a manifest with a Pod-range IP and a node IP, puts the cursor on the IP (the light bulb's trigger) and edits it a few times. */
  async function openAndEdit(name: string): Promise<{ editor: vscode.TextEditor; ipPos: vscode.Position }> {
    const file = join(dir, `${name}.yaml`);
    writeFileSync(file, `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\n  namespace: default\ndata:\n  backend: "http://10.244.1.77:8080/api"\n  kubelet: "${nodeIp()}:10250"\n`);
    const doc = await vscode.workspace.openTextDocument(file);
    const editor = await vscode.window.showTextDocument(doc);
    const ipPos = doc.positionAt(doc.getText().indexOf('10.244.1.77') + 3);
    editor.selection = new vscode.Selection(ipPos, ipPos);
    await until('lint diagnostics', () => vscode.languages.getDiagnostics(doc.uri).length >= 2 || undefined);
    for (let i = 0; i < 3; i++) {
      await editor.edit((e) => e.insert(new vscode.Position(doc.lineCount - 1, 0), `  extra${i}: "10.244.2.${10 + i}:80"\n`));
      editor.selection = new vscode.Selection(ipPos, ipPos);
      await sleep(500);
    }
    // Past the lint debounce, the node-IP refinement and the light bulb's own request.
    await until('diagnostics for the edits', () => vscode.languages.getDiagnostics(doc.uri).length >= 5 || undefined);
    await sleep(2500);
    return { editor, ipPos };
  }

  function assertUntouched(marker: string, what: string): void {
    assert.equal(existsSync(marker), false, `${what}: the exec plugin ran`);
    assert.deepEqual(requests, [], `${what}: requests reached the cluster`);
    assert.equal(cluster.openWatches(), 0, `${what}: a watch is open`);
    assert.equal(api.session.feeds().length, 0, `${what}: a feed was started`);
  }

  it('a workspace cannot set the kubeconfig or context (machine scope)', () => {
    const pkg = vscode.extensions.getExtension('pod-ip-lens.pod-ip-lens')!.packageJSON;
    const props = pkg.contributes.configuration.properties;
    assert.equal(props['podIpLens.cluster.kubeconfig'].scope, 'machine');
    assert.equal(props['podIpLens.cluster.context'].scope, 'machine');
    assert.equal(pkg.capabilities.untrustedWorkspaces.supported, 'limited');
  });

  it('opening and editing manifests with IPs runs no exec plugin and sends no request; a hover does', async () => {
    const trap = trapKubeconfig(dir, 'hover', cluster);
    await config().update('kubeconfig', trap.path, vscode.ConfigurationTarget.Global);
    assert.equal(config().get('kubeconfig'), trap.path, 'the machine setting is in effect');
    const { editor, ipPos } = await openAndEdit('hover');
    assertUntouched(trap.marker, 'opening and editing');
    assert.ok(!vscode.languages.getDiagnostics(editor.document.uri).some((d) => /targets node/.test(d.message)), 'no node-IP message without a connection');

    const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', editor.document.uri, ipPos);
    assert.match(hoverValues(hovers).map((m) => m.value).join('\n'), /not a Pod, node or Service address of `trap`|not a Pod IP in `trap` now/);
    assert.ok(existsSync(trap.marker), 'the hover ran the exec plugin');
    assert.ok(requests.some((r) => r.startsWith('GET /api/v1/pods')), `the hover asked the cluster: ${requests.join(', ')}`);

    // From now on the node-IP message may use that connection.
    await editor.edit((e) => e.insert(new vscode.Position(0, 0), '# edited\n'));
    await until('the node-IP message', () => vscode.languages.getDiagnostics(editor.document.uri).find((d) => /targets node demo-worker/.test(d.message)));
  });

  it('after the kubeconfig changes, the light bulb offers to ask the cluster, and only that connects', async () => {
    const trap = trapKubeconfig(dir, 'bulb', cluster);
    await config().update('kubeconfig', trap.path, vscode.ConfigurationTarget.Global);
    requests.length = 0;
    const { editor, ipPos } = await openAndEdit('bulb');
    assertUntouched(trap.marker, 'opening and editing with a new kubeconfig');
    // The light bulb shows by itself (its actions are computed for the cursor); clicking it lists them.
    await vscode.commands.executeCommand('workbench.action.focusActiveEditorGroup');
    editor.selection = new vscode.Selection(ipPos.translate(0, 1), ipPos.translate(0, 1));
    await until('the light bulb', () => inWorkbench<boolean>(`!!document.querySelector('.lightBulbWidget[style*="display: block"]')`).then((v) => v || undefined), 15_000);
    await inWorkbench(`(() => { const el = document.querySelector('.lightBulbWidget'); el.dispatchEvent(new MouseEvent('mousedown', { bubbles: true, cancelable: true, button: 0, buttons: 1 })); })()`);
    const titles = await until('the light bulb menu', async () => {
      const t = await inWorkbench<string[]>(`Array.from(document.querySelectorAll('.action-widget .monaco-list-row.action .title')).map((e) => e.textContent)`);
      return t && t.length ? t : undefined;
    }, 15_000);
    assert.ok(titles.includes('Look up fixes in the cluster (context trap)'), `the menu offers to ask the cluster: ${titles.join(' | ')}`);
    assert.ok(titles.some((t) => t.startsWith('Disable ip-literal')), `and the offline fixes: ${titles.join(' | ')}`);
    assertUntouched(trap.marker, 'showing the light bulb menu');
    // Choosing it is the user asking: now the exec plugin runs and the cluster is asked.
    await inWorkbench(`(() => {
      const row = Array.from(document.querySelectorAll('.action-widget .monaco-list-row.action')).find((r) => r.textContent.includes('Look up fixes in the cluster'));
      for (const type of ['mousedown', 'mouseup', 'click']) row.dispatchEvent(new MouseEvent(type, { bubbles: true, cancelable: true, button: 0, buttons: 1 }));
    })()`);
    await until('the exec plugin to run', () => existsSync(trap.marker) || undefined, 15_000);
    await until('a request for the IP', () => requests.some((r) => r.startsWith('GET /api/v1/pods')) || undefined, 15_000);
    await vscode.commands.executeCommand('hideCodeActionWidget');
  });
});

describe('trust: cluster strings in hovers are text', function () {
  this.timeout(120_000);
  let api: ExtensionApi;
  const OWNER = '**[Sign in again](https://evil.example/login)** ![pixel](https://evil.example/p.png) <img src="https://evil.example/i.png"> <b>bold</b> [run](command:workbench.action.terminal.new) `tick` $(alert)';
  const KIND = 'Job<img src=x onerror=alert(1)>';

  before(async () => {
    api = await vscode.extensions.getExtension('pod-ip-lens.pod-ip-lens')!.activate();
    await vscode.workspace.getConfiguration('podIpLens.demo').update('speed', 10, vscode.ConfigurationTarget.Global);
    await vscode.commands.executeCommand('podIpLens.startDemoCluster');
    assert.ok(api.session.demo);
  });

  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await vscode.commands.executeCommand('podIpLens.stopDemoCluster');
  });

  it('a Pod whose owner name holds Markdown, HTML and a command: URI: the hover shows the characters and renders none', async () => {
    const demo = api.session.demo!;
    assert.ok(!demo.external, 'the demo cluster runs in this extension host (no podIpLens.demo.kubeconfig here)');
    demo.api.create('pods', 'default', {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'phish', ownerReferences: [{ apiVersion: 'batch/v1', kind: KIND, name: OWNER, uid: '0b9a3c1e-5d2f-4c8b-9e7a-1f2d3c4b5a69', controller: true }] },
      spec: { containers: [{ name: 'c', image: 'nginx:1.28' }] },
    });
    const ip = await until('the Pod to get an IP', () => (demo.store.get('pods', 'default', 'phish')?.status as { podIP?: string } | undefined)?.podIP);
    const doc = await vscode.workspace.openTextDocument({ language: 'yaml', content: `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\ndata:\n  url: "http://${ip}:80/"\n` });
    const editor = await vscode.window.showTextDocument(doc);
    const pos = doc.positionAt(doc.getText().indexOf(ip) + 2);
    const md = await until('a hover naming the Pod', async () => {
      const m = hoverValues(await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', doc.uri, pos)).find((x) => x.value.includes('phish'));
      return m;
    });
    // As rendered by the workbench: the hover widget's DOM.
    editor.selection = new vscode.Selection(pos, pos);
    await vscode.commands.executeCommand('editor.action.showHover');
    const rendered = await until('the rendered hover', () =>
      inWorkbench<{ text: string; links: number; images: number; html: number; strong: string[] } | null>(`(() => {
        const el = Array.from(document.querySelectorAll('.monaco-hover .rendered-markdown')).find((e) => e.textContent.includes('phish'));
        if (!el) return null;
        return {
          text: el.textContent,
          links: el.querySelectorAll('a').length,
          images: el.querySelectorAll('img').length,
          html: el.querySelectorAll('b, i, script, iframe').length,
          strong: Array.from(el.querySelectorAll('strong')).map((s) => s.textContent),
        };
      })()`).then((r) => r ?? undefined),
    );
    await screenshot('trust-hostile-hover');
    assert.equal(rendered.links, 0, 'no link rendered');
    assert.equal(rendered.images, 0, 'no image loaded');
    assert.equal(rendered.html, 0, 'no HTML element');
    assert.deepEqual(rendered.strong, [ip], 'only the IP is bold');
    assert.ok(rendered.text.includes(OWNER), `the owner name shows as its characters: ${rendered.text}`);
    assert.ok(rendered.text.includes(KIND), `the owner kind shows as its characters: ${rendered.text}`);
    assert.ok(!md.isTrusted, 'not trusted: no command links');
    assert.ok(!md.supportHtml, 'no HTML');
    assert.ok(!md.supportThemeIcons, 'no theme icons');
  });
});

