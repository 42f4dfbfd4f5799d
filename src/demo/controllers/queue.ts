// A coalescing work queue: keys added while a run is pending are processed once, in the next
// batch. Level-triggered reconcilers need nothing more, and a burst of 10,000 Pod events turns
// into a handful of reconciles instead of 10,000.
import { Timers } from './timers';

export class WorkQueue {
  private readonly keys = new Set<string>();
  private scheduled = false;
  private readonly retries = new Map<string, number>();

  constructor(
    private readonly timers: Timers,
    private readonly name: string,
    private readonly handler: (key: string) => void,
    private readonly onError: (message: string) => void,
  ) {}

  add(key: string, delayMs = 0): void {
    if (delayMs > 0) {
      this.timers.after(delayMs, () => this.add(key), true);
      return;
    }
    this.keys.add(key);
    if (!this.scheduled) {
      this.scheduled = true;
      this.timers.after(0, () => this.flush(), true);
    }
  }

  private flush(): void {
    this.scheduled = false;
    const batch = [...this.keys];
    this.keys.clear();
    for (const key of batch) {
      try {
        this.handler(key);
        this.retries.delete(key);
      } catch (e) {
        const n = (this.retries.get(key) ?? 0) + 1;
        this.retries.set(key, n);
        if (n <= 5) this.add(key, 100 * 2 ** n);
        else this.retries.delete(key);
        this.onError(`${this.name} ${key}: ${e instanceof Error ? e.message : String(e)}${n > 5 ? ' (giving up)' : ''}`);
      }
    }
  }
}
