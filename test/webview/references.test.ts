// The References band in headless Chromium: rows from the real join (a rollout in the real
// lifecycle model, then another workload taking the IP), drawn live / dangling / reused by
// interval, with the tooltip and the table saying the same in words, clicks asking the host to
// open the file, and the exports (SVG, PNG, JSON, the CLI's HTML) carrying the section.
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import type { LifecycleEvent } from '../../src/core/events';
import { LifecycleModel, type PodObject } from '../../src/core/lifecycle';
import { describeNow, type ReferencesMessage } from '../../src/core/protocol';
import { IpHistory, joinReferences, type IpLiteral } from '../../src/core/references';
import { ROOT, TimelinePageServer, openTimeline, pageErrors, post, renderedSeq, sent, SHOTS, timelinePageHooks } from './page';

const T0 = Date.parse('2026-12-01T12:00:00Z');
const at = (s: number) => new Date(T0 + s * 1000);

function pod(uid: string, app: string, rev: string, ip: string | undefined, deleting?: number): PodObject {
  return {
    metadata: {
      uid,
      name: `${app}-${rev}-${uid}`,
      namespace: 'shop',
      labels: { app, 'pod-template-hash': rev },
      ownerReferences: [{ kind: 'ReplicaSet', name: `${app}-${rev}`, controller: true }],
      ...(deleting !== undefined ? { deletionTimestamp: at(deleting + 30).toISOString(), deletionGracePeriodSeconds: 30 } : {}),
    },
    spec: { nodeName: 'node-1' },
    status: { phase: 'Running', podIP: ip, podIPs: ip ? [{ ip }] : undefined },
  };
}

/** backend-a holds .7; a rollout replaces it (backend-b); payments-c gets .7 (reuse-first). */
function scenario(labels: { file: string; label: string }[]) {
  const m = new LifecycleModel();
  const events: LifecycleEvent[] = [];
  const apply = (type: 'ADDED' | 'MODIFIED' | 'DELETED', p: PodObject, s: number) => events.push(...m.applyPod(type, p, at(s)));
  apply('ADDED', pod('a', 'backend', 'r1', undefined), 0);
  apply('MODIFIED', pod('a', 'backend', 'r1', '10.244.1.7'), 2);
  apply('ADDED', pod('b', 'backend', 'r2', undefined), 30);
  apply('MODIFIED', pod('b', 'backend', 'r2', '10.244.1.8'), 32);
  apply('MODIFIED', pod('a', 'backend', 'r1', '10.244.1.7', 40), 40);
  apply('DELETED', pod('a', 'backend', 'r1', '10.244.1.7', 40), 45);
  apply('ADDED', pod('c', 'payments', 'p1', undefined), 70);
  apply('MODIFIED', pod('c', 'payments', 'p1', '10.244.1.7'), 72);
  // One more Pod later on: the recording ends there, and the reuse has a width.
  apply('ADDED', pod('d', 'backend', 'r2', undefined), 100);
  const snapshot = m.snapshot({ context: 'test', namespace: 'shop', labelSelector: '' }, 'stopped');
  const h = new IpHistory();
  h.ingest(events);
  const literals: IpLiteral[] = labels.map((l, i) => ({ ...l, line: 24 + i, column: 18, ip: i === 1 ? '10.244.1.8' : '10.244.1.7', literal: `${i === 1 ? '10.244.1.8' : '10.244.1.7'}:8080`, path: 'data.BACKEND_URL', resource: 'ConfigMap frontend' }));
  const refs: ReferencesMessage = { type: 'references', rows: joinReferences(literals, h), literals: literals.length + 1, files: 2 };
  return { snapshot, refs, last: events[events.length - 1].seq };
}

describe('references band (headless Chromium)', function () {
  this.timeout(60_000);
  let server: TimelinePageServer;
  let browser: Browser;
  let page: Page;

  timelinePageHooks((s, b) => ((server = s), (browser = b)), () => page, 'failed-references-');

  const HOSTILE = '<img src=x onerror="window.__pwned=1">.yaml';
  async function load(p: Page, hostile = true) {
    const sc = scenario([
      { file: 'file:///ws/frontend.yaml', label: 'frontend.yaml' },
      { file: 'file:///ws/frontend.yaml', label: 'frontend.yaml' },
      ...(hostile ? [{ file: 'file:///ws/evil.yaml', label: HOSTILE }] : []),
    ]);
    await post(p, { type: 'snapshot', snapshot: sc.snapshot, now: at(90).toISOString(), live: false });
    await renderedSeq(p, sc.last);
    await post(p, sc.refs);
    await p.waitForSelector('#chart g.reference');
    await p.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
    return sc;
  }

  const intervals = (p: Page, id: string) =>
    p.$$eval(`#chart g.reference`, (gs, rid) => gs.filter((g) => g.getAttribute('data-id') === rid).flatMap((g) => [...g.querySelectorAll('rect.ref-interval')].map((r) => ({ state: r.getAttribute('data-state'), x: Number(r.getAttribute('x')), w: Number(r.getAttribute('width')), y: Number(r.getAttribute('y')) }))), id);

  it('draws one row per reference above the lanes, live → dangling → reused by interval; labels are text', async () => {
    page = await openTimeline(browser, server);
    const sc = await load(page);
    const rows = await page.$$eval('#chart g.reference', (gs) => gs.map((g) => [g.getAttribute('data-file'), g.getAttribute('data-line'), g.getAttribute('data-ip'), g.getAttribute('data-state')]));
    assert.deepEqual(rows, [[HOSTILE, '26', '10.244.1.7', 'reused'], ['frontend.yaml', '24', '10.244.1.7', 'reused'], ['frontend.yaml', '25', '10.244.1.8', 'live']]);
    const ivs = await intervals(page, sc.refs.rows[1].id);
    assert.deepEqual(ivs.map((i) => i.state), ['live', 'dangling', 'reused']);
    assert.ok(ivs[0].x < ivs[1].x && ivs[1].x < ivs[2].x, JSON.stringify(ivs));
    assert.ok(Math.abs(ivs[0].x + ivs[0].w - ivs[1].x) < 1.5, 'back to back');
    const labels = await page.$$eval('#chart text.reference-label', (ts) => ts.map((t) => t.textContent));
    assert.ok(labels.includes('frontend.yaml:24 → 10.244.1.7'), labels.join(' | '));
    // The band sits above the lanes: every reference row is above the first lane's label.
    const bandBottom = Math.max(...ivs.map((i) => i.y));
    const firstLane = await page.$eval('#chart text.lane-label', (t) => Number(t.getAttribute('y')));
    assert.ok(bandBottom < firstLane, `${bandBottom} < ${firstLane}`);
    assert.equal(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned), undefined);
    assert.equal(await page.evaluate(() => document.querySelector('#chart img')), null);
    assert.equal(await page.evaluate(() => document.getElementById('app')!.dataset.references), '3');
    assert.deepEqual(pageErrors(page), []);
    await page.screenshot({ path: join(SHOTS, 'references-band.png') });
  });

  it('draws the picture the README shows (test-results/webview/references-readme.png)', async () => {
    page = await openTimeline(browser, server, {}, { width: 1000, height: 380 });
    const sc = await load(page, false);
    const [, dangling] = await intervals(page, sc.refs.rows[0].id);
    const box = (await page.locator('#chart').boundingBox())!;
    await page.mouse.move(box.x + dangling.x + dangling.w / 2, box.y + dangling.y + 4);
    await page.waitForSelector('#tooltip:not([hidden])');
    await page.screenshot({ path: join(SHOTS, 'references-readme.png') });
    assert.deepEqual(await page.$$eval('#chart g.reference', (gs) => gs.map((g) => g.getAttribute('data-state'))), ['reused', 'live']);
  });

  it('rows that go (a literal fixed) leave the band; none left, no band', async () => {
    page = await openTimeline(browser, server);
    const sc = await load(page);
    await post(page, { ...sc.refs, rows: sc.refs.rows.slice(1) });
    await page.waitForFunction(() => document.querySelectorAll('#chart g.reference').length === 2);
    await post(page, { ...sc.refs, rows: [] });
    await page.waitForFunction(() => document.querySelectorAll('#chart g.reference').length === 0 && !document.querySelector('#chart text.references-title'));
    // A few frames more, hovering where the band was: nothing breaks.
    const box = (await page.locator('#chart').boundingBox())!;
    await page.mouse.move(box.x + 600, box.y + 60);
    await page.evaluate(() => new Promise((r) => setTimeout(r, 300)));
    assert.deepEqual(pageErrors(page), []);
    assert.deepEqual((await sent(page)).filter((m) => m.type === 'log'), []);
  });

  it('the tooltip says the interval in words; a click asks the host to open the row', async () => {
    page = await openTimeline(browser, server);
    const sc = await load(page);
    const row = sc.refs.rows[1];
    const [, dangling] = await intervals(page, row.id);
    const box = (await page.locator('#chart').boundingBox())!;
    await page.mouse.move(box.x + dangling.x + dangling.w / 2, box.y + dangling.y + 4);
    await page.waitForSelector('#tooltip:not([hidden])');
    const text = await page.textContent('#tooltip');
    assert.match(text!, /frontend\.yaml:24 → 10\.244\.1\.7 \(reused now\)/);
    assert.match(text!, /Here: Dangling .*broken when a rollout replaced the Pod \(Deployment backend, revision r1 → r2\): shop\/backend-r1-a let it go/);
    assert.match(text!, /Now: reused by shop\/payments-p1-c \(Deployment payments\)/);
    await page.mouse.click(box.x + dangling.x + dangling.w / 2, box.y + dangling.y + 4);
    await page.waitForFunction(() => (window as unknown as { __sent: { type: string }[] }).__sent.some((m) => m.type === 'open-reference'));
    assert.deepEqual((await sent(page)).filter((m) => m.type === 'open-reference'), [{ type: 'open-reference', id: row.id }]);
  });

  it('the table view lists every reference with its history; its location opens the row', async () => {
    page = await openTimeline(browser, server, { state: { showTable: true } });
    const sc = await load(page);
    await page.waitForSelector('#references-table tbody tr');
    const cells = await page.$$eval('#references-table tbody tr', (trs) => trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent)));
    assert.equal(cells.length, 3);
    const r = sc.refs.rows[1];
    assert.deepEqual(cells[1].slice(0, 3), ['frontend.yaml:24 → 10.244.1.7', '10.244.1.7:8080 (data.BACKEND_URL)', describeNow(r)]);
    assert.match(cells[1][3]!, /^Live .*Dangling .*rollout.*Reused .*different workload\. Before that, a rollout replaced the Pod .*\.$/);
    assert.equal(cells[0][0], `${HOSTILE}:26 → 10.244.1.7`, 'a hostile file name is shown as text');
    await page.click('#references-table tbody tr:nth-child(2) button.reference-open');
    assert.deepEqual((await sent(page)).filter((m) => m.type === 'open-reference'), [{ type: 'open-reference', id: r.id }]);
  });

  it('exports carry the section: SVG shapes and words, PNG pixels, JSON rows', async () => {
    page = await openTimeline(browser, server);
    const sc = await load(page);
    const svg = await page.evaluate(() => window.podIpLensView!.exportSvg());
    assert.match(svg, /<g class="reference" data-id="[^"]*" data-state="reused"/);
    assert.match(svg, /frontend\.yaml:24 → 10\.244\.1\.7/);
    assert.match(svg, /class="ref-interval ref-dangling"/);
    assert.ok(!svg.includes('<img'), 'the hostile label is escaped in the SVG');
    // The PNG has the reused colour where the reused interval is (the chart sits below the export's title and legend).
    const chartTop = Number(/<svg [^>]*class="export-chart"[^>]*>/.exec(svg)?.[0].match(/ y="([\d.]+)"/)?.[1] ?? NaN);
    assert.ok(chartTop > 0, 'the export puts the chart below its header');
    const [, , reused] = await intervals(page, sc.refs.rows[1].id);
    const rgb = await page.evaluate(async ({ x, y }) => {
      const url = await window.podIpLensView!.exportPng(1);
      const img = new Image();
      img.src = url;
      await img.decode();
      const c = document.createElement('canvas');
      c.width = img.width;
      c.height = img.height;
      const ctx = c.getContext('2d')!;
      ctx.drawImage(img, 0, 0);
      return [...ctx.getImageData(Math.round(x), Math.round(y), 1, 1).data.slice(0, 3)];
    }, { x: reused.x + reused.w - 8, y: chartTop + reused.y + 6 }); // right of the word written inside
    const want = [0xcc, 0x79, 0xa7];
    assert.ok(rgb.every((v, i) => Math.abs(v - want[i]) < 40), `pixel ${rgb} is the reused colour`);
    const json = JSON.parse(await page.evaluate(() => window.podIpLensView!.exportJson())) as { events: unknown[]; references: unknown[] };
    assert.ok(json.events.length > 0);
    assert.deepEqual(json.references, sc.refs.rows);
  });

  it('`pod-ip-lens timeline FILE --html OUT --manifests DIR` draws the band offline', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pod-ip-lens-refs-html-'));
    try {
      mkdirSync(join(dir, 'k8s'));
      writeFileSync(join(dir, 'k8s', 'web.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: client\ndata:\n  WEB: "http://10.244.1.5:8080"\n');
      const out = join(dir, 'timeline.html');
      const fixture = join(ROOT, 'test', 'fixtures', 'kubectl-watch', 'rollout-watch-events.json');
      const r = spawnSync(process.execPath, ['--import', 'tsx', join(ROOT, 'src', 'cli.ts'), 'timeline', fixture, '--html', out, '--manifests', join(dir, 'k8s')], { cwd: ROOT, encoding: 'utf8', timeout: 30_000 });
      assert.equal(r.status, 0, r.stderr);
      page = await browser.newPage({ viewport: { width: 1200, height: 700 } });
      await page.goto(pathToFileURL(out).href);
      await page.waitForSelector('#chart g.reference');
      assert.deepEqual(await page.$$eval('#chart g.reference', (gs) => gs.map((g) => [g.getAttribute('data-ip'), g.getAttribute('data-state')])), [['10.244.1.5', 'live']]);
      await page.mouse.click(...(await page.$eval('#chart text.reference-label', (t) => {
        const b = t.getBoundingClientRect();
        return [b.x + 5, b.y + b.height / 2] as [number, number];
      })));
      await page.waitForFunction(() => /line 6, column/.test(document.body.textContent ?? ''));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
