// A live TimelineFeed for one scope: a Pod reflector (with the scope's label selector) and, in the
// same namespace(s), Service and EndpointSlice reflectors, all feeding one LifecycleModel.
import type { ConnectionState, LifecycleEvent, PodSummary, ServiceSummary, TimelineFeed, TimelineSnapshot, WatchScope } from '../core/events';
import { type EndpointSliceObject, LifecycleModel, type LifecycleModelOptions, type PodObject, type ServiceObject } from '../core/lifecycle';
import type { KubeClient } from './client';
import type { KubeError } from './errors';
import { ENDPOINT_SLICES, PODS, Reflector, type ReflectorHandler, type ReflectorOptions, type ReflectorState, type ResourceKind, SERVICES } from './reflector';

export interface PodWatchFeedOptions {
  model?: LifecycleModelOptions;
  reflector?: ReflectorOptions;
  /** Watch Services and EndpointSlices too (default true). */
  services?: boolean;
  /** Where warnings go (objects skipped); never carries credentials. */
  log?: (message: string) => void;
}

type Listener = (events: LifecycleEvent[]) => void;

interface Part {
  name: string;
  reflector: Reflector<never>;
  state: ReflectorState;
  error?: KubeError;
  everWatching: boolean;
}

export class PodWatchFeed implements TimelineFeed {
  readonly model: LifecycleModel;
  private readonly listeners = new Set<Listener>();
  private readonly parts: Part[] = [];
  private running?: Promise<void>;
  private disposed = false;
  private liveWaiters: { resolve: () => void; reject: (e: Error) => void }[] = [];
  private lastConnection: ConnectionState = 'connecting';
  private pendingGap?: { from: Date; to: Date; reasons: { part: string; reason: string }[] };

  constructor(
    readonly client: KubeClient,
    readonly scope: WatchScope,
    private readonly options: PodWatchFeedOptions = {},
  ) {
    this.model = new LifecycleModel(options.model);
    const ns = scope.namespace;
    this.addPart<PodObject>('Pods', PODS, { namespace: ns, labelSelector: scope.labelSelector }, {
      replace: (items, at) => this.emit(this.model.replacePods(items, at)),
      event: (type, obj, at) => this.emit(this.model.applyPod(type, obj, at)),
    });
    if (options.services !== false) {
      this.addPart<ServiceObject>('Services', SERVICES, { namespace: ns }, {
        replace: (items, at) => this.emit(this.model.replaceServices(items, at)),
        event: (type, obj, at) => this.emit(this.model.applyService(type, obj, at)),
      });
      this.addPart<EndpointSliceObject>('EndpointSlices', ENDPOINT_SLICES, { namespace: ns }, {
        replace: (items, at) => this.emit(this.model.replaceEndpointSlices(items, at)),
        event: (type, obj, at) => this.emit(this.model.applyEndpointSlice(type, obj, at)),
      });
    }
  }

  private addPart<T>(
    name: string,
    kind: ResourceKind,
    scope: { namespace?: string; labelSelector?: string },
    h: Pick<ReflectorHandler<T>, 'replace' | 'event'>,
  ): void {
    const part = { name, state: 'listing', everWatching: false } as Part;
    const handler: ReflectorHandler<T> = {
      ...h,
      recovered: (from, to, reason) => this.partRecovered(part, from, to, reason),
      state: (state, error) => this.partState(part, state, error),
      warning: (m) => this.options.log?.(m),
    };
    part.reflector = new Reflector<never>(this.client, kind, scope, handler as unknown as ReflectorHandler<never>, this.options.reflector);
    this.parts.push(part);
  }

  /** Starts the watches (idempotent). */
  start(): this {
    if (!this.running && !this.disposed) this.running = Promise.all(this.parts.map((p) => p.reflector.run())).then(() => undefined);
    return this;
  }

  /** Resolves when every watch is live; rejects with the first error that needs the user (403, 401, …). */
  whenLive(): Promise<void> {
    if (this.connection().state === 'live') return Promise.resolve();
    return new Promise((resolve, reject) => this.liveWaiters.push({ resolve, reject }));
  }

  subscribe(listener: Listener): { dispose(): void } {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  }

  snapshot(): TimelineSnapshot {
    const c = this.connection();
    return this.model.snapshot(this.scope, c.state, c.message);
  }

  lastSeq(): number {
    return this.model.lastSeq();
  }

  podSummaries(uids: Iterable<string>): PodSummary[] {
    return this.model.podsByUid(uids);
  }

  serviceSummaries(): ServiceSummary[] {
    return this.model.serviceSummaries();
  }

  servicesVersion(): number {
    return this.model.servicesVersion();
  }

  /** Counters per resource, for tests and benchmarks. */
  stats(): Record<string, Reflector<never>['stats']> {
    return Object.fromEntries(this.parts.map((p) => [p.name, { ...p.reflector.stats }]));
  }

  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    for (const p of this.parts) p.reflector.stop();
    await this.running;
    this.listeners.clear();
    for (const w of this.liveWaiters) w.reject(new Error('the watch was stopped'));
    this.liveWaiters = [];
  }

  connection(): { state: ConnectionState; message?: string } {
    if (this.disposed) return { state: 'stopped' };
    const pods = this.parts[0];
    const others = this.parts.slice(1);
    if (pods.state === 'error') return { state: 'error', message: pods.error?.message };
    const down = this.parts.filter((p) => p.state !== 'watching');
    const sideErrors = others.filter((p) => p.state === 'error');
    if (pods.state === 'watching' && down.every((p) => p.state === 'error')) {
      // Pods are live; Services may be forbidden: still useful, say what is missing.
      return sideErrors.length ? { state: 'live', message: `${sideErrors.map((p) => p.name).join(' and ')} not visible: ${sideErrors[0].error?.message}` } : { state: 'live' };
    }
    const message = down.map((p) => (p.error ? `${p.name}: ${p.error.message}` : `${p.name}: ${p.state}`)).join('; ');
    return { state: this.parts.every((p) => p.everWatching || p.state === 'error') ? 'reconnecting' : 'connecting', message };
  }

  private partState(part: Part, state: ReflectorState, error?: KubeError): void {
    part.state = state;
    part.error = state === 'watching' || state === 'listing' ? undefined : error;
    if (state === 'watching') part.everWatching = true;
    if (state === 'watching' || state === 'error') this.flushGap();
    const c = this.connection();
    if (c.state === 'live') {
      const w = this.liveWaiters;
      this.liveWaiters = [];
      for (const x of w) x.resolve();
    } else if (c.state === 'error' && error) {
      const w = this.liveWaiters;
      this.liveWaiters = [];
      for (const x of w) x.reject(error);
    }
    if (c.state !== this.lastConnection) {
      this.lastConnection = c.state;
      // Listeners learn about connection changes through an (empty) batch and the snapshot.
      this.emit([], true);
    }
  }

  /**
   * One outage often hits every watch at once (the server restarted, the network dropped). Merge them:
   * the gap goes from the earliest failure to the moment the last watch came back. A watch that is
   * stuck on an error that needs the user (e.g. Services forbidden) does not hold the gap back.
   */
  private partRecovered(part: Part, from: Date, to: Date, reason: string): void {
    const g = (this.pendingGap ??= { from, to, reasons: [] });
    if (from < g.from) g.from = from;
    if (to > g.to) g.to = to;
    g.reasons.push({ part: part.name, reason });
    this.flushGap(part);
  }

  private flushGap(recovering?: Part): void {
    const g = this.pendingGap;
    if (!g) return;
    if (this.parts.some((p) => p !== recovering && p.everWatching && (p.state === 'backoff' || p.state === 'listing'))) return;
    this.pendingGap = undefined;
    // One outage usually hits every watch the same way: say it once, naming the watches.
    const byReason = new Map<string, string[]>();
    for (const r of g.reasons) byReason.set(r.reason, [...(byReason.get(r.reason) ?? []), r.part]);
    const text = [...byReason].map(([reason, parts]) => `${joinNames(parts)}: ${reason}`).join('; ');
    this.emit([this.model.gap(g.from, g.to, text)]);
  }

  private emit(events: LifecycleEvent[], force = false): void {
    if (!events.length && !force) return;
    for (const l of [...this.listeners]) {
      try {
        l(events);
      } catch (e) {
        this.options.log?.(`a timeline listener failed: ${(e as Error).message}`);
      }
    }
  }
}

function joinNames(names: string[]): string {
  const order = ['Pods', 'Services', 'EndpointSlices'];
  const sorted = [...new Set(names)].sort((a, b) => order.indexOf(a) - order.indexOf(b));
  return sorted.length > 1 ? `${sorted.slice(0, -1).join(', ')} and ${sorted.at(-1)}` : sorted[0];
}
