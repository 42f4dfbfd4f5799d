// The host's side of one timeline page: a snapshot when the page asks, then the feed's events in
// adaptive batches that chain by sequence number, with the page's "drawn" acks as flow control.
// Pure (time and the transport are injected), so the VS Code panel, the benchmarks and the tests
// run the same code.
import type { LifecycleEvent, TimelineFeed } from '../events';
import { packSnapshot } from './packedSnapshot';
import { Batcher, type BatcherClock } from './batcher';
import type { EventsMessage, HostMessage } from './messages';

export interface TimelineStreamOptions {
  clock?: BatcherClock;
  /** No two events messages closer than this; default 8 ms (the page draws at most once a frame anyway). */
  minIntervalMs?: number;
  /** How long to wait for the page's ack before sending anyway; default 1 s. */
  ackTimeoutMs?: number;
  /** Events per message at most; default 500 (a bigger burst goes in several, each acked). */
  maxEvents?: number;
  now?: () => Date;
}

export class TimelineStream {
  /** Messages posted, for tests, logs and benchmarks. */
  readonly stats = { snapshots: 0, eventMessages: 0, events: 0, skippedWhileInactive: 0, largestBatch: 0 };
  private active = false;
  /** The seq the page has been told about last (the chain's head). */
  private announced = 0;
  private servicesSent = -1;
  private readonly batcher: Batcher<LifecycleEvent>;
  private readonly subscription: { dispose(): void };
  private readonly now: () => Date;

  constructor(
    private readonly feed: TimelineFeed,
    private readonly post: (m: HostMessage) => void,
    options: TimelineStreamOptions = {},
  ) {
    this.now = options.now ?? (() => new Date());
    const clock: BatcherClock = options.clock ?? {
      now: () => performance.now(),
      setTimeout: (f, ms) => setTimeout(f, ms),
      clearTimeout: (t) => clearTimeout(t as ReturnType<typeof setTimeout>),
    };
    this.batcher = new Batcher<LifecycleEvent>({ minIntervalMs: options.minIntervalMs ?? 8, ackTimeoutMs: options.ackTimeoutMs ?? 1000, maxItems: options.maxEvents ?? 500 }, (b) => this.sendEvents(b), clock);
    this.subscription = feed.subscribe((events) => this.onEvents(events));
  }

  /** Whether events are being sent (after a snapshot, until `suspend`). */
  get streaming(): boolean {
    return this.active;
  }

  /** Sends everything from scratch and streams from there: on `ready`, on `request-snapshot`, when shown again. */
  sendSnapshot(): void {
    this.batcher.clear();
    const snap = this.feed.snapshot();
    this.announced = this.feed.lastSeq();
    this.servicesSent = this.feed.servicesVersion();
    this.stats.snapshots++;
    this.active = true;
    this.post({ type: 'snapshot', snapshot: packSnapshot(snap), seq: this.announced, now: this.now().toISOString(), live: true });
  }

  /** The page is gone or hidden: nothing is sent until the next snapshot. */
  suspend(): void {
    this.active = false;
    this.batcher.clear();
  }

  /** The page has taken in everything up to `seq` (its ack). */
  drawn(seq: number): void {
    if (seq >= this.announced) this.batcher.ack();
  }

  dispose(): void {
    this.suspend();
    this.subscription.dispose();
    this.batcher.dispose();
  }

  private onEvents(events: LifecycleEvent[]): void {
    if (!this.active) {
      this.stats.skippedWhileInactive += events.length;
      return;
    }
    if (events.length) this.batcher.push(events);
    else this.batcher.pushEmpty();
  }

  private sendEvents(events: LifecycleEvent[]): void {
    if (!this.active) return;
    // Only the Pods these events touch; the page already holds the rest.
    const uids = new Set<string>();
    for (const e of events) {
      if (e.uid) uids.add(e.uid);
      if (e.previousUid) uids.add(e.previousUid);
    }
    const seq = events.length ? events[events.length - 1].seq : this.announced;
    const c = this.feed.connection();
    const m: EventsMessage = { type: 'events', prevSeq: this.announced, seq, events, pods: uids.size ? this.feed.podSummaries(uids) : [], connection: c.state, now: this.now().toISOString() };
    if (c.message !== undefined) m.connectionMessage = c.message;
    const v = this.feed.servicesVersion();
    if (v !== this.servicesSent) {
      m.services = this.feed.serviceSummaries();
      this.servicesSent = v;
    }
    this.announced = seq;
    this.stats.eventMessages++;
    this.stats.events += events.length;
    if (events.length > this.stats.largestBatch) this.stats.largestBatch = events.length;
    this.post(m);
  }
}
