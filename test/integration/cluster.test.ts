// The workshop flow inside VS Code (with a Deployment named "echo": the test workspace defines
// "backend" already, and its own manifests would answer first) against the demo cluster: start it from the command, drive it
// with the real kubectl through the kubeconfig it wrote, then hover, fix, node IP, timeline, status bar.
import * as assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import * as vscode from 'vscode';
import { screenshot, until } from './util';
import type { ExtensionApi } from '../../src/extension';
import { skipOrFail } from '../skip';

const run = promisify(execFile);
const KUBECTL = process.env.KUBECTL ?? '/usr/bin/kubectl';
const hasKubectl = existsSync(KUBECTL);


function hoverText(hovers: vscode.Hover[]): string {
  return hovers.flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : 'value' in c ? c.value : ''))).join('\n');
}

describe('demo cluster, hover and cluster-aware fixes', function () {
  this.timeout(120_000);
  let api: ExtensionApi;
  let kubeconfig: string;
  const kubectl = async (...args: string[]) => (await run(KUBECTL, args, { env: { ...process.env, KUBECONFIG: kubeconfig } })).stdout;

  before(async function () {
    if (!hasKubectl) {
      skipOrFail(this, `${KUBECTL} not found: the demo-cluster workshop tests (install kubectl or set KUBECTL)`);
    }
    api = await vscode.extensions.getExtension('pod-ip-lens.pod-ip-lens')!.activate();
    await vscode.workspace.getConfiguration('podIpLens.demo').update('speed', 10, vscode.ConfigurationTarget.Global);
    kubeconfig = (await vscode.commands.executeCommand<string>('podIpLens.startDemoCluster'))!;
    assert.ok(kubeconfig && existsSync(kubeconfig), 'the command returns the kubeconfig it wrote');
    const demoBundle = join(vscode.extensions.getExtension('pod-ip-lens.pod-ip-lens')!.extensionPath, 'dist', 'demo.js');
    assert.ok(demoBundle in require.cache, 'starting the demo cluster required its bundle, dist/demo.js');
  });

  afterEach(async function () {
    if (this.currentTest?.state === 'failed') await screenshot(`cluster-${this.currentTest.title.replace(/\W+/g, '-')}`);
  });

  after(async () => {
    if (!api) return;
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await vscode.commands.executeCommand('podIpLens.stopDemoCluster');
    assert.equal(api.session.demo, undefined);
  });

  it('opens a terminal with KUBECONFIG set for kubectl', () => {
    const term = vscode.window.terminals.find((t) => t.name === 'Pod IP Lens demo');
    assert.ok(term, 'the demo terminal exists');
    const env = (term.creationOptions as vscode.TerminalOptions).env;
    assert.equal(env?.KUBECONFIG, kubeconfig);
  });

  it('hover on a Pod IP names the Pod and its Deployment; the fix creates a Service from the live owner', async () => {
    await kubectl('create', 'deployment', 'echo', '--image=nginx:1.28', '--replicas=2', '--port=80');
    const ips = await until('two echo Pods with IPs', async () => {
      const out = await kubectl('get', 'pods', '-l', 'app=echo', '-o', 'jsonpath={range .items[*]}{.metadata.name} {.status.podIP}{"\\n"}{end}');
      const rows = out.trim().split('\n').map((l) => l.split(' ')).filter((r) => r[1]);
      return rows.length === 2 ? rows : undefined;
    });
    const [podName, ip] = ips[0];
    const doc = await vscode.workspace.openTextDocument({
      language: 'yaml',
      content: `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: client\n  namespace: default\ndata:\n  url: "http://${ip}:80/api"\n`,
    });
    await vscode.window.showTextDocument(doc);
    const pos = doc.positionAt(doc.getText().indexOf(ip) + 2);
    const text = await until('a hover naming the Pod', async () => {
      const t = hoverText(await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', doc.uri, pos));
      return t.includes(podName) ? t : undefined;
    });
    assert.match(text, /\(Deployment echo\)/);
    assert.match(text, /on node `/);
    assert.match(text, /No Service selects this Pod yet/);

    const range = new vscode.Range(pos, pos);
    const createTitle = await until('a Create Service fix from the cluster', async () => {
      const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', doc.uri, range, vscode.CodeActionKind.QuickFix.value);
      const titles = actions.map((a) => a.title);
      const found = titles.find((t) => /Create Service echo for Deployment echo/.test(t));
      if (!found) console.log(`  (actions so far: ${titles.join(' | ')})`);
      return found;
    }, 15_000);
    assert.match(createTitle, /echo\.default\.svc\.cluster\.local:80/);

    await kubectl('expose', 'deployment', 'echo', '--port=8080', '--target-port=80');
    const replace = await until('a Replace fix pointing at the live Service', async () => {
      const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', doc.uri, range, vscode.CodeActionKind.QuickFix.value);
      return actions.find((a) => a.title.includes('echo.default.svc.cluster.local:8080') && a.title.includes('cluster'));
    });
    assert.equal(replace.title, `Replace ${ip}:80 with echo.default.svc.cluster.local:8080 (from cluster)`);
    assert.equal(replace.isPreferred, true, 'the one matching Service is the preferred fix');
    assert.ok(await vscode.workspace.applyEdit(replace.edit!));
    assert.match(doc.getText(), /url: "http:\/\/echo\.default\.svc\.cluster\.local:8080\/api"/);
  });

  it('hover on a node IP says it is a node address', async () => {
    const nodeIp = (await kubectl('get', 'nodes', '-o', 'jsonpath={.items[1].status.addresses[?(@.type=="InternalIP")].address}')).trim();
    assert.match(nodeIp, /^\d+\.\d+\.\d+\.\d+$/);
    const doc = await vscode.workspace.openTextDocument({
      language: 'yaml',
      content: `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: node-client\ndata:\n  target: "${nodeIp}:10250"\n`,
    });
    const pos = doc.positionAt(doc.getText().indexOf(nodeIp) + 1);
    const text = await until('a node hover', async () => {
      const t = hoverText(await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', doc.uri, pos));
      return /InternalIP of node/.test(t) ? t : undefined;
    });
    assert.match(text, /targeting it couples you to one machine/);
    await vscode.window.showTextDocument(doc);
    const diag = await until('the node-IP diagnostic message', () => vscode.languages.getDiagnostics(doc.uri).find((d) => /targets node demo-worker/.test(d.message)));
    assert.equal(doc.getText(diag.range), `${nodeIp}:10250`);
    assert.match(diag.message, /^\S+:10250 targets node demo-worker \(its InternalIP\): nodes are drained/);
  });

  it('after a rollout, the old IP hovers as "not a Pod IP now" with its last holder', async () => {
    const before = (await kubectl('get', 'pods', '-l', 'app=echo', '-o', 'jsonpath={.items[0].metadata.name} {.items[0].status.podIP}')).trim().split(' ');
    // The first hover starts the IP-history watch; make sure it is live before the rollout.
    const feed = api.session.historyFeed();
    assert.ok(feed);
    await feed.whenLive();
    await kubectl('set', 'image', 'deployment/echo', 'nginx=nginx:1.25');
    await until('the old Pod to be gone', async () => !(await kubectl('get', 'pods', '-l', 'app=echo', '-o', 'name')).includes(before[0]) || undefined, 60_000);
    const doc = await vscode.workspace.openTextDocument({ language: 'yaml', content: `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: old\ndata:\n  url: "${before[1]}"\n` });
    const pos = doc.positionAt(doc.getText().indexOf(before[1]) + 1);
    const text = await until('a hover with the last holder', async () => {
      const t = hoverText(await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', doc.uri, pos));
      return t.includes('not a Pod IP now') ? t : undefined;
    });
    assert.ok(text.includes(before[0]), `names the last holder ${before[0]}: ${text}`);
  });

  it('opens the timeline for the workload under the cursor and the status bar counts its Pods', async () => {
    const doc = await vscode.workspace.openTextDocument({
      language: 'yaml',
      content: 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: echo\n  namespace: default\nspec:\n  selector:\n    matchLabels:\n      app: echo\n  template:\n    metadata:\n      labels:\n        app: echo\n    spec:\n      containers: []\n',
    });
    const editor = await vscode.window.showTextDocument(doc);
    editor.selection = new vscode.Selection(3, 4, 3, 4);
    await vscode.commands.executeCommand('podIpLens.openTimelineForManifest');
    const feed = await until('a timeline feed for app=echo', () => api.session.feeds().find((f) => f.scope.labelSelector === 'app=echo' && f.scope.namespace === 'default'));
    await feed.whenLive();
    await until('the status bar to count the Pods', () => (/Pod IPs: 2 Pods holding an IP/.test(api.statusBar.text) ? true : undefined));
    // The workshop screen as attendees see it: kept as a test artifact.
    const shot = await screenshot('demo-flow-timeline');
    if (shot) console.log(`    screenshot: ${shot}`);
  });

  it('walkthrough commands are registered, and kubectl lines go to the demo terminal (the sample manifest: workshop.test)', async () => {
    const walkthrough = vscode.extensions.getExtension('pod-ip-lens.pod-ip-lens')!.packageJSON.contributes.walkthroughs[0];
    const all = await vscode.commands.getCommands(true);
    for (const step of walkthrough.steps) {
      for (const m of (step.description as string).matchAll(/\(command:([\w.]+)/g)) assert.ok(all.includes(m[1]), `walkthrough step ${step.id} links to registered command ${m[1]}`);
    }
    await vscode.commands.executeCommand('podIpLens.runInDemoTerminal', 'kubectl get pods -o wide -l app=echo');
    assert.ok(vscode.window.terminals.some((t) => t.name === 'Pod IP Lens demo'));
  });
});
