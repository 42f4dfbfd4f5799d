// The timeline inside VS Code on the demo cluster: open it for a Deployment, run a rollout with
// the real kubectl, and watch the new Pod IPs appear in the webview — read from the webview's DOM
// through the workbench page's frames, via the runner's loopback bridge
// (POD_IP_LENS_TEST_BROWSER, see scripts/run-integration.mjs). A screenshot is kept on failure.
import * as assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import * as vscode from 'vscode';
import { screenshot, until } from './util';
import type { ExtensionApi } from '../../src/extension';
import type { TimelinePanel } from '../../src/features/timelinePanel';
import { skipOrFail } from '../skip';

const run = promisify(execFile);
const KUBECTL = process.env.KUBECTL ?? '/usr/bin/kubectl';
const BRIDGE = process.env.POD_IP_LENS_TEST_BROWSER;


interface Drawn {
  ips: string[];
  labels: string[];
  service: string;
  counts: string;
  maxSeq: number;
}

/** What the timeline webview has drawn, read from its DOM in whichever frame holds it. */
async function drawn(): Promise<Drawn | undefined> {
  const res = await fetch(`${BRIDGE}/frames/eval`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      selector: '#app[data-max-seq]',
      expression: `(() => ({
        ips: Array.from(document.querySelectorAll('#chart g.segment')).map((g) => g.getAttribute('data-ip')),
        labels: Array.from(document.querySelectorAll('#chart text.lane-label')).map((t) => t.textContent),
        service: Array.from(document.querySelectorAll('#chart .service text.cluster-ip')).map((t) => t.textContent).join(' | '),
        counts: document.getElementById('counts').textContent,
        maxSeq: Number(document.getElementById('app').dataset.maxSeq),
      }))()`,
    }),
  });
  if (!res.ok) throw new Error(`bridge: ${res.status} ${await res.text()}`);
  const frames = (await res.json()) as { url: string; result: Drawn }[];
  return frames[0]?.result;
}

/** Runs an expression in the frame that holds the timeline (the DOM is only reachable there). */
async function inWebview<T>(expression: string): Promise<T> {
  const res = await fetch(`${BRIDGE}/frames/eval`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ selector: '#app[data-max-seq]', expression }),
  });
  if (!res.ok) throw new Error(`bridge: ${res.status} ${await res.text()}`);
  const frames = (await res.json()) as { result: T }[];
  if (frames.length !== 1) throw new Error(`expected one timeline frame, found ${frames.length}`);
  return frames[0].result;
}


describe('timeline webview on the demo cluster', function () {
  this.timeout(180_000);
  let api: ExtensionApi;
  let kubeconfig: string;
  let panel: TimelinePanel | undefined;
  const kubectl = async (...args: string[]) => (await run(KUBECTL, args, { env: { ...process.env, KUBECONFIG: kubeconfig } })).stdout;
  const podIps = async () => {
    const out = await kubectl('get', 'pods', '-l', 'app=tl', '-o', 'jsonpath={range .items[*]}{.status.podIP}{"\\n"}{end}');
    return out.split('\n').filter(Boolean).sort();
  };

  before(async function () {
    if (!existsSync(KUBECTL)) {
      skipOrFail(this, `${KUBECTL} not found: the timeline-on-demo-cluster test (install kubectl or set KUBECTL)`);
    }
    if (!BRIDGE) {
      skipOrFail(this, 'POD_IP_LENS_TEST_BROWSER is not set: the runner has no frames bridge, so the webview DOM cannot be read');
    }
    api = await vscode.extensions.getExtension('pod-ip-lens.pod-ip-lens')!.activate();
    await vscode.workspace.getConfiguration('podIpLens.demo').update('speed', 10, vscode.ConfigurationTarget.Global);
    kubeconfig = (await vscode.commands.executeCommand<string>('podIpLens.startDemoCluster'))!;
    assert.ok(kubeconfig && existsSync(kubeconfig));
  });

  afterEach(async function () {
    if (this.currentTest?.state === 'failed') await screenshot(`timeline-${this.currentTest.title.replace(/\W+/g, '-')}`);
  });

  after(async () => {
    if (!api) return;
    panel?.dispose();
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await vscode.commands.executeCommand('podIpLens.stopDemoCluster');
  });

  it('draws the Pods of a Deployment and its Service, then the new IPs of a rollout as it happens', async () => {
    await kubectl('create', 'deployment', 'tl', '--image=nginx:1.28', '--replicas=3', '--port=80');
    await kubectl('expose', 'deployment', 'tl', '--port=80');
    const before = await until('three tl Pods with IPs', async () => {
      const ips = await podIps();
      return ips.length === 3 && ips;
    });
    panel = await vscode.commands.executeCommand<TimelinePanel>('podIpLens.openTimeline', { namespace: 'default', labelSelector: 'app=tl' });
    assert.ok(panel, 'the command returns the panel');
    const first = await until('the webview to draw the three Pods', async () => {
      const d = await drawn();
      return d && before.every((ip) => d.ips.includes(ip)) && d;
    });
    assert.equal(first.labels.filter((l) => l.startsWith('tl-')).length, 3, `lanes: ${first.labels.join(', ')}`);
    const clusterIp = (await kubectl('get', 'service', 'tl', '-o', 'jsonpath={.spec.clusterIP}')).trim();
    await until('the Service lane with its ClusterIP', async () => (await drawn())?.service.startsWith(clusterIp));

    await kubectl('rollout', 'restart', 'deployment/tl');
    const after = await until('the rollout to replace every Pod', async () => {
      const ips = await podIps();
      const names = await kubectl('get', 'pods', '-l', 'app=tl', '-o', 'jsonpath={.items[*].metadata.deletionTimestamp}');
      return ips.length === 3 && names.trim() === '' && ips.join() !== before.join() && ips;
    }, 90_000);
    const fresh = after.filter((ip) => !before.includes(ip));
    assert.ok(fresh.length > 0, 'the rollout gave out at least one new IP');
    const last = await until('the new IPs in the webview', async () => {
      const d = await drawn();
      return d && after.every((ip) => d.ips.includes(ip)) && d;
    });
    // The old Pods stay on the timeline (that is the lesson), next to their replacements.
    assert.ok(before.every((ip) => last.ips.includes(ip)), `old IPs still drawn: ${last.ips.join(', ')}`);
    assert.ok(last.labels.filter((l) => l.startsWith('tl-')).length >= 6, `old and new Pods have lanes: ${last.labels.join(', ')}`);
    assert.equal((await drawn())?.service.startsWith(clusterIp), true, 'the ClusterIP has not changed');
    assert.ok(panel.stats.eventMessages > 0, 'events arrived as batches, not only snapshots');
    assert.equal(panel.stats.webviewErrors, 0, 'no CSP violation or script error in the webview (see the Pod IP Lens log)');

    // A click on a segment of a Pod that is gone opens its last known state read-only; one still
    // running opens the live manifest from the API server.
    for (const ip of [before[0], after[0]]) {
      const clicked = await inWebview<string>(`(() => {
        const g = document.querySelector('#chart g.segment[data-ip="${ip}"]');
        const r = g.querySelector('rect').getBoundingClientRect();
        g.ownerSVGElement.dispatchEvent(new MouseEvent('click', { bubbles: true, clientX: r.left + r.width / 2, clientY: r.top + r.height / 2 }));
        return g.getAttribute('data-uid');
      })()`);
      const editor = await until(`the YAML of the Pod with ${ip}`, () => {
        const e = vscode.window.visibleTextEditors.find((x) => x.document.uri.scheme === 'pod-ip-lens-pod' && x.document.uri.query.includes(clicked));
        return e && e.document.getText().length > 0 && e;
      });
      const text = editor.document.getText();
      if (ip === before[0]) assert.match(text, /The live manifest is not available/, text.slice(0, 300));
      else assert.match(text, /^kind: Pod$/m, text.slice(0, 300));
      assert.ok(text.includes(ip), `the YAML mentions ${ip}`);
      // The editor is read-only: typing into it changes nothing.
      await vscode.window.showTextDocument(editor.document, { preview: true });
      await vscode.commands.executeCommand('type', { text: '# typed\n' });
      assert.equal(editor.document.getText(), text, 'the Pod YAML is read-only');
    }

    console.log(`    drawn: ${last.ips.length} segments; before ${before.join(', ')}; after ${after.join(', ')}; ${last.counts}`);
    await screenshot('timeline-after-rollout');
  });

  it('exports SVG, PNG and JSON from the webview menu through the save dialog, outside the workspace', async () => {
    assert.ok(panel);
    const workspace = vscode.workspace.workspaceFolders![0].uri;
    const inWorkspace = new Set((await vscode.workspace.fs.readDirectory(workspace)).map(([n]) => n));
    // The dialog opens in Downloads (or the home folder), then where the last export went.
    const downloads = join(homedir(), 'Downloads');
    const folder = vscode.Uri.file(existsSync(downloads) ? downloads : homedir());
    const written: vscode.Uri[] = [];
    try {
      for (const [format, check] of [
        ['svg', (b: Buffer) => /^<\?xml[^>]*>\s*<svg /.test(b.toString('utf8')) && b.toString('utf8').includes('tl-')],
        ['png', (b: Buffer) => b.subarray(1, 4).toString('latin1') === 'PNG' && b.length > 2000],
        ['json', (b: Buffer) => (JSON.parse(b.toString('utf8')) as { scope: { labelSelector: string } }).scope.labelSelector === 'app=tl'],
      ] as const) {
        const before = new Set((await vscode.workspace.fs.readDirectory(folder)).map(([n]) => n));
        const item = ['svg', 'png', 'json'].indexOf(format);
        await inWebview<void>(`(async () => {
          const menu = document.getElementById('export-list');
          document.getElementById('export-menu').click();
          await menu.updateComplete;
          const items = menu.shadowRoot.querySelectorAll('vscode-context-menu-item');
          await items[${item}].updateComplete;
          items[${item}].shadowRoot.querySelector('a').click();
        })()`);
        // code-server shows VS Code's own (simple) save dialog, prefilled with the suggested name: accept it.
        const file = await until(`the ${format} export to be written`, async () => {
          await vscode.commands.executeCommand('workbench.action.acceptSelectedQuickOpenItem');
          const now = (await vscode.workspace.fs.readDirectory(folder)).map(([n]) => n);
          const added = now.find((n) => !before.has(n) && n.startsWith('pod-ip-timeline-') && n.endsWith(`.${format}`));
          return added ? vscode.Uri.joinPath(folder, added) : undefined;
        }, 20_000);
        written.push(file);
        const bytes = Buffer.from(await until(`${format} bytes`, async () => {
          const b = await vscode.workspace.fs.readFile(file);
          return b.byteLength > 0 && b;
        }));
        assert.ok(check(bytes), `${format} export has the expected content (${bytes.byteLength} bytes)`);
      }
      const added = (await vscode.workspace.fs.readDirectory(workspace)).map(([n]) => n).filter((n) => !inWorkspace.has(n));
      assert.deepEqual(added, [], 'nothing was written into the workspace');
    } finally {
      for (const f of written) await vscode.workspace.fs.delete(f).then(undefined, () => undefined);
    }
  });

  it('keeps watching while hidden and catches up with a snapshot when shown again', async () => {
    assert.ok(panel, 'the panel from the previous test');
    const column = panel.panel.viewColumn;
    // Another editor in the panel's column hides it (its page is torn down: no retainContextWhenHidden).
    const doc = await vscode.workspace.openTextDocument({ language: 'yaml', content: 'hidden: true\n' });
    await vscode.window.showTextDocument(doc, { viewColumn: column, preview: false });
    await until('the panel to be hidden', () => !panel!.panel.visible);
    const skippedBefore = panel.stats.skippedWhileHidden;
    const snapshotsBefore = panel.stats.snapshots;
    await kubectl('scale', 'deployment/tl', '--replicas=5');
    const scaled = await until('five tl Pods with IPs', async () => {
      const ips = await podIps();
      return ips.length === 5 && ips;
    }, 60_000);
    await until('events to reach the hidden panel', () => panel!.stats.skippedWhileHidden > skippedBefore);
    panel.panel.reveal(column);
    const d = await until('the shown webview to draw the Pods added while it was hidden', async () => {
      const x = await drawn();
      return x && scaled.every((ip) => x.ips.includes(ip)) && x;
    });
    assert.ok(panel.stats.snapshots > snapshotsBefore, 'a snapshot brought the view up to date');
    assert.ok(d.labels.filter((l) => l.startsWith('tl-')).length >= 8, `lanes: ${d.labels.join(', ')}`);
  });
});
