// The IP lifecycle model: turns Pod (and Service/EndpointSlice) watch events into the story of
// each Pod life and each IP. Pure: the caller passes objects and the moment they arrived.
//
// Design choices worth knowing:
// - A Pod life is a UID. A Pod recreated under the same name is a new life with its own events.
// - Events are derived by comparing the new object with what the model last knew, so a replayed or
//   duplicated watch event produces no events, and a relist can be applied like any update.
// - Deleted UIDs are remembered (bounded), so an update arriving late for a deleted Pod cannot
//   bring it back to life.
import type {
  ConnectionState,
  LifecycleEvent,
  LifecycleEventType,
  OwnerRef,
  PodSummary,
  ServiceSummary,
  TimelineSnapshot,
  TimeSource,
  WatchScope,
} from '../events';
import {
  type EndpointSliceObject,
  type PodCondition,
  type PodObject,
  type ServiceObject,
  type WatchEventType,
  ownerOf,
  podKey,
  selectorMatches,
  toIso,
} from './objects';

export interface LifecycleModelOptions {
  /**
   * Events of the history of Pods that are gone (and of gaps and endpoint changes) kept at most.
   * Live Pods' events are never dropped. Default: what `maxHistoryBytes` allows.
   */
  maxEvents?: number;
  /** Memory for the history of gone Pods (estimated per event and tenure); default 64 MiB. */
  maxHistoryBytes?: number;
  /** The history of a Pod that has been gone for longer than this is dropped; default 24 hours. */
  maxAgeMs?: number;
  /** Summaries of deleted Pods kept (what a snapshot lists); live Pods are always kept. */
  maxDeletedPods?: number;
  /** Closed IP tenures of gone Pods kept for `holdersOf`; tenures of live Pods are always kept. */
  maxTenures?: number;
}

/** What one retained event costs in memory, roughly (object, ISO time, shared strings); for `maxHistoryBytes`. */
export const EVENT_BYTES_ESTIMATE = 240;
const TENURE_BYTES_ESTIMATE = 160;

/** One Pod's hold on one IP. `to` is absent while it still holds it. */
export interface IpTenure {
  ip: string;
  uid: string;
  pod: string;
  from: string;
  fromSource: TimeSource;
  to?: string;
  toSource?: TimeSource;
  /** The IP is the node's, shared by hostNetwork Pods, not allocated to this Pod. */
  hostNetwork: boolean;
  /** UID that was given this IP while this Pod still held it (it was terminating). */
  overlappedBy?: string;
  /** The end was found by a relist after the watch was down, not seen as it happened. */
  endSeenOnRelist?: boolean;
}

export class ModelInputError extends Error {}

interface PodState {
  summary: PodSummary;
  /** `namespace/name`, shared by every event of this life. */
  key: string;
  resourceVersion?: string;
  /** IPs the model considers held. Differs from status when status briefly empties (see `upsert`). */
  held: string[];
  everReady: boolean;
  /** Events recorded for this life, for the history budget once it is gone. */
  events: number;
  /** Its tenures, so they leave with its history. */
  tenures: IpTenure[];
}

interface SliceState {
  namespace: string;
  service: string;
  /** Ready endpoint address → the Pod behind it, when the slice names it. */
  ready: Map<string, Who>;
}

type Who = { uid?: string; pod?: string };

interface ServiceState {
  summary: ServiceSummary;
  /** Selects at least one Pod this model has seen. Sticky until the selector changes. */
  relevant: boolean;
  /** Endpoint IPs already announced with `endpoint-added`. */
  announced: Map<string, Who>;
}

/** Ready addresses of one Service over all its slices; `refs` counts the slices naming the address. */
type EndpointSet = Map<string, { who: Who; refs: number }>;

/** A gone Pod's history, in the order Pods went. */
interface GoneLife {
  uid: string;
  /** Arrival time of the deletion (ms). */
  at: number;
  events: number;
  tenures: IpTenure[];
}

const TERMINAL_PHASES = new Set(['Succeeded', 'Failed']);

/**
 * One copy of a repeated value: a cluster's Pods share namespaces, nodes, phases, owners, label
 * sets and, in bursts, timestamps, but every watch event parses them as new strings and objects.
 * Bounded: past `max` entries it starts over (only sharing is lost, never a value).
 */
class Interner<T> {
  private readonly m = new Map<string, T>();
  constructor(private readonly max: number) {}
  get(key: string, make: () => T): T {
    let v = this.m.get(key);
    if (v === undefined) {
      if (this.m.size >= this.max) this.m.clear();
      v = make();
      this.m.set(key, v);
    }
    return v;
  }
}

class StringInterner extends Interner<string> {
  str(s: string): string {
    return this.get(s, () => s);
  }
}

/** A FIFO with O(1) shift: an array and a head index, compacted when the head passes half. */
class Queue<T> {
  private items: T[] = [];
  private head = 0;
  get length(): number {
    return this.items.length - this.head;
  }
  push(x: T): void {
    this.items.push(x);
  }
  peek(): T | undefined {
    return this.items[this.head];
  }
  shift(): T | undefined {
    if (this.head >= this.items.length) return undefined;
    const x = this.items[this.head];
    this.items[this.head++] = undefined as T;
    if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    return x;
  }
}

export class LifecycleModel {
  private seq = 0;
  /** Events in seq order; may hold dropped ones until the next compaction (see `compact`). */
  private events: LifecycleEvent[] = [];
  private readonly pods = new Map<string, PodState>();
  /** Deleted UIDs in deletion order, for bounding the summaries kept. */
  private readonly deletedOrder = new Queue<string>();
  /** Deleted UIDs (bounded, far more than summaries since they are small) so a late update cannot resurrect a life. */
  private readonly tombstones = new Set<string>();
  private readonly tenuresByIp = new Map<string, IpTenure[]>();
  private readonly services = new Map<string, ServiceState>();
  private readonly slices = new Map<string, SliceState>();
  private readonly endpoints = new Map<string, EndpointSet>();
  /** Gone Pods whose history is still kept, oldest first. */
  private readonly gone = new Queue<GoneLife>();
  /** Closed tenures of gone Pods, oldest first (for `maxTenures`). */
  private readonly goneTenures = new Queue<IpTenure>();
  private goneTenureCount = 0;
  /** Events not owned by a Pod life (gaps, endpoint changes of unknown Pods), in seq order. */
  private readonly loose = new Queue<LifecycleEvent>();
  /** Events kept that belong to gone Pods or to no Pod: what the history budget counts. */
  private historyEvents = 0;
  /** UIDs whose events are dropped but still in `events`, and events dropped without a UID. */
  private droppedUids = new Set<string>();
  private readonly looseEvents = new WeakSet<LifecycleEvent>();
  private droppedLoose = new Set<LifecycleEvent>();
  private droppedInArray = 0;
  /**
   * A compaction in progress, a slice per event so no single event pays for the whole array:
   * `events[0, write)` is compacted, `[write, read)` is stale, `[read, …)` is still to do; what
   * was dropped before it started is in `before`.
   */
  private pass?: { read: number; write: number; uids: Set<string>; loose: Set<LifecycleEvent> };
  /** UIDs of every life that has events in `events` (live, gone and kept, or dropped-pending). */
  private readonly owners = new Map<string, PodState | GoneLife>();
  private latestArrival = -Infinity;
  private servicesVer = 0;
  private readonly words = new StringInterner(50_000);
  private readonly times = new StringInterner(4096);
  private readonly labelSets = new Interner<Record<string, string>>(10_000);
  private readonly ownerRefs = new Interner<OwnerRef>(10_000);
  private readonly maxHistoryEvents: number;
  private readonly maxAgeMs: number;
  private readonly maxDeletedPods: number;
  private readonly maxTenures: number;

  constructor(options: LifecycleModelOptions = {}) {
    const bytes = options.maxHistoryBytes ?? 64 * 1024 * 1024;
    const byBytes = Math.floor(bytes / EVENT_BYTES_ESTIMATE);
    this.maxHistoryEvents = Math.max(1, Math.min(options.maxEvents ?? byBytes, options.maxHistoryBytes !== undefined ? byBytes : Infinity));
    this.maxAgeMs = options.maxAgeMs ?? 24 * 3_600_000;
    this.maxDeletedPods = Math.max(0, options.maxDeletedPods ?? 2000);
    this.maxTenures = Math.max(0, options.maxTenures ?? Math.floor(bytes / TENURE_BYTES_ESTIMATE));
  }

  // ---------------------------------------------------------------- Pods

  /** Apply one Pod watch event. Returns the lifecycle events it caused (possibly none). */
  applyPod(type: WatchEventType, pod: PodObject, arrival: Date): LifecycleEvent[] {
    const uid = pod?.metadata?.uid;
    if (!uid) throw new ModelInputError(`Pod ${podKey(pod?.metadata)} has no metadata.uid`);
    if (!pod.metadata?.name) throw new ModelInputError(`Pod with uid ${uid} has no metadata.name`);
    const out: LifecycleEvent[] = [];
    if (this.tombstones.has(uid)) return out;
    this.arrived(arrival);
    if (type === 'DELETED') {
      // The final object can carry changes we never saw (deletionTimestamp, last status): record them first.
      this.upsert(pod, arrival, out);
      this.remove(uid, arrival, false, out);
    } else {
      this.upsert(pod, arrival, out);
    }
    return out;
  }

  /**
   * Apply the result of a (re)list: every Pod that exists now in the watched scope. Pods the model
   * thinks are alive but that are missing were deleted while we were not watching: they get
   * `ip-released` and `deleted` marked `seenOnRelist`.
   */
  replacePods(pods: PodObject[], arrival: Date): LifecycleEvent[] {
    const out: LifecycleEvent[] = [];
    const present = new Set<string>();
    for (const p of pods) {
      const uid = p?.metadata?.uid;
      if (uid) present.add(uid);
    }
    this.arrived(arrival);
    for (const [uid, st] of this.pods) {
      if (!st.summary.deleted && !present.has(uid)) this.remove(uid, arrival, true, out);
    }
    for (const p of pods) for (const e of this.applyPod('MODIFIED', p, arrival)) out.push(e);
    return out;
  }

  private upsert(pod: PodObject, arrival: Date, out: LifecycleEvent[]): void {
    const meta = pod.metadata!;
    const uid = meta.uid!;
    let st = this.pods.get(uid);
    if (st && meta.resourceVersion && st.resourceVersion === meta.resourceVersion) return;
    const arrivalIso = arrival.toISOString();
    const labels = meta.labels ?? {};
    const found = ownerOf(meta.ownerReferences, labels);
    const owner = found && this.ownerRefs.get(`${found.kind}/${found.name}`, () => found);
    const rev = labels['pod-template-hash'];
    const revision = rev === undefined ? undefined : this.words.str(rev);
    const hostNetwork = pod.spec?.hostNetwork === true;
    if (!st) {
      const created = this.time(toIso(meta.creationTimestamp));
      const summary: PodSummary = {
        uid,
        namespace: this.words.str(meta.namespace ?? ''),
        name: meta.name ?? '',
        ips: [],
        ready: false,
        terminating: false,
        deleted: false,
        hostNetwork,
        labels: this.labelSet(labels),
        owner,
        revision,
        createdAt: created,
      };
      st = { summary, key: key(summary), held: [], everReady: false, events: 0, tenures: [] };
      this.pods.set(uid, st);
      this.owners.set(uid, st);
      this.push(out, st, 'created', created ?? arrivalIso, created ? 'object' : 'arrival');
      this.podAppeared(st.summary, arrival, out);
    }
    const s = st.summary;
    st.resourceVersion = meta.resourceVersion;
    if (!sameRecord(s.labels, labels)) {
      s.labels = this.labelSet(labels);
      this.podAppeared(s, arrival, out);
    }
    // Kept as the same object while unchanged: every event of the life shares it.
    if (s.owner?.kind !== owner?.kind || s.owner?.name !== owner?.name) s.owner = owner;
    s.revision = revision;
    s.hostNetwork = hostNetwork;
    if (pod.status?.phase && pod.status.phase !== s.phase) s.phase = this.words.str(pod.status.phase);
    if (pod.status?.hostIP && pod.status.hostIP !== s.hostIP) s.hostIP = this.words.str(pod.status.hostIP);

    const node = pod.spec?.nodeName;
    if (node && node !== s.node) {
      s.node = this.words.str(node);
      const t = this.time(conditionTime(pod.status?.conditions, 'PodScheduled', 'True'));
      this.push(out, st, 'scheduled', t ?? arrivalIso, t ? 'object' : 'arrival', { node });
    }

    const reported = reportedIps(pod);
    // An empty status is not a release: Kubernetes 1.27–1.30 sent a terminal-phase status update
    // with podIP/podIPs blank while the sandbox still had the address, and a terminating Pod keeps
    // its IP until it is gone. The IP is released when the Pod is deleted or when a later status
    // names a different address.
    if (reported.length > 0) {
      for (const ip of st.held.filter((ip) => !reported.includes(ip))) this.release(st, ip, arrivalIso, 'arrival', false, out);
      const fresh = reported.filter((ip) => !st!.held.includes(ip));
      if (fresh.length) {
        const tAssign = this.time(conditionTime(pod.status?.conditions, 'PodReadyToStartContainers', 'True'));
        for (const ip of fresh) this.assign(st, ip, tAssign ?? arrivalIso, tAssign ? 'object' : 'arrival', arrivalIso, out);
      }
      // `held` is replaced, never changed in place, so the summary may share it.
      s.ips = st.held;
    }

    const readyCond = findCondition(pod.status?.conditions, 'Ready');
    const ready = readyCond?.status === 'True';
    if (ready !== s.ready) {
      s.ready = ready;
      // Never-ready Pods get no `unready`: it marks losing readiness, not lacking it.
      if (ready || st.everReady) {
        st.everReady = true;
        const t = this.time(toIso(readyCond?.lastTransitionTime));
        this.push(out, st, ready ? 'ready' : 'unready', t ?? arrivalIso, t ? 'object' : 'arrival');
      }
    }

    if (meta.deletionTimestamp && !s.terminating) {
      s.terminating = true;
      // deletionTimestamp is when the grace period ends; the deletion was requested grace seconds earlier.
      const end = toIso(meta.deletionTimestamp);
      const grace = meta.deletionGracePeriodSeconds ?? 0;
      const requested = end ? new Date(Date.parse(end) - grace * 1000).toISOString() : undefined;
      // An eviction (the Eviction API, preemption, a taint, node pressure) marks the Pod with a
      // DisruptionTarget condition before it deletes it: the terminating event says why.
      const disruption = findCondition(pod.status?.conditions, 'DisruptionTarget');
      const why = disruption?.status === 'True' && typeof disruption.reason === 'string' && disruption.reason ? { reason: this.words.str(disruption.reason) } : {};
      this.push(out, st, 'terminating', requested ?? arrivalIso, requested ? 'object' : 'arrival', why);
    }
  }

  private time(iso: string | undefined): string | undefined {
    return iso === undefined ? undefined : this.times.str(iso);
  }

  /** One object per distinct label set (a ReplicaSet's Pods share theirs); never mutated. */
  private labelSet(labels: Record<string, string>): Record<string, string> {
    let k = '';
    for (const [a, b] of Object.entries(labels)) k += `${a}\u0000${b}\u0000`;
    return this.labelSets.get(k, () => {
      const copy: Record<string, string> = {};
      for (const [a, b] of Object.entries(labels)) copy[this.words.str(a)] = this.words.str(b);
      return copy;
    });
  }

  private assign(st: PodState, ip: string, time: string, source: TimeSource, arrivalIso: string, out: LifecycleEvent[]): void {
    const s = st.summary;
    st.held = [...st.held, ip];
    if (s.hostNetwork) {
      this.push(out, st, 'ip-assigned', time, source, { ip, hostNetwork: true });
      this.addTenure(st, { ip, uid: s.uid, pod: st.key, from: time, fromSource: source, hostNetwork: true });
      return;
    }
    this.push(out, st, 'ip-assigned', time, source, { ip });
    const prev = this.lastPodTenure(ip);
    if (prev && prev.uid !== s.uid) {
      let overlap = false;
      if (prev.to === undefined) {
        const prevState = this.pods.get(prev.uid);
        if (prevState && TERMINAL_PHASES.has(prevState.summary.phase ?? '') && !prevState.summary.terminating) {
          // A finished (Succeeded/Failed) Pod object outlives its sandbox; its address went back to the
          // pool when the sandbox was torn down. The new holder is the first proof we get of that.
          this.release(prevState, ip, arrivalIso, 'arrival', false, out, 'address given to a new Pod after this one finished');
        } else {
          overlap = true;
          prev.overlappedBy = s.uid;
        }
      }
      this.push(out, st, 'ip-reused', time, source, { ip, previousUid: prev.uid, previousPod: prev.pod, overlap });
    }
    this.addTenure(st, { ip, uid: s.uid, pod: st.key, from: time, fromSource: source, hostNetwork: false });
  }

  private release(st: PodState, ip: string, time: string, source: TimeSource, seenOnRelist: boolean, out: LifecycleEvent[], reason?: string): void {
    st.held = st.held.filter((h) => h !== ip);
    st.summary.ips = st.summary.ips.filter((h) => h !== ip);
    const extra: Partial<LifecycleEvent> = { ip };
    if (st.summary.hostNetwork) extra.hostNetwork = true;
    if (seenOnRelist) extra.seenOnRelist = true;
    if (reason) extra.reason = reason;
    this.push(out, st, 'ip-released', time, source, extra);
    for (let i = st.tenures.length - 1; i >= 0; i--) {
      const open = st.tenures[i];
      if (open.ip !== ip || open.to !== undefined) continue;
      open.to = time;
      open.toSource = source;
      if (seenOnRelist) open.endSeenOnRelist = true;
      break;
    }
  }

  private remove(uid: string, arrival: Date, seenOnRelist: boolean, out: LifecycleEvent[]): void {
    const st = this.pods.get(uid);
    if (!st || st.summary.deleted) return;
    const t = arrival.toISOString();
    // Keep the last IPs on the summary so a deleted lane still shows what it held.
    const lastIps = [...st.held];
    for (const ip of lastIps) this.release(st, ip, t, 'arrival', seenOnRelist, out);
    st.summary.ips = lastIps;
    st.summary.deleted = true;
    st.summary.ready = false;
    this.push(out, st, 'deleted', t, 'arrival', seenOnRelist ? { seenOnRelist: true } : {});
    this.deletedOrder.push(uid);
    this.tombstones.add(uid);
    if (this.tombstones.size > Math.max(50000, this.maxDeletedPods)) {
      const oldest = this.tombstones.values().next().value;
      if (oldest !== undefined) this.tombstones.delete(oldest);
    }
    while (this.deletedOrder.length > this.maxDeletedPods) {
      const old = this.deletedOrder.shift()!;
      this.pods.delete(old);
    }
    // Its history now counts against the budget for what is gone.
    const life: GoneLife = { uid, at: arrival.getTime(), events: st.events, tenures: st.tenures };
    this.owners.set(uid, life);
    this.gone.push(life);
    this.historyEvents += life.events;
    for (const ten of life.tenures) {
      this.goneTenures.push(ten);
      this.goneTenureCount++;
    }
    this.enforceBudget();
  }

  // ---------------------------------------------------------------- gaps

  /** The watch was down from `from` to `to`: anything may have happened in between. */
  gap(from: Date, to: Date, reason: string): LifecycleEvent {
    const ev: LifecycleEvent = {
      seq: ++this.seq,
      type: 'gap',
      time: from.toISOString(),
      timeSource: 'arrival',
      from: from.toISOString(),
      to: to.toISOString(),
      reason,
    };
    this.arrived(to);
    this.recordLoose(ev);
    return ev;
  }

  // ---------------------------------------------------------------- Services and EndpointSlices

  applyService(type: WatchEventType, svc: ServiceObject, arrival: Date): LifecycleEvent[] {
    const k = podKey(svc?.metadata);
    if (!svc?.metadata?.name) throw new ModelInputError('Service without metadata.name');
    const out: LifecycleEvent[] = [];
    this.arrived(arrival);
    this.servicesVer++;
    if (type === 'DELETED') {
      const st = this.services.get(k);
      if (st) {
        st.relevant = false;
        this.syncEndpoints(k, arrival, false, out);
        this.services.delete(k);
      }
      return out;
    }
    const spec = svc.spec ?? {};
    const selector = { ...(spec.selector ?? {}) };
    const summary: ServiceSummary = {
      namespace: svc.metadata.namespace ?? '',
      name: svc.metadata.name,
      clusterIPs: spec.clusterIPs?.length ? [...spec.clusterIPs] : spec.clusterIP ? [spec.clusterIP] : [],
      selector,
      ports: (spec.ports ?? []).map((p) => ({ name: p.name, port: p.port ?? 0, targetPort: p.targetPort, protocol: p.protocol })),
      endpoints: [],
    };
    let st = this.services.get(k);
    if (!st) {
      st = { summary, relevant: false, announced: new Map() };
      this.services.set(k, st);
    } else {
      if (!sameRecord(st.summary.selector, selector)) st.relevant = false;
      st.summary = summary;
    }
    if (!st.relevant) st.relevant = this.selectsKnownPod(summary);
    this.syncEndpoints(k, arrival, false, out);
    return out;
  }

  replaceServices(list: ServiceObject[], arrival: Date): LifecycleEvent[] {
    const out: LifecycleEvent[] = [];
    const present = new Set(list.map((s) => podKey(s?.metadata)));
    for (const k of [...this.services.keys()]) {
      if (!present.has(k)) out.push(...this.applyService('DELETED', { metadata: splitKey(k) }, arrival));
    }
    for (const s of list) for (const e of this.applyService('MODIFIED', s, arrival)) out.push(e);
    return out;
  }

  applyEndpointSlice(type: WatchEventType, slice: EndpointSliceObject, arrival: Date, seenOnRelist = false): LifecycleEvent[] {
    const meta = slice?.metadata;
    if (!meta?.name) throw new ModelInputError('EndpointSlice without metadata.name');
    const k = podKey(meta);
    const out: LifecycleEvent[] = [];
    this.arrived(arrival);
    const before = this.slices.get(k);
    const service = type === 'DELETED' ? undefined : meta.labels?.['kubernetes.io/service-name'];
    const ns = meta.namespace ?? '';
    const ready = new Map<string, Who>();
    if (service) {
      for (const ep of slice.endpoints ?? []) {
        // Kubernetes: a nil `ready` means ready.
        if (ep.conditions?.ready === false) continue;
        const ref = ep.targetRef?.kind === 'Pod' ? ep.targetRef : undefined;
        for (const addr of ep.addresses ?? []) {
          ready.set(addr, { uid: ref?.uid, pod: ref?.name ? `${ref.namespace ?? ns}/${ref.name}` : undefined });
        }
      }
      this.slices.set(k, { namespace: ns, service, ready });
    } else if (before) this.slices.delete(k);
    // Only what this slice changed: a big Service is spread over many slices, and a rollout touches
    // them one address at a time.
    const beforeKey = before ? `${before.namespace}/${before.service}` : undefined;
    const afterKey = service ? `${ns}/${service}` : undefined;
    const changed = new Map<string, Set<string>>();
    if (before && beforeKey) {
      const set = this.endpoints.get(beforeKey);
      for (const ip of before.ready.keys()) {
        if (beforeKey === afterKey && ready.has(ip)) continue;
        const e = set?.get(ip);
        if (e && --e.refs === 0) {
          set!.delete(ip);
          addTo(changed, beforeKey, ip);
        }
      }
    }
    if (afterKey) {
      let set = this.endpoints.get(afterKey);
      if (!set) this.endpoints.set(afterKey, (set = new Map()));
      for (const [ip, who] of ready) {
        if (beforeKey === afterKey && before!.ready.has(ip)) continue;
        const e = set.get(ip);
        if (e) e.refs++;
        else {
          set.set(ip, { who, refs: 1 });
          addTo(changed, afterKey, ip);
        }
      }
    }
    if (changed.size) this.servicesVer++;
    for (const [svcKey, ips] of changed) this.syncEndpoints(svcKey, arrival, seenOnRelist, out, ips);
    return out;
  }

  replaceEndpointSlices(list: EndpointSliceObject[], arrival: Date): LifecycleEvent[] {
    const out: LifecycleEvent[] = [];
    const present = new Set(list.map((s) => podKey(s?.metadata)));
    for (const k of [...this.slices.keys()]) {
      if (!present.has(k)) out.push(...this.applyEndpointSlice('DELETED', { metadata: splitKey(k) }, arrival, true));
    }
    for (const s of list) for (const e of this.applyEndpointSlice('MODIFIED', s, arrival, true)) out.push(e);
    return out;
  }

  /**
   * Bring a Service's announced endpoints in line with its slices, emitting the differences: for the
   * addresses in `only` (what one slice changed), or all of them.
   */
  private syncEndpoints(serviceKey: string, arrival: Date, seenOnRelist: boolean, out: LifecycleEvent[], only?: Set<string>): void {
    const st = this.services.get(serviceKey);
    if (!st) return;
    const now = this.endpoints.get(serviceKey);
    const target = st.relevant ? now : undefined;
    const t = arrival.toISOString();
    const removed = only ? [...only].filter((ip) => st.announced.has(ip) && !target?.has(ip)) : [...st.announced.keys()].filter((ip) => !target?.has(ip));
    for (const ip of removed) {
      const who = st.announced.get(ip)!;
      st.announced.delete(ip);
      this.pushService(out, 'endpoint-removed', t, serviceKey, ip, who, seenOnRelist);
    }
    if (!target) return;
    const added = only ? [...only].filter((ip) => target.has(ip) && !st.announced.has(ip)) : [...target.keys()].filter((ip) => !st.announced.has(ip));
    for (const ip of added) {
      const who = target.get(ip)!.who;
      const resolved = who.uid ? who : this.holderNow(ip) ?? who;
      st.announced.set(ip, resolved);
      this.pushService(out, 'endpoint-added', t, serviceKey, ip, resolved, false);
    }
  }

  private pushService(out: LifecycleEvent[], type: LifecycleEventType, time: string, service: string, ip: string, who: Who, seenOnRelist: boolean): void {
    const ev: LifecycleEvent = { seq: ++this.seq, type, time, timeSource: 'arrival', service, ip };
    if (who.uid) ev.uid = who.uid;
    if (who.pod) ev.pod = who.pod;
    if (seenOnRelist) ev.seenOnRelist = true;
    // An endpoint change is part of its Pod's story when the Pod is known: it stays while the Pod does.
    const owner = who.uid ? this.owners.get(who.uid) : undefined;
    if (owner && !this.isDroppedUid(who.uid!)) this.recordFor(owner, ev);
    else this.recordLoose(ev);
    out.push(ev);
  }

  /** A Pod was seen (or its labels changed): Services that did not select any known Pod may now. */
  private podAppeared(s: PodSummary, arrival: Date, out: LifecycleEvent[]): void {
    for (const [k, st] of this.services) {
      if (st.relevant || st.summary.namespace !== s.namespace) continue;
      if (selectorMatches(st.summary.selector, s.labels)) {
        st.relevant = true;
        this.servicesVer++;
        this.syncEndpoints(k, arrival, false, out);
      }
    }
  }

  private selectsKnownPod(svc: ServiceSummary): boolean {
    for (const st of this.pods.values()) {
      if (st.summary.namespace === svc.namespace && selectorMatches(svc.selector, st.summary.labels)) return true;
    }
    return false;
  }

  // ---------------------------------------------------------------- queries

  /** Every tenure of `ip` still in history, oldest first: who held it, from when, until when. */
  holdersOf(ip: string): IpTenure[] {
    return (this.tenuresByIp.get(ip) ?? []).map((t) => ({ ...t }));
  }

  /** Who held `ip` at `time` (several when lives overlapped, or for a node IP shared by hostNetwork Pods). */
  holdersAt(ip: string, time: Date | string): IpTenure[] {
    const t = typeof time === 'string' ? Date.parse(time) : time.getTime();
    return this.holdersOf(ip).filter((x) => Date.parse(x.from) <= t && (x.to === undefined || t < Date.parse(x.to)));
  }

  /** What happened to a Pod: by UID, or by `namespace/name` (all lives that had that name). */
  historyOf(uidOrKey: string): LifecycleEvent[] {
    const byName = uidOrKey.includes('/');
    return this.allEvents().filter((e) => (byName ? e.pod === uidOrKey && e.uid !== undefined && !e.service : e.uid === uidOrKey && !e.service));
  }

  pod(uid: string): PodSummary | undefined {
    const st = this.pods.get(uid);
    return st ? copySummary(st.summary) : undefined;
  }

  /** Summaries of the Pods with these UIDs that the model still knows (for a batch of events). */
  podsByUid(uids: Iterable<string>): PodSummary[] {
    const out: PodSummary[] = [];
    for (const uid of uids) {
      const st = this.pods.get(uid);
      if (st) out.push(copySummary(st.summary));
    }
    return out;
  }

  /** Pod lives known now: live ones and the most recently deleted ones. */
  podSummaries(): PodSummary[] {
    return [...this.pods.values()].map((st) => copySummary(st.summary));
  }

  livePods(): PodSummary[] {
    const out: PodSummary[] = [];
    for (const st of this.pods.values()) if (!st.summary.deleted) out.push(copySummary(st.summary));
    return out;
  }

  /** The live (non-hostNetwork) Pod holding `ip` now, if any. */
  podByIp(ip: string): PodSummary | undefined {
    const h = this.holderNow(ip);
    return h ? this.pod(h.uid) : undefined;
  }

  /** Services that select at least one Pod this model has seen. */
  serviceSummaries(): ServiceSummary[] {
    const out: ServiceSummary[] = [];
    for (const [k, s] of this.services) if (s.relevant) out.push(this.serviceSummary(k, s));
    return out;
  }

  /** Services selecting this Pod (by labels, same namespace). */
  servicesSelecting(pod: { namespace: string; labels: Record<string, string> }): ServiceSummary[] {
    const out: ServiceSummary[] = [];
    for (const [k, s] of this.services) if (s.summary.namespace === pod.namespace && selectorMatches(s.summary.selector, pod.labels)) out.push(this.serviceSummary(k, s));
    return out;
  }

  /** The history kept, in seq order. */
  allEvents(): LifecycleEvent[] {
    this.compact();
    return this.events.slice();
  }

  lastSeq(): number {
    return this.seq;
  }

  /** Changes whenever a Service, its relevance or its endpoints do. */
  servicesVersion(): number {
    return this.servicesVer;
  }

  /** Sizes of what is kept, for tests and benchmarks. */
  stats(): { events: number; historyEvents: number; pods: number; livePods: number; goneLives: number; tenures: number; goneTenures: number } {
    let live = 0;
    for (const st of this.pods.values()) if (!st.summary.deleted) live++;
    let tenures = 0;
    for (const l of this.tenuresByIp.values()) tenures += l.length;
    return { events: this.events.length - this.droppedInArray - (this.pass ? this.pass.read - this.pass.write : 0), historyEvents: this.historyEvents, pods: this.pods.size, livePods: live, goneLives: this.gone.length, tenures, goneTenures: this.goneTenureCount };
  }

  snapshot(scope: WatchScope, connection: ConnectionState, connectionMessage?: string): TimelineSnapshot {
    const snap: TimelineSnapshot = {
      scope: { ...scope },
      connection,
      events: this.allEvents(),
      pods: this.podSummaries(),
      services: this.serviceSummaries(),
    };
    if (connectionMessage !== undefined) snap.connectionMessage = connectionMessage;
    return snap;
  }

  // ---------------------------------------------------------------- internals

  private serviceSummary(k: string, s: ServiceState): ServiceSummary {
    const c = copyService(s.summary);
    c.endpoints = [...(this.endpoints.get(k)?.keys() ?? [])].sort();
    return c;
  }

  private holderNow(ip: string): { uid: string; pod: string } | undefined {
    const list = this.tenuresByIp.get(ip);
    if (!list) return undefined;
    for (let i = list.length - 1; i >= 0; i--) {
      const t = list[i];
      if (t.to === undefined && !t.hostNetwork) return { uid: t.uid, pod: t.pod };
    }
    return undefined;
  }

  private lastPodTenure(ip: string): IpTenure | undefined {
    const list = this.tenuresByIp.get(ip);
    if (!list) return undefined;
    for (let i = list.length - 1; i >= 0; i--) if (!list[i].hostNetwork) return list[i];
    return undefined;
  }

  private addTenure(st: PodState, t: IpTenure): void {
    let list = this.tenuresByIp.get(t.ip);
    if (!list) this.tenuresByIp.set(t.ip, (list = []));
    list.push(t);
    st.tenures.push(t);
  }

  /** Removes one tenure from its IP's list; O(tenures of that IP), which history keeps short. */
  private dropTenure(t: IpTenure): void {
    const list = this.tenuresByIp.get(t.ip);
    if (!list) return;
    const i = list.indexOf(t);
    if (i < 0) return;
    list.splice(i, 1);
    if (list.length === 0) this.tenuresByIp.delete(t.ip);
  }

  private arrived(at: Date): void {
    const t = at.getTime();
    if (t <= this.latestArrival) return;
    this.latestArrival = t;
    const horizon = t - this.maxAgeMs;
    const g = this.gone.peek();
    const l = this.loose.peek();
    if ((g && g.at < horizon) || (l && Date.parse(l.time) < horizon)) this.enforceBudget();
  }

  private push(out: LifecycleEvent[], st: PodState, type: LifecycleEventType, time: string, timeSource: TimeSource, extra: Partial<LifecycleEvent> = {}): void {
    const s = st.summary;
    const ev: LifecycleEvent = { seq: ++this.seq, type, time, timeSource, uid: s.uid, pod: st.key };
    if (s.node && type !== 'created') ev.node = s.node;
    // Shared with the summary and the life's other events; nothing mutates it.
    if (s.owner) ev.owner = s.owner;
    if (s.revision) ev.revision = s.revision;
    Object.assign(ev, extra);
    this.recordFor(st, ev);
    out.push(ev);
  }

  private recordFor(owner: PodState | GoneLife, ev: LifecycleEvent): void {
    this.events.push(ev);
    owner.events++;
    // A gone life that still gets events (an endpoint change after its deletion) counts them as history.
    if (!('summary' in owner)) {
      this.historyEvents++;
      this.enforceBudget();
    }
  }

  private recordLoose(ev: LifecycleEvent): void {
    this.events.push(ev);
    this.loose.push(ev);
    this.looseEvents.add(ev);
    this.historyEvents++;
    this.enforceBudget();
  }

  /**
   * Drops the oldest history of what is gone until it fits the budget (event count, age) and the
   * tenure bound. Each event and tenure is dropped at most once, and the array of events is
   * compacted only when a quarter of it is garbage: O(1) per event, amortised.
   */
  private enforceBudget(): void {
    const horizon = this.latestArrival - this.maxAgeMs;
    for (;;) {
      const oldest = this.gone.peek();
      const looseHead = this.loose.peek();
      const over = this.historyEvents > this.maxHistoryEvents;
      // Gone Pods and loose events age out in the order they arrived.
      const looseAt = looseHead ? Date.parse(looseHead.time) : Infinity;
      if (oldest && (oldest.at < horizon || (over && (!looseHead || oldest.at <= looseAt)))) {
        this.gone.shift();
        this.historyEvents -= oldest.events;
        this.droppedInArray += oldest.events;
        this.droppedUids.add(oldest.uid);
        this.owners.delete(oldest.uid);
        for (const ten of oldest.tenures) this.dropTenure(ten);
        continue;
      }
      if (looseHead && (looseAt < horizon || over)) {
        this.loose.shift();
        this.historyEvents--;
        this.droppedInArray++;
        this.droppedLoose.add(looseHead);
        continue;
      }
      break;
    }
    while (this.goneTenureCount > this.maxTenures) {
      const t = this.goneTenures.shift();
      if (!t) break;
      this.goneTenureCount--;
      this.dropTenure(t);
    }
    if (this.pass) this.compactSlice(COMPACT_SLICE);
    else if (this.droppedInArray > 1024 && this.droppedInArray * 4 > this.events.length) {
      this.pass = { read: 0, write: 0, uids: this.droppedUids, loose: this.droppedLoose };
      this.droppedUids = new Set();
      this.droppedLoose = new Set();
      this.compactSlice(COMPACT_SLICE);
    }
  }

  private isDroppedUid(uid: string): boolean {
    return this.droppedUids.has(uid) || !!this.pass?.uids.has(uid);
  }

  private isDropped(e: LifecycleEvent): boolean {
    if (this.looseEvents.has(e)) return this.droppedLoose.has(e) || !!this.pass?.loose.has(e);
    return e.uid !== undefined && this.isDroppedUid(e.uid);
  }

  /** Moves up to `n` events of the pass in progress; ends it at the end of the array. */
  private compactSlice(n: number): void {
    const p = this.pass;
    if (!p) return;
    const ev = this.events;
    const end = Math.min(ev.length, p.read + n);
    for (; p.read < end; p.read++) {
      const e = ev[p.read];
      if (this.isDropped(e)) this.droppedInArray--;
      else ev[p.write++] = e;
    }
    if (p.read < ev.length) return;
    ev.length = p.write;
    // What was dropped during the pass, behind its cursor, is still in the array: the next pass takes it.
    this.pass = undefined;
  }

  /** Removes every dropped event now (before the array is read). */
  private compact(): void {
    if (this.pass) this.compactSlice(Infinity);
    if (this.droppedInArray === 0) return;
    this.pass = { read: 0, write: 0, uids: this.droppedUids, loose: this.droppedLoose };
    this.droppedUids = new Set();
    this.droppedLoose = new Set();
    this.compactSlice(Infinity);
  }
}

/**
 * Events a compaction pass moves per event recorded: ahead of the rate garbage can grow (a pass
 * starts when a quarter of the array is garbage), and small enough that one event costs little.
 */
const COMPACT_SLICE = 256;

function addTo(m: Map<string, Set<string>>, k: string, v: string): void {
  let s = m.get(k);
  if (!s) m.set(k, (s = new Set()));
  s.add(v);
}

function key(s: { namespace: string; name: string }): string {
  return `${s.namespace}/${s.name}`;
}

function splitKey(k: string): { namespace: string; name: string } {
  const i = k.indexOf('/');
  return { namespace: k.slice(0, i), name: k.slice(i + 1) };
}

function reportedIps(pod: PodObject): string[] {
  const ips: string[] = [];
  for (const p of pod.status?.podIPs ?? []) if (p?.ip && !ips.includes(p.ip)) ips.push(p.ip);
  const single = pod.status?.podIP;
  if (single && !ips.includes(single)) ips.unshift(single);
  return ips;
}

function findCondition(conds: PodCondition[] | undefined, type: string): PodCondition | undefined {
  return conds?.find((c) => c?.type === type);
}

function conditionTime(conds: PodCondition[] | undefined, type: string, status: string): string | undefined {
  const c = findCondition(conds, type);
  return c && c.status === status ? toIso(c.lastTransitionTime) : undefined;
}

function sameRecord(a: Record<string, string>, b: Record<string, string>): boolean {
  const ka = Object.keys(a);
  if (ka.length !== Object.keys(b).length) return false;
  return ka.every((k) => a[k] === b[k]);
}

function copySummary(s: PodSummary): PodSummary {
  return { ...s, ips: [...s.ips], labels: { ...s.labels }, owner: s.owner ? { ...s.owner } : undefined };
}

function copyService(s: ServiceSummary): ServiceSummary {
  return { ...s, clusterIPs: [...s.clusterIPs], selector: { ...s.selector }, ports: s.ports.map((p) => ({ ...p })), endpoints: [...s.endpoints] };
}
