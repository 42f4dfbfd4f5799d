// Timeline webview benchmarks, measured in headless Chromium on the built bundle (dist/webview),
// each next to the naive SVG join baseline (test/webview/bench-harness.ts: one <rect> per segment
// in a keyed d3 data join, on the object model this project started with), in the same run:
//  1. a recorded 50,000-segment history (seeded): snapshot message → first frame, pan/zoom frame
//     cost with lanes by IP and by Pod, and model memory per segment from the page's heap after GC;
//  2. the same for 500,000 segments (the baseline is not run there: see its 50,000 figures);
//  3. watch event → pixels at 500 events/s on top of 5,000 running Pods: the host's own
//     TimelineStream (acked by the page) for the view, a fixed 50 ms batching for the baseline.
// Snapshots are sent the way the host sends them (packed for the view, objects for the baseline),
// so the first-frame time includes the message's structured clone and validation.
// Frame "work" is the synchronous cost of one step: d3-zoom transform, drawing, forced style and
// layout, and a canvas flush; SVG paint is not in it (which flatters the naive baseline). Frame
// "interval" is the time between animation frames while panning, paint included.
// The steps are zoom in, pan forward, pan back, zoom out: every four frames the view is back
// where it started, so a long run measures the same picture.
// TIMELINE_BENCH_SECONDS (default 10) sets the latency run's length.
import * as esbuild from 'esbuild';
import { join } from 'node:path';
import type { Browser, CDPSession, Page } from 'playwright-core';
import type { EventsMessage } from '../../src/core/protocol';
import { ROOT, TimelinePageServer, launch, openTimeline } from '../webview/page';
import { realPanZoom as panZoomSteps } from './panZoom';

const RATE = 500;
const PODS = 5_000;
const SECONDS = Number(process.env.TIMELINE_BENCH_SECONDS ?? 10);
const START = Date.parse('2026-01-01T00:00:00Z');
const SPAN = 6 * 3_600_000;

function pct(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] : NaN;
}
function fmt(xs: number[]): string {
  return `p50 ${pct(xs, 50).toFixed(2).padStart(7)} ms  p95 ${pct(xs, 95).toFixed(2).padStart(7)} ms  max ${Math.max(...xs).toFixed(2).padStart(7)} ms  (n=${xs.length})`;
}

/**
 * The page's memory after GC: the JS heap, the typed arrays' backing stores (outside the JS heap,
 * where the model's columns live) and the DOM's heap (where the baseline's SVG elements live).
 */
async function heap(cdp: CDPSession): Promise<number> {
  await cdp.send('HeapProfiler.collectGarbage');
  await cdp.send('HeapProfiler.collectGarbage');
  const u = (await cdp.send('Runtime.getHeapUsage')) as { usedSize: number; backingStorageSize?: number; embedderHeapUsedSize?: number };
  return u.usedSize + (u.backingStorageSize ?? 0) + (u.embedderHeapUsedSize ?? 0);
}

interface Loaded {
  segments: number;
  events: number;
  firstFrameMs: number;
  bytesPerSegment: number;
  domain: [number, number];
}

/** Generates a seeded history in the page, packs it as the host would, then times message → first frame. */
async function loadReal(page: Page, lives: number, ips: number): Promise<Loaded> {
  const cdp = await page.context().newCDPSession(page);
  const before = await heap(cdp);
  const made = await page.evaluate(
    ({ lives, ips, start, span }) => {
      const H = window.benchHarness!;
      const snap = H.bigHistory(lives, ips, start, span, 1, 2000);
      const segments = snap.events.filter((e) => e.type === 'ip-assigned').length;
      const last = snap.events[snap.events.length - 1].seq;
      (window as unknown as { __msg: unknown }).__msg = { type: 'snapshot', snapshot: H.packSnapshot({ ...snap, connection: 'stopped' }), seq: last, now: new Date(start + span).toISOString(), live: false };
      return { segments, events: snap.events.length, last };
    },
    { lives, ips, start: START, span: SPAN },
  );
  await heap(cdp);
  const r = await page.evaluate(async (last) => {
    const v = window.podIpLensView!;
    const w = window as unknown as { __msg?: unknown };
    const msg = w.__msg;
    delete w.__msg;
    const drawn = new Promise<number>((resolve) => {
      const on = (e: Event) => {
        if ((e as CustomEvent<{ maxSeq: number; at: number }>).detail.maxSeq < last) return;
        v.root.removeEventListener('timeline-rendered', on);
        resolve((e as CustomEvent<{ at: number }>).detail.at);
      };
      v.root.addEventListener('timeline-rendered', on);
    });
    const t0 = performance.now();
    window.postMessage(msg, '*');
    const at = await drawn;
    return { ms: at - t0, domain: v.visibleDomain };
  }, made.last);
  // Let the idle work run (the other grouping's lanes), then weigh what stays.
  await page.evaluate(() => new Promise((res) => setTimeout(res, 500)));
  const after = await heap(cdp);
  await cdp.detach();
  return { segments: made.segments, events: made.events, firstFrameMs: r.ms, bytesPerSegment: (after - before) / made.segments, domain: r.domain };
}

/** The baseline: the object snapshot through postMessage into the naive model, then its first join. */
async function loadNaive(page: Page, lives: number, ips: number): Promise<Loaded> {
  const cdp = await page.context().newCDPSession(page);
  const before = await heap(cdp);
  const made = await page.evaluate(
    ({ lives, ips, start, span }) => {
      const H = window.benchHarness!;
      const snap = H.bigHistory(lives, ips, start, span, 1, 2000);
      (window as unknown as { __msg: unknown }).__msg = { type: 'snapshot', snapshot: snap };
      return { segments: snap.events.filter((e) => e.type === 'ip-assigned').length, events: snap.events.length };
    },
    { lives, ips, start: START, span: SPAN },
  );
  await heap(cdp);
  const r = await page.evaluate(async ({ start, span }) => {
    const H = window.benchHarness!;
    const w = window as unknown as { __msg?: unknown; __naive?: unknown };
    const msg = w.__msg;
    delete w.__msg;
    const naive = new H.NaiveSvgTimeline(document.body, 1200, 700);
    w.__naive = naive;
    const done = new Promise<number>((resolve) => {
      window.addEventListener('message', function on(e) {
        window.removeEventListener('message', on);
        naive.load((e.data as { snapshot: Parameters<typeof naive.load>[0] }).snapshot);
        naive.setDomain(start - span * 0.03, start + span * 1.03);
        requestAnimationFrame(() => {
          naive.render(start + span);
          naive.container.getBoundingClientRect();
          resolve(performance.now());
        });
      });
    });
    const t0 = performance.now();
    window.postMessage(msg, '*');
    return (await done) - t0;
  }, { start: START, span: SPAN });
  const after = await heap(cdp);
  await cdp.detach();
  return { segments: made.segments, events: made.events, firstFrameMs: r, bytesPerSegment: (after - before) / made.segments, domain: [START, START + SPAN] };
}

interface FrameResult {
  work: number[];
  intervals: number[];
  shapes: string;
}

/** Pan/zoom steps on the real view (see panZoom.ts), with frame intervals, described for the table. */
async function realPanZoom(page: Page, groupBy: 'pod' | 'ip', steps: number): Promise<FrameResult> {
  const r = await panZoomSteps(page, groupBy, steps, { intervals: true });
  return { work: r.work, intervals: r.intervals, shapes: `${r.renderer}, ${r.visibleSegments} segments + ${r.visibleMarkers} markers visible in ${r.lanes} lanes` };
}

async function naivePanZoom(page: Page, steps: number, domain: [number, number]): Promise<FrameResult> {
  return page.evaluate(
    async ({ steps, domain }) => {
      const naive = (window as unknown as { __naive: InstanceType<NonNullable<typeof window.benchHarness>['NaiveSvgTimeline']> }).__naive;
      let d: [number, number] = [domain[0], domain[1]];
      const now = domain[1];
      const step = (i: number) => {
        const k = i % 4;
        const w = d[1] - d[0];
        const c = (d[0] + d[1]) / 2;
        if (k === 0) d = [c - w / 2 / 1.25, c + w / 2 / 1.25];
        else if (k === 1) d = [d[0] + (80 / 1200) * w, d[1] + (80 / 1200) * w];
        else if (k === 2) d = [d[0] - (80 / 1200) * w, d[1] - (80 / 1200) * w];
        else d = [c - (w / 2) * 1.25, c + (w / 2) * 1.25];
        naive.setDomain(d[0], d[1]);
      };
      const frame = () => new Promise<number>((r) => requestAnimationFrame(r));
      naive.setDomain(d[0], d[1]);
      naive.render(now);
      for (let i = 0; i < 3; i++) {
        step(i);
        naive.render(now);
        await frame();
      }
      const work: number[] = [];
      for (let i = 0; i < steps; i++) {
        const t0 = performance.now();
        step(i);
        naive.render(now);
        naive.container.getBoundingClientRect();
        (naive.container.firstElementChild as SVGSVGElement).getBBox();
        work.push(performance.now() - t0);
        await frame();
      }
      const intervals: number[] = [];
      let last = await frame();
      for (let i = 0; i < steps; i++) {
        step(i);
        naive.render(now);
        const t = await frame();
        intervals.push(t - last);
        last = t;
      }
      return { work, intervals, shapes: `svg, ${document.querySelectorAll('rect').length} rects` };
    },
    { steps, domain },
  );
}

interface LatencyResult {
  endToEnd: number[];
  webviewOnly: number[];
  messages: number;
  events: number;
  largestBatch: number;
}

/** Streams churn into a page; `mode` picks the real view (host TimelineStream) or the naive join (fixed batches). */
async function latency(page: Page, mode: 'real' | 'naive'): Promise<LatencyResult> {
  return page.evaluate(
    async ({ mode, pods, rate, seconds }) => {
      const H = window.benchHarness!;
      const { snapshot } = H.runningPods(pods, Date.now() - 600_000);
      const sentAt = new Map<number, number>();
      const arrivedAt = new Map<number, number>();
      const endToEnd: number[] = [];
      const webviewOnly: number[] = [];
      let done = snapshot.events.length;
      let messages = 0;
      let largestBatch = 0;
      const drawn = (maxSeq: number, at: number) => {
        for (let s = done + 1; s <= maxSeq; s++) {
          const sent = sentAt.get(s);
          const arrived = arrivedAt.get(s);
          if (sent !== undefined) endToEnd.push(at - sent);
          if (arrived !== undefined) webviewOnly.push(at - arrived);
        }
        if (maxSeq > done) done = maxSeq;
      };
      window.addEventListener('message', (e) => {
        const m = e.data as EventsMessage;
        if (m?.type !== 'events') return;
        messages++;
        largestBatch = Math.max(largestBatch, m.events.length);
        const t = performance.now();
        for (const ev of m.events) arrivedAt.set(ev.seq, t);
      });
      let emit: (events: EventsMessage['events']) => void;
      if (mode === 'real') {
        const v = window.podIpLensView!;
        const host = H.hostStream(snapshot);
        host.stream.sendSnapshot();
        await new Promise<void>((r) => {
          const check = () => (v.model.maxSeq >= snapshot.events.length ? r() : setTimeout(check, 10));
          check();
        });
        v.root.addEventListener('timeline-rendered', (e) => {
          const d = (e as CustomEvent<{ maxSeq: number; at: number }>).detail;
          drawn(d.maxSeq, d.at);
        });
        emit = host.emit;
      } else {
        const naive = new H.NaiveSvgTimeline(document.body, 1200, 700);
        naive.load(snapshot);
        let frame = 0;
        window.addEventListener('message', (e) => {
          const m = e.data as EventsMessage;
          if (m?.type !== 'events') return;
          naive.apply(m.events, m.pods);
          if (!frame)
            frame = requestAnimationFrame(() => {
              frame = 0;
              const now = Date.now();
              naive.setDomain(now - 600_000, now + 30_000);
              naive.render(now);
              naive.container.getBoundingClientRect();
              drawn(naive.model.maxSeq, performance.now());
            });
        });
        emit = H.fixedBatches(snapshot.events.length, (m) => window.postMessage(m, '*'));
      }
      await H.streamChurn({ firstSeq: snapshot.events.length, pods, rate, seconds, emit, sentAt });
      const last = snapshot.events.length + rate * seconds;
      await new Promise<void>((r) => {
        const check = () => (done >= last ? r() : setTimeout(check, 20));
        check();
      });
      return { endToEnd, webviewOnly, messages, events: rate * seconds, largestBatch };
    },
    { mode, pods: PODS, rate: RATE, seconds: SECONDS },
  );
}

interface Row {
  what: string;
  naive: string;
  view: string;
  goal: string;
  met: boolean;
}

async function main(): Promise<void> {
  const harness = await esbuild.build({
    entryPoints: [join(ROOT, 'test', 'webview', 'bench-harness.ts')],
    bundle: true,
    write: false,
    format: 'iife',
    platform: 'browser',
    target: 'chrome120',
    logLevel: 'warning',
  });
  const server = new TimelinePageServer({ 'bench-harness': harness.outputFiles[0].text });
  await server.start();
  let browser: Browser | undefined;
  const rows: Row[] = [];
  const viewport = { width: 1200, height: 700 };
  try {
    browser = await launch();

    // ------------------------------------------------------------ 1. 50,000 segments
    const real = await openTimeline(browser, server, { scripts: ['bench-harness'] }, viewport);
    const r50 = await loadReal(real, 50_000, 2_000);
    console.log(`50,000: ${r50.segments} segments (${r50.events} events) over 6 h; snapshot message → first frame ${r50.firstFrameMs.toFixed(0)} ms; model ${r50.bytesPerSegment.toFixed(0)} bytes per segment (JS heap + array buffers + DOM, after GC)`);
    const byIp = await realPanZoom(real, 'ip', 160);
    const byPod = await realPanZoom(real, 'pod', 160);
    await real.close();
    const naivePage = await openTimeline(browser, server, { scripts: ['bench-harness'], app: false }, viewport);
    const n50 = await loadNaive(naivePage, 50_000, 2_000);
    const naive = await naivePanZoom(naivePage, 24, r50.domain);
    await naivePage.close();
    console.log(`  naive: snapshot message → first frame ${n50.firstFrameMs.toFixed(0)} ms; ${n50.bytesPerSegment.toFixed(0)} bytes per segment`);
    console.log(`  view, lanes by IP  (${byIp.shapes})`);
    console.log(`    work      ${fmt(byIp.work)}`);
    console.log(`    interval  ${fmt(byIp.intervals)}`);
    console.log(`  view, lanes by Pod (${byPod.shapes})`);
    console.log(`    work      ${fmt(byPod.work)}`);
    console.log(`    interval  ${fmt(byPod.intervals)}`);
    console.log(`  naive SVG join     (${naive.shapes})`);
    console.log(`    work      ${fmt(naive.work)}`);
    console.log(`    interval  ${fmt(naive.intervals)}`);
    const ms = (v: number) => `${v.toFixed(v < 10 ? 2 : 0)} ms`;
    rows.push({ what: 'snapshot of 50,000 segments → first frame', naive: ms(n50.firstFrameMs), view: ms(r50.firstFrameMs), goal: '≤ 200 ms', met: r50.firstFrameMs <= 200 });
    rows.push({ what: 'pan/zoom, 50,000 segments, lanes by IP, p95 work', naive: ms(pct(naive.work, 95)), view: `${ms(pct(byIp.work, 95))} (${byIp.shapes.split(',')[0]})`, goal: '≤ 8 ms', met: pct(byIp.work, 95) <= 8 });
    rows.push({ what: 'pan/zoom, 50,000 segments, lanes by Pod, p95 work', naive: ms(pct(naive.work, 95)), view: `${ms(pct(byPod.work, 95))} (${byPod.shapes.split(',')[0]})`, goal: '≤ 8 ms', met: pct(byPod.work, 95) <= 8 });

    // ------------------------------------------------------------ 2. 500,000 segments
    const big = await openTimeline(browser, server, { scripts: ['bench-harness'] }, viewport);
    const r500 = await loadReal(big, 500_000, 20_000);
    console.log(`\n500,000: ${r500.segments} segments (${r500.events} events) over 6 h on 20,000 IPs; snapshot message → first frame ${r500.firstFrameMs.toFixed(0)} ms; model ${r500.bytesPerSegment.toFixed(0)} bytes per segment (JS heap + array buffers + DOM, after GC)`);
    const bigIp = await realPanZoom(big, 'ip', 120);
    const bigPod = await realPanZoom(big, 'pod', 120);
    await big.close();
    console.log(`  view, lanes by IP  (${bigIp.shapes})`);
    console.log(`    work      ${fmt(bigIp.work)}`);
    console.log(`    interval  ${fmt(bigIp.intervals)}`);
    console.log(`  view, lanes by Pod (${bigPod.shapes})`);
    console.log(`    work      ${fmt(bigPod.work)}`);
    console.log(`    interval  ${fmt(bigPod.intervals)}`);
    const bigWorst = Math.max(pct(bigIp.work, 95), pct(bigPod.work, 95));
    rows.push({
      what: '500,000 segments: first frame / pan-zoom p95 (worst of by IP, by Pod)',
      naive: 'not run (10× the 50,000 row)',
      view: `${ms(r500.firstFrameMs)} / ${ms(bigWorst)}`,
      goal: '≤ 1 s / ≤ 16 ms',
      met: r500.firstFrameMs <= 1000 && bigWorst <= 16,
    });

    // ------------------------------------------------------------ 3. event-to-pixel latency
    const lat = await openTimeline(browser, server, { scripts: ['bench-harness'] }, viewport);
    const r = await latency(lat, 'real');
    await lat.close();
    const latNaive = await openTimeline(browser, server, { scripts: ['bench-harness'], app: false }, viewport);
    const n = await latency(latNaive, 'naive');
    await latNaive.close();
    console.log(`\nlatency: ${r.events} events at ${RATE}/s on ${PODS} running Pods`);
    console.log(`  view   (host TimelineStream, acked: ${r.messages} messages, largest ${r.largestBatch} events)`);
    console.log(`         watch event → drawn        ${fmt(r.endToEnd)}`);
    console.log(`         message arrival → drawn    ${fmt(r.webviewOnly)}`);
    console.log(`  naive  (fixed 50 ms batches: ${n.messages} messages, largest ${n.largestBatch} events)`);
    console.log(`         watch event → drawn        ${fmt(n.endToEnd)}`);
    console.log(`         message arrival → drawn    ${fmt(n.webviewOnly)}`);
    rows.push({ what: 'watch event → pixels, end to end, p95 at 500 events/s', naive: ms(pct(n.endToEnd, 95)), view: ms(pct(r.endToEnd, 95)), goal: '≤ 50 ms', met: pct(r.endToEnd, 95) <= 50 });
    const mem = Math.max(r50.bytesPerSegment, r500.bytesPerSegment);
    rows.push({
      what: 'model memory in the webview, per segment (heap after GC; 50,000 / 500,000)',
      naive: `${n50.bytesPerSegment.toFixed(0)} B`,
      view: `${r50.bytesPerSegment.toFixed(0)} B / ${r500.bytesPerSegment.toFixed(0)} B`,
      goal: '≤ 300 B',
      met: mem <= 300,
    });

    const w = [Math.max(...rows.map((x) => x.what.length)), Math.max(14, ...rows.map((x) => x.naive.length)), Math.max(4, ...rows.map((x) => x.view.length)), 16];
    console.log(`\nwebview, same run (goal vs measured)`);
    console.log(`| ${'what'.padEnd(w[0])} | ${'naive SVG join'.padEnd(w[1])} | ${'view'.padEnd(w[2])} | ${'goal'.padEnd(w[3])} | met |`);
    console.log(`|${'-'.repeat(w[0] + 2)}|${'-'.repeat(w[1] + 2)}|${'-'.repeat(w[2] + 2)}|${'-'.repeat(w[3] + 2)}|-----|`);
    for (const x of rows) console.log(`| ${x.what.padEnd(w[0])} | ${x.naive.padEnd(w[1])} | ${x.view.padEnd(w[2])} | ${x.goal.padEnd(w[3])} | ${x.met ? 'yes' : 'NO '} |`);
  } finally {
    await browser?.close();
    await server.stop();
  }
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? (e.stack ?? e.message) : String(e));
  process.exit(1);
});
