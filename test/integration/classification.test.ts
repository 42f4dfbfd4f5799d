// What a flagged IP is in the cluster in use, in the editor: the diagnostic's message and severity
// and the hover, for each class (a live Pod's IP, a Service's ClusterIP, a node's, unused in the Pod
// range, outside the cluster, a past Pod's, and one now held by another workload), against the demo
// cluster with one worker and reuse-first IP allocation, driven by the real kubectl.
import * as assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import * as vscode from 'vscode';
import { findKubectl } from '../kubectlPath';
import type { ExtensionApi } from '../../src/extension';
import { screenshot, until } from './util';

const run = promisify(execFile);
const KUBECTL = findKubectl();

const text = (hovers: vscode.Hover[]) => hovers.flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : 'value' in c ? c.value : ''))).join('\n');

describe('cluster classification of flagged IPs in the editor', function () {
  this.timeout(180_000);
  let api: ExtensionApi;
  let kubeconfig: string;
  const kubectl = async (...args: string[]) => (await run(KUBECTL!, args, { env: { ...process.env, KUBECONFIG: kubeconfig } })).stdout.trim();
  const demo = vscode.workspace.getConfiguration('podIpLens.demo');

  before(async function () {
    if (!KUBECTL) {
      console.error('!!! kubectl not found on PATH (or $KUBECTL): SKIPPING the cluster classification tests.');
      this.skip();
    }
    api = await vscode.extensions.getExtension('pod-ip-lens.pod-ip-lens')!.activate();
    // One worker, freed IPs handed out first: an IP moves from one workload to another.
    await demo.update('nodes', 2, vscode.ConfigurationTarget.Global);
    await demo.update('ipAllocation', 'reuse-first', vscode.ConfigurationTarget.Global);
    await demo.update('speed', 10, vscode.ConfigurationTarget.Global);
    kubeconfig = (await vscode.commands.executeCommand<string>('podIpLens.startDemoCluster'))!;
  });

  afterEach(async function () {
    if (this.currentTest?.state === 'failed') await screenshot(`classification-${this.currentTest.title.replace(/\W+/g, '-')}`);
  });

  after(async () => {
    if (!api) return;
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await vscode.commands.executeCommand('podIpLens.stopDemoCluster');
    for (const k of ['nodes', 'ipAllocation', 'speed']) await demo.update(k, undefined, vscode.ConfigurationTarget.Global);
  });

  it('says what each literal is, at the severity of its class, and follows the cluster as it changes', async () => {
    await kubectl('create', 'deployment', 'alpha', '--image=nginx:1.28', '--replicas=1', '--port=80');
    const podIp = await until('alpha’s Pod IP', async () => (await kubectl('get', 'pods', '-l', 'app=alpha', '-o', 'jsonpath={.items[0].status.podIP}')) || undefined);
    const alphaPod = await kubectl('get', 'pods', '-l', 'app=alpha', '-o', 'jsonpath={.items[0].metadata.name}');
    await kubectl('expose', 'deployment', 'alpha', '--port=8080', '--target-port=80');
    const clusterIp = await kubectl('get', 'service', 'alpha', '-o', 'jsonpath={.spec.clusterIP}');
    const nodeIp = await kubectl('get', 'node', 'demo-worker', '-o', 'jsonpath={.status.addresses[?(@.type=="InternalIP")].address}');
    const unused = podIp.replace(/\.\d+$/, '.250');
    const content = [
      'apiVersion: v1',
      'kind: ConfigMap',
      'metadata: {name: client, namespace: default}',
      'data:',
      `  ALPHA_HOST: "${podIp}:80"`,
      `  ALPHA_SERVICE_HOST: "${clusterIp}:8080"`,
      `  METRICS_HOST: "${nodeIp}:10250"`,
      `  SPARE_HOST: "${unused}"`,
      '  LEGACY_HOST: "192.168.77.5"',
      '',
    ].join('\n');
    const doc = await vscode.workspace.openTextDocument({ language: 'yaml', content });
    await vscode.window.showTextDocument(doc);
    const diag = (literal: string) => vscode.languages.getDiagnostics(doc.uri).find((d) => doc.getText(d.range) === literal);
    /** Waits for the diagnostic of `literal` to say `words`; on timeout says what it said instead. */
    const says = (literal: string, words: string, timeoutMs?: number) =>
      until(`${literal} to say "${words}"`, () => {
        const d = diag(literal);
        if (d?.message.includes(words)) return d;
        throw new Error(`it says: ${d?.message ?? '(no diagnostic)'}`);
      }, timeoutMs);
    await until('the plain lint diagnostics', () => diag('192.168.77.5'));

    // A hover is the user asking the cluster: from then on the diagnostics say what it knows.
    const hover = async (literal: string) => text(await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', doc.uri, doc.positionAt(doc.getText().indexOf(literal) + 1)));
    assert.match(await until('a hover on the Pod IP', async () => ((await hover(`${podIp}:80`)).includes(alphaPod) ? hover(`${podIp}:80`) : undefined)), /\(Deployment alpha\)/);
    await api.session.historyFeed()!.whenLive();

    const pod = await says(`${podIp}:80`, 'is the IP of Pod');
    assert.match(pod.message, new RegExp(`is the IP of Pod default/${alphaPod} \\(Deployment alpha, on node demo-worker\\) now`));
    assert.equal(pod.severity, vscode.DiagnosticSeverity.Warning);
    const svc = await says(`${clusterIp}:8080`, 'ClusterIP');
    assert.match(svc.message, /is the ClusterIP of Service default\/alpha: stable only while that Service exists\. Use its name, alpha\.default\.svc\.cluster\.local/);
    assert.equal(svc.severity, vscode.DiagnosticSeverity.Information);
    assert.match(diag(`${nodeIp}:10250`)!.message, /targets node demo-worker \(its InternalIP\)/);
    assert.match(diag(unused)!.message, /is in the cluster's Pod range \(10\.244\.\d+\.0\/24 of node demo-worker\) but no Pod holds it now/);
    assert.match(diag('192.168.77.5')!.message, /^Hard-coded IP 192\.168\.77\.5 — /, 'outside the cluster: the lint message stays');
    assert.match(await hover(`${clusterIp}:8080`), /the ClusterIP of Service `alpha` in namespace `default`/);

    // A ClusterIP's fix is its Service's name, port kept (it is the Service's own port).
    const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', doc.uri, svc.range, vscode.CodeActionKind.QuickFix.value);
    const replace = actions.find((a) => a.title.startsWith(`Replace ${clusterIp}:8080 with alpha.default.svc.cluster.local:8080`));
    assert.ok(replace, actions.map((a) => a.title).join(' | '));
    assert.ok(replace.isPreferred, 'the only right answer is preferred');

    // The Pod goes: its IP is a past Pod's. Another workload takes it (reuse-first): reused.
    await kubectl('delete', 'deployment', 'alpha');
    const past = await says(`${podIp}:80`, 'no Pod holds it now', 60_000);
    assert.match(past.message, new RegExp(`was the IP of Pod default/${alphaPod} \\(Deployment alpha\\) until .*; no Pod holds it now`));
    await kubectl('create', 'deployment', 'gamma', '--image=nginx:1.28', '--replicas=1');
    const reused = await says(`${podIp}:80`, 'now belongs to', 60_000);
    assert.match(reused.message, new RegExp(`now belongs to Pod default/gamma-[\\w-]+ \\(Deployment gamma\\), but until .* it was default/${alphaPod}'s \\(Deployment alpha\\): this config now reaches a different workload`));
    assert.equal(reused.severity, vscode.DiagnosticSeverity.Error);
    assert.match(await hover(`${podIp}:80`), /\*\*Reused:\*\* until .* this IP was `alpha-/);
    const shot = await screenshot('classification-reused');
    if (shot) console.log(`    screenshot: ${shot}`);
  });

  it('audits the live cluster: a tree of objects and findings, each opening the live object at the literal', async () => {
    const gammaIp = await until('gamma’s Pod IP', async () => (await kubectl('get', 'pods', '-l', 'app=gamma', '-o', 'jsonpath={.items[0].status.podIP}')) || undefined);
    await kubectl('create', 'configmap', 'settings', `--from-literal=GAMMA_HOST=${gammaIp}:80`, '--from-literal=POOL=10.244.0.0/16');
    const run = await vscode.commands.executeCommand<{ context: string; findings: { kind: string; name: string; path: string; class: string; line: number; column: number; literal: string }[] }>('podIpLens.auditCluster');
    assert.ok(run, 'the command returns its run');
    const f = run.findings.find((x) => x.kind === 'ConfigMap' && x.name === 'settings');
    assert.ok(f, JSON.stringify(run.findings));
    // The IP-history watch knows gamma's IP was alpha's before: reused.
    assert.deepEqual([f.path, f.class], ['data.GAMMA_HOST', 'reused']);
    const { liveUri } = await import('../../src/features/audit');
    const doc = await vscode.workspace.openTextDocument(liveUri(run.context, { kind: 'ConfigMap', namespace: 'default', name: 'settings' }));
    assert.equal(doc.getText().split('\n')[f.line - 1].slice(f.column - 1, f.column - 1 + f.literal.length), `${gammaIp}:80`);
    const d = await until('the audit diagnostic on the live object', () => vscode.languages.getDiagnostics(doc.uri)[0]);
    assert.match(d.message, /now belongs to Pod default\/gamma-.*\(Deployment gamma\), but until .* it was default\/alpha-/);
    assert.equal(d.severity, vscode.DiagnosticSeverity.Error);
    await vscode.window.showTextDocument(doc);
    const shot = await screenshot('audit-live-object');
    if (shot) console.log(`    screenshot: ${shot}`);
  });
});
