// The workshop as an attendee runs it, under `npm run demo`'s settings: a demo cluster already runs
// outside the extension (here: the extension's own dist/demo.js started by this suite, or the
// `pod-ip-lens cluster` process of scripts/screenshots.mjs, which sets podIpLens.demo.kubeconfig
// before the workbench starts), and every step is clicked in the walkthrough's own page. Checked:
// Start Demo Cluster starts no second server; the terminal's kubectl, the timeline and the hover
// use the same one; a Deployment created from the walkthrough terminal appears on the open
// timeline; each step ticks on its own action only. Screenshots of each step go to test-results/.
import * as assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import * as vscode from 'vscode';
import type { ExtensionApi } from '../../src/extension';
import type { DemoCluster } from '../../src/demo';
import { skipOrFail } from '../skip';
import { inWorkbench, screenshot, until } from './util';

const run = promisify(execFile);
const KUBECTL = process.env.KUBECTL ?? '/usr/bin/kubectl';
const STEPS = ['start', 'create', 'watch', 'find', 'probe', 'rollout', 'fix'] as const;
type StepId = (typeof STEPS)[number];
/** Screenshot names get this prefix (scripts/screenshots.mjs runs the suite once per viewport). */
const SHOT = process.env.POD_IP_LENS_SHOT_PREFIX ?? 'workshop';

/** Sockets this process listens on (Linux: /proc), as `port` strings: a second demo server would add one. */
function listeningPorts(): string[] {
  const inodes = new Set<string>();
  for (const fd of readdirSync('/proc/self/fd')) {
    try {
      const m = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/self/fd/${fd}`));
      if (m) inodes.add(m[1]);
    } catch {
      // closed meanwhile
    }
  }
  const ports: string[] = [];
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    if (!existsSync(table)) continue;
    for (const line of readFileSync(table, 'utf8').split('\n').slice(1)) {
      const f = line.trim().split(/\s+/);
      // st 0A is LISTEN; f[9] is the inode.
      if (f[3] === '0A' && inodes.has(f[9])) ports.push(String(parseInt(f[1].split(':')[1], 16)));
    }
  }
  return ports.sort();
}

/** Which steps the walkthrough page shows ticked (its own checkboxes, read from the workbench DOM). */
async function ticked(): Promise<Record<StepId, boolean>> {
  const states = await inWorkbench<Record<string, boolean>>(`(() => {
    const out = {};
    for (const s of document.querySelectorAll('button.getting-started-step[data-step-id^="pod-ip-lens.pod-ip-lens#podIpLens.lesson#"]')) {
      if (!s.getClientRects().length) continue; // a walkthrough editor in a hidden tab
      out[s.getAttribute('data-step-id').split('#').pop()] = s.getAttribute('aria-checked') === 'true';
    }
    return out;
  })()`);
  assert.ok(states && Object.keys(states).length === STEPS.length, `the walkthrough page shows its ${STEPS.length} steps (saw ${JSON.stringify(states)})`);
  return states as Record<StepId, boolean>;
}

async function openWalkthrough(): Promise<void> {
  await vscode.commands.executeCommand('podIpLens.openWalkthrough');
  await until('the walkthrough page', async () => (await inWorkbench<number>(`[...document.querySelectorAll('button.getting-started-step')].filter((s) => s.getClientRects().length).length`)) === STEPS.length);
}

/** Clicks a button in a step of the walkthrough page, as the attendee does. */
async function click(step: StepId, label: string): Promise<void> {
  await openWalkthrough();
  const r = await inWorkbench<string>(`(() => {
    const s = [...document.querySelectorAll('button.getting-started-step[data-step-id="pod-ip-lens.pod-ip-lens#podIpLens.lesson#${step}"]')].find((e) => e.getClientRects().length);
    if (!s) return 'no step ${step}';
    s.click();
    const b = [...s.querySelectorAll('a.monaco-button')].find((a) => a.textContent.trim() === ${JSON.stringify(label)});
    if (!b) return 'no button ' + ${JSON.stringify(label)} + ' in ' + s.textContent;
    b.click();
    return 'ok';
  })()`);
  assert.equal(r, 'ok');
}

/** Every step ticked so far, and none other. */
async function expectTicked(done: StepId[], timeoutMs = 15_000): Promise<void> {
  const want = Object.fromEntries(STEPS.map((s) => [s, done.includes(s)]));
  await openWalkthrough();
  let seen: Record<StepId, boolean> | undefined;
  await until(`exactly the steps ${done.join(', ')} ticked`, async () => {
    seen = await ticked();
    return JSON.stringify(seen) === JSON.stringify(want) ? seen : undefined;
  }, timeoutMs).catch((e: Error) => assert.fail(`${e.message}; ticked: ${JSON.stringify(seen)}`));
  // Another action's tick may come late: look again a moment later.
  await new Promise((r) => setTimeout(r, 500));
  assert.deepEqual(await ticked(), want);
}

/** A screenshot of the workbench with no notification in front (VS Code's own theme toast included). */
async function shot(name: string): Promise<void> {
  await vscode.commands.executeCommand('notifications.clearAll');
  await new Promise((r) => setTimeout(r, 300));
  await screenshot(`${SHOT}-${name}`);
}

function hoverText(hovers: vscode.Hover[]): string {
  return hovers.flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : 'value' in c ? c.value : ''))).join('\n');
}

describe('workshop: one cluster, the walkthrough step by step', function () {
  this.timeout(240_000);
  let api: ExtensionApi;
  let own: DemoCluster | undefined;
  let dir: string | undefined;
  let kubeconfig: string;
  let server: string;
  const kubectl = async (...args: string[]) => (await run(KUBECTL, args, { env: { ...process.env, KUBECONFIG: kubeconfig } })).stdout;
  const backendPods = async () =>
    (await kubectl('get', 'pods', '-l', 'app=backend', '-o', 'jsonpath={range .items[*]}{.metadata.name} {.status.podIP} {.metadata.deletionTimestamp}{"\\n"}{end}'))
      .trim()
      .split('\n')
      .map((l) => l.split(' '))
      .filter((r) => r[1] && !r[2])
      .map(([name, ip]) => ({ name, ip }));
  const workspaceService = () => existsSync(join(vscode.workspace.workspaceFolders![0].uri.fsPath, 'service.yaml'));
  const sampleUri = () => vscode.Uri.joinPath(vscode.workspace.workspaceFolders![0].uri, 'sample-frontend.yaml');

  before(async function () {
    if (!existsSync(KUBECTL)) skipOrFail(this, `${KUBECTL} not found: the workshop suite drives the demo cluster with kubectl`);
    if (process.platform !== 'linux') skipOrFail(this, 'the workshop suite counts listening sockets through /proc (Linux)');
    const ext = vscode.extensions.getExtension('pod-ip-lens.pod-ip-lens')!;
    api = await ext.activate();
    const demo = vscode.workspace.getConfiguration('podIpLens.demo');
    const cluster = vscode.workspace.getConfiguration('podIpLens.cluster');
    const preset = demo.get<string>('kubeconfig', '');
    if (preset) {
      kubeconfig = preset; // scripts/screenshots.mjs: `pod-ip-lens cluster`, set up as npm run demo does
    } else {
      // As npm run demo does it: a cluster that is not the extension's, its kubeconfig in the settings.
      dir = mkdtempSync(join(tmpdir(), 'pod-ip-lens-workshop-'));
      kubeconfig = join(dir, 'kubeconfig.yaml');
      // eslint-disable-next-line @typescript-eslint/no-require-imports -- the extension's own demo bundle
      const { startDemoCluster } = require(join(ext.extensionPath, 'dist', 'demo.js')) as typeof import('../../src/demo');
      own = await startDemoCluster({ kubeconfigPath: kubeconfig, speed: 10 });
      await cluster.update('kubeconfig', kubeconfig, vscode.ConfigurationTarget.Global);
      await demo.update('kubeconfig', kubeconfig, vscode.ConfigurationTarget.Global);
    }
    server = (await kubectl('config', 'view', '--minify', '-o', 'jsonpath={.clusters[0].cluster.server}')).trim();
    assert.match(server, /^https:\/\/127\.0\.0\.1:\d+$/);
    if (preset) {
      // npm run demo's first screen: the sample manifest next to the timeline that openOnStartup opened.
      await until('the timeline opened at startup', () => api.timelines().find((p) => p.feed.scope.labelSelector === 'app=backend'));
      await until('the sample manifest in front', () => vscode.window.visibleTextEditors.find((e) => e.document.uri.path.endsWith('/sample-frontend.yaml')));
      await new Promise((r) => setTimeout(r, 2000));
      await shot('0-first-screen');
    } else {
      await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    }
  });

  afterEach(async function () {
    if (this.currentTest?.state === 'failed') await screenshot(`${SHOT}-failed-${this.currentTest.title.replace(/\W+/g, '-')}`);
  });

  after(async () => {
    if (!api) return;
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await vscode.commands.executeCommand('podIpLens.stopDemoCluster');
    if (own) {
      await vscode.workspace.getConfiguration('podIpLens.cluster').update('kubeconfig', undefined, vscode.ConfigurationTarget.Global);
      await vscode.workspace.getConfiguration('podIpLens.demo').update('kubeconfig', undefined, vscode.ConfigurationTarget.Global);
      await own.stop();
      rmSync(sampleUri().fsPath, { force: true });
    }
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('first screen: nothing ticked; Start Demo Cluster uses the running cluster and starts no second server', async () => {
    await openWalkthrough();
    await expectTicked([]);
    await shot('0-walkthrough');
    const before = listeningPorts();
    await click('start', 'Start Demo Cluster');
    await until('the demo cluster in use', () => api.session.demo);
    assert.equal(api.session.demo!.external, true, 'the running cluster is used, not one started in VS Code');
    assert.equal(api.session.demo!.url, server);
    assert.deepEqual(listeningPorts(), before, 'no new listening socket: no second API server');
    assert.equal(api.session.defaultContext(), `pod-ip-lens-demo-${new URL(server).port}`, 'the context is named after its server');
    // (A demo terminal of an earlier suite, for another cluster, is closed and replaced.)
    const demoTerminals = () => vscode.window.terminals.filter((t) => t.name === 'Pod IP Lens demo' && t.exitStatus === undefined);
    const terms = await until('one demo terminal, for this cluster', () => {
      const t = demoTerminals();
      return t.length === 1 && (t[0].creationOptions as vscode.TerminalOptions).env?.KUBECONFIG === kubeconfig ? t : undefined;
    }).catch((e: Error) => assert.fail(`${e.message}: ${demoTerminals().map((t) => (t.creationOptions as vscode.TerminalOptions).env?.KUBECONFIG).join(', ')}`));
    assert.equal(terms.length, 1);
    await expectTicked(['start']);
  });

  it("the terminal's kubectl talks to that server", async () => {
    const out = join(tmpdir(), `pod-ip-lens-workshop-server-${process.pid}.txt`);
    rmSync(out, { force: true });
    await vscode.commands.executeCommand('podIpLens.runInDemoTerminal', `kubectl config view --minify -o jsonpath='{.clusters[0].cluster.server}' > ${out}`);
    const seen = await until('kubectl in the demo terminal to answer', () => (existsSync(out) && readFileSync(out, 'utf8').trim()) || undefined);
    rmSync(out, { force: true });
    assert.equal(seen, server);
    await expectTicked(['start']);
  });

  it('Open Timeline: the panel watches that server and says so; Create backend appears on it', async () => {
    await click('watch', 'Open Timeline');
    const panel = await until('a timeline on app=backend', () => api.timelines().find((p) => p.feed.scope.labelSelector === 'app=backend'));
    assert.equal(panel.feed.scope.server, server, 'bound to the server, not only to a context name');
    assert.ok(api.log, 'the Output log is there');
    await expectTicked(['start', 'watch']);
    await click('create', 'Create backend');
    await expectTicked(['start', 'create', 'watch']);
    const pods = await until('two backend Pods with IPs (created by the terminal)', async () => {
      const p = await backendPods();
      return p.length === 2 ? p : undefined;
    }, 60_000, 500);
    const onTimeline = await until('the timeline to hold both Pods', () => {
      const live = api.timelines().find((p) => p.feed.scope.labelSelector === 'app=backend')!.feed.snapshot().pods.filter((p) => !p.deleted);
      return pods.every((p) => live.some((l) => l.name === p.name && l.ips.includes(p.ip))) ? live : undefined;
    });
    assert.equal(onTimeline.length, 2);
    const header = await until('the header to name the server', async () => {
      const res = await fetch(`${process.env.POD_IP_LENS_TEST_BROWSER}/frames/eval`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ selector: '#connection', expression: `document.getElementById('connection').textContent` }),
      });
      const frames = (await res.json()) as { result: string }[];
      return frames.map((f) => f.result).find((t) => t.includes(server));
    });
    assert.match(header, new RegExp(`pod-ip-lens-demo-\\d+ \\(${server.replace(/\./g, '\\.')}\\) · default · app=backend`));
    await until('the status bar to count the Pods as the timeline does', () => (/Pod IPs: 2 Pods holding an IP/.test(api.statusBar.text) ? true : undefined));
    await shot('1-created');
  });

  it('Open Sample Manifest: a real workspace file holding a running backend Pod IP; the hover names the Pod, the fix comes from the cluster', async () => {
    await click('find', 'Open Sample Manifest');
    const editor = await until('the sample manifest', () => vscode.window.visibleTextEditors.find((e) => e.document.uri.toString() === sampleUri().toString()));
    const doc = editor.document;
    assert.equal(doc.uri.scheme, 'file', 'a file in the workspace, not an Untitled document');
    assert.equal(doc.isDirty, false);
    assert.ok(existsSync(sampleUri().fsPath));
    const pods = await backendPods();
    const held = pods.find((p) => doc.getText().includes(`http://${p.ip}:80`));
    assert.ok(held, `the manifest holds a running backend Pod's IP (${pods.map((p) => p.ip).join(', ')})`);
    const pos = doc.positionAt(doc.getText().indexOf(`http://${held.ip}`) + 9);
    const text = await until('a hover naming the Pod', async () => {
      const t = hoverText(await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', doc.uri, pos));
      return t.includes(held.name) ? t : undefined;
    });
    assert.match(text, /\(Deployment backend\)/);
    let seen: string[] = [];
    const titles = await until('a fix that knows the live Pod', async () => {
      const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', doc.uri, new vscode.Range(pos, pos), vscode.CodeActionKind.QuickFix.value);
      seen = actions.map((a) => a.title);
      return seen.some((x) => /from cluster|with backend\.default\.svc/.test(x)) ? seen : undefined;
    }).catch((e: Error) => assert.fail(`${e.message}; the fixes offered: ${seen.join(' | ')}`));
    // The test workspace defines Service backend itself (service.yaml): its fix is the one that
    // selects the live Pod. In npm run demo's workspace (only the sample) the cluster's own.
    const want = workspaceService() ? /^Replace [\d.]+:80 with backend\.default\.svc\.cluster\.local:80/ : /^Create Service backend for Deployment backend.*\(from cluster\)/;
    assert.ok(titles.some((t) => want.test(t)), titles.join('\n'));
    await vscode.commands.executeCommand('notifications.clearAll');
    await vscode.window.showTextDocument(doc, { viewColumn: vscode.ViewColumn.One });
    editor.selection = new vscode.Selection(pos, pos);
    await vscode.commands.executeCommand('editor.action.showHover');
    await new Promise((r) => setTimeout(r, 1500));
    await screenshot(`${SHOT}-2-hover`);
    await openWalkthrough();
    await expectTicked(['start', 'create', 'watch', 'find']);
  });

  it('Add Service and probe, Set image: each ticks its own step; the probe logs the Pod IP failing while the Service answers', async () => {
    await click('probe', 'Add Service and probe');
    await until('Service backend and Pod probe', async () => (await kubectl('get', 'service/backend', 'pod/probe', '-o', 'name')).trim().split('\n').length === 2, 30_000, 500);
    await expectTicked(['start', 'create', 'watch', 'find', 'probe']);
    const ip = (readFileSync(sampleUri().fsPath, 'utf8').match(/http:\/\/([\d.]+):80\/api/) ?? [])[1];
    await until('the probe to reach the Pod IP', async () => (await kubectl('logs', 'probe')).includes(`Pod IP ${ip}: answers`), 60_000, 1000);
    await click('rollout', 'Set image nginx:1.25');
    await expectTicked(['start', 'create', 'watch', 'find', 'probe', 'rollout']);
    await until('the rollout to start', async () => (await kubectl('get', 'deployment/backend', '-o', 'jsonpath={.spec.template.spec.containers[0].image}')) === 'nginx:1.25', 30_000, 500);
    await new Promise((r) => setTimeout(r, 1500));
    // The timeline with room: no terminal panel under it for this picture (the next step's
    // "Probe log" brings the terminal back).
    await vscode.commands.executeCommand('workbench.action.closePanel');
    await vscode.commands.executeCommand('workbench.action.focusSecondEditorGroup');
    await new Promise((r) => setTimeout(r, 500));
    await shot('3-mid-rollout');
    await until('the probe to fail on the old Pod IP while the Service answers', async () => {
      const logs = await kubectl('logs', 'probe', '--tail=6');
      return logs.includes(`Pod IP ${ip}: FAILED`) && logs.includes('Service backend: answers');
    }, 90_000, 1000);
    await click('rollout', 'Probe log');
    await new Promise((r) => setTimeout(r, 2000));
    await shot('4-probe-log');
    await expectTicked(['start', 'create', 'watch', 'find', 'probe', 'rollout']);
  });

  it('the quick fixes from the cluster replace every Pod IP; then the fix step ticks', async () => {
    const doc = await vscode.workspace.openTextDocument(sampleUri());
    const editor = await vscode.window.showTextDocument(doc, { viewColumn: vscode.ViewColumn.One });
    const ips = [...doc.getText().replace(/^(#[^\n]*\n)+/, '').matchAll(/http:\/\/(\d+\.\d+\.\d+\.\d+):80/g)].map((m) => m[1]);
    assert.ok(ips.length >= 1);
    let shotTaken = false;
    // Literal by literal (two may hold the same IP), until none is left.
    for (let round = 0; round < 2 * ips.length; round++) {
      const ip = ips.find((x) => doc.getText().includes(`http://${x}:80`));
      if (ip === undefined) break;
      const at = doc.getText().lastIndexOf(`http://${ip}:80`) + 9;
      const pos = doc.positionAt(at);
      let seen: string[] = [];
      const fix = await until(`the Service fix for ${ip}`, async () => {
        const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', doc.uri, new vscode.Range(pos, pos), vscode.CodeActionKind.QuickFix.value);
        seen = actions.map((a) => a.title);
        return actions.find((a) => (workspaceService() ? /^Replace [\d.]+:80 with backend\.default\.svc\.cluster\.local:80/ : /with backend\.default\.svc\.cluster\.local:80 \(from cluster\)/).test(a.title));
      }).catch((e: Error) => assert.fail(`${e.message}; the fixes offered: ${seen.join(' | ')}`));
      if (!shotTaken) {
        await vscode.commands.executeCommand('notifications.clearAll');
        editor.selection = new vscode.Selection(pos, pos);
        await vscode.commands.executeCommand('editor.action.quickFix');
        await new Promise((r) => setTimeout(r, 1500));
        await screenshot(`${SHOT}-5-quick-fixes`);
        await vscode.commands.executeCommand('hideCodeActionWidget');
        shotTaken = true;
      }
      assert.ok(fix.edit, fix.title);
      assert.ok(await vscode.workspace.applyEdit(fix.edit!), `applied: ${fix.title}`);
    }
    await doc.save();
    for (const ip of ips) assert.ok(!doc.getText().includes(ip), `${ip} is gone from the sample:\n${doc.getText()}`);
    await openWalkthrough();
    await expectTicked([...STEPS], 30_000);
    await shot('6-done');
  });

  it('the timeline follows when the user switches to another cluster, and names the new server', async function () {
    if (!own) this.skip(); // needs a second cluster of the suite's own (scripts/screenshots.mjs runs one)
    const ext = vscode.extensions.getExtension('pod-ip-lens.pod-ip-lens')!;
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- the extension's own demo bundle
    const { startDemoCluster } = require(join(ext.extensionPath, 'dist', 'demo.js')) as typeof import('../../src/demo');
    const other = await startDemoCluster({ kubeconfigPath: join(dir!, 'other.yaml'), speed: 10 });
    try {
      const panel = api.timelines().find((p) => p.feed.scope.labelSelector === 'app=backend')!;
      assert.equal(panel.feed.scope.server, server);
      await vscode.commands.executeCommand('podIpLens.stopDemoCluster');
      await vscode.workspace.getConfiguration('podIpLens.demo').update('kubeconfig', undefined, vscode.ConfigurationTarget.Global);
      await vscode.workspace.getConfiguration('podIpLens.cluster').update('kubeconfig', join(dir!, 'other.yaml'), vscode.ConfigurationTarget.Global);
      await until('the panel to watch the other server', () => (panel.feed.scope.server === other.url ? true : undefined));
      assert.equal(panel.feed.scope.context, `pod-ip-lens-demo-${other.port}`);
      assert.equal(api.timelines().filter((p) => p.feed.scope.labelSelector === 'app=backend').length, 1, 'the same panel, not a second one');
      await until('its header to name the new server', async () => {
        const res = await fetch(`${process.env.POD_IP_LENS_TEST_BROWSER}/frames/eval`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ selector: '#connection', expression: `document.getElementById('connection').textContent` }),
        });
        return ((await res.json()) as { result: string }[]).some((f) => f.result.includes(`(${other.url})`)) || undefined;
      });
    } finally {
      await vscode.commands.executeCommand('workbench.action.closeAllEditors');
      await other.stop();
    }
  });
});
