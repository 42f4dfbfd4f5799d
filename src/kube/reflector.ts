// List, then watch from the list's resourceVersion, forever, through faults: the part client-node's
// informer has been seen to stop silently (kubernetes-client/javascript #301, #596, #2385, #3020).
//
// - Watches ask for bookmarks and a randomised timeoutSeconds (so many clients do not reconnect in
//   step); a clean close at that timeout is routine and resumes from the last resourceVersion.
// - No bytes for `inactivityMs` (while waiting for headers too) means the stream is dead: abort, resume.
// - Failures back off exponentially with jitter, honouring Retry-After.
// - 410 Gone (as an HTTP status or an ERROR event) means our resourceVersion is too old: relist, and
//   let the handler diff the list against what it knew (deletions found that way are "seen on relist").
// - Every unplanned interruption is an outage; when the watch is live again the handler gets
//   `recovered(from, to, reason)` so it can mark the gap.
import type { WatchEventType } from '../core/lifecycle';
import type { KubeClient, OpenStream } from './client';
import { KubeError } from './errors';

export interface ResourceKind {
  resource: string;
  /** API group ('' for core). */
  group: string;
  version: string;
}

export const PODS: ResourceKind = { resource: 'pods', group: '', version: 'v1' };
export const SERVICES: ResourceKind = { resource: 'services', group: '', version: 'v1' };
export const ENDPOINT_SLICES: ResourceKind = { resource: 'endpointslices', group: 'discovery.k8s.io', version: 'v1' };

export type ReflectorState = 'listing' | 'watching' | 'backoff' | 'error' | 'stopped';

export interface KubeObject {
  metadata?: { resourceVersion?: string; name?: string; namespace?: string; uid?: string };
}

export interface ReflectorHandler<T> {
  /** The full present, from a list. `relist` is false for the first list. */
  replace(items: T[], arrival: Date, relist: boolean): void;
  event(type: WatchEventType, obj: T, arrival: Date): void;
  /** The watch is live again after an outage that began at `from`. */
  recovered(from: Date, to: Date, reason: string): void;
  state(state: ReflectorState, error?: KubeError): void;
  /** Something was skipped (an object the handler refused); the loop goes on. */
  warning?(message: string): void;
}

export interface ReflectorOptions {
  /** Range for the watch's timeoutSeconds (client-go uses 5–10 minutes). */
  timeoutSeconds?: [number, number];
  /**
   * No bytes for this long and the stream is considered dead: while waiting for headers, and on an
   * open watch once the server has sent a bookmark (before that: the watch timeout plus 30 s).
   */
  inactivityMs?: number;
  backoffInitialMs?: number;
  backoffMaxMs?: number;
  /** Upper bound on a server's Retry-After we honour. */
  retryAfterMaxMs?: number;
  listPageSize?: number;
  listTimeoutMs?: number;
  random?: () => number;
  now?: () => Date;
}

/** How long an open watch must stay quiet and error-free to count as live (see `watchOnce`). */
const CONFIRM_MS = 300;

interface WatchOutcome {
  kind: 'timeout-close' | 'expired' | 'failed' | 'stopped';
  error?: KubeError | Error;
  /** The failure was a stall: the outage began when the data stopped, not when we noticed. */
  stalledSince?: Date;
  /** The stream carried at least one line: the connection is healthy enough to reset the backoff. */
  progressed: boolean;
}

export class Reflector<T extends KubeObject> {
  private resourceVersion?: string;
  private stopped = false;
  private readonly stopController = new AbortController();
  private outage?: { from: Date; reasons: string[] };
  private current?: OpenStream;
  private readonly o: Required<ReflectorOptions>;
  private sleepTimer?: NodeJS.Timeout;
  private wake?: () => void;
  /** This server sends bookmarks, so a silent watch is a dead one (see `watchOnce`). */
  private sawBookmark = false;
  /** 410s with no event in between (see `afterExpired`). */
  private expiredStreak = 0;
  /** Counters for tests and benchmarks. */
  readonly stats = { lists: 0, watches: 0, events: 0, bookmarks: 0, outages: 0, expired: 0, retries: 0 };

  constructor(
    private readonly client: KubeClient,
    private readonly kind: ResourceKind,
    private readonly scope: { namespace?: string; labelSelector?: string },
    private readonly handler: ReflectorHandler<T>,
    options: ReflectorOptions = {},
  ) {
    this.o = {
      timeoutSeconds: options.timeoutSeconds ?? [300, 600],
      inactivityMs: options.inactivityMs ?? 120_000,
      backoffInitialMs: options.backoffInitialMs ?? 500,
      backoffMaxMs: options.backoffMaxMs ?? 30_000,
      retryAfterMaxMs: options.retryAfterMaxMs ?? 120_000,
      listPageSize: options.listPageSize ?? 500,
      listTimeoutMs: options.listTimeoutMs ?? 60_000,
      random: options.random ?? Math.random,
      now: options.now ?? (() => new Date()),
    };
  }

  /** Runs until `stop()`. Never rejects: every failure is reported through the handler and retried. */
  async run(): Promise<void> {
    let attempt = 0;
    let listed = false;
    let needList = true;
    while (!this.stopped) {
      let failure: KubeError | Error | undefined;
      try {
        if (needList) {
          this.handler.state('listing');
          const { items, resourceVersion } = await this.list();
          if (this.stopped) break;
          const arrival = this.o.now();
          this.closeOutage(arrival);
          this.safely(() => this.handler.replace(items, arrival, listed));
          listed = true;
          needList = false;
          this.resourceVersion = resourceVersion;
        }
        const outcome = await this.watchOnce();
        if (outcome.kind === 'stopped') break;
        if (outcome.progressed) attempt = 0;
        if (outcome.kind === 'timeout-close') continue;
        if (outcome.kind === 'expired') {
          needList = true;
          this.openOutage(this.o.now(), 'the watch expired (410 Gone); relisting');
          await this.afterExpired();
          continue;
        }
        failure = outcome.error;
        this.openOutage(outcome.stalledSince ?? this.o.now(), outageReason(outcome.error));
      } catch (e) {
        if (this.stopped) break;
        failure = e as Error;
        if (e instanceof KubeError && e.kind === 'expired') {
          needList = true;
          this.openOutage(this.o.now(), 'the watch expired (410 Gone); relisting');
          await this.afterExpired();
          continue;
        }
        // Before the first list there is nothing to have a gap in.
        if (listed) this.openOutage(this.o.now(), outageReason(e as Error));
      }
      if (this.stopped) break;
      const ke = failure instanceof KubeError ? failure : undefined;
      this.handler.state(ke?.needsUser ? 'error' : 'backoff', ke ?? new KubeError('unreachable', failure?.message ?? 'unknown failure'));
      this.stats.retries++;
      await this.sleep(this.delay(attempt++, ke?.retryAfterSeconds));
    }
    this.handler.state('stopped');
  }

  /** Relist at once after a 410, but not in a tight loop if the server keeps expiring every fresh list. */
  private async afterExpired(): Promise<void> {
    this.stats.expired++;
    if (++this.expiredStreak > 1) await this.sleep(this.delay(this.expiredStreak - 2));
  }

  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    this.stopController.abort(new Error('stopped'));
    this.current?.abort(new Error('stopped'));
    if (this.sleepTimer) clearTimeout(this.sleepTimer);
    this.wake?.();
  }

  get lastResourceVersion(): string | undefined {
    return this.resourceVersion;
  }

  /** Exponential backoff with equal jitter; Retry-After (bounded) wins when longer. */
  delay(attempt: number, retryAfterSeconds?: number): number {
    const exp = Math.min(this.o.backoffMaxMs, this.o.backoffInitialMs * 2 ** Math.min(attempt, 20));
    const jittered = exp / 2 + (this.o.random() * exp) / 2;
    const asked = retryAfterSeconds !== undefined ? Math.min(this.o.retryAfterMaxMs, retryAfterSeconds * 1000) : 0;
    return Math.max(jittered, asked);
  }

  private path(): string {
    const base = this.kind.group ? `/apis/${this.kind.group}/${this.kind.version}` : `/api/${this.kind.version}`;
    return `${base}${this.scope.namespace ? `/namespaces/${encodeURIComponent(this.scope.namespace)}` : ''}/${this.kind.resource}`;
  }

  private ctx(verb: 'list' | 'watch') {
    return this.client.requestContext(verb, this.kind.resource, this.kind.group || undefined, this.scope.namespace, this.scope.labelSelector || undefined);
  }

  private async list(): Promise<{ items: T[]; resourceVersion: string }> {
    this.stats.lists++;
    try {
      return await this.listPaged(this.o.listPageSize);
    } catch (e) {
      // The continue token expired between pages (the server compacted past it). client-go's pager
      // does the same: fall back to one unpaginated list, which is a consistent snapshot.
      if (e instanceof KubeError && e.kind === 'expired') return this.listPaged(undefined);
      throw e;
    }
  }

  private async listPaged(limit: number | undefined): Promise<{ items: T[]; resourceVersion: string }> {
    const items: T[] = [];
    let cont: string | undefined;
    // Every page of a list is served at the first page's resourceVersion; that is the one to watch from.
    let rv: string | undefined;
    do {
      const res = await this.client.getJson<{ items?: T[]; metadata?: { resourceVersion?: string; continue?: string } }>(
        this.path(),
        { labelSelector: this.scope.labelSelector || undefined, limit, continue: cont },
        this.ctx('list'),
        this.o.listTimeoutMs,
      );
      items.push(...(res.body.items ?? []));
      rv ??= res.body.metadata?.resourceVersion;
      cont = res.body.metadata?.continue || undefined;
    } while (cont && !this.stopped);
    if (!rv) throw new KubeError('protocol', `The list of ${this.kind.resource} carried no resourceVersion; cannot watch from it.`);
    return { items, resourceVersion: rv };
  }

  private async watchOnce(): Promise<WatchOutcome> {
    const [lo, hi] = this.o.timeoutSeconds;
    const timeoutSeconds = Math.round(lo + this.o.random() * (hi - lo));
    const ac = new AbortController();
    const onStop = (): void => ac.abort(new Error('stopped'));
    this.stopController.signal.addEventListener('abort', onStop);
    let lastActivity = this.o.now();
    let stalled = false;
    let progressed = false;
    let outcome: WatchOutcome | undefined;
    let timer: NodeJS.Timeout | undefined;
    let open = false;
    const arm = (): void => {
      if (timer) clearTimeout(timer);
      // Servers need not send bookmarks (kube-apiserver sends about one a minute, not guaranteed).
      // Until this server has shown it does, silence on an open watch is legitimate up to the
      // timeout we asked for; after that (or while waiting for headers) it means a dead stream.
      const limit = open && !this.sawBookmark ? Math.max(this.o.inactivityMs, timeoutSeconds * 1000 + 30_000) : this.o.inactivityMs;
      timer = setTimeout(() => {
        stalled = true;
        const err = new KubeError('timeout', `no data on the ${this.kind.resource} watch for ${Math.round(limit / 1000)}s`);
        ac.abort(err);
        this.current?.abort(err);
      }, limit);
    };
    arm();
    let confirmed = false;
    let confirmTimer: NodeJS.Timeout | undefined;
    const confirm = (): void => {
      if (confirmed || outcome || this.stopped) return;
      confirmed = true;
      if (confirmTimer) clearTimeout(confirmTimer);
      this.closeOutage(this.o.now());
      this.handler.state('watching');
    };
    const started = Date.now();
    this.stats.watches++;
    try {
      const query = {
        watch: 1,
        resourceVersion: this.resourceVersion,
        allowWatchBookmarks: true,
        timeoutSeconds,
        labelSelector: this.scope.labelSelector || undefined,
      };
      let stream: OpenStream;
      try {
        stream = await this.client.stream(
          this.path(),
          query,
          this.ctx('watch'),
          {
            activity: () => {
              lastActivity = this.o.now();
              arm();
            },
            line: (text) => {
              if (outcome) return;
              const knewBookmarks = this.sawBookmark;
              const r = this.onLine(text);
              if (!knewBookmarks && this.sawBookmark) arm();
              if (r === 'progress') {
                progressed = true;
                if (this.current) confirm();
              }
              else if (r) {
                outcome = r;
                ac.abort(new Error('the watch ended with an event'));
                this.current?.abort();
              }
            },
          },
          ac.signal,
        );
      } catch (e) {
        if (this.stopped) return { kind: 'stopped', progressed };
        if (e instanceof KubeError && e.kind === 'expired') return { kind: 'expired', progressed };
        return { kind: 'failed', error: e as Error, stalledSince: stalled ? lastActivity : undefined, progressed };
      }
      this.current = stream;
      open = true;
      arm();
      if (this.stopped) stream.abort();
      // A 200 is not yet proof: an expired resourceVersion comes back as a 200 whose first line is an
      // ERROR 410. The watch counts as live at its first good line, or after a quiet moment.
      confirmTimer = setTimeout(confirm, CONFIRM_MS);
      if (progressed) confirm();
      const ended = await stream.ended;
      if (this.stopped) return { kind: 'stopped', progressed };
      if (outcome) return outcome;
      if (ended) return { kind: 'failed', error: ended, stalledSince: stalled ? lastActivity : undefined, progressed };
      // A clean end before the timeout we asked for was not planned: treat it as an outage.
      if (Date.now() - started < timeoutSeconds * 1000 - 1500) {
        return { kind: 'failed', error: new KubeError('server', `the server closed the ${this.kind.resource} watch early`), progressed };
      }
      return { kind: 'timeout-close', progressed: true };
    } finally {
      if (timer) clearTimeout(timer);
      if (confirmTimer) clearTimeout(confirmTimer);
      this.stopController.signal.removeEventListener('abort', onStop);
      this.current = undefined;
    }
  }

  /** Handles one watch line; returns 'progress', nothing, or the outcome that ends this watch. */
  private onLine(text: string): WatchOutcome | 'progress' | undefined {
    let ev: { type?: string; object?: T & { code?: number; message?: string; reason?: string } };
    try {
      ev = JSON.parse(text);
    } catch {
      // Never skip a line: a skipped line is a missed event. Resume from the last good resourceVersion.
      return { kind: 'failed', error: new KubeError('protocol', `the ${this.kind.resource} watch sent a line that is not JSON (${text.slice(0, 60)}…)`), progressed: true };
    }
    const obj = ev.object;
    const rv = obj?.metadata?.resourceVersion;
    switch (ev.type) {
      case 'ADDED':
      case 'MODIFIED':
      case 'DELETED':
        this.stats.events++;
        this.expiredStreak = 0;
        if (rv) this.resourceVersion = rv;
        this.safely(() => this.handler.event(ev.type as WatchEventType, obj as T, this.o.now()));
        return 'progress';
      case 'BOOKMARK':
        this.stats.bookmarks++;
        this.sawBookmark = true;
        this.expiredStreak = 0;
        if (rv) this.resourceVersion = rv;
        return 'progress';
      case 'ERROR': {
        if (obj?.code === 410) return { kind: 'expired', progressed: true };
        const status = obj?.code;
        return {
          kind: 'failed',
          error: new KubeError(status === 429 ? 'throttled' : 'server', `the ${this.kind.resource} watch reported an error${status ? ` (${status})` : ''}: ${obj?.message ?? 'no message'}`, status),
          progressed: true,
        };
      }
      default:
        return { kind: 'failed', error: new KubeError('protocol', `the ${this.kind.resource} watch sent an unknown event type ${JSON.stringify(ev.type)}`), progressed: true };
    }
  }

  private openOutage(from: Date, reason: string): void {
    if (!this.outage) {
      this.stats.outages++;
      this.outage = { from, reasons: [reason] };
    } else if (!this.outage.reasons.includes(reason)) {
      this.outage.reasons.push(reason);
    }
  }

  private closeOutage(to: Date): void {
    const o = this.outage;
    if (!o) return;
    this.outage = undefined;
    const reasons = o.reasons.length > 4 ? [...o.reasons.slice(0, 3), `and ${o.reasons.length - 3} more`] : o.reasons;
    this.safely(() => this.handler.recovered(o.from, to, reasons.join('; ')));
  }

  private safely(f: () => void): void {
    try {
      f();
    } catch (e) {
      this.handler.warning?.(`${this.kind.resource}: skipped: ${(e as Error).message}`);
    }
  }

  private sleep(ms: number): Promise<void> {
    if (this.stopped) return Promise.resolve();
    return new Promise((resolve) => {
      this.wake = resolve;
      this.sleepTimer = setTimeout(resolve, ms);
    });
  }
}

/** A short reason for a gap, without the resource: the feed says which watches an outage hit. */
function outageReason(e: Error | undefined): string {
  if (!e) return 'unknown failure';
  if (e instanceof KubeError) {
    if (e.status) return `HTTP ${e.status}${e.retryAfterSeconds !== undefined ? ` (Retry-After ${e.retryAfterSeconds}s)` : ''}`;
    if (e.kind === 'unreachable') {
      const m = /\): (.*?)(?: \(|\.$)/.exec(e.message);
      return `server unreachable${m ? ` (${m[1]})` : ''}`;
    }
    if (e.kind === 'tls') return 'TLS failure';
  }
  return e.message.replace(/\b(pods|services|endpointslices) watch\b/g, 'watch');
}
