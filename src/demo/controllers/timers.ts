// Every delay in the simulated cluster goes through here: scaled by the speed factor, jittered a
// little so Pods do not move in lockstep, and all cancelled by `stop()` so nothing outlives the
// cluster (tests exit by themselves).

export class Timers {
  private readonly pending = new Set<NodeJS.Timeout>();
  private readonly intervals = new Set<NodeJS.Timeout>();
  private stopped = false;

  /** A failing callback is reported here instead of crashing the process that hosts the cluster. */
  onError: (message: string) => void = () => {};

  constructor(private speed: number) {
    if (!(speed > 0) || !Number.isFinite(speed)) throw new Error(`speed must be a positive number, got ${speed}`);
  }

  get speedFactor(): number {
    return this.speed;
  }

  setSpeed(speed: number): void {
    if (speed > 0 && Number.isFinite(speed)) this.speed = speed;
  }

  /** Runs `fn` after `ms` simulated milliseconds (±20% jitter unless `exact`). */
  after(ms: number, fn: () => void, exact = false): () => void {
    if (this.stopped) return () => {};
    const jitter = exact ? 1 : 0.8 + Math.random() * 0.4;
    const t = setTimeout(() => {
      this.pending.delete(t);
      if (!this.stopped) this.guard(fn);
    }, Math.max(0, (ms * jitter) / this.speed));
    this.pending.add(t);
    return () => {
      clearTimeout(t);
      this.pending.delete(t);
    };
  }

  /** Runs `fn` every `ms` real milliseconds (not scaled: used for housekeeping). */
  every(ms: number, fn: () => void): () => void {
    if (this.stopped) return () => {};
    const t = setInterval(() => {
      if (!this.stopped) this.guard(fn);
    }, ms);
    t.unref();
    this.intervals.add(t);
    return () => {
      clearInterval(t);
      this.intervals.delete(t);
    };
  }

  private guard(fn: () => void): void {
    try {
      fn();
    } catch (e) {
      this.onError(e instanceof Error ? (e.stack ?? e.message) : String(e));
    }
  }

  get pendingCount(): number {
    return this.pending.size;
  }

  stop(): void {
    this.stopped = true;
    for (const t of this.pending) clearTimeout(t);
    for (const t of this.intervals) clearInterval(t);
    this.pending.clear();
    this.intervals.clear();
  }
}
