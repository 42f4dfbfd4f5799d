// References on the timeline inside VS Code, on the demo cluster with one worker and reuse-first
// IP allocation, driven by the real kubectl: a manifest in the workspace holds a backend Pod's IP;
// its row goes live → dangling (at the rollout) → reused (another Deployment gets the freed IP),
// in the host's rows and in the webview's DOM; a click on the row opens the file at the line, and
// fixing the literal in the editor (unsaved) makes the row go.
import * as assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import * as vscode from 'vscode';
import { findKubectl } from '../kubectlPath';
import { skipOrFail } from '../skip';
import type { ExtensionApi } from '../../src/extension';
import type { TimelinePanel } from '../../src/features/timelinePanel';
import { screenshot, until } from './util';

const run = promisify(execFile);
const KUBECTL = findKubectl();
const BRIDGE = process.env.POD_IP_LENS_TEST_BROWSER;
const FILE = 'references-demo.yaml';

interface DrawnRow {
  file: string | null;
  line: string | null;
  state: string | null;
  intervals: (string | null)[];
}

/** Runs an expression in the frame that holds the timeline (one: a second would be a stale page). */
async function inWebview<T>(expression: string): Promise<T | undefined> {
  const res = await fetch(`${BRIDGE}/frames/eval`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ selector: '#app[data-max-seq]', expression }),
  });
  if (!res.ok) throw new Error(`bridge: ${res.status} ${await res.text()}`);
  const frames = (await res.json()) as { url: string; result: T }[];
  if (frames.length > 1) throw new Error(`${frames.length} timeline frames: ${frames.map((f) => f.url.slice(0, 80)).join(', ')}`);
  return frames[0]?.result;
}

const drawnRows = () =>
  inWebview<DrawnRow[]>(`Array.from(document.querySelectorAll('#chart g.reference')).map((g) => ({
    file: g.getAttribute('data-file'), line: g.getAttribute('data-line'), state: g.getAttribute('data-state'),
    intervals: Array.from(g.querySelectorAll('rect.ref-interval')).map((r) => r.getAttribute('data-state')),
  }))`);

describe('references on the timeline, on the demo cluster', function () {
  this.timeout(240_000);
  let api: ExtensionApi;
  let kubeconfig: string;
  let panel: TimelinePanel | undefined;
  let uri: vscode.Uri;
  const kubectl = async (...args: string[]) => (await run(KUBECTL!, args, { env: { ...process.env, KUBECONFIG: kubeconfig } })).stdout.trim();
  const demo = vscode.workspace.getConfiguration('podIpLens.demo');
  const ours = () => panel!.references.current.filter((r) => r.label === FILE);

  before(async function () {
    if (!KUBECTL) skipOrFail(this, 'kubectl not found on PATH (or $KUBECTL): the references-on-the-timeline test');
    if (!BRIDGE) skipOrFail(this, 'POD_IP_LENS_TEST_BROWSER is not set: the runner has no frames bridge, so the webview DOM cannot be read');
    api = await vscode.extensions.getExtension('pod-ip-lens.pod-ip-lens')!.activate();
    // One worker, freed IPs handed out first: the backend's old IP goes to the next new Pod.
    await demo.update('nodes', 2, vscode.ConfigurationTarget.Global);
    await demo.update('ipAllocation', 'reuse-first', vscode.ConfigurationTarget.Global);
    await demo.update('speed', 10, vscode.ConfigurationTarget.Global);
    kubeconfig = (await vscode.commands.executeCommand<string>('podIpLens.startDemoCluster'))!;
    uri = vscode.Uri.joinPath(vscode.workspace.workspaceFolders![0].uri, FILE);
  });

  afterEach(async function () {
    if (this.currentTest?.state === 'failed') await screenshot(`references-${this.currentTest.title.replace(/\W+/g, '-')}`);
  });

  after(async () => {
    if (!api) return;
    panel?.dispose();
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await vscode.workspace.fs.delete(uri).then(undefined, () => undefined);
    await vscode.commands.executeCommand('podIpLens.stopDemoCluster');
    for (const k of ['nodes', 'ipAllocation', 'speed']) await demo.update(k, undefined, vscode.ConfigurationTarget.Global);
  });

  it('a manifest’s row goes live → dangling at the rollout → reused, and a click opens the line', async () => {
    await kubectl('create', 'deployment', 'refback', '--image=nginx:1.28', '--replicas=1', '--port=80');
    const ip = await until('refback’s Pod IP', async () => (await kubectl('get', 'pods', '-l', 'app=refback', '-o', 'jsonpath={.items[0].status.podIP}')) || undefined);
    const oldPod = await kubectl('get', 'pods', '-l', 'app=refback', '-o', 'jsonpath={.items[0].metadata.name}');
    const text = ['apiVersion: v1', 'kind: ConfigMap', 'metadata:', '  name: refclient', '  namespace: default', 'data:', `  BACKEND_URL: "http://${ip}:80/api"`, ''].join('\n');
    await vscode.workspace.fs.writeFile(uri, Buffer.from(text));

    panel = await vscode.commands.executeCommand<TimelinePanel>('podIpLens.openTimeline', { namespace: 'default', labelSelector: '' });
    assert.ok(panel);
    const live = await until('the row, live', () => {
      const r = ours()[0];
      return r?.state === 'live' && r;
    });
    assert.deepEqual([live.line, live.column, live.ip, live.literal, live.resource, live.workload], [7, 24, ip, `${ip}:80`, 'ConfigMap refclient', 'Deployment refback']);
    assert.equal(live.intervals[0].pod, `default/${oldPod}`);
    await until('the webview to draw it live', async () => (await drawnRows())?.some((r) => r.file === FILE && r.line === '7' && r.state === 'live'));

    await kubectl('rollout', 'restart', 'deployment/refback');
    const dangling = await until('the row, dangling after the rollout', () => {
      const r = ours()[0];
      return r?.state === 'dangling' && r;
    }, 90_000);
    const broke = dangling.intervals.at(-1)!;
    assert.equal(broke.cause, 'rollout', JSON.stringify(broke));
    assert.equal(broke.brokenBy, `default/${oldPod}`);
    assert.match(broke.causeDetail ?? '', /^Deployment refback, revision \w+ → \w+$/);
    await until('the webview to draw it dangling', async () => (await drawnRows())?.some((r) => r.file === FILE && r.state === 'dangling'));

    // reuse-first: the next new Pod gets the address the rollout freed. Pods' times have whole
    // seconds: a Pod started within the second of the release would leave no dangling stretch to see.
    await new Promise((r) => setTimeout(r, 1500));
    await kubectl('create', 'deployment', 'refother', '--image=nginx:1.28', '--replicas=1');
    const reused = await until('the row, reused by refother', () => {
      const r = ours()[0];
      return r?.state === 'reused' && r;
    }, 90_000);
    assert.deepEqual(reused.intervals.map((i) => i.state), ['live', 'dangling', 'reused'], JSON.stringify({ dangling, reused }));
    assert.deepEqual(reused.intervals[2].owner, { kind: 'Deployment', name: 'refother' });
    const row = await until('the webview to draw live, dangling and reused', async () => (await drawnRows())?.find((r) => r.file === FILE && r.state === 'reused' && r.intervals.join() === 'live,dangling,reused'));
    assert.ok(row);
    const tooltip = await inWebview<string>(`(() => {
      const rect = Array.from(document.querySelectorAll('#chart g.reference')).find((g) => g.getAttribute('data-file') === ${JSON.stringify(FILE)}).querySelector('rect.ref-reused');
      const b = rect.getBoundingClientRect();
      rect.ownerSVGElement.dispatchEvent(new PointerEvent('pointermove', { bubbles: true, clientX: b.right - 2, clientY: b.top + b.height / 2 }));
      return document.getElementById('tooltip').textContent;
    })()`);
    assert.match(tooltip ?? '', /Reused .*refother-.* \(Deployment refother\) holds the IP\. The config reaches a different workload\./);
    const shot = await screenshot('references-reused');
    if (shot) console.log(`    screenshot: ${shot}`);

    // The JSON export (the host's whole history) carries the section.
    const saving = panel.export('json', '');
    const saved = await until('the JSON export to be written', async () => {
      await vscode.commands.executeCommand('workbench.action.acceptSelectedQuickOpenItem');
      return Promise.race([saving, new Promise<undefined>((r) => setTimeout(() => r(undefined), 500))]);
    }, 20_000);
    try {
      assert.equal(saved.scheme, 'file', saved.toString());
      const exported = JSON.parse(Buffer.from(await vscode.workspace.fs.readFile(saved)).toString('utf8')) as { events: unknown[]; references: { label: string; intervals: { state: string }[] }[] };
      const mine = exported.references.find((r) => r.label === FILE);
      assert.deepEqual(mine?.intervals.map((i) => i.state), ['live', 'dangling', 'reused']);
    } finally {
      await vscode.workspace.fs.delete(saved).then(undefined, () => undefined);
    }

    // A click on the row's label opens the manifest with the literal selected.
    await inWebview<void>(`(() => {
      const t = Array.from(document.querySelectorAll('#chart text.reference-label')).find((x) => x.textContent.startsWith(${JSON.stringify(FILE + ':7')}));
      const b = t.getBoundingClientRect();
      t.ownerSVGElement.dispatchEvent(new MouseEvent('click', { bubbles: true, clientX: b.left + 4, clientY: b.top + b.height / 2 }));
    })()`);
    const editor = await until('the manifest open at the line', () => vscode.window.visibleTextEditors.find((e) => e.document.uri.toString() === uri.toString()));
    assert.equal(editor.selection.start.line, 6);
    assert.equal(editor.document.getText(editor.selection), `${ip}:80`);

    // Fixed in the editor (not even saved): the row goes.
    const edit = new vscode.WorkspaceEdit();
    edit.replace(uri, editor.selection, 'refback.default.svc.cluster.local:80');
    assert.ok(await vscode.workspace.applyEdit(edit));
    await until('the row to disappear after the fix', () => ours().length === 0);
    await until('the webview to drop it', async () => {
      const rows = await drawnRows();
      if (rows?.some((r) => r.file === FILE)) throw new Error(`still drawn: ${JSON.stringify(rows)}; panel visible ${panel!.panel.visible}, ready ${(panel as unknown as { ready: boolean }).ready}, stats ${JSON.stringify(panel!.stats)}, page seq ${await inWebview<string>('document.getElementById("app").dataset.maxSeq')} of ${panel!.feed.lastSeq()}, host rows ${JSON.stringify(panel!.references.current.map((r) => r.label))}`);
      return rows !== undefined;
    });
    assert.equal(panel!.stats.webviewErrors, 0, 'no script error in the webview (see the Pod IP Lens log)');
    await vscode.commands.executeCommand('workbench.action.files.revert');
  });
});
