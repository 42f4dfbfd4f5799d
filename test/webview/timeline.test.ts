// The timeline app in headless Chromium, on a static page with the built bundle under the panel's
// CSP, driven by the same messages the extension host sends.
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import type { LifecycleEvent } from '../../src/core/events';
import { ROOT, TimelinePageServer, batch, openTimeline, pageErrors, post, renderedSeq, sent, SHOTS, timelinePageHooks } from './page';
import { EventWriter, bigHistory, pod, rolloutScenario, WEB_SERVICE } from './synthetic';


describe('timeline webview (headless Chromium)', function () {
  this.timeout(60_000);
  let server: TimelinePageServer;
  let browser: Browser;
  let page: Page;

  timelinePageHooks((s, b) => ((server = s), (browser = b)), () => page);

  async function liveRollout(p: Page) {
    const sc = rolloutScenario(Date.now() - 30_000);
    await post(p, { type: 'snapshot', snapshot: sc.snapshot, now: new Date().toISOString(), live: true });
    await renderedSeq(p, sc.snapshot.events.length);
    return sc;
  }

  const segments = (p: Page) =>
    p.$$eval('#chart g.segment', (gs) => gs.map((g) => ({ uid: g.getAttribute('data-uid'), ip: g.getAttribute('data-ip'), open: g.getAttribute('data-open') === 'true' })));
  const laneLabels = (p: Page) => p.$$eval('#chart text.lane-label', (ts) => ts.map((t) => t.textContent ?? ''));
  /** Share of pixels in a PNG that are clearly coloured (decoded by the browser itself). */
  const colouredFraction = (p: Page, png: Buffer) =>
    p.evaluate(async (b64) => {
      const img = new Image();
      img.src = `data:image/png;base64,${b64}`;
      await img.decode();
      const c = document.createElement('canvas');
      c.width = img.width;
      c.height = img.height;
      const ctx = c.getContext('2d')!;
      ctx.drawImage(img, 0, 0);
      const d = ctx.getImageData(0, 0, c.width, c.height).data;
      let n = 0;
      for (let i = 0; i < d.length; i += 4) if (Math.max(d[i], d[i + 1], d[i + 2]) - Math.min(d[i], d[i + 1], d[i + 2]) > 60) n++;
      return n / (c.width * c.height);
    }, png.toString('base64'));
  const dataset = (p: Page) => p.evaluate(() => ({ ...document.getElementById('app')!.dataset }));

  it('loads under the strict CSP, upgrades the controls and says ready', async () => {
    page = await openTimeline(browser, server);
    await page.waitForFunction(() => (window as unknown as { __sent: unknown[] }).__sent.length > 0);
    assert.deepEqual(await sent(page), [{ type: 'ready', protocol: 2 }]);
    const upgraded = await page.evaluate(() => ['vscode-button', 'vscode-single-select', 'vscode-textfield', 'vscode-checkbox'].map((t) => !!customElements.get(t) && !!document.querySelector(t)?.shadowRoot));
    assert.deepEqual(upgraded, [true, true, true, true]);
    // Lit styles the controls through adoptedStyleSheets, which CSP does not block: a styled button has a size.
    const box = await page.locator('#pause').boundingBox();
    assert.ok(box && box.width > 30 && box.height > 15, `pause button is ${JSON.stringify(box)}`);
    assert.deepEqual(await page.evaluate(() => (window as unknown as { __csp: string[] }).__csp), []);
    assert.deepEqual(pageErrors(page), []);
  });

  it('reports a CSP violation to the host log', async () => {
    page = await openTimeline(browser, server);
    // An inline style attribute set through HTML parsing is exactly what the policy forbids.
    await page.evaluate(() => {
      const d = document.createElement('div');
      d.innerHTML = '<span style="color: red">x</span>';
      document.body.append(d);
    });
    await page.waitForFunction(() => (window as unknown as { __sent: { type: string }[] }).__sent.some((m) => m.type === 'log'));
    const log = (await sent(page)).find((m) => m.type === 'log');
    assert.equal(log?.level, 'error');
    assert.match(String(log?.message), /^CSP blocked inline \(style-src-attr\)$/);
  });

  it('draws lanes and segments from a snapshot, then a live rollout as it happens', async () => {
    page = await openTimeline(browser, server);
    const sc = await liveRollout(page);
    assert.deepEqual(await laneLabels(page), ['demo · Deployment web · rev aaa111 (3)', 'web-aaa111-1', 'web-aaa111-2', 'web-aaa111-3']);
    assert.deepEqual(
      (await segments(page)).map((s) => `${s.ip}:${s.open}`).sort(),
      ['10.244.0.11:true', '10.244.0.12:true', '10.244.0.13:true'],
    );
    assert.equal(await page.textContent('#chart .service text.cluster-ip'), '10.96.0.50 · 3 endpoints');

    // The rollout arrives in host-sized batches, as the 50 ms batcher would deliver it.
    for (let i = 0; i < sc.rollout.length; i += 5) {
      const b = sc.rollout.slice(i, i + 5);
      const uids = new Set(b.map((e) => e.uid));
      await post(page, batch(b, { pods: sc.finalPods.filter((p) => uids.has(p.uid)), services: [sc.finalService] }));
    }
    await renderedSeq(page, sc.rollout[sc.rollout.length - 1].seq);
    const segs = await segments(page);
    assert.deepEqual(
      segs.map((s) => `${s.uid}:${s.ip}:${s.open}`).sort(),
      ['new-1:10.244.0.21:true', 'new-2:10.244.0.22:true', 'new-3:10.244.0.11:true', 'old-1:10.244.0.11:false', 'old-2:10.244.0.12:false', 'old-3:10.244.0.13:false'],
    );
    // The reuse of 10.244.0.11 is drawn as a link between its two holders.
    assert.equal(await page.locator('#chart path.reuse-link').count(), 1);
    assert.match((await page.textContent('#chart path.reuse-link title')) ?? '', /IP 10\.244\.0\.11 reused: demo\/web-aaa111-1 → demo\/web-bbb222-3/);
    // The Service keeps its ClusterIP; its endpoints are now the new Pods'.
    assert.equal(await page.textContent('#chart .service text.cluster-ip'), '10.96.0.50 · 3 endpoints');
    // Its endpoint history: the three old Pods' endpoints ended, the three new ones' are open.
    assert.equal(await page.locator('#chart rect.endpoint').count(), 6);
    const counts = (await page.textContent('#counts')) ?? '';
    assert.match(counts, /^6 Pods \(3 holding an IP\) · 5 IPs · 1 reused · 1 Services · 46 events/);
    const markers = await page.$$eval('#chart path.marker', (ps) => ps.map((p) => p.getAttribute('class')));
    for (const m of ['created', 'ready', 'unready', 'terminating', 'deleted']) assert.ok(markers.includes(`marker ${m}`), `a ${m} marker is drawn`);
    await page.screenshot({ path: join(SHOTS, 'rollout.png') });
    assert.deepEqual(pageErrors(page), []);
  });

  it('switches to lanes by IP, filters and hides deleted Pods', async () => {
    page = await openTimeline(browser, server);
    const sc = await liveRollout(page);
    await post(page, batch(sc.rollout, { pods: sc.finalPods, services: [sc.finalService] }));
    await renderedSeq(page, sc.rollout[sc.rollout.length - 1].seq);
    await page.click('#group-by');
    await page.click('#group-by [role="option"]:has-text("Lanes by IP")');
    await page.waitForFunction(() => document.querySelector('#chart text.lane-label')?.textContent === '10.244.0.11');
    assert.deepEqual(await laneLabels(page), ['10.244.0.11', '10.244.0.12', '10.244.0.13', '10.244.0.21', '10.244.0.22']);
    // Both holders of 10.244.0.11 sit on its lane.
    const onReused = (await segments(page)).filter((s) => s.ip === '10.244.0.11').map((s) => s.uid).sort();
    assert.deepEqual(onReused, ['new-3', 'old-1']);

    await page.click('#group-by');
    await page.click('#group-by [role="option"]:has-text("Lanes by Pod")');
    await page.locator('#filter input').fill('bbb222-2');
    await page.waitForFunction(() => document.querySelectorAll('#chart text.lane-label').length === 2);
    assert.deepEqual(await laneLabels(page), ['demo · Deployment web · rev bbb222 · newest (1)', 'web-bbb222-2']);
    await page.locator('#filter input').fill('');
    await page.click('#hide-deleted');
    await page.waitForFunction(() => !Array.from(document.querySelectorAll('#chart text.lane-label')).some((t) => t.textContent?.startsWith('web-aaa111')));
    assert.deepEqual(await laneLabels(page), ['demo · Deployment web · rev bbb222 · newest (3)', 'web-bbb222-1', 'web-bbb222-2', 'web-bbb222-3']);
    // The choice is kept with setState for the next time the panel is shown.
    await page.waitForFunction(() => (window as unknown as { __state: { hideDeleted?: boolean } }).__state?.hideDeleted === true);
  });

  it('zooms and pans with keyboard and mouse, and follows the present until panned away', async () => {
    page = await openTimeline(browser, server);
    await liveRollout(page);
    const width = async () => {
      const [a, b] = ((await dataset(page)).domain ?? '').split(',').map(Number);
      return b - a;
    };
    assert.equal((await dataset(page)).following, 'true');
    const w0 = await width();
    await page.focus('#chart');
    await page.keyboard.press('+');
    await page.waitForFunction((w) => {
      const [a, b] = (document.getElementById('app')!.dataset.domain ?? '').split(',').map(Number);
      return b - a < w * 0.8;
    }, w0);
    const w1 = await width();
    assert.ok(Math.abs(w0 / w1 - 1.5) < 0.05, `+ zooms in by 1.5 (${w0} → ${w1})`);
    // Zooming keeps following; panning into the past stops it.
    assert.equal((await dataset(page)).following, 'true');
    await page.keyboard.press('ArrowLeft');
    await page.waitForFunction(() => document.getElementById('app')!.dataset.following === 'false');
    // Dragging to the right moves the window into the past by the dragged distance.
    const box = (await page.locator('#chart').boundingBox())!;
    const before = ((await dataset(page)).domain ?? '').split(',').map(Number);
    await page.mouse.move(box.x + 500, box.y + 200);
    await page.mouse.down();
    await page.mouse.move(box.x + 700, box.y + 200, { steps: 5 });
    await page.mouse.up();
    await page.waitForFunction((d0) => Number((document.getElementById('app')!.dataset.domain ?? '').split(',')[0]) < d0, before[0]);
    const after = ((await dataset(page)).domain ?? '').split(',').map(Number);
    const plotW = box.width - 230;
    const expected = (200 / plotW) * (before[1] - before[0]);
    assert.ok(Math.abs(before[0] - after[0] - expected) < expected * 0.1, `dragging 200 px moves ${before[0] - after[0]} ms, expected ~${expected}`);
    // Ctrl+wheel zooms out around the pointer.
    await page.mouse.move(box.x + 700, box.y + 200);
    await page.keyboard.down('Control');
    await page.mouse.wheel(0, 300);
    await page.keyboard.up('Control');
    await page.waitForFunction((w) => {
      const [a, b] = (document.getElementById('app')!.dataset.domain ?? '').split(',').map(Number);
      return b - a > w * 1.2;
    }, w1);
    assert.equal((await dataset(page)).following, 'false');
    // Home returns to the present and follows again.
    await page.focus('#chart');
    await page.keyboard.press('Home');
    await page.waitForFunction(() => document.getElementById('app')!.dataset.following === 'true');
  });

  it('keeps HTML in cluster strings as text (no element, no script runs)', async () => {
    page = await openTimeline(browser, server);
    const evil = '<img src=x onerror="window.__xss=1">';
    const w = new EventWriter();
    const t = Date.now() - 5000;
    const owner = { kind: 'Deployment', name: `<script>window.__xss=2</script>` };
    w.add({ type: 'created', t, uid: 'x1', pod: `demo/${evil}`, owner, revision: '<b>r</b>' });
    w.add({ type: 'ip-assigned', t: t + 100, uid: 'x1', pod: `demo/${evil}`, ip: '10.0.0.9', node: '<svg onload="window.__xss=3">', owner });
    const snapshot = {
      scope: { context: '<i>ctx</i>', namespace: 'demo', labelSelector: 'app=<x>' },
      connection: 'live',
      connectionMessage: '<iframe src="javascript:window.__xss=4">',
      events: w.events,
      pods: [pod('x1', evil, '10.0.0.9', { node: '<svg onload="window.__xss=3">', owner })],
      services: [{ ...WEB_SERVICE, name: '<img src=y onerror="window.__xss=5">' }],
    };
    await post(page, { type: 'snapshot', snapshot, now: new Date().toISOString(), live: true });
    await renderedSeq(page, 2);
    await page.click('#table-toggle');
    await page.waitForSelector('#events-table tbody tr');
    // Hover the segment so the tooltip renders the node and owner too.
    const seg = (await page.locator('#chart g.segment rect').boundingBox())!;
    await page.mouse.move(seg.x + seg.width / 2, seg.y + seg.height / 2);
    await page.waitForSelector('#tooltip:not([hidden])');
    const found = await page.evaluate(() => ({
      xss: (window as unknown as { __xss?: number }).__xss,
      injected: document.querySelectorAll('#app img, #app iframe, #app script, #app b, #app i, #chart svg svg').length,
      label: Array.from(document.querySelectorAll('#chart text.lane-label')).map((t) => t.textContent),
      tooltip: document.getElementById('tooltip')!.textContent,
      cell: document.querySelector('#events-table tbody tr td:nth-child(3)')?.textContent,
      status: document.getElementById('connection')!.textContent,
    }));
    assert.equal(found.xss, undefined);
    assert.equal(found.injected, 0);
    assert.ok(found.label.some((l) => l?.startsWith('<img src=x')), `label is the literal text: ${found.label.join(' | ')}`);
    assert.match(found.tooltip ?? '', /Node: <svg onload="window\.__xss=3">/);
    assert.match(found.tooltip ?? '', /Owner: Deployment <script>window\.__xss=2<\/script>/);
    assert.equal(found.cell, `demo/${evil}`);
    assert.match(found.status ?? '', /<i>ctx<\/i> · demo · app=<x> — live: <iframe/);
    assert.equal(await page.locator('#chart text.service-label').textContent(), 'Service demo/<img src=y onerror="window.__xss=5">'.slice(0, 32) + '…');
  });

  it('shows a table view with the same events, newest first', async () => {
    page = await openTimeline(browser, server);
    const sc = await liveRollout(page);
    await post(page, batch(sc.rollout, { pods: sc.finalPods, services: [sc.finalService] }));
    await renderedSeq(page, sc.rollout[sc.rollout.length - 1].seq);
    assert.equal(await page.isVisible('#table-view'), false);
    await page.click('#table-toggle');
    await page.waitForSelector('#table-view:not([hidden]) tbody tr');
    const rows = await page.$$eval('#events-table tbody tr', (trs) => trs.map((tr) => Array.from(tr.children).map((td) => td.textContent ?? '')));
    const all: LifecycleEvent[] = [...sc.snapshot.events, ...sc.rollout].map((e, i) => ({ e, i })).sort((a, b) => Date.parse(b.e.time) - Date.parse(a.e.time) || b.i - a.i).map((x) => x.e);
    assert.equal(rows.length, all.length);
    assert.deepEqual(
      rows.map((r) => r.slice(0, 5)),
      all.map((e) => [`${e.time.slice(0, 10)} ${e.time.slice(11, 23)}Z`, e.type, e.pod ?? '', e.ip ?? '', e.node ?? '']),
    );
    assert.equal(await page.textContent('#events-table caption'), `Lifecycle events, newest first (${all.length})`);
    assert.equal(await page.getAttribute('#table-toggle', 'aria-pressed'), 'true');
  });

  it('orders the table by exact time, newest first, when object times (seconds) and arrival times (ms) mix', async () => {
    page = await openTimeline(browser, server);
    const t0 = Math.floor(Date.now() / 1000) * 1000 - 20_000;
    const w = new EventWriter();
    const owner = { kind: 'Deployment', name: 'web' };
    // As a watch delivers them: the Pod's creationTimestamp (whole seconds) comes with the first
    // event seen, after arrival-timed events of another Pod at a later millisecond.
    w.add({ type: 'created', t: t0, uid: 'a', pod: 'demo/web-a', owner });
    const aIp = w.add({ type: 'ip-assigned', t: t0 + 1_250, uid: 'a', pod: 'demo/web-a', ip: '10.244.0.5', owner });
    aIp.timeSource = 'arrival';
    const aReady = w.add({ type: 'ready', t: t0 + 2_730, uid: 'a', pod: 'demo/web-a', ip: '10.244.0.5', owner });
    aReady.timeSource = 'arrival';
    w.add({ type: 'created', t: t0 + 2_000, uid: 'b', pod: 'demo/web-b', owner });
    const bIp = w.add({ type: 'ip-assigned', t: t0 + 2_731, uid: 'b', pod: 'demo/web-b', ip: '10.244.0.6', owner });
    bIp.timeSource = 'arrival';
    w.add({ type: 'scheduled', t: t0 + 1_000, uid: 'b', pod: 'demo/web-b', node: 'node-a', owner });
    const snapshot = { scope: { context: 'c', namespace: 'demo', labelSelector: '' }, connection: 'live', events: w.events, pods: [], services: [] };
    await post(page, { type: 'snapshot', snapshot, now: new Date().toISOString(), live: true });
    await renderedSeq(page, w.events.length);
    await page.click('#table-toggle');
    await page.waitForSelector('#table-view:not([hidden]) tbody tr');
    const rows = await page.$$eval('#events-table tbody tr', (trs) => trs.map((tr) => [tr.children[0].textContent ?? '', tr.children[1].textContent ?? '', tr.children[2].textContent ?? '', tr.children[0].getAttribute('title') ?? '']));
    const iso = (t: number) => new Date(t).toISOString().replace('T', ' ');
    assert.deepEqual(rows.map((r) => `${r[0]} ${r[1]} ${r[2]}`), [
      `${iso(t0 + 2_731)} ip-assigned demo/web-b`,
      `${iso(t0 + 2_730)} ready demo/web-a`,
      `${iso(t0 + 2_000)} created demo/web-b`,
      `${iso(t0 + 1_250)} ip-assigned demo/web-a`,
      `${iso(t0 + 1_000)} scheduled demo/web-b`,
      `${iso(t0)} created demo/web-a`,
    ]);
    // One precision for every row, and the cell says where the time came from.
    for (const r of rows) assert.match(r[0], /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3}Z$/);
    assert.deepEqual([...new Set(rows.map((r) => r[3]))].sort(), ['time from the object (Kubernetes keeps seconds)', 'when the watch saw the change']);
  });

  it('opens a Pod by click and by keyboard, and describes the focused lane', async () => {
    page = await openTimeline(browser, server);
    await liveRollout(page);
    const seg = (await page.locator('#chart g.segment[data-uid="old-2"] rect').boundingBox())!;
    await page.mouse.click(seg.x + seg.width / 2, seg.y + seg.height / 2);
    await page.waitForFunction(() => (window as unknown as { __sent: { type: string }[] }).__sent.some((m) => m.type === 'open-pod'));
    assert.deepEqual((await sent(page)).filter((m) => m.type === 'open-pod'), [{ type: 'open-pod', uid: 'old-2', pod: 'demo/web-aaa111-2' }]);
    await page.focus('#chart');
    await page.keyboard.press('ArrowDown'); // from the clicked lane (web-aaa111-2) to web-aaa111-3
    assert.match((await page.textContent('#announcer')) ?? '', /^Pod demo\/web-aaa111-3, ready, node node-a\. IPs: 10\.244\.0\.13 from /);
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => (window as unknown as { __sent: { type: string }[] }).__sent.filter((m) => m.type === 'open-pod').length === 2);
    assert.deepEqual((await sent(page)).filter((m) => m.type === 'open-pod')[1], { type: 'open-pod', uid: 'old-3', pod: 'demo/web-aaa111-3' });
  });

  it('pauses: events wait in a queue and are drawn on resume', async () => {
    page = await openTimeline(browser, server);
    const sc = await liveRollout(page);
    await page.click('#pause');
    await post(page, batch(sc.rollout, { pods: sc.finalPods, services: [sc.finalService] }));
    await page.waitForFunction((n) => document.getElementById('app')!.dataset.queued === String(n), sc.rollout.length);
    assert.equal((await segments(page)).length, 3);
    assert.equal(await page.textContent('#pause'), 'Resume');
    await page.click('#pause');
    await renderedSeq(page, sc.rollout[sc.rollout.length - 1].seq);
    assert.equal((await segments(page)).length, 6);
  });

  it('draws watch gaps as bands and shows the connection state', async () => {
    page = await openTimeline(browser, server);
    const sc = await liveRollout(page);
    const from = Date.now() - 12_000;
    const gap: LifecycleEvent = { seq: 16, type: 'gap', time: new Date(from + 8000).toISOString(), timeSource: 'arrival', from: new Date(from).toISOString(), to: new Date(from + 8000).toISOString(), reason: 'watch closed: connection reset' };
    await post(page, batch([], { prevSeq: 15, services: [sc.finalService], connection: 'reconnecting', connectionMessage: 'Pods: backoff' }));
    await page.waitForFunction(() => document.getElementById('connection')!.dataset.state === 'reconnecting');
    assert.match((await page.textContent('#connection')) ?? '', /— reconnecting: Pods: backoff$/);
    await post(page, batch([gap], { services: [sc.finalService] }));
    await renderedSeq(page, 16);
    assert.equal(await page.getAttribute('#connection', 'data-state'), 'live');
    const band = await page.$eval('#chart rect.gap', (r) => ({ w: Number(r.getAttribute('width')), title: r.querySelector('title')?.textContent }));
    assert.ok(band.w > 20, `the 8 s gap is ${band.w} px wide`);
    assert.match(band.title ?? '', /^Watch down .* → .*: watch closed: connection reset$/);
    assert.match((await page.textContent('#counts')) ?? '', /1 watch gaps/);
  });

  it('reports a malformed message instead of drawing it', async () => {
    page = await openTimeline(browser, server);
    await liveRollout(page);
    await post(page, { type: 'events', prevSeq: 15, seq: 16, events: [{ seq: 16, type: 'teleported', time: 'now' }], pods: [], services: [], connection: 'live', now: new Date().toISOString() });
    await page.waitForFunction(() => document.getElementById('notice')!.textContent !== '');
    assert.match((await page.textContent('#notice')) ?? '', /Ignored a malformed update: message\.events\[0\]\.type: 'teleported' is not one of/);
    const logs = (await sent(page)).filter((m) => m.type === 'log');
    assert.equal(logs.length, 1);
    assert.equal((await dataset(page)).maxSeq, '15');
  });

  it('switches to the canvas when many shapes are visible and draws only visible lanes', async () => {
    page = await openTimeline(browser, server, {}, { width: 1400, height: 900 });
    const snap = bigHistory(6000, 300, Date.now() - 3_600_000, 3_600_000);
    await post(page, { type: 'snapshot', snapshot: { ...snap, connection: 'stopped' }, now: new Date().toISOString(), live: false });
    await renderedSeq(page, snap.events.length);
    await page.click('#group-by');
    await page.click('#group-by [role="option"]:has-text("Lanes by IP")');
    await page.waitForFunction(() => document.getElementById('app')!.dataset.renderer === 'canvas');
    const ds = await dataset(page);
    assert.equal(ds.lanes, '300');
    assert.ok(Number(ds.visibleSegments) + Number(ds.visibleMarkers) > 1500, `visible shapes ${ds.visibleSegments} + ${ds.visibleMarkers}`);
    assert.equal(await page.locator('#chart g.segment').count(), 0);
    // Only lanes inside the viewport get labels.
    const labels = await page.locator('#chart text.lane-label').count();
    assert.ok(labels > 10 && labels < 60, `${labels} lane labels drawn of 300`);
    // What is on screen (canvas under the SVG layer) really shows segments: count saturated
    // pixels in the plot area of a screenshot (lane bands, axis and text are grey).
    const plotBox = (await page.locator('#plot').boundingBox())!;
    const shot = await page.screenshot({ path: join(SHOTS, 'canvas-by-ip.png'), clip: { x: plotBox.x + 240, y: plotBox.y + 40, width: plotBox.width - 260, height: plotBox.height - 60 } });
    const coloured = await colouredFraction(page, shot);
    assert.ok(coloured > 0.15, `coloured fraction of the plot ${coloured}`);
    // Scrolling draws the next lanes.
    const first = await page.locator('#chart text.lane-label').first().textContent();
    await page.evaluate(() => (document.getElementById('plot')!.scrollTop = 2000));
    await page.waitForFunction((f) => document.querySelector('#chart text.lane-label')?.textContent !== f, first);
  });

  it('exports SVG and PNG of the current view', async () => {
    page = await openTimeline(browser, server);
    await liveRollout(page);
    for (const item of ['SVG image', 'PNG image']) {
      await page.click('#export-menu');
      await page.locator('#export-list vscode-context-menu-item', { hasText: item }).click();
    }
    await page.waitForFunction(() => (window as unknown as { __sent: { type: string }[] }).__sent.filter((m) => m.type === 'export').length === 2);
    const [svg, png] = (await sent(page)).filter((m) => m.type === 'export') as unknown as { format: string; data: string }[];
    assert.equal(svg.format, 'svg');
    assert.match(svg.data, /^<\?xml version="1\.0" encoding="UTF-8"\?>\n<svg [^>]*xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
    assert.ok(svg.data.includes('>web-aaa111-1</text>'));
    assert.ok(svg.data.includes('data-ip="10.244.0.11"'));
    assert.ok(!svg.data.includes('var(--'), 'exported colours are concrete, not CSS variables');
    assert.equal(png.format, 'png');
    assert.match(png.data, /^data:image\/png;base64,/);
    const bytes = Buffer.from(png.data.slice(png.data.indexOf(',') + 1), 'base64');
    assert.equal(bytes.subarray(1, 4).toString('latin1'), 'PNG');
    assert.ok(bytes.length > 5000, `PNG of ${bytes.length} bytes`);
  });

  it('`pod-ip-lens timeline FILE --html OUT` writes a self-contained page that draws offline', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pod-ip-lens-html-'));
    try {
      const out = join(dir, 'timeline.html');
      const fixture = join(ROOT, 'test', 'fixtures', 'kubectl-watch', 'demo-rollout-watch-events.json');
      const r = spawnSync(process.execPath, ['--import', 'tsx', join(ROOT, 'src', 'cli.ts'), 'timeline', fixture, '--html', out], { cwd: ROOT, encoding: 'utf8', timeout: 30_000 });
      assert.equal(r.status, 0, r.stderr);
      assert.match(r.stderr, /wrote .*timeline\.html/);
      page = await browser.newPage({ viewport: { width: 1200, height: 600 } });
      const requests: string[] = [];
      const problems: string[] = [];
      page.on('request', (q) => requests.push(q.url()));
      page.on('pageerror', (e) => problems.push(e.message));
      page.on('console', (m) => m.type() === 'error' && problems.push(m.text()));
      await page.goto(pathToFileURL(out).href);
      await page.waitForFunction(() => Number(document.getElementById('app')?.dataset.maxSeq) > 0);
      assert.deepEqual(requests, [pathToFileURL(out).href], 'nothing is fetched besides the file itself');
      assert.deepEqual(problems, []);
      assert.deepEqual(await laneLabels(page), ['default · Deployment web · rev 6ffb5b9cb4 · previous (2)', 'web-6ffb5b9cb4-2pff5', 'web-6ffb5b9cb4-w78gt', 'default · Deployment web · rev 8575bf6774 · newest (2)', 'web-8575bf6774-4kplg', 'web-8575bf6774-nc9tl']);
      assert.ok((await segments(page)).some((x) => x.ip === '10.244.1.3'));
      assert.equal(await page.textContent('#follow'), 'Fit all');
      assert.match((await page.textContent('#connection')) ?? '', /recorded$/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('notices a missed message: marks the place, asks for a fresh snapshot once, and is whole after it', async () => {
    page = await openTimeline(browser, server);
    const sc = await liveRollout(page);
    const pods = { pods: sc.finalPods, services: [sc.finalService] };
    // The chain: the snapshot ends at 15; 16–20 arrive; the message with 21–25 is lost.
    await post(page, batch(sc.rollout.slice(0, 5), pods));
    await renderedSeq(page, 20);
    assert.equal((await sent(page)).filter((m) => m.type === 'request-snapshot').length, 0, 'no gap, no request');
    await post(page, batch(sc.rollout.slice(10, 15), pods));
    await post(page, batch(sc.rollout.slice(18, 20), { ...pods, prevSeq: 33 }));
    await page.waitForFunction(() => document.querySelector('#chart rect.missed-updates') !== null);
    const requests = (await sent(page)).filter((m) => m.type === 'request-snapshot');
    assert.equal(requests.length, 1, 'one request while the snapshot is on its way, though two holes were seen');
    assert.match(String(requests[0].reason), /^missed seq 21–25 \(last seen 20, next message after 25\)$/);
    assert.match((await page.textContent('#notice')) ?? '', /^Missed updates from the host \(seq 31–33\); reloading$/, 'the notice names the latest hole');
    const marks = await page.$$eval('#chart rect.missed-updates', (rs) => rs.map((r) => ({ seqs: r.getAttribute('data-seqs'), title: r.querySelector('title')?.textContent ?? '', w: Number(r.getAttribute('width')) })));
    assert.deepEqual(marks.map((x) => x.seqs), ['21–25', '31–33']);
    assert.ok(marks.every((x) => x.w >= 3), 'visible even when the hole is a few milliseconds');
    assert.match(marks[0].title, /^Missed updates from the host \(seq 21–25\) between .* and .*: a fresh snapshot was requested$/);
    // The host answers with everything; the view is whole again and the marks stay, saying so.
    const all = { ...sc.snapshot, events: [...sc.snapshot.events, ...sc.rollout], pods: sc.finalPods, services: [sc.finalService] };
    await post(page, { type: 'snapshot', snapshot: all, seq: sc.rollout.at(-1)!.seq, now: new Date().toISOString(), live: true });
    await renderedSeq(page, sc.rollout.at(-1)!.seq);
    assert.equal((await segments(page)).length, 6);
    assert.match((await page.textContent('#notice')) ?? '', /^Reloaded from a fresh snapshot after missed updates/);
    assert.match((await page.$eval('#chart rect.missed-updates title', (t) => t.textContent)) ?? '', /reloaded from a fresh snapshot at /);
    // The chain goes on from the snapshot's seq: no new hole.
    const next: LifecycleEvent = { seq: sc.rollout.at(-1)!.seq + 1, type: 'scheduled', time: new Date().toISOString(), timeSource: 'arrival', uid: 'new-1', pod: 'demo/web-bbb222-1', node: 'node-b' };
    await post(page, batch([next]));
    await renderedSeq(page, next.seq);
    assert.equal((await sent(page)).filter((m) => m.type === 'request-snapshot').length, 1);
    // And the host hears, for each message, that it was taken in (its flow control).
    const acks = (await sent(page)).filter((m) => m.type === 'drawn').map((m) => m.seq as number);
    assert.ok(acks.includes(next.seq), `acks: ${acks.join(', ')}`);
    assert.deepEqual(pageErrors(page), []);
  });

  it('takes a snapshot that came while paused as the new start of the chain (no false alarm)', async () => {
    page = await openTimeline(browser, server);
    const sc = await liveRollout(page);
    await page.click('#pause');
    const all = { ...sc.snapshot, events: [...sc.snapshot.events, ...sc.rollout.slice(0, 10)], pods: sc.finalPods, services: [sc.finalService] };
    await post(page, { type: 'snapshot', snapshot: all, seq: 25, now: new Date().toISOString(), live: true });
    await post(page, batch(sc.rollout.slice(10, 20), { pods: sc.finalPods }));
    await page.waitForFunction(() => document.getElementById('app')!.dataset.queued === '10');
    await page.click('#pause');
    await renderedSeq(page, 35);
    assert.equal((await sent(page)).filter((m) => m.type === 'request-snapshot').length, 0);
    assert.equal(await page.locator('#chart rect.missed-updates').count(), 0);
  });

  it('keeps the current IP readable when its segment is too short to hold it', async () => {
    page = await openTimeline(browser, server);
    await liveRollout(page);
    // A Pod that got its IP a moment ago: its segment is a sliver at "now", near the right edge.
    const t = Date.now();
    const owner = { kind: 'Deployment', name: 'web' };
    const fresh: LifecycleEvent[] = [
      { seq: 16, type: 'created', time: new Date(t - 400).toISOString(), timeSource: 'object', uid: 'fresh', pod: 'demo/web-aaa111-9', owner, revision: 'aaa111' },
      { seq: 17, type: 'ip-assigned', time: new Date(t - 200).toISOString(), timeSource: 'object', uid: 'fresh', pod: 'demo/web-aaa111-9', ip: '10.244.0.99', node: 'node-a', owner, revision: 'aaa111' },
    ];
    await post(page, batch(fresh, { pods: [pod('fresh', 'web-aaa111-9', '10.244.0.99', { revision: 'aaa111' })] }));
    await renderedSeq(page, 17);
    const inColumn = await page.$$eval('#chart text.current-ip.in-column', (ts) => ts.map((x) => ({ key: x.getAttribute('data-key'), text: x.textContent, x: Number(x.getAttribute('x')) })));
    assert.deepEqual(inColumn.map((x) => [x.key, x.text]), [['pod:fresh', '10.244.0.99']], 'pinned in the label column (no room right of "now")');
    // Its lane label makes room for it rather than running under it.
    const label = await page.$eval('#chart text.lane-label[data-key="pod:fresh"]', (x) => x.textContent);
    assert.equal(label, 'web-aaa111-9');
    // The long-running Pods show their IP inside their segments: nothing pinned for them.
    assert.equal(await page.locator('#chart text.current-ip[data-key="pod:old-1"]').count(), 0);
    assert.ok((await segments(page)).some((x) => x.uid === 'old-1'));
    // With room right of the segment (the window reaches past now), the IP sits at its end instead.
    await page.evaluate(() => {
      const v = window.podIpLensView!;
      const [a] = v.visibleDomain;
      v.showWindow(a, Date.now() + 20_000);
    });
    await page.waitForFunction(() => document.querySelector('#chart text.current-ip.at-edge') !== null);
    const atEdge = await page.$eval('#chart text.current-ip.at-edge', (x) => ({ uid: x.getAttribute('data-uid'), text: x.textContent, x: Number(x.getAttribute('x')) }));
    const seg = await page.$eval('#chart g.segment[data-uid="fresh"] rect', (r) => Number(r.getAttribute('x')) + Number(r.getAttribute('width')));
    assert.equal(atEdge.uid, 'fresh');
    assert.equal(atEdge.text, '10.244.0.99');
    assert.ok(atEdge.x >= seg && atEdge.x - seg < 8, `pinned just right of the segment's end (${seg} → ${atEdge.x})`);
    assert.equal(await page.locator('#chart text.current-ip.in-column').count(), 0);
    await page.screenshot({ path: join(SHOTS, 'current-ip.png') });
  });

  it('draws the Service as one ClusterIP bar with its endpoint history under it', async () => {
    page = await openTimeline(browser, server);
    const sc = await liveRollout(page);
    await post(page, batch(sc.rollout, { pods: sc.finalPods, services: [sc.finalService] }));
    await renderedSeq(page, sc.rollout.at(-1)!.seq);
    const bars = await page.$$eval('#chart .service rect.cluster-ip-bar', (rs) => rs.map((r) => ({ x: Number(r.getAttribute('x')), w: Number(r.getAttribute('width')) })));
    assert.equal(bars.length, 1, 'the ClusterIP is one unbroken bar');
    const eps = await page.$$eval('#chart rect.endpoint', (rs) =>
      rs.map((r) => ({ ip: r.getAttribute('data-ip'), uid: r.getAttribute('data-uid'), open: r.getAttribute('data-open'), x0: Number(r.getAttribute('x')), x1: Number(r.getAttribute('x')) + Number(r.getAttribute('width')), y: Number(r.getAttribute('y')), title: r.querySelector('title')?.textContent ?? '' })),
    );
    assert.deepEqual(eps.map((e) => `${e.uid} ${e.ip} ${e.open}`).sort(), ['new-1 10.244.0.21 true', 'new-2 10.244.0.22 true', 'new-3 10.244.0.11 true', 'old-1 10.244.0.11 false', 'old-2 10.244.0.12 false', 'old-3 10.244.0.13 false']);
    // Under the bar, in rows: never more rows than endpoints at once (three, and one more while the rollout overlaps).
    const rows = new Set(eps.map((e) => e.y));
    assert.ok(rows.size >= 3 && rows.size <= 4, `${rows.size} rows`);
    assert.ok(eps.every((e) => e.y > 0), 'below the axis');
    // Old endpoints end when they were removed; new ones reach the bar's end (now).
    const bar = bars[0];
    for (const e of eps) {
      if (e.open === 'true') assert.ok(Math.abs(e.x1 - (bar.x + bar.w)) < 3, `${e.ip} open until now`);
      else assert.ok(e.x1 < bar.x + bar.w - 20, `${e.ip} ended before now`);
    }
    // Endpoints of the same row do not overlap.
    for (const y of rows) {
      const inRow = eps.filter((e) => e.y === y).sort((a, b) => a.x0 - b.x0);
      for (let i = 1; i < inRow.length; i++) assert.ok(inRow[i].x0 >= inRow[i - 1].x1 - 1, `row ${y} overlaps`);
    }
    assert.match(eps.find((e) => e.uid === 'new-1')!.title, /^Endpoint 10\.244\.0\.21 \(demo\/web-bbb222-1\) of Service demo\/web: from .* until now$/);
    assert.match(eps.find((e) => e.uid === 'old-2')!.title, /^Endpoint 10\.244\.0\.12 \(demo\/web-aaa111-2\) of Service demo\/web: from .* to .*$/);
    // Hovering one says the same; hovering the bar names the Service and its endpoints now.
    const box = (await page.locator('#chart rect.endpoint[data-uid="new-2"]').boundingBox())!;
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await page.waitForSelector('#tooltip:not([hidden])');
    assert.match((await page.textContent('#tooltip')) ?? '', /Endpoint 10\.244\.0\.22 \(demo\/web-bbb222-2\)/);
    const barBox = (await page.locator('#chart .service rect.cluster-ip-bar').boundingBox())!;
    await page.mouse.move(barBox.x + barBox.width / 2, barBox.y + barBox.height / 2);
    await page.waitForFunction(() => document.getElementById('tooltip')!.textContent!.includes('Endpoints now'));
    assert.match((await page.textContent('#tooltip')) ?? '', /ClusterIP: 10\.96\.0\.50.*Endpoints now: 10\.244\.0\.21, 10\.244\.0\.22, 10\.244\.0\.11/);
    await page.screenshot({ path: join(SHOTS, 'service-endpoints.png') });
  });

  it('follows the VS Code theme, including high contrast', async () => {
    page = await openTimeline(browser, server, {
      bodyClass: 'vscode-high-contrast',
      themeVars: { '--vscode-foreground': '#ffffff', '--vscode-editor-background': '#000000', '--vscode-contrastBorder': '#6fc3df', '--vscode-focusBorder': '#f38518' },
    });
    await liveRollout(page);
    const look = await page.evaluate(() => ({
      bg: getComputedStyle(document.body).backgroundColor,
      segStroke: document.querySelector('#chart g.segment rect')!.getAttribute('stroke'),
      label: document.querySelector('#chart text.lane-label')!.getAttribute('fill'),
      now: document.querySelector('#chart line.now-line')!.getAttribute('stroke'),
    }));
    assert.deepEqual(look, { bg: 'rgb(0, 0, 0)', segStroke: '#ffffff', label: '#ffffff', now: '#f38518' });
    await page.screenshot({ path: join(SHOTS, 'high-contrast.png') });
    // A theme switch (VS Code changes the body class and variables) is picked up without a reload.
    await page.evaluate(() => {
      document.documentElement.style.setProperty('--vscode-editor-background', '#fffffe');
      document.documentElement.style.setProperty('--vscode-foreground', '#111111');
      document.body.className = 'vscode-light';
    });
    await page.waitForFunction(() => document.querySelector('#chart text.lane-label')!.getAttribute('fill') === '#111111');
    assert.equal(await page.getAttribute('#chart g.segment rect', 'stroke'), 'none');
  });
});
