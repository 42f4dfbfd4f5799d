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
  /** Events kept for snapshots and queries; the oldest are dropped beyond this. */
  maxEvents?: number;
  /** Deleted Pod lives kept (summaries and tombstones); live Pods are always kept. */
  maxDeletedPods?: number;
  /** IP tenures kept for `holdersOf`; the oldest closed ones are dropped beyond this. */
  maxTenures?: number;
}

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
  resourceVersion?: string;
  /** IPs the model considers held. Differs from status when status briefly empties (see `upsert`). */
  held: string[];
  everReady: boolean;
}

interface SliceState {
  namespace: string;
  service: string;
  /** Ready endpoint address → the Pod behind it, when the slice names it. */
  ready: Map<string, { uid?: string; pod?: string }>;
}

interface ServiceState {
  summary: ServiceSummary;
  /** Selects at least one Pod this model has seen. Sticky until the selector changes. */
  relevant: boolean;
  /** Endpoint IPs already announced with `endpoint-added`. */
  announced: Map<string, { uid?: string; pod?: string }>;
}

const TERMINAL_PHASES = new Set(['Succeeded', 'Failed']);

export class LifecycleModel {
  private seq = 0;
  private events: LifecycleEvent[] = [];
  private readonly pods = new Map<string, PodState>();
  /** Deleted UIDs in deletion order, for bounding the summaries kept. */
  private readonly deletedOrder: string[] = [];
  /** Deleted UIDs (bounded, far more than summaries since they are small) so a late update cannot resurrect a life. */
  private readonly tombstones = new Set<string>();
  private readonly tenuresByIp = new Map<string, IpTenure[]>();
  private tenureCount = 0;
  private readonly services = new Map<string, ServiceState>();
  private readonly slices = new Map<string, SliceState>();
  private readonly maxEvents: number;
  private readonly maxDeletedPods: number;
  private readonly maxTenures: number;

  constructor(options: LifecycleModelOptions = {}) {
    this.maxEvents = Math.max(1, options.maxEvents ?? 20000);
    this.maxDeletedPods = Math.max(0, options.maxDeletedPods ?? 2000);
    this.maxTenures = Math.max(1, options.maxTenures ?? 20000);
  }

  // ---------------------------------------------------------------- Pods

  /** Apply one Pod watch event. Returns the lifecycle events it caused (possibly none). */
  applyPod(type: WatchEventType, pod: PodObject, arrival: Date): LifecycleEvent[] {
    const uid = pod?.metadata?.uid;
    if (!uid) throw new ModelInputError(`Pod ${podKey(pod?.metadata)} has no metadata.uid`);
    if (!pod.metadata?.name) throw new ModelInputError(`Pod with uid ${uid} has no metadata.name`);
    const out: LifecycleEvent[] = [];
    if (this.tombstones.has(uid)) return out;
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
    for (const [uid, st] of this.pods) {
      if (!st.summary.deleted && !present.has(uid)) this.remove(uid, arrival, true, out);
    }
    for (const p of pods) out.push(...this.applyPod('MODIFIED', p, arrival));
    return out;
  }

  private upsert(pod: PodObject, arrival: Date, out: LifecycleEvent[]): void {
    const meta = pod.metadata!;
    const uid = meta.uid!;
    let st = this.pods.get(uid);
    const arrivalIso = arrival.toISOString();
    if (st && meta.resourceVersion && st.resourceVersion === meta.resourceVersion) return;
    const labels = { ...(meta.labels ?? {}) };
    const owner = ownerOf(meta.ownerReferences, labels);
    const revision = labels['pod-template-hash'];
    const hostNetwork = pod.spec?.hostNetwork === true;
    if (!st) {
      const created = toIso(meta.creationTimestamp);
      st = {
        summary: {
          uid,
          namespace: meta.namespace ?? '',
          name: meta.name ?? '',
          ips: [],
          ready: false,
          terminating: false,
          deleted: false,
          hostNetwork,
          labels,
          owner,
          revision,
          createdAt: created,
        },
        held: [],
        everReady: false,
      };
      this.pods.set(uid, st);
      this.push(out, st, 'created', created ?? arrivalIso, created ? 'object' : 'arrival');
      this.podAppeared(st.summary, arrival, out);
    }
    const s = st.summary;
    st.resourceVersion = meta.resourceVersion;
    const labelsChanged = !sameRecord(s.labels, labels);
    s.labels = labels;
    s.owner = owner;
    s.revision = revision;
    s.hostNetwork = hostNetwork;
    if (pod.status?.phase) s.phase = pod.status.phase;
    if (pod.status?.hostIP) s.hostIP = pod.status.hostIP;
    if (labelsChanged) this.podAppeared(s, arrival, out);

    const node = pod.spec?.nodeName;
    if (node && node !== s.node) {
      s.node = node;
      const t = conditionTime(pod.status?.conditions, 'PodScheduled', 'True');
      this.push(out, st, 'scheduled', t ?? arrivalIso, t ? 'object' : 'arrival', { node });
    }

    const reported = reportedIps(pod);
    // An empty status is not a release: Kubernetes 1.27–1.30 sent a terminal-phase status update
    // with podIP/podIPs blank while the sandbox still had the address, and a terminating Pod keeps
    // its IP until it is gone. The IP is released when the Pod is deleted or when a later status
    // names a different address.
    if (reported.length > 0) {
      for (const ip of st.held.filter((ip) => !reported.includes(ip))) this.release(st, ip, arrivalIso, 'arrival', false, out);
      const tAssign = conditionTime(pod.status?.conditions, 'PodReadyToStartContainers', 'True');
      for (const ip of reported.filter((ip) => !st!.held.includes(ip))) {
        this.assign(st, ip, tAssign ?? arrivalIso, tAssign ? 'object' : 'arrival', arrivalIso, out);
      }
      s.ips = [...st.held];
    }

    const readyCond = findCondition(pod.status?.conditions, 'Ready');
    const ready = readyCond?.status === 'True';
    if (ready !== s.ready) {
      s.ready = ready;
      // Never-ready Pods get no `unready`: it marks losing readiness, not lacking it.
      if (ready || st.everReady) {
        st.everReady = true;
        const t = toIso(readyCond?.lastTransitionTime);
        this.push(out, st, ready ? 'ready' : 'unready', t ?? arrivalIso, t ? 'object' : 'arrival');
      }
    }

    if (meta.deletionTimestamp && !s.terminating) {
      s.terminating = true;
      // deletionTimestamp is when the grace period ends; the deletion was requested grace seconds earlier.
      const end = toIso(meta.deletionTimestamp);
      const grace = meta.deletionGracePeriodSeconds ?? 0;
      const requested = end ? new Date(Date.parse(end) - grace * 1000).toISOString() : undefined;
      this.push(out, st, 'terminating', requested ?? arrivalIso, requested ? 'object' : 'arrival');
    }
  }

  private assign(st: PodState, ip: string, time: string, source: TimeSource, arrivalIso: string, out: LifecycleEvent[]): void {
    const s = st.summary;
    st.held.push(ip);
    if (s.hostNetwork) {
      this.push(out, st, 'ip-assigned', time, source, { ip, hostNetwork: true });
      this.addTenure({ ip, uid: s.uid, pod: key(s), from: time, fromSource: source, hostNetwork: true });
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
    this.addTenure({ ip, uid: s.uid, pod: key(s), from: time, fromSource: source, hostNetwork: false });
  }

  private release(st: PodState, ip: string, time: string, source: TimeSource, seenOnRelist: boolean, out: LifecycleEvent[], reason?: string): void {
    st.held = st.held.filter((h) => h !== ip);
    st.summary.ips = st.summary.ips.filter((h) => h !== ip);
    const extra: Partial<LifecycleEvent> = { ip };
    if (st.summary.hostNetwork) extra.hostNetwork = true;
    if (seenOnRelist) extra.seenOnRelist = true;
    if (reason) extra.reason = reason;
    this.push(out, st, 'ip-released', time, source, extra);
    const list = this.tenuresByIp.get(ip);
    const open = list?.slice().reverse().find((t) => t.uid === st.summary.uid && t.to === undefined);
    if (open) {
      open.to = time;
      open.toSource = source;
      if (seenOnRelist) open.endSeenOnRelist = true;
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
    this.record(ev);
    return ev;
  }

  // ---------------------------------------------------------------- Services and EndpointSlices

  applyService(type: WatchEventType, svc: ServiceObject, arrival: Date): LifecycleEvent[] {
    const k = podKey(svc?.metadata);
    if (!svc?.metadata?.name) throw new ModelInputError('Service without metadata.name');
    const out: LifecycleEvent[] = [];
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
      summary.endpoints = st.summary.endpoints;
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
    for (const s of list) out.push(...this.applyService('MODIFIED', s, arrival));
    return out;
  }

  applyEndpointSlice(type: WatchEventType, slice: EndpointSliceObject, arrival: Date, seenOnRelist = false): LifecycleEvent[] {
    const meta = slice?.metadata;
    if (!meta?.name) throw new ModelInputError('EndpointSlice without metadata.name');
    const k = podKey(meta);
    const out: LifecycleEvent[] = [];
    const before = this.slices.get(k);
    if (type === 'DELETED') {
      this.slices.delete(k);
      if (before) this.syncEndpoints(`${before.namespace}/${before.service}`, arrival, seenOnRelist, out);
      return out;
    }
    const service = meta.labels?.['kubernetes.io/service-name'];
    if (!service) return out;
    const ns = meta.namespace ?? '';
    const ready = new Map<string, { uid?: string; pod?: string }>();
    for (const ep of slice.endpoints ?? []) {
      // Kubernetes: a nil `ready` means ready.
      if (ep.conditions?.ready === false) continue;
      const ref = ep.targetRef?.kind === 'Pod' ? ep.targetRef : undefined;
      for (const addr of ep.addresses ?? []) {
        ready.set(addr, { uid: ref?.uid, pod: ref?.name ? `${ref.namespace ?? ns}/${ref.name}` : undefined });
      }
    }
    this.slices.set(k, { namespace: ns, service, ready });
    if (before && before.service !== service) this.syncEndpoints(`${before.namespace}/${before.service}`, arrival, seenOnRelist, out);
    this.syncEndpoints(`${ns}/${service}`, arrival, seenOnRelist, out);
    return out;
  }

  replaceEndpointSlices(list: EndpointSliceObject[], arrival: Date): LifecycleEvent[] {
    const out: LifecycleEvent[] = [];
    const present = new Set(list.map((s) => podKey(s?.metadata)));
    for (const k of [...this.slices.keys()]) {
      if (!present.has(k)) out.push(...this.applyEndpointSlice('DELETED', { metadata: splitKey(k) }, arrival, true));
    }
    for (const s of list) out.push(...this.applyEndpointSlice('MODIFIED', s, arrival, true));
    return out;
  }

  /** Bring a Service's announced endpoints in line with its slices, emitting the differences. */
  private syncEndpoints(serviceKey: string, arrival: Date, seenOnRelist: boolean, out: LifecycleEvent[]): void {
    const st = this.services.get(serviceKey);
    const now = new Map<string, { uid?: string; pod?: string }>();
    for (const sl of this.slices.values()) {
      if (`${sl.namespace}/${sl.service}` !== serviceKey) continue;
      for (const [ip, who] of sl.ready) if (!now.has(ip)) now.set(ip, who);
    }
    if (st) st.summary.endpoints = [...now.keys()].sort();
    if (!st) return;
    const target = st.relevant ? now : new Map<string, { uid?: string; pod?: string }>();
    const t = arrival.toISOString();
    for (const [ip, who] of st.announced) {
      if (target.has(ip)) continue;
      st.announced.delete(ip);
      this.pushService(out, 'endpoint-removed', t, serviceKey, ip, who, seenOnRelist);
    }
    for (const [ip, who] of target) {
      if (st.announced.has(ip)) continue;
      const resolved = who.uid ? who : this.holderNow(ip) ?? who;
      st.announced.set(ip, resolved);
      this.pushService(out, 'endpoint-added', t, serviceKey, ip, resolved, false);
    }
  }

  private pushService(
    out: LifecycleEvent[],
    type: LifecycleEventType,
    time: string,
    service: string,
    ip: string,
    who: { uid?: string; pod?: string },
    seenOnRelist: boolean,
  ): void {
    const ev: LifecycleEvent = { seq: ++this.seq, type, time, timeSource: 'arrival', service, ip };
    if (who.uid) ev.uid = who.uid;
    if (who.pod) ev.pod = who.pod;
    if (seenOnRelist) ev.seenOnRelist = true;
    this.record(ev);
    out.push(ev);
  }

  /** A Pod was seen (or its labels changed): Services that did not select any known Pod may now. */
  private podAppeared(s: PodSummary, arrival: Date, out: LifecycleEvent[]): void {
    for (const [k, st] of this.services) {
      if (st.relevant || st.summary.namespace !== s.namespace) continue;
      if (selectorMatches(st.summary.selector, s.labels)) {
        st.relevant = true;
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
    return this.events.filter((e) => (byName ? e.pod === uidOrKey && e.uid !== undefined && !e.service : e.uid === uidOrKey && !e.service));
  }

  pod(uid: string): PodSummary | undefined {
    const st = this.pods.get(uid);
    return st ? copySummary(st.summary) : undefined;
  }

  /** Pod lives known now: live ones and the most recently deleted ones. */
  podSummaries(): PodSummary[] {
    return [...this.pods.values()].map((st) => copySummary(st.summary));
  }

  livePods(): PodSummary[] {
    return this.podSummaries().filter((p) => !p.deleted);
  }

  /** The live (non-hostNetwork) Pod holding `ip` now, if any. */
  podByIp(ip: string): PodSummary | undefined {
    const h = this.holderNow(ip);
    return h ? this.pod(h.uid) : undefined;
  }

  /** Services that select at least one Pod this model has seen. */
  serviceSummaries(): ServiceSummary[] {
    return [...this.services.values()].filter((s) => s.relevant).map((s) => copyService(s.summary));
  }

  /** Services selecting this Pod (by labels, same namespace). */
  servicesSelecting(pod: { namespace: string; labels: Record<string, string> }): ServiceSummary[] {
    return [...this.services.values()]
      .filter((s) => s.summary.namespace === pod.namespace && selectorMatches(s.summary.selector, pod.labels))
      .map((s) => copyService(s.summary));
  }

  allEvents(): LifecycleEvent[] {
    return this.events.slice();
  }

  lastSeq(): number {
    return this.seq;
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

  private addTenure(t: IpTenure): void {
    let list = this.tenuresByIp.get(t.ip);
    if (!list) this.tenuresByIp.set(t.ip, (list = []));
    list.push(t);
    this.tenureCount++;
    if (this.tenureCount > this.maxTenures) this.pruneTenures();
  }

  /** Drop closed tenures, oldest first, until under the bound again (with some slack to amortise). */
  private pruneTenures(): void {
    const closed: IpTenure[] = [];
    for (const list of this.tenuresByIp.values()) for (const t of list) if (t.to !== undefined) closed.push(t);
    closed.sort((a, b) => Date.parse(a.to!) - Date.parse(b.to!));
    const target = Math.floor(this.maxTenures * 0.8);
    const drop = new Set(closed.slice(0, Math.max(0, this.tenureCount - target)));
    for (const [ip, list] of this.tenuresByIp) {
      const kept = list.filter((t) => !drop.has(t));
      if (kept.length) this.tenuresByIp.set(ip, kept);
      else this.tenuresByIp.delete(ip);
    }
    this.tenureCount -= drop.size;
  }

  private push(out: LifecycleEvent[], st: PodState, type: LifecycleEventType, time: string, timeSource: TimeSource, extra: Partial<LifecycleEvent> = {}): void {
    const s = st.summary;
    const ev: LifecycleEvent = { seq: ++this.seq, type, time, timeSource, uid: s.uid, pod: key(s) };
    if (s.node && type !== 'created') ev.node = s.node;
    if (s.owner) ev.owner = { ...s.owner };
    if (s.revision) ev.revision = s.revision;
    Object.assign(ev, extra);
    this.record(ev);
    out.push(ev);
  }

  private record(ev: LifecycleEvent): void {
    this.events.push(ev);
    // Trim in chunks so a full history costs O(1) amortised per event, and stays within 125% of the bound.
    if (this.events.length > this.maxEvents + Math.ceil(this.maxEvents / 4)) this.events.splice(0, this.events.length - this.maxEvents);
  }
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
