// The References section at scale, in headless Chromium on the built bundle: the seeded
// 50,000-segment history of the timeline bench, with 1,000 manifest literals pointing at its IPs
// (rows from the real join, src/core/references), against the same history without references,
// in the same run. Measured: the host's join (Node), the page taking in the references message,
// and pan/zoom frame work (p95 goal ≤ 8 ms, as the timeline's) with lanes by IP and by Pod.
// Frame "work" is as in timeline.bench.ts: the step, the drawing, forced layout and a canvas flush.
import * as esbuild from 'esbuild';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import type { ReferencesMessage } from '../../src/core/protocol';
import { IpHistory, joinReferences, type IpLiteral } from '../../src/core/references';
import { ROOT, TimelinePageServer, launch, openTimeline } from '../webview/page';
import { bigHistory } from '../webview/synthetic';
import { realPanZoom } from './panZoom';

const START = Date.parse('2026-01-01T00:00:00Z');
const SPAN = 6 * 3_600_000;
const LIVES = 50_000;
const IPS = 2_000;
const LITERALS = 1_000;
const STEPS = 160;

function pct(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] : NaN;
}
const fmt = (xs: number[]) => `p50 ${pct(xs, 50).toFixed(2).padStart(6)} ms  p95 ${pct(xs, 95).toFixed(2).padStart(6)} ms  max ${Math.max(...xs).toFixed(2).padStart(6)} ms  (n=${xs.length})`;

/** Loads the seeded history in the page (packed, as the host sends it) and waits for its first frame. */
async function loadHistory(page: Page): Promise<void> {
  await page.evaluate(
    async ({ lives, ips, start, span }) => {
      const H = window.benchHarness!;
      const snap = H.bigHistory(lives, ips, start, span, 1, 2000);
      const last = snap.events[snap.events.length - 1].seq;
      const v = window.podIpLensView!;
      const drawn = new Promise<void>((resolve) => {
        const on = (e: Event) => {
          if ((e as CustomEvent<{ maxSeq: number }>).detail.maxSeq < last) return;
          v.root.removeEventListener('timeline-rendered', on);
          resolve();
        };
        v.root.addEventListener('timeline-rendered', on);
      });
      window.postMessage({ type: 'snapshot', snapshot: H.packSnapshot({ ...snap, connection: 'stopped' }), seq: last, now: new Date(start + span).toISOString(), live: false }, '*');
      await drawn;
    },
    { lives: LIVES, ips: IPS, start: START, span: SPAN },
  );
}

/** Posts the references message; returns message → drawn (ms) and what the band shows. */
async function loadReferences(page: Page, m: ReferencesMessage): Promise<{ ms: number; rows: number; drawn: number }> {
  return page.evaluate(async (msg) => {
    const v = window.podIpLensView!;
    const t0 = performance.now();
    const drawn = new Promise<number>((resolve) => v.root.addEventListener('timeline-rendered', (e) => resolve((e as CustomEvent<{ at: number }>).detail.at), { once: true }));
    window.postMessage(msg, '*');
    const at = await drawn;
    return { ms: at - t0, rows: Number(v.root.dataset.references), drawn: document.querySelectorAll('#chart g.reference').length };
  }, m as unknown as Record<string, unknown>);
}

async function panZoom(page: Page, groupBy: 'pod' | 'ip'): Promise<{ work: number[]; shapes: string }> {
  const r = await realPanZoom(page, groupBy, STEPS);
  return { work: r.work, shapes: `${r.renderer}, ${r.visibleSegments} segments + ${r.visibleMarkers} markers, references ${r.referenceIntervals ? `${r.referenceIntervals} intervals in SVG` : 'on the canvas or none'}` };
}

async function main(): Promise<void> {
  // The host's side: the same seeded history in Node, 1,000 literals on its IPs, joined.
  const snap = bigHistory(LIVES, IPS, START, SPAN, 1, 2000);
  const ipsHeld = [...new Set(snap.events.filter((e) => e.type === 'ip-assigned').map((e) => e.ip!))];
  const literals: IpLiteral[] = Array.from({ length: LITERALS }, (_, i) => {
    const ip = ipsHeld[(i * 7) % ipsHeld.length];
    const file = `file:///ws/app-${i % 40}/config-${Math.floor(i / 40)}.yaml`;
    return { file, label: `app-${i % 40}/config-${Math.floor(i / 40)}.yaml`, line: 10 + (i % 30), column: 15, ip, literal: `${ip}:8080`, path: 'data.UPSTREAM', resource: `ConfigMap config-${i}` };
  });
  let t = performance.now();
  const history = new IpHistory();
  history.ingest(snap.events);
  const ingestMs = performance.now() - t;
  t = performance.now();
  const rows = joinReferences(literals, history);
  const joinMs = performance.now() - t;
  t = performance.now();
  joinReferences(literals.slice(1), history);
  const rejoinMs = performance.now() - t;
  const intervals = rows.reduce((n, r) => n + r.intervals.length, 0);
  const message: ReferencesMessage = { type: 'references', rows, literals: literals.length, files: 1000 };
  console.log(`history: ${snap.events.filter((e) => e.type === 'ip-assigned').length} segments on ${ipsHeld.length} IPs over 6 h (seeded); ${LITERALS} literals → ${rows.length} rows, ${intervals} intervals, ${(JSON.stringify(message).length / 1e6).toFixed(1)} MB as JSON`);
  console.log(`host: taking in the history ${ingestMs.toFixed(0)} ms (once per panel); the first join ${joinMs.toFixed(1)} ms; a join after a manifest edit (stories cached) ${rejoinMs.toFixed(2)} ms`);

  const harness = await esbuild.build({ entryPoints: [join(ROOT, 'test', 'webview', 'bench-harness.ts')], bundle: true, write: false, format: 'iife', platform: 'browser', target: 'chrome120', logLevel: 'warning' });
  const server = new TimelinePageServer({ 'bench-harness': harness.outputFiles[0].text });
  await server.start();
  let browser: Browser | undefined;
  try {
    browser = await launch();
    const viewport = { width: 1200, height: 700 };
    const results: Record<string, { ip: Awaited<ReturnType<typeof panZoom>>; pod: Awaited<ReturnType<typeof panZoom>> }> = {};
    // Alternated, so neither variant gets the quieter minutes of a shared machine.
    for (const variant of ['without references', 'with references', 'without references (again)', 'with references (again)']) {
      const page = await openTimeline(browser, server, { scripts: ['bench-harness'] }, viewport);
      await loadHistory(page);
      if (variant.startsWith('with ')) {
        const r = await loadReferences(page, message);
        console.log(`page: references message → drawn ${r.ms.toFixed(0)} ms; ${r.rows} rows, ${r.drawn ? `${r.drawn} drawn as SVG in the band` : 'the band drawn on the canvas (past 150 intervals in view)'}, all of them in the table view`);
      }
      results[variant] = { ip: await panZoom(page, 'ip'), pod: await panZoom(page, 'pod') };
      await page.close();
    }
    const merged = (a: string, b: string, k: 'ip' | 'pod') => [...results[a][k].work, ...results[b][k].work];
    console.log('\npan/zoom frame work, 50,000 segments, same run (goal: p95 ≤ 8 ms with references)');
    for (const k of ['ip', 'pod'] as const) {
      const without = merged('without references', 'without references (again)', k);
      const withRefs = merged('with references', 'with references (again)', k);
      console.log(`  lanes by ${k === 'ip' ? 'IP ' : 'Pod'}  without references  ${fmt(without)}  (${results['without references'][k].shapes})`);
      console.log(`               with references     ${fmt(withRefs)}  (${results['with references'][k].shapes})`);
      console.log(`               goal p95 ≤ 8 ms: ${pct(withRefs, 95) <= 8 ? 'met' : 'NOT MET'}; with/without p95 ${(pct(withRefs, 95) / pct(without, 95)).toFixed(2)}×`);
    }
  } finally {
    await browser?.close();
    await server.stop();
  }
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? (e.stack ?? e.message) : String(e));
  process.exit(1);
});
