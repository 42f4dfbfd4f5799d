// The demo cluster's storage: objects by resource, one global resourceVersion, a bounded window
// of past events (what etcd's history and the watch cache give a real API server), and watch
// fan-out. No HTTP and no controllers here, so it can be tested and benchmarked alone.
import { randomUUID } from 'node:crypto';

export interface OwnerReference {
  apiVersion: string;
  kind: string;
  name: string;
  uid: string;
  controller?: boolean;
  blockOwnerDeletion?: boolean;
}

export interface ObjectMeta {
  name?: string;
  generateName?: string;
  namespace?: string;
  uid?: string;
  resourceVersion?: string;
  generation?: number;
  creationTimestamp?: string;
  deletionTimestamp?: string;
  deletionGracePeriodSeconds?: number;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  ownerReferences?: OwnerReference[];
  finalizers?: string[];
  [field: string]: unknown;
}

/** Any Kubernetes object in its JSON form. Objects held by the store are never mutated in place. */
export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: ObjectMeta;
  [field: string]: unknown;
}

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED';

export interface StoreEvent {
  type: WatchEventType;
  /** Storage key of the resource, e.g. `pods` or `apps/deployments`. */
  resource: string;
  object: KubeObject;
  /** The object before a MODIFIED or DELETED change; lets filtered watches turn a change into ADDED/DELETED. */
  previous?: KubeObject;
  rv: number;
  /** `{"type":…,"object":…}\n`, computed once however many watchers receive the event. */
  line?: string;
}

/** An API error the HTTP layer turns into a `Status` with this code and reason. */
export class ApiError extends Error {
  constructor(
    readonly code: number,
    readonly reason: string,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
  }
}

export type StoreListener = (event: StoreEvent) => void;

export interface StoreOptions {
  /** How many past events are kept for watches that resume from a resourceVersion (default 10,000). */
  windowSize?: number;
  /**
   * How long past events are kept, in ms (default 5 minutes, etcd's compaction interval). A watch
   * from an older resourceVersion gets 410 Expired and relists, as on a real cluster.
   */
  windowMs?: number;
  /** The clock (tests move it). */
  now?: () => number;
}

export const DEFAULT_HISTORY_SIZE = 10_000;
export const DEFAULT_HISTORY_MS = 5 * 60_000;

export interface StoreSnapshot {
  resourceVersion: number;
  objects: Record<string, KubeObject[]>;
}

const NAME_SUFFIX_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';

/** Like the API server's names.SimpleNameGenerator: 5 random characters that never spell words. */
export function randomSuffix(n = 5): string {
  let s = '';
  for (let i = 0; i < n; i++) s += NAME_SUFFIX_ALPHABET[Math.floor(Math.random() * NAME_SUFFIX_ALPHABET.length)];
  return s;
}

/** RFC 3339 without fractional seconds, as metav1.Time marshals. */
export function nowTimestamp(at = Date.now()): string {
  return new Date(Math.floor(at / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}

export function eventLine(e: StoreEvent): string {
  if (e.line === undefined) e.line = `{"type":"${e.type}","object":${JSON.stringify(e.object)}}\n`;
  return e.line;
}

export class Store {
  private rv = 0;
  /** resource → namespace ('' for cluster-scoped) → name → object */
  private readonly data = new Map<string, Map<string, Map<string, KubeObject>>>();
  private readonly windowSize: number;
  private readonly history: (StoreEvent | undefined)[];
  /** When each retained event happened, parallel to `history`. */
  private readonly historyAt: Float64Array;
  private readonly windowMs: number;
  private readonly now: () => number;
  private historyHead = 0; // index of the oldest retained event
  private historyLength = 0;
  /** Watches may resume from any resourceVersion >= this; older ones are gone (410 Expired). */
  private compactedRv = 0;
  private readonly listeners = new Map<string, Set<StoreListener>>();
  private readonly anyListeners = new Set<StoreListener>();

  constructor(opts: StoreOptions = {}) {
    this.windowSize = Math.max(1, opts.windowSize ?? DEFAULT_HISTORY_SIZE);
    this.history = new Array(this.windowSize);
    this.historyAt = new Float64Array(this.windowSize);
    this.windowMs = Math.max(0, opts.windowMs ?? DEFAULT_HISTORY_MS);
    this.now = opts.now ?? Date.now;
  }

  get resourceVersion(): number {
    return this.rv;
  }

  /** The oldest resourceVersion a watch can still resume from. */
  get oldestResourceVersion(): number {
    return this.compactedRv;
  }

  get(resource: string, namespace: string | undefined, name: string): KubeObject | undefined {
    return this.data.get(resource)?.get(namespace ?? '')?.get(name);
  }

  /** Objects sorted by namespace then name, like etcd's key order. */
  list(resource: string, namespace?: string): { items: KubeObject[]; resourceVersion: number } {
    const byNs = this.data.get(resource);
    const items: KubeObject[] = [];
    if (byNs) {
      const namespaces = namespace !== undefined ? [namespace] : [...byNs.keys()].sort();
      for (const ns of namespaces) {
        const m = byNs.get(ns);
        if (!m) continue;
        for (const name of [...m.keys()].sort()) items.push(m.get(name)!);
      }
    }
    return { items, resourceVersion: this.rv };
  }

  count(resource: string): number {
    let n = 0;
    for (const m of this.data.get(resource)?.values() ?? []) n += m.size;
    return n;
  }

  /** Stores a new object. `uid` is for the API layer, which sometimes needs it beforehand (a Job's selector). */
  create(resource: string, obj: KubeObject, uid?: string): KubeObject {
    const meta = { ...obj.metadata };
    if (!meta.name) {
      if (!meta.generateName) throw new ApiError(422, 'Invalid', `${obj.kind} is invalid: metadata.name: Required value: name or generateName is required`);
      do meta.name = meta.generateName + randomSuffix();
      while (this.get(resource, meta.namespace, meta.name));
    }
    if (this.get(resource, meta.namespace, meta.name)) {
      throw new ApiError(409, 'AlreadyExists', `${resourceLabel(resource)} "${meta.name}" already exists`, {
        name: meta.name,
        kind: resourceName(resource),
      });
    }
    meta.uid = uid ?? randomUUID();
    meta.creationTimestamp = nowTimestamp();
    meta.resourceVersion = String(++this.rv);
    delete meta.deletionTimestamp;
    const stored = { ...obj, metadata: meta };
    this.put(resource, stored);
    this.emit({ type: 'ADDED', resource, object: stored, rv: this.rv });
    return stored;
  }

  /**
   * Replaces an object. When `obj.metadata.resourceVersion` is set it must match the stored one
   * (optimistic concurrency, 409 Conflict otherwise), as on a real API server.
   */
  update(resource: string, obj: KubeObject): KubeObject {
    const name = obj.metadata.name ?? '';
    const current = this.get(resource, obj.metadata.namespace, name);
    if (!current) throw notFound(resource, name);
    const given = obj.metadata.resourceVersion;
    if (given && given !== current.metadata.resourceVersion) {
      throw new ApiError(
        409,
        'Conflict',
        `Operation cannot be fulfilled on ${resourceLabel(resource)} "${name}": the object has been modified; please apply your changes to the latest version and try again`,
        { name, kind: resourceName(resource) },
      );
    }
    const meta = {
      ...obj.metadata,
      uid: current.metadata.uid,
      creationTimestamp: current.metadata.creationTimestamp,
      resourceVersion: String(++this.rv),
    };
    const stored = { ...obj, metadata: meta };
    this.put(resource, stored);
    this.emit({ type: 'MODIFIED', resource, object: stored, previous: current, rv: this.rv });
    return stored;
  }

  /** Removes an object now (graceful deletion and finalizers are the API layer's business). */
  delete(resource: string, namespace: string | undefined, name: string, preconditionUid?: string): KubeObject {
    const current = this.get(resource, namespace, name);
    if (!current) throw notFound(resource, name);
    if (preconditionUid && preconditionUid !== current.metadata.uid) {
      throw new ApiError(409, 'Conflict', `Precondition failed: UID in precondition: ${preconditionUid}, UID in object meta: ${current.metadata.uid}`);
    }
    this.data.get(resource)!.get(namespace ?? '')!.delete(name);
    // The DELETED event carries the object at the deletion's own resourceVersion, as etcd3 does.
    const gone = { ...current, metadata: { ...current.metadata, resourceVersion: String(++this.rv) } };
    this.emit({ type: 'DELETED', resource, object: gone, previous: current, rv: this.rv });
    return gone;
  }

  /**
   * Subscribes to changes of one resource. With `fromRv`, first replays the retained events after
   * it (throws 410 Expired when they are no longer retained); without, replays the current objects
   * as ADDED, like a watch without a resourceVersion.
   */
  watch(resource: string, fromRv: number | undefined, listener: StoreListener): () => void {
    if (fromRv !== undefined) {
      this.dropExpired(this.now());
      if (fromRv < this.compactedRv) throw expired(fromRv, this.compactedRv);
      for (const e of this.eventsSince(fromRv)) if (e.resource === resource) listener(e);
    } else {
      for (const obj of this.list(resource).items) {
        listener({ type: 'ADDED', resource, object: obj, rv: Number(obj.metadata.resourceVersion) });
      }
    }
    let set = this.listeners.get(resource);
    if (!set) this.listeners.set(resource, (set = new Set()));
    set.add(listener);
    return () => set!.delete(listener);
  }

  /** Every change to every resource, for controllers and persistence. No replay. */
  subscribe(listener: StoreListener): () => void {
    this.anyListeners.add(listener);
    return () => this.anyListeners.delete(listener);
  }

  /** Forgets all past events: every watch resuming from an earlier resourceVersion gets 410. */
  compact(): void {
    this.history.fill(undefined);
    this.historyHead = 0;
    this.historyLength = 0;
    this.compactedRv = this.rv;
  }

  snapshot(): StoreSnapshot {
    const objects: Record<string, KubeObject[]> = {};
    for (const resource of this.data.keys()) objects[resource] = this.list(resource).items;
    return { resourceVersion: this.rv, objects };
  }

  /** Loads a snapshot into an empty store; history starts empty, so older versions are expired. */
  restore(snap: StoreSnapshot): void {
    this.data.clear();
    for (const [resource, items] of Object.entries(snap.objects)) for (const o of items) this.put(resource, o);
    this.rv = snap.resourceVersion;
    this.compact();
  }

  private *eventsSince(rv: number): Generator<StoreEvent> {
    for (let i = 0; i < this.historyLength; i++) {
      const e = this.history[(this.historyHead + i) % this.windowSize]!;
      if (e.rv > rv) yield e;
    }
  }

  private put(resource: string, obj: KubeObject): void {
    let byNs = this.data.get(resource);
    if (!byNs) this.data.set(resource, (byNs = new Map()));
    const ns = obj.metadata.namespace ?? '';
    let m = byNs.get(ns);
    if (!m) byNs.set(ns, (m = new Map()));
    m.set(obj.metadata.name!, obj);
  }

  private dropOldest(): void {
    const dropped = this.history[this.historyHead]!;
    this.history[this.historyHead] = undefined;
    this.compactedRv = dropped.rv;
    this.historyHead = (this.historyHead + 1) % this.windowSize;
    this.historyLength--;
  }

  /** Compaction in time: events older than the window go, and with them the right to resume before them. */
  private dropExpired(now: number): void {
    const oldest = now - this.windowMs;
    while (this.historyLength > 0 && this.historyAt[this.historyHead] < oldest) this.dropOldest();
  }

  private emit(e: StoreEvent): void {
    const now = this.now();
    this.dropExpired(now);
    if (this.historyLength === this.windowSize) this.dropOldest();
    const slot = (this.historyHead + this.historyLength) % this.windowSize;
    this.history[slot] = e;
    this.historyAt[slot] = now;
    this.historyLength++;
    // One failing listener must not keep the event from the others (nor undo the change).
    let failure: unknown;
    const call = (l: StoreListener) => {
      try {
        l(e);
      } catch (err) {
        if (this.onListenerError) this.onListenerError(err);
        else failure ??= err;
      }
    };
    const set = this.listeners.get(e.resource);
    if (set) for (const l of [...set]) call(l);
    for (const l of [...this.anyListeners]) call(l);
    if (failure !== undefined) throw failure;
  }

  /** Where listener failures go; without it, the first one is rethrown after every listener ran. */
  onListenerError?: (err: unknown) => void;
}

/** `apps/deployments` → `deployments.apps`, the way the API server names a resource in messages. */
export function resourceLabel(resource: string): string {
  const i = resource.lastIndexOf('/');
  return i < 0 ? resource : `${resource.slice(i + 1)}.${resource.slice(0, i)}`;
}

function resourceName(resource: string): string {
  const i = resource.lastIndexOf('/');
  return i < 0 ? resource : resource.slice(i + 1);
}

export function notFound(resource: string, name: string): ApiError {
  return new ApiError(404, 'NotFound', `${resourceLabel(resource)} "${name}" not found`, { name, kind: resourceName(resource) });
}

export function expired(requested: number, oldest: number): ApiError {
  return new ApiError(410, 'Expired', `too old resource version: ${requested} (${oldest + 1})`);
}
