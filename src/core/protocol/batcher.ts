// The host's side of the stream: events gathered into messages, paced and (with acks) flow-controlled.
export interface BatcherClock {
  now(): number;
  setTimeout(f: () => void, ms: number): unknown;
  clearTimeout(t: unknown): void;
}

export interface BatcherOptions {
  /** No two messages closer than this (ms). */
  minIntervalMs: number;
  /**
   * With flow control (`ack`): after a message, wait for the receiver's ack before the next one, but
   * no longer than this (a lost ack must not stop the stream). Without: 0.
   */
  ackTimeoutMs?: number;
  /** At most this many items per message (the rest follow): bounds what one message costs to encode and fold. */
  maxItems?: number;
}

/**
 * Coalesces host→webview traffic, adapting to the receiver: the first item of a quiet period goes
 * out at once; while the receiver is still taking in the previous message (no ack yet), items
 * gather into the next one. So batches grow only under load: at a trickle every event is sent on
 * its own, at a flood the receiver gets one message per frame it can draw. Time is injected.
 */
export class Batcher<T> {
  private pending: T[] = [];
  private timer: unknown = undefined;
  private lastSent = -Infinity;
  private inFlight = false;
  private readonly minIntervalMs: number;
  private readonly ackTimeoutMs: number;
  private readonly maxItems: number;

  constructor(
    options: BatcherOptions | number,
    private readonly send: (items: T[]) => void,
    private readonly clock: BatcherClock,
  ) {
    const o = typeof options === 'number' ? { minIntervalMs: options } : options;
    this.minIntervalMs = o.minIntervalMs;
    this.ackTimeoutMs = o.ackTimeoutMs ?? 0;
    this.maxItems = o.maxItems ?? Infinity;
  }

  push(items: readonly T[]): void {
    for (const i of items) this.pending.push(i);
    this.schedule();
  }

  /** Always adds a message, even without items (e.g. a connection change must reach the receiver). */
  pushEmpty(): void {
    this.wantEmpty = true;
    this.schedule();
  }
  private wantEmpty = false;

  /** The receiver has taken in the last message. */
  ack(): void {
    if (!this.inFlight) return;
    this.inFlight = false;
    this.cancel();
    this.schedule();
  }

  private schedule(): void {
    if (this.timer !== undefined || (this.pending.length === 0 && !this.wantEmpty)) return;
    const now = this.clock.now();
    const wait = this.inFlight ? this.lastSent + this.ackTimeoutMs - now : this.lastSent + this.minIntervalMs - now;
    if (wait <= 0) this.flush();
    else this.timer = this.clock.setTimeout(() => {
      this.timer = undefined;
      this.flush();
    }, wait);
  }

  private cancel(): void {
    if (this.timer !== undefined) this.clock.clearTimeout(this.timer);
    this.timer = undefined;
  }

  /** Sends what is pending now. */
  flush(): void {
    this.cancel();
    if (this.pending.length === 0 && !this.wantEmpty) return;
    let items = this.pending;
    if (items.length > this.maxItems) {
      items = this.pending.slice(0, this.maxItems);
      this.pending = this.pending.slice(this.maxItems);
    } else this.pending = [];
    this.wantEmpty = false;
    this.lastSent = this.clock.now();
    this.inFlight = this.ackTimeoutMs > 0;
    this.send(items);
    // What did not fit goes next: after the ack, or after the interval without flow control.
    if (this.pending.length) this.schedule();
  }

  /** Drops what is pending and forgets the message in flight (a snapshot about to be sent contains it all). */
  clear(): void {
    this.cancel();
    this.pending = [];
    this.wantEmpty = false;
    this.inFlight = false;
  }

  get queued(): number {
    return this.pending.length;
  }

  dispose(): void {
    this.clear();
  }
}
