// Fault injection, for tests and benchmarks of the clients that watch the demo cluster: cut every
// open watch, expire old resourceVersions (410), fail the next N requests with 500 or 429 +
// Retry-After, stall streams without closing them, restart the server keeping its data.
// Reachable from code (`DemoCluster.faults`) and from `pod-ip-lens cluster --fault …`.

export interface FaultTargets {
  cutWatches(abrupt: boolean): number;
  stallWatches(): number;
  /** Sends 410 Expired to open watches and forgets history; returns how many watches got it. */
  expire(): number;
  restart(downtimeMs: number): Promise<void>;
}

export interface InjectedFailure {
  status: 500 | 429;
  retryAfterSeconds?: number;
}

export class Faults {
  private failures: InjectedFailure[] = [];

  constructor(private readonly targets: FaultTargets) {}

  /** Ends every open watch (and log follow) stream; `abrupt` resets the connection instead of a clean end. */
  cutWatches(opts: { abrupt?: boolean } = {}): number {
    return this.targets.cutWatches(opts.abrupt === true);
  }

  /** Forgets every past event: open watches get an ERROR 410 Expired, resumes from older versions too. */
  expireResourceVersions(): number {
    return this.targets.expire();
  }

  /** The next `count` API requests are answered with `status` (429 carries Retry-After). */
  failNextRequests(count: number, status: 500 | 429 = 500, retryAfterSeconds = 1): void {
    if (!Number.isInteger(count) || count < 0) throw new Error(`failNextRequests: count must be a non-negative integer, got ${count}`);
    for (let i = 0; i < count; i++) this.failures.push(status === 429 ? { status, retryAfterSeconds } : { status });
  }

  /** Open watches stop receiving anything (no events, no bookmarks, no end) until the server stops. */
  stallWatches(): number {
    return this.targets.stallWatches();
  }

  /** Closes the listener and every connection, then listens again on the same port with the same data. */
  restart(opts: { downtimeMs?: number } = {}): Promise<void> {
    return this.targets.restart(opts.downtimeMs ?? 0);
  }

  get pendingFailures(): number {
    return this.failures.length;
  }

  /** Used by the HTTP layer for each API request. */
  takeFailure(): InjectedFailure | undefined {
    return this.failures.shift();
  }

  clear(): void {
    this.failures = [];
  }
}

export type FaultKind = 'cut-watches' | 'reset-watches' | 'expire' | 'error500' | 'throttle' | 'stall' | 'restart';

export interface FaultSchedule {
  kind: FaultKind;
  /** How many requests `error500`/`throttle` fail. */
  count: number;
  /** Every this many seconds (real time). */
  everySeconds: number;
}

const KINDS: FaultKind[] = ['cut-watches', 'reset-watches', 'expire', 'error500', 'throttle', 'stall', 'restart'];

/**
 * Parses `KIND[:COUNT]@SECONDS`, e.g. `cut-watches@30`, `error500:3@45`, `throttle:5@60s`.
 * Throws with the accepted forms on anything else.
 */
export function parseFaultSchedule(spec: string): FaultSchedule {
  const m = spec.trim().match(/^([a-z0-9-]+)(?::(\d+))?@(\d+(?:\.\d+)?)s?$/);
  const usage = `expected KIND[:COUNT]@SECONDS with KIND one of ${KINDS.join(', ')} (e.g. cut-watches@30, error500:3@45)`;
  if (!m) throw new Error(`invalid --fault ${JSON.stringify(spec)}: ${usage}`);
  const kind = m[1] as FaultKind;
  if (!KINDS.includes(kind)) throw new Error(`invalid --fault ${JSON.stringify(spec)}: unknown kind '${m[1]}'; ${usage}`);
  const everySeconds = Number(m[3]);
  if (!(everySeconds > 0)) throw new Error(`invalid --fault ${JSON.stringify(spec)}: the period must be positive`);
  return { kind, count: m[2] ? Number(m[2]) : 1, everySeconds };
}

export async function applyFault(faults: Faults, f: FaultSchedule): Promise<string> {
  switch (f.kind) {
    case 'cut-watches':
      return `cut ${faults.cutWatches()} watches`;
    case 'reset-watches':
      return `reset ${faults.cutWatches({ abrupt: true })} watch connections`;
    case 'expire':
      return `expired resourceVersions (${faults.expireResourceVersions()} watches got 410)`;
    case 'error500':
      faults.failNextRequests(f.count, 500);
      return `next ${f.count} requests fail with 500`;
    case 'throttle':
      faults.failNextRequests(f.count, 429, 1);
      return `next ${f.count} requests get 429 Retry-After: 1`;
    case 'stall':
      return `stalled ${faults.stallWatches()} watches`;
    case 'restart':
      await faults.restart({ downtimeMs: 1000 });
      return 'restarted the API server (data kept)';
  }
}
