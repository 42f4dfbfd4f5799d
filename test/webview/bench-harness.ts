// Browser-side pieces of the timeline bench (bundled by test/bench/timeline.bench.ts with esbuild):
//  - NaiveSvgTimeline: the baseline — one SVG <rect> per segment in a keyed d3 data join, every
//    segment of every lane, re-joined on each pan/zoom step (what a first d3 version would do);
//  - the host side of the latency run: synthetic watch events through the host's real
//    TimelineStream (flow-controlled by the page's acks) for the view, and through a fixed 50 ms
//    Batcher (what the naive version had) for the baseline;
//  - packSnapshot, to send the big snapshots as the host does.
import * as d3 from 'd3';
import type { LifecycleEvent, PodSummary, ServiceSummary, TimelineFeed, TimelineSnapshot } from '../../src/core/events';
import { packSnapshot } from '../../src/core/protocol/packedSnapshot';
import { Batcher, type EventsMessage, type HostMessage, type WebviewMessage } from '../../src/core/protocol';
import { TimelineStream } from '../../src/core/protocol/stream';
import { TimelineModel, type Segment } from './naiveModel';
import { bigHistory } from './synthetic';
import { seededRandom as mulberry32 } from '../seededRandom';

const LANE_H = 20;

export class NaiveSvgTimeline {
  model = new TimelineModel();
  private readonly svg: d3.Selection<SVGSVGElement, unknown, null, undefined>;
  private domain: [number, number] = [0, 1];
  private laneOf = new Map<string, number>();
  private readonly width: number;
  readonly container: HTMLDivElement;

  constructor(root: HTMLElement, width = 1200, height = 700) {
    this.width = width;
    this.container = document.createElement('div');
    this.container.style.width = `${width}px`;
    this.container.style.height = `${height}px`;
    this.container.style.overflow = 'auto';
    root.append(this.container);
    this.svg = d3.select(this.container).append('svg').attr('width', width);
  }

  load(s: TimelineSnapshot): void {
    this.model = TimelineModel.fromSnapshot(s);
    this.relane();
  }

  private relane(): void {
    const ips = [...this.model.segmentsByIp.keys()].sort();
    this.laneOf = new Map(ips.map((ip, i) => [ip, i]));
    this.svg.attr('height', ips.length * LANE_H);
  }

  apply(events: LifecycleEvent[], pods: PodSummary[]): void {
    const before = this.model.structureVersion;
    this.model.applySummaries(pods, []);
    this.model.apply(events);
    if (this.model.structureVersion !== before) this.relane();
  }

  setDomain(d0: number, d1: number): void {
    this.domain = [d0, d1];
  }

  render(now: number): void {
    const x = d3.scaleTime().domain(this.domain).range([0, this.width]);
    const all: Segment[] = [];
    for (const list of this.model.segmentsByIp.values()) for (const s of list) all.push(s);
    this.svg
      .selectAll<SVGRectElement, Segment>('rect')
      .data(all, (d) => d.id)
      .join('rect')
      .attr('x', (d) => x(d.start))
      .attr('width', (d) => Math.max(1, x(d.end ?? now) - x(d.start)))
      .attr('y', (d) => this.laneOf.get(d.ip)! * LANE_H + 4)
      .attr('height', 12)
      .attr('fill', '#56B4E9');
  }
}

/** 5,000 running Pods (the state the latency run starts from). */
export function runningPods(n: number, start: number): { snapshot: TimelineSnapshot; pods: PodSummary[] } {
  const events: LifecycleEvent[] = [];
  const pods: PodSummary[] = [];
  let seq = 0;
  for (let i = 0; i < n; i++) {
    const uid = `p-${i}`;
    const ip = `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`;
    const t = start + i * 10;
    const owner = { kind: 'Deployment', name: `app-${i % 50}` };
    const pod = `ns-${i % 5}/app-${i % 50}-${i.toString(36)}`;
    events.push({ seq: ++seq, type: 'created', time: new Date(t).toISOString(), timeSource: 'object', uid, pod, owner, revision: 'r0' });
    events.push({ seq: ++seq, type: 'ip-assigned', time: new Date(t + 300).toISOString(), timeSource: 'object', uid, pod, ip, node: `node-${i % 40}`, owner, revision: 'r0' });
    events.push({ seq: ++seq, type: 'ready', time: new Date(t + 900).toISOString(), timeSource: 'object', uid, pod, owner, revision: 'r0' });
    pods.push({ uid, namespace: `ns-${i % 5}`, name: pod.slice(pod.indexOf('/') + 1), ips: [ip], ready: true, terminating: false, deleted: false, hostNetwork: false, labels: {}, owner, revision: 'r0', node: `node-${i % 40}`, phase: 'Running' });
  }
  return { snapshot: { scope: { context: 'bench', labelSelector: '' }, connection: 'live', events, pods, services: [] }, pods };
}

/** What the churn produces, for one of the two transports below. */
export type Churn = (events: LifecycleEvent[]) => void;

/**
 * Produces churn like a rolling restart at `rate` events/s for `seconds`: Pods terminate, release
 * their IP and go; replacements are created, get an IP (often a freed one) and become ready. Each
 * event's creation time is recorded in `sentAt`.
 */
export function streamChurn(opts: { firstSeq: number; pods: number; rate: number; seconds: number; emit: Churn; sentAt: Map<number, number> }): Promise<void> {
  const rnd = mulberry32(7);
  let seq = opts.firstSeq;
  let nextPod = opts.pods;
  const alive: string[] = Array.from({ length: opts.pods }, (_, i) => `p-${i}`);
  const ipOf = new Map<string, string>(alive.map((u, i) => [u, `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`]));
  const freeIps: string[] = [];
  const queue: Omit<LifecycleEvent, 'seq' | 'time' | 'timeSource'>[] = [];
  const refill = () => {
    if (rnd() < 0.5 && alive.length > 10) {
      const uid = alive.splice(Math.floor(rnd() * alive.length), 1)[0];
      const ip = ipOf.get(uid)!;
      queue.push({ type: 'terminating', uid, pod: `ns-0/${uid}` }, { type: 'unready', uid, pod: `ns-0/${uid}` }, { type: 'ip-released', uid, pod: `ns-0/${uid}`, ip }, { type: 'deleted', uid, pod: `ns-0/${uid}` });
      freeIps.push(ip);
    } else {
      const i = nextPod++;
      const uid = `p-${i}`;
      const ip = freeIps.length && rnd() < 0.7 ? freeIps.shift()! : `10.200.${(i >> 8) & 255}.${i & 255}`;
      ipOf.set(uid, ip);
      alive.push(uid);
      const owner = { kind: 'Deployment', name: `app-${i % 50}` };
      queue.push({ type: 'created', uid, pod: `ns-0/${uid}`, owner, revision: 'r1' }, { type: 'ip-assigned', uid, pod: `ns-0/${uid}`, ip, node: `node-${i % 40}`, owner, revision: 'r1' }, { type: 'ready', uid, pod: `ns-0/${uid}` });
    }
  };
  const total = opts.rate * opts.seconds;
  let produced = 0;
  const t0 = performance.now();
  return new Promise((resolve) => {
    const tick = () => {
      // Catch up to the schedule: events due by now at `rate` per second, as the watch delivers them.
      const due = Math.min(total, Math.floor(((performance.now() - t0) / 1000) * opts.rate));
      const batch: LifecycleEvent[] = [];
      while (produced < due) {
        if (queue.length === 0) refill();
        const e = queue.shift()!;
        const ev = { ...e, seq: ++seq, time: new Date().toISOString(), timeSource: 'arrival' } as LifecycleEvent;
        opts.sentAt.set(ev.seq, performance.now());
        batch.push(ev);
        produced++;
      }
      if (batch.length) opts.emit(batch);
      if (produced >= total) resolve();
      else setTimeout(tick, 2);
    };
    tick();
  });
}

/**
 * The host side for the real view: a feed of the churn, streamed by the host's own TimelineStream
 * into the page (window.postMessage), acked by the page's 'drawn' messages.
 */
export function hostStream(snapshot: TimelineSnapshot): { emit: Churn; stream: TimelineStream } {
  const listeners = new Set<(e: LifecycleEvent[]) => void>();
  let last = snapshot.events.length ? snapshot.events[snapshot.events.length - 1].seq : 0;
  const feed: TimelineFeed = {
    scope: snapshot.scope,
    snapshot: () => snapshot,
    lastSeq: () => last,
    podSummaries: (): PodSummary[] => [],
    serviceSummaries: (): ServiceSummary[] => [],
    servicesVersion: () => 0,
    connection: () => ({ state: 'live' }),
    subscribe(l) {
      listeners.add(l);
      return { dispose: () => listeners.delete(l) };
    },
  };
  const stream = new TimelineStream(feed, (m: HostMessage) => window.postMessage(m, '*'));
  (window as { __host?: (m: WebviewMessage) => void }).__host = (m) => {
    if (m.type === 'drawn') stream.drawn(m.seq);
  };
  const emit: Churn = (events) => {
    last = events[events.length - 1].seq;
    for (const l of listeners) l(events);
  };
  return { emit, stream };
}

/** The naive version's transport: a fixed 50 ms batching window, no flow control. */
export function fixedBatches(firstSeq: number, deliver: (m: EventsMessage) => void): Churn {
  let announced = firstSeq;
  const batcher = new Batcher<LifecycleEvent>(
    50,
    (events) => {
      const prevSeq = announced;
      announced = events.length ? events[events.length - 1].seq : announced;
      deliver({ type: 'events', prevSeq, seq: announced, events, pods: [], services: [], connection: 'live', now: new Date().toISOString() });
    },
    { now: () => performance.now(), setTimeout: (f, ms) => setTimeout(f, ms), clearTimeout: (t) => clearTimeout(t as number) },
  );
  return (events) => batcher.push(events);
}

const harness = { NaiveSvgTimeline, runningPods, streamChurn, hostStream, fixedBatches, bigHistory, packSnapshot };
declare global {
  interface Window {
    benchHarness?: typeof harness;
  }
}
window.benchHarness = harness;
