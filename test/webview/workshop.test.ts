// The timeline as a workshop attendee sees it (issue 15): a rollout that is easy to see (zoom per
// wheel notch, a visible hint, zoom to a rollout as it starts, lanes that left the window folded),
// a view that survives its tab being hidden, revision colours by age, readable in every kind of
// VS Code theme, a compact toolbar at 1000×700, and exports that hold the whole picture.
import * as assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import type { PodSummary, TimelineSnapshot } from '../../src/core/events';
import type { TimelineViewState } from '../../src/core/protocol';
import { TimelinePageServer, batch, openTimeline, pageErrors, post, renderedSeq, sent, SHOTS, timelinePageHooks } from './page';
import { EventWriter, pod } from './synthetic';

const OWNER = { kind: 'Deployment', name: 'backend' };

/** Pods of one revision of Deployment backend, coming up at `from` one second apart; `gone` ends them. */
function revision(w: EventWriter, rev: string, from: number, count: number, ipBase: number, gone?: number, first = 1): PodSummary[] {
  const out: PodSummary[] = [];
  for (let i = 0; i < count; i++) {
    const n = first + i;
    const uid = `${rev}-${n}`;
    const name = `backend-${rev}-${n}`;
    const p = `default/${name}`;
    const ip = `10.244.${ipBase}.${n}`;
    const t = from + i * 1000;
    w.add({ type: 'created', t, uid, pod: p, owner: OWNER, revision: rev });
    w.add({ type: 'ip-assigned', t: t + 300, uid, pod: p, ip, node: 'node-1', owner: OWNER, revision: rev });
    w.add({ type: 'ready', t: t + 900, uid, pod: p, ip, owner: OWNER, revision: rev });
    if (gone !== undefined) {
      w.add({ type: 'terminating', t: gone + i * 1000, uid, pod: p, ip });
      w.add({ type: 'ip-released', t: gone + i * 1000 + 500, uid, pod: p, ip });
      w.add({ type: 'deleted', t: gone + i * 1000 + 600, uid, pod: p });
    }
    const s = pod(uid, name, gone === undefined ? ip : undefined, { namespace: 'default', owner: OWNER, revision: rev, labels: { app: 'backend' }, createdAt: new Date(t).toISOString() });
    out.push(gone === undefined ? s : { ...s, ready: false, deleted: true });
  }
  return out;
}

function snapshotOf(w: EventWriter, pods: PodSummary[]): TimelineSnapshot {
  return { scope: { context: 'pod-ip-lens-demo', namespace: 'default', labelSelector: 'app=backend' }, connection: 'live', events: [...w.events], pods, services: [] };
}

describe('timeline webview: the workshop screen (headless Chromium)', function () {
  this.timeout(60_000);
  let server: TimelinePageServer;
  let browser: Browser;
  let page: Page;

  timelinePageHooks((s, b) => ((server = s), (browser = b)), () => page);

  const dataset = (p: Page) => p.evaluate(() => ({ ...document.getElementById('app')!.dataset }));
  const domain = async (p: Page) => ((await dataset(p)).domain ?? '').split(',').map(Number) as [number, number];
  const span = async (p: Page) => {
    const [a, b] = await domain(p);
    return b - a;
  };
  /** Waits for the window's width to change from `w` (and two frames more), and returns it. */
  const spanChanged = async (p: Page, w: number) => {
    await p.waitForFunction((w0) => {
      const [a, b] = (document.getElementById('app')!.dataset.domain ?? '').split(',').map(Number);
      return Math.abs(b - a - w0) > w0 * 0.01;
    }, w);
    return span(p);
  };
  const savedState = (p: Page) => p.evaluate(() => (window as unknown as { __state: TimelineViewState }).__state);
  const ctrlWheel = async (p: Page, deltaY: number) => {
    const box = (await p.locator('#chart').boundingBox())!;
    await p.mouse.move(box.x + box.width * 0.7, box.y + box.height / 2);
    await p.keyboard.down('Control');
    await p.mouse.wheel(0, deltaY);
    await p.keyboard.up('Control');
  };

  /** Two backend Pods up for five minutes: a quiet cluster, as after `kubectl create deployment`. */
  async function quietBackend(p: Page, extra = 0) {
    const w = new EventWriter();
    const now = Date.now();
    const pods = revision(w, 'aaa111', now - 5 * 60_000, 2, 1);
    if (extra) pods.push(...revision(w, 'old000', now - 9 * 60_000, extra, 9, now - 8 * 60_000));
    await post(p, { type: 'snapshot', snapshot: snapshotOf(w, pods), now: new Date().toISOString(), live: true });
    await renderedSeq(p, w.events.length);
    return w;
  }

  it('zooms 1.25× per Ctrl+wheel notch, a pinch in proportion, and never more than 1.5× per event', async () => {
    page = await openTimeline(browser, server);
    await quietBackend(page);
    const w0 = await span(page);
    await ctrlWheel(page, -100); // one notch in
    const w1 = await spanChanged(page, w0);
    assert.ok(Math.abs(w0 / w1 - 1.25) < 0.01, `one notch zooms in 1.25× (${w0} → ${w1}: ${(w0 / w1).toFixed(3)}×)`);
    await ctrlWheel(page, 100); // and out again
    const w2 = await spanChanged(page, w1);
    assert.ok(Math.abs(w2 / w1 - 1.25) < 0.01, `one notch out: ${(w2 / w1).toFixed(3)}×`);
    await ctrlWheel(page, -20); // a trackpad pinch sends small deltas
    const w3 = await spanChanged(page, w2);
    assert.ok(Math.abs(w2 / w3 - 1.25 ** 0.2) < 0.01, `a fifth of a notch: ${(w2 / w3).toFixed(3)}×`);
    await ctrlWheel(page, -1000); // ten notches in one event
    const w4 = await spanChanged(page, w3);
    assert.ok(Math.abs(w3 / w4 - 1.5) < 0.01, `capped at 1.5×: ${(w3 / w4).toFixed(3)}×`);
    // Four notches from the ~5 minutes shown: still a readable window, not milliseconds.
    const w5 = await span(page);
    for (let i = 0; i < 4; i++) await ctrlWheel(page, -100);
    await page.waitForFunction((w) => {
      const [a, b] = (document.getElementById('app')!.dataset.domain ?? '').split(',').map(Number);
      return b - a < w / 2.4;
    }, w5);
    assert.ok((await span(page)) > w0 / 10, `four notches: ${Math.round(await span(page))} ms of ${Math.round(w0)}`);
    assert.deepEqual(pageErrors(page), []);
  });

  it('shows how to drive the plot: wheel, Ctrl+wheel, drag', async () => {
    page = await openTimeline(browser, server);
    await quietBackend(page);
    assert.ok(await page.isVisible('#hint'));
    assert.equal(await page.textContent('#hint'), 'Wheel scroll lanesCtrl+wheel zoomDrag pan');
    const box = (await page.locator('#hint').boundingBox())!;
    assert.ok(box.width > 100 && box.height > 8, `hint box ${JSON.stringify(box)}`);
  });

  it('keeps zoom, scroll and filter when its tab is hidden and shown again (the page is rebuilt from its state)', async () => {
    page = await openTimeline(browser, server, {}, { width: 1000, height: 500 });
    await quietBackend(page, 30);
    await ctrlWheel(page, -100);
    await ctrlWheel(page, -100);
    await page.waitForFunction(() => document.getElementById('app')!.dataset.following === 'true');
    const zoomed = await span(page);
    // The gone Pods fold into one row once the window settles; shown again, they can be scrolled through.
    await page.waitForFunction(() => document.getElementById('app')!.dataset.lanes === '4');
    await page.evaluate(() => window.podIpLensView!.toggleFold());
    await page.waitForFunction(() => document.getElementById('app')!.dataset.lanes === '35');
    await page.locator('#filter input').fill('backend');
    await page.evaluate(() => {
      document.getElementById('plot')!.scrollTop = 150;
    });
    await page.waitForFunction(() => document.getElementById('plot')!.scrollTop === 150);
    await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
    // VS Code hides the tab: the page goes at once, before any debounce could save.
    await page.evaluate(() => window.dispatchEvent(new Event('pagehide')));
    const state = await savedState(page);
    assert.equal(state.filter, 'backend');
    assert.equal(state.window, undefined, 'still following the present');
    assert.ok(state.span && Math.abs(state.span - zoomed) < zoomed * 0.02, `saved width ${state.span} vs ${zoomed}`);
    assert.equal(state.scrollTop, 150);
    assert.equal(state.userZoomed, true);
    assert.equal(state.foldPast, false);
    await page.close();

    // Shown again: a new page with that state, and the host's fresh snapshot.
    page = await openTimeline(browser, server, { state }, { width: 1000, height: 500 });
    await quietBackend(page, 30);
    assert.equal(await page.locator('#filter input').inputValue(), 'backend');
    assert.equal((await dataset(page)).following, 'true');
    const restored = await span(page);
    assert.ok(Math.abs(restored - zoomed) < zoomed * 0.02, `width after show ${restored} vs ${zoomed}`);
    assert.equal(await page.evaluate(() => document.getElementById('plot')!.scrollTop), 150);

    // Panned into the past: the exact window comes back.
    await page.focus('#chart');
    await page.keyboard.press('ArrowLeft');
    await page.waitForFunction(() => document.getElementById('app')!.dataset.following === 'false');
    const past = await domain(page);
    await page.evaluate(() => window.dispatchEvent(new Event('pagehide')));
    const state2 = await savedState(page);
    await page.close();
    page = await openTimeline(browser, server, { state: state2 }, { width: 1000, height: 500 });
    await quietBackend(page, 30);
    const back = await domain(page);
    assert.ok(Math.abs(back[0] - past[0]) <= 1 && Math.abs(back[1] - past[1]) <= 1, `${back} vs ${past}`);
    assert.equal((await dataset(page)).following, 'false');
  });

  it('zooms to a rollout as it starts, and holds its start while it goes on', async () => {
    page = await openTimeline(browser, server);
    const w = await quietBackend(page);
    const before = await span(page);
    assert.ok(before > 4 * 60_000, `the default window shows the five quiet minutes (${before} ms)`);
    // `kubectl set image`: the new ReplicaSet's Pods come, one after the other (the second 22 s ago).
    const now = Date.now();
    const seq = w.seq;
    const news = [...revision(w, 'bbb222', now - 40_000, 1, 2), ...revision(w, 'bbb222', now - 22_000, 1, 2, undefined, 2)];
    // As the host sends them: the events with the summaries of the Pods they touch.
    await post(page, batch(w.events.slice(seq), { pods: news }));
    await renderedSeq(page, w.seq);
    await page.waitForFunction(() => document.getElementById('app')!.dataset.rollout === 'true');
    const [a, b] = await domain(page);
    assert.ok(Math.abs(a - (now - 40_000 - 20_000)) < 500, `the window starts 20 s before the rollout's first Pod (${now - 40_000 - a} ms before it)`);
    assert.ok(b >= Date.now() - 1000, 'the present stays at the right');
    assert.ok(before / (b - a) > 4, `zoomed in: ${before} → ${b - a} ms`);
    // The new Pods' segments are wide now (they were a few pixels at the right edge).
    const widths = await page.$$eval('#chart g.segment[data-uid^="bbb222"] rect', (rs) => rs.map((r) => Number(r.getAttribute('width'))));
    assert.equal(widths.length, 2);
    for (const x of widths) assert.ok(x > 200, `new Pod's segment is ${x} px wide`);
    // While it goes on, its start stays where it is and the window widens with the present.
    await page.waitForTimeout(1200);
    const [a2, b2] = await domain(page);
    assert.ok(Math.abs(a2 - a) < 150, `left edge held: ${a} → ${a2}`);
    assert.ok(b2 - b > 900, `right edge moved with now: ${b2 - b} ms`);
    assert.equal((await dataset(page)).following, 'true');
    await page.screenshot({ path: join(SHOTS, 'rollout-zoom.png') });
  });

  it('colours and labels revisions by age, older → newer, and keeps it right after a rollback', async () => {
    page = await openTimeline(browser, server, { bodyClass: 'vscode-dark' });
    const w = new EventWriter();
    const now = Date.now();
    // Revision aaa111, then a rollout to bbb222 (aaa111's Pods go).
    const pods = revision(w, 'aaa111', now - 6 * 60_000, 2, 1, now - 4 * 60_000);
    pods.push(...revision(w, 'bbb222', now - 4 * 60_000 - 5000, 2, 2));
    await post(page, { type: 'snapshot', snapshot: snapshotOf(w, pods), now: new Date().toISOString(), live: true });
    await renderedSeq(page, w.seq);
    const theme = await page.evaluate(() => {
      const v = window.podIpLensView as unknown as { theme: { revisions: string[] } };
      return v.theme.revisions;
    });
    const fills = () => page.$$eval('#chart g.segment', (gs) => Object.fromEntries(gs.map((g) => [g.getAttribute('data-uid'), g.querySelector('rect')!.getAttribute('fill')])));
    const groups = async () => (await page.$$eval('#chart text.lane-label.group', (ts) => ts.map((t) => t.textContent ?? '')));
    assert.deepEqual(await fills(), { 'aaa111-1': theme[0], 'aaa111-2': theme[0], 'bbb222-1': theme[1], 'bbb222-2': theme[1] });
    assert.deepEqual(await groups(), ['default · Deployment backend · rev aaa111 · previous (2)', 'default · Deployment backend · rev bbb222 · newest (2)']);

    // `kubectl rollout undo`: aaa111's ReplicaSet makes Pods again; bbb222's go.
    const seq = w.seq;
    const t = Date.now();
    revision(w, 'aaa111', t - 3000, 2, 3, undefined, 3);
    for (const n of [1, 2]) {
      w.add({ type: 'terminating', t: t - 1000, uid: `bbb222-${n}`, pod: `default/backend-bbb222-${n}`, ip: `10.244.2.${n}` });
      w.add({ type: 'ip-released', t: t - 500, uid: `bbb222-${n}`, pod: `default/backend-bbb222-${n}`, ip: `10.244.2.${n}` });
    }
    await post(page, batch(w.events.slice(seq), { pods: [] }));
    await renderedSeq(page, w.seq);
    // (The rollback zoomed the view to itself; all seven minutes, to see every Pod.)
    await page.evaluate(() => window.podIpLensView!.showWindow(Date.now() - 7 * 60_000, Date.now() + 10_000));
    await page.waitForFunction(() => document.querySelectorAll('#chart g.segment').length === 6);
    // The newest Pods have the newer colour; so do the first aaa111 Pods (one ReplicaSet, one revision).
    assert.deepEqual(await fills(), { 'aaa111-1': theme[1], 'aaa111-2': theme[1], 'aaa111-3': theme[1], 'aaa111-4': theme[1], 'bbb222-1': theme[0], 'bbb222-2': theme[0] });
    assert.deepEqual(await groups(), ['default · Deployment backend · rev bbb222 · previous (2)', 'default · Deployment backend · rev aaa111 · newest (4)']);
    // The legend says what the colours mean: a ramp, older → newer.
    assert.equal(await page.textContent('#legend-revisions'), 'IP held, revisions older → newer');
    assert.deepEqual(await page.$$eval('#legend-revisions rect', (rs) => rs.map((r) => r.getAttribute('fill'))), theme.slice(0, 3));
    // And the tooltip names the age.
    const seg = (await page.locator('#chart g.segment[data-uid="aaa111-4"] rect').boundingBox())!;
    await page.mouse.move(seg.x + seg.width / 2, seg.y + seg.height / 2);
    await page.waitForFunction(() => !document.getElementById('tooltip')!.hidden);
    assert.match((await page.textContent('#tooltip')) ?? '', /Owner: Deployment backend \(rev aaa111, newest\)/);
    await page.screenshot({ path: join(SHOTS, 'revisions-after-rollback.png') });
  });

  // What VS Code puts on <html style> for each kind of theme (its default themes), including what
  // it leaves out: Dark High Contrast defines no button.background or button.secondaryBackground.
  const THEMES: { kind: string; bodyClass: string; os: 'light' | 'dark'; vars: Record<string, string>; minContrast: number }[] = [
    {
      kind: 'dark',
      bodyClass: 'vscode-dark',
      os: 'light',
      minContrast: 4.5,
      vars: { '--vscode-foreground': '#cccccc', '--vscode-editor-background': '#1f1f1f', '--vscode-descriptionForeground': '#9d9d9d', '--vscode-button-background': '#0078d4', '--vscode-button-foreground': '#ffffff', '--vscode-button-secondaryBackground': '#313131', '--vscode-button-secondaryForeground': '#cccccc' },
    },
    {
      kind: 'light',
      bodyClass: 'vscode-light',
      os: 'dark',
      minContrast: 4.5,
      vars: { '--vscode-foreground': '#3b3b3b', '--vscode-editor-background': '#ffffff', '--vscode-descriptionForeground': '#3b3b3b', '--vscode-button-background': '#005fb8', '--vscode-button-foreground': '#ffffff', '--vscode-button-secondaryBackground': '#e5e5e5', '--vscode-button-secondaryForeground': '#3b3b3b' },
    },
    {
      kind: 'high-contrast',
      bodyClass: 'vscode-high-contrast',
      os: 'light',
      minContrast: 7,
      vars: { '--vscode-foreground': '#ffffff', '--vscode-editor-background': '#000000', '--vscode-descriptionForeground': '#ffffff', '--vscode-contrastBorder': '#6fc3df', '--vscode-contrastActiveBorder': '#f38518', '--vscode-focusBorder': '#f38518', '--vscode-button-foreground': '#ffffff', '--vscode-button-secondaryForeground': '#ffffff', '--vscode-button-border': '#6fc3df' },
    },
    {
      kind: 'high-contrast-light',
      bodyClass: 'vscode-high-contrast vscode-high-contrast-light',
      os: 'dark',
      minContrast: 7,
      vars: { '--vscode-foreground': '#292929', '--vscode-editor-background': '#ffffff', '--vscode-descriptionForeground': '#292929', '--vscode-contrastBorder': '#0f4a85', '--vscode-contrastActiveBorder': '#006bbd', '--vscode-focusBorder': '#006bbd', '--vscode-button-background': '#0f4a85', '--vscode-button-foreground': '#ffffff', '--vscode-button-secondaryBackground': '#ffffff', '--vscode-button-secondaryForeground': '#292929', '--vscode-button-border': '#0f4a85' },
    },
  ];
  for (const th of THEMES) {
    it(`is readable in a ${th.kind} theme whatever the OS prefers (toolbar text against its background)`, async () => {
      page = await openTimeline(browser, server, { bodyClass: th.bodyClass, themeVars: th.vars });
      // The OS says the opposite of the theme: only the theme may count.
      await page.emulateMedia({ colorScheme: th.os });
      await quietBackend(page);
      const looks = await page.evaluate(() => {
        const rgb = (c: string) => {
          const m = /rgba?\(([^)]+)\)/.exec(c);
          if (!m) return undefined;
          const [r, g, b, a = 1] = m[1].split(/[ ,/]+/).filter(Boolean).map(Number);
          return { r, g, b, a };
        };
        /** The colour actually behind an element: the first opaque background up the tree (across shadow roots). */
        const behind = (e: Element | null): string => {
          for (let n: Element | null = e; n; n = n.parentElement ?? ((n.getRootNode() as ShadowRoot).host ?? null)) {
            const c = rgb(getComputedStyle(n).backgroundColor);
            if (c && c.a > 0.5) return getComputedStyle(n).backgroundColor;
          }
          return getComputedStyle(document.body).backgroundColor;
        };
        const look = (name: string, e: Element | null | undefined) => ({ name, fg: e ? getComputedStyle(e).color : '', bg: e ? behind(e) : '', border: e ? getComputedStyle(e).borderTopColor : '' });
        const base = (id: string) => document.getElementById(id)?.shadowRoot?.querySelector('.base');
        return [
          look('Pause (secondary button)', base('pause')),
          look('Table (secondary button)', base('table-toggle')),
          look('Export (secondary button)', base('export-menu')),
          look('status line', document.getElementById('counts')),
          look('hint', document.querySelector('#hint .hint-item')),
          look('legend', document.querySelector('.legend-item')),
          look('group by select', document.getElementById('group-by')?.shadowRoot?.querySelector('.select-face') ?? document.getElementById('group-by')),
        ];
      });
      const lum = (c: string) => {
        const [r, g, b] = (/rgba?\(([^)]+)\)/.exec(c)?.[1] ?? '0,0,0').split(/[ ,/]+/).filter(Boolean).map(Number).map((v) => {
          const x = v / 255;
          return x <= 0.03928 ? x / 12.92 : ((x + 0.055) / 1.055) ** 2.4;
        });
        return 0.2126 * r + 0.7152 * g + 0.0722 * b;
      };
      const contrast = (a: string, b: string) => {
        const [x, y] = [lum(a), lum(b)].sort((p, q) => q - p);
        return (x + 0.05) / (y + 0.05);
      };
      for (const l of looks) {
        const c = contrast(l.fg, l.bg);
        assert.ok(c >= th.minContrast, `${th.kind}: ${l.name} is ${l.fg} on ${l.bg}, contrast ${c.toFixed(2)} < ${th.minContrast}`);
      }
      // The export menu's items, open.
      await page.click('#export-menu');
      await page.locator('#export-list vscode-context-menu-item').first().waitFor();
      const item = await page.evaluate(() => {
        const label = document.querySelector('#export-list')!.shadowRoot!.querySelector('vscode-context-menu-item')!.shadowRoot!.querySelector('.label') ?? document.querySelector('#export-list')!.shadowRoot!.querySelector('vscode-context-menu-item')!.shadowRoot!.firstElementChild!;
        const menu = document.querySelector('#export-list')!.shadowRoot!.querySelector('.context-menu')!;
        return { fg: getComputedStyle(label).color, bg: getComputedStyle(menu).backgroundColor };
      });
      const ci = contrast(item.fg, item.bg);
      assert.ok(ci >= th.minContrast, `${th.kind}: export menu item is ${item.fg} on ${item.bg}, contrast ${ci.toFixed(2)}`);
      await page.screenshot({ path: join(SHOTS, `theme-${th.kind}-menu.png`) });
      await page.keyboard.press('Escape');
      if (th.kind.startsWith('high-contrast')) {
        // Buttons are outlined in the theme's contrast border.
        const border = th.vars['--vscode-contrastBorder'];
        const hex = (c: string) => `#${(/rgba?\(([^)]+)\)/.exec(c)?.[1] ?? '').split(/[ ,/]+/).slice(0, 3).map((v) => Number(v).toString(16).padStart(2, '0')).join('')}`;
        for (const l of looks.filter((x) => x.name.includes('button'))) assert.equal(hex(l.border), border, `${l.name} border`);
        assert.equal(hex(await page.evaluate(() => getComputedStyle(document.getElementById('plot')!).borderTopColor)), border);
      }
      assert.deepEqual(pageErrors(page), []);
      await page.screenshot({ path: join(SHOTS, `theme-${th.kind}.png`) });
    });
  }

  for (const [width, height] of [[1000, 700], [1600, 1000]]) {
    it(`keeps the controls to one row, the status to one and the legend to one at ${width}×${height}`, async () => {
      page = await openTimeline(browser, server, { bodyClass: 'vscode-dark' }, { width, height });
      await quietBackend(page);
      await page.evaluate(() => window.podIpLensView!.notice('info', 'Saved pod-ip-timeline-2026-12-01T12-40-00.svg'));
      await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
      const layout = await page.evaluate(() => {
        const box = (e: Element) => e.getBoundingClientRect();
        const controls = Array.from(document.querySelector('.toolbar')!.children).map((c) => box(c));
        return {
          tops: controls.map((b) => Math.round(b.top + b.height / 2)),
          right: Math.max(...controls.map((b) => b.right)),
          toolbar: box(document.querySelector('.toolbar')!).height,
          status: box(document.querySelector('.status')!).height,
          legend: box(document.querySelector('.legend-bar')!).height,
          plotTop: box(document.getElementById('plot')!).top,
          hint: box(document.getElementById('hint')!),
          more: !document.getElementById('legend-more')!.hidden,
          legendItems: document.querySelectorAll('.legend-item').length,
        };
      });
      assert.equal(new Set(layout.tops).size, 1, `toolbar controls on one row: ${layout.tops}`);
      assert.ok(layout.right <= width, `toolbar fits: right edge ${layout.right}`);
      assert.ok(layout.toolbar <= 36 && layout.status <= 20 && layout.legend <= 28, `rows: ${JSON.stringify(layout)}`);
      assert.ok(layout.plotTop <= 82, `the plot starts at ${layout.plotTop} px`);
      assert.ok(layout.hint.right <= width && layout.hint.width > 100, 'the hint is on screen');
      if (width === 1000) {
        // The legend shows what fits; the rest is one click away.
        assert.equal(layout.more, true);
        await page.click('#legend-more');
        const open = await page.evaluate(() => {
          const list = document.querySelector('.legend')!;
          const r = list.getBoundingClientRect();
          return { h: r.height, hidden: Array.from(list.querySelectorAll('.legend-item')).filter((i) => i.getBoundingClientRect().bottom > r.bottom + 1).length };
        });
        assert.ok(open.h > 30 && open.hidden === 0, `expanded legend: ${JSON.stringify(open)}`);
        assert.equal(await page.getAttribute('#legend-more', 'aria-expanded'), 'true');
        await page.click('#legend-more');
      } else assert.equal(layout.more, false, 'at 1600 px every legend item fits in its row');
      // The exports are one menu: it opens below its button, inside the panel.
      await page.click('#export-menu');
      const items = page.locator('#export-list vscode-context-menu-item');
      await items.first().waitFor();
      assert.deepEqual(await items.evaluateAll((xs) => xs.map((x) => x.getAttribute('label'))), ['SVG image', 'PNG image', 'JSON snapshot']);
      const menu = (await page.locator('#export-list .context-menu').boundingBox())!;
      assert.ok(menu.x >= 0 && menu.x + menu.width <= width && menu.y > 20, `menu at ${JSON.stringify(menu)}`);
      assert.equal(await page.getAttribute('#export-menu', 'aria-expanded'), 'true');
      await page.screenshot({ path: join(SHOTS, `toolbar-${width}x${height}.png`) });
      // Escape closes it; so does choosing.
      await page.keyboard.press('Escape');
      await page.waitForFunction(() => !document.querySelector('#export-list')!.shadowRoot!.querySelector('.context-menu'));
      assert.equal(await page.getAttribute('#export-menu', 'aria-expanded'), 'false');
    });
  }

  it('exports a title, the legend and every lane of the filter, not only the lanes in view', async () => {
    page = await openTimeline(browser, server, { bodyClass: 'vscode-dark' }, { width: 1000, height: 400 });
    const w = new EventWriter();
    const now = Date.now();
    const pods = revision(w, 'aaa111', now - 3 * 60_000, 24, 1);
    // Another Deployment the filter leaves out.
    for (const p of [1, 2]) {
      const uid = `front-${p}`;
      w.add({ type: 'created', t: now - 60_000, uid, pod: `default/frontend-${p}`, owner: { kind: 'Deployment', name: 'frontend' } });
      w.add({ type: 'ip-assigned', t: now - 59_000, uid, pod: `default/frontend-${p}`, ip: `10.244.7.${p}`, owner: { kind: 'Deployment', name: 'frontend' } });
    }
    const snapshot = snapshotOf(w, pods);
    snapshot.scope = { context: 'pod-ip-lens-demo-6443', namespace: 'default', labelSelector: 'tier', server: 'https://127.0.0.1:6443' };
    await post(page, { type: 'snapshot', snapshot, now: new Date().toISOString(), live: true });
    await renderedSeq(page, w.seq);
    await page.locator('#filter input').fill('backend');
    await page.waitForFunction(() => document.getElementById('app')!.dataset.lanes === '25');
    const onScreen = await page.locator('#chart text.lane-label').count();
    assert.ok(onScreen < 20, `the panel shows ${onScreen} lanes; the rest are below the fold`);
    for (const item of ['SVG image', 'PNG image']) {
      await page.click('#export-menu');
      await page.locator('#export-list vscode-context-menu-item', { hasText: item }).click();
    }
    await page.waitForFunction(() => (window as unknown as { __sent: { type: string }[] }).__sent.filter((m) => m.type === 'export').length === 2);
    const [svgMsg, pngMsg] = (await sent(page)).filter((m) => m.type === 'export') as unknown as { format: string; data: string }[];
    const doc = await page.evaluate((text) => {
      const d = new DOMParser().parseFromString(text, 'image/svg+xml');
      const root = d.documentElement;
      const chart = root.querySelector('svg.export-chart')!;
      return {
        error: d.querySelector('parsererror')?.textContent ?? '',
        width: Number(root.getAttribute('width')),
        height: Number(root.getAttribute('height')),
        title: root.querySelector('.export-title')?.textContent ?? '',
        subtitle: root.querySelector('.export-subtitle')?.textContent ?? '',
        docTitle: root.querySelector(':scope > title')?.textContent ?? '',
        legend: Array.from(root.querySelectorAll('.export-legend .legend-item')).map((g) => g.textContent ?? ''),
        lanes: Array.from(chart.querySelectorAll('text.lane-label')).map((t) => t.textContent ?? ''),
        chartY: Number(chart.getAttribute('y')),
        chartH: Number(chart.getAttribute('height')),
        bg: root.querySelector('rect.export-background')?.getAttribute('fill'),
      };
    }, svgMsg.data);
    assert.equal(doc.error, '');
    assert.equal(doc.title, 'Pod IP Lens: Pods tier in default — context pod-ip-lens-demo-6443 (https://127.0.0.1:6443)');
    assert.match(doc.subtitle, /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3}Z to \d{4}-.* · 24 Pod lanes \(filter “backend”\) · live$/);
    // The panel's status line names the server too.
    assert.match((await page.textContent('#connection')) ?? '', /^pod-ip-lens-demo-6443 \(https:\/\/127\.0\.0\.1:6443\) · default · tier — live$/);
    assert.equal(doc.docTitle, `${doc.title} — ${doc.subtitle}`);
    assert.deepEqual(doc.legend, await page.$$eval('.legend .legend-item', (xs) => xs.map((x) => x.textContent ?? '')));
    assert.equal(doc.legend.length, 12);
    // Every lane of the filter (a group row and 24 Pods), none of the filtered-out frontend.
    assert.equal(doc.lanes.length, 25);
    assert.equal(doc.lanes[0], 'default · Deployment backend · rev aaa111 (24)');
    assert.deepEqual(doc.lanes.slice(1), pods.map((p) => p.name));
    assert.ok(!svgMsg.data.includes('frontend-1'));
    assert.ok(doc.chartH >= 25 * 20 && doc.height === doc.chartY + doc.chartH && doc.width === 1000, JSON.stringify(doc));
    assert.equal(doc.bg, '#1f1f1f');
    // The PNG is that picture, at twice the size.
    const png = await page.evaluate(async (url) => {
      const img = new Image();
      img.src = url;
      await img.decode();
      return { w: img.naturalWidth, h: img.naturalHeight };
    }, pngMsg.data);
    assert.deepEqual(png, { w: doc.width * 2, h: doc.height * 2 });
    // The page itself is as it was: the lanes in view, scrolled where they were.
    assert.equal(await page.locator('#chart text.lane-label').count(), onScreen);
    const shot = join(SHOTS, 'export-all-lanes.png');
    writeFileSync(shot, Buffer.from(pngMsg.data.slice(pngMsg.data.indexOf(',') + 1), 'base64'));
  });

  it('folds the lanes that left the window into one row, keeps the live Pods in view, and unfolds on a click', async () => {
    page = await openTimeline(browser, server, { bodyClass: 'vscode-dark' }, { width: 1000, height: 500 });
    // Thirty Pods gone eight minutes ago, then two live ones: the live ones were below the fold.
    await quietBackend(page, 30);
    const labels = () => page.$$eval('#chart text.lane-label', (ts) => ts.map((t) => t.textContent ?? ''));
    const lanes = async () => Number((await dataset(page)).lanes);
    assert.equal(await lanes(), 34, 'the window starts before the old Pods went: nothing folds');
    // Zoom to the last five minutes: the gone Pods fold once the window settles.
    for (let i = 0; i < 3; i++) await ctrlWheel(page, -100);
    await page.waitForFunction(() => document.getElementById('app')!.dataset.lanes === '4');
    assert.deepEqual(await labels(), [
      '▸ Pods that left the window, folded: click to show (30)',
      'default · Deployment backend · rev aaa111 · newest (2)',
      'backend-aaa111-1',
      'backend-aaa111-2',
    ]);
    const live = (await page.locator('#chart g.segment[data-uid="aaa111-1"] rect').boundingBox())!;
    assert.ok(live.y + live.height < 500, 'the live Pods are on screen');
    // A click on the row shows them again (in their groups), another folds them.
    const row = (await page.locator('#chart text.lane-label.group').first().boundingBox())!;
    await page.mouse.click(row.x + 40, row.y + row.height / 2);
    await page.waitForFunction(() => document.getElementById('app')!.dataset.lanes === '35');
    assert.equal((await labels())[0], '▾ Pods that left the window, shown: click to fold (30)');
    await page.mouse.click(row.x + 40, row.y + row.height / 2);
    await page.waitForFunction(() => document.getElementById('app')!.dataset.lanes === '4');
    // The keyboard too, and the screen reader hears what the row holds.
    await page.focus('#chart');
    await page.keyboard.press('ArrowUp');
    assert.match((await page.textContent('#announcer')) ?? '', /^30 deleted Pods last seen before .*, folded into this row; Enter shows them$/);
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => document.getElementById('app')!.dataset.lanes === '35');
    assert.equal(await page.evaluate(() => window.podIpLensView!.state.foldPast), false, 'kept with the view state');
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => document.getElementById('app')!.dataset.lanes === '4');
    await page.screenshot({ path: join(SHOTS, 'folded-lanes.png') });
  });

  it('does not zoom to a rollout when the user chose the window, until Home', async () => {
    page = await openTimeline(browser, server);
    const w = await quietBackend(page);
    const w0 = await span(page);
    await ctrlWheel(page, 100);
    const chosen = await spanChanged(page, w0);
    const seq = w.seq;
    revision(w, 'bbb222', Date.now() - 2000, 2, 2);
    await post(page, batch(w.events.slice(seq), { pods: [] }));
    await renderedSeq(page, w.seq);
    assert.equal((await dataset(page)).rollout, 'false');
    assert.ok(Math.abs((await span(page)) - chosen) < chosen * 0.01);
    // Home: back to the view's own choice; the next rollout is zoomed to again.
    await page.focus('#chart');
    await page.keyboard.press('Home');
    await page.waitForFunction(() => window.podIpLensView!.state.userZoomed === false);
  });
});
