// The baseline's data model (test/webview/bench-harness.ts): the timeline model as a first version
// would write it, and as this project had it before webview/model.ts: one object per segment,
// marker and event, arrays filtered on every change. Kept as it was so the naive SVG join is
// measured with the model it was built on.
import type { LifecycleEvent, PodSummary, ServiceSummary, TimelineSnapshot, WatchScope, ConnectionState } from '../../src/core/events';
// The same helpers and shapes as the real model's: not part of what the baseline measures.
import { compareIp, parseTime, type Counts, type LaneOptions } from '../../webview/model';

export type MarkerType = 'created' | 'ready' | 'unready' | 'terminating' | 'deleted';
export const MARKER_TYPES: readonly MarkerType[] = ['created', 'ready', 'unready', 'terminating', 'deleted'];

/** One Pod holding one IP, from ip-assigned to ip-released (open while `end` is undefined). */
export interface Segment {
  id: number;
  uid: string;
  ip: string;
  start: number;
  end?: number;
  hostNetwork: boolean;
  /** The release was found by a relist after the watch was down, so `end` is only an upper bound. */
  endSeenOnRelist: boolean;
}

export interface Marker {
  id: number;
  uid: string;
  type: MarkerType;
  t: number;
  seenOnRelist: boolean;
}

export interface ReuseLink {
  id: number;
  ip: string;
  fromUid: string;
  toUid: string;
  t: number;
  overlap: boolean;
}

export interface GapBand {
  id: number;
  from: number;
  to: number;
  reason?: string;
}

export interface PodLife {
  uid: string;
  /** `namespace/name` */
  pod: string;
  owner?: { kind: string; name: string };
  revision?: string;
  node?: string;
  segments: Segment[];
  markers: Marker[];
  summary?: PodSummary;
  first: number;
  last: number;
  deleted: boolean;
}

export interface EndpointChange {
  t: number;
  ip: string;
  added: boolean;
  uid?: string;
  pod?: string;
}

export interface ServiceLane {
  key: string;
  summary?: ServiceSummary;
  changes: EndpointChange[];
}

export type Lane =
  | { kind: 'group'; key: string; label: string; count: number }
  | { kind: 'pod'; key: string; uid: string; label: string }
  | { kind: 'ip'; key: string; ip: string; label: string; uids: string[]; /** every holder passes the filter */ all: boolean };

export class TimelineModel {
  scope?: WatchScope;
  connection: ConnectionState = 'connecting';
  connectionMessage?: string;
  readonly pods = new Map<string, PodLife>();
  readonly segmentsByIp = new Map<string, Segment[]>();
  readonly links: ReuseLink[] = [];
  readonly gaps: GapBand[] = [];
  readonly services = new Map<string, ServiceLane>();
  /** Every event in arrival order (for the table view and JSON export). */
  readonly events: LifecycleEvent[] = [];
  first = Infinity;
  last = -Infinity;
  maxSeq = -Infinity;
  /** Bumped whenever lanes may need to be recomputed (a new Pod, IP, owner or deletion). */
  structureVersion = 0;
  /** Bumped on any change. */
  version = 0;
  private nextId = 1;

  /**
   * `maxEvents` bounds what a panel left open for hours keeps, like the host's own bounded
   * history: past it, the oldest events are dropped, and so are deleted Pods, links, gaps and
   * endpoint changes that lie entirely before the oldest event kept.
   */
  constructor(readonly maxEvents = 50_000) {}

  /** Keeps at least as much history as the host chose to send. */
  static fromSnapshot(s: TimelineSnapshot, maxEvents = 50_000): TimelineModel {
    const m = new TimelineModel(Math.max(maxEvents, s.events.length));
    m.scope = s.scope;
    m.setConnection(s.connection, s.connectionMessage);
    m.applySummaries(s.pods, s.services);
    m.apply(s.events);
    return m;
  }

  setConnection(c: ConnectionState, message?: string): void {
    this.connection = c;
    this.connectionMessage = message;
    this.version++;
  }

  applySummaries(pods: readonly PodSummary[], services: readonly ServiceSummary[]): void {
    for (const p of pods) {
      const life = this.life(p.uid, `${p.namespace}/${p.name}`);
      const before = `${life.owner?.kind}/${life.owner?.name}/${life.revision}/${life.deleted}`;
      life.summary = p;
      if (p.owner) life.owner = p.owner;
      if (p.revision) life.revision = p.revision;
      if (p.node) life.node = p.node;
      if (p.deleted) life.deleted = true;
      if (`${life.owner?.kind}/${life.owner?.name}/${life.revision}/${life.deleted}` !== before) this.structureVersion++;
    }
    for (const s of services) {
      const key = `${s.namespace}/${s.name}`;
      const lane = this.services.get(key);
      if (lane) lane.summary = s;
      else {
        this.services.set(key, { key, summary: s, changes: [] });
        this.structureVersion++;
      }
    }
    this.version++;
  }

  /** Folds events in; events with a seq already seen are duplicates (a batch racing a snapshot) and skipped. */
  apply(events: readonly LifecycleEvent[]): number {
    let applied = 0;
    for (const e of events) {
      if (e.seq <= this.maxSeq) continue;
      this.maxSeq = e.seq;
      const t = parseTime(e.time);
      if (t === undefined) continue;
      this.events.push(e);
      applied++;
      if (t < this.first) this.first = t;
      if (t > this.last) this.last = t;
      this.applyOne(e, t);
    }
    if (applied) this.version++;
    // A quarter of slack so pruning happens now and then, not on every batch.
    if (this.events.length > this.maxEvents + Math.ceil(this.maxEvents / 4)) this.prune();
    return applied;
  }

  private prune(): void {
    this.events.splice(0, this.events.length - this.maxEvents);
    const horizon = parseTime(this.events[0]?.time) ?? -Infinity;
    for (const [uid, l] of this.pods) {
      if (l.deleted && l.last < horizon && l.segments.every((sg) => sg.end !== undefined && sg.end < horizon)) this.pods.delete(uid);
    }
    for (const [ip, list] of this.segmentsByIp) {
      const kept = list.filter((sg) => this.pods.has(sg.uid));
      if (kept.length === 0) this.segmentsByIp.delete(ip);
      else if (kept.length !== list.length) this.segmentsByIp.set(ip, kept);
    }
    const keep = <T>(arr: T[], ok: (x: T) => boolean) => {
      const kept = arr.filter(ok);
      arr.splice(0, arr.length, ...kept);
    };
    keep(this.links, (l) => l.t >= horizon);
    keep(this.gaps, (g) => g.to >= horizon);
    for (const svc of this.services.values()) keep(svc.changes, (c) => c.t >= horizon);
    let first = horizon;
    for (const l of this.pods.values()) if (l.first < first) first = l.first;
    this.first = first;
    this.structureVersion++;
    this.version++;
  }

  private life(uid: string, pod: string | undefined): PodLife {
    let l = this.pods.get(uid);
    if (!l) {
      l = { uid, pod: pod ?? uid, segments: [], markers: [], first: Infinity, last: -Infinity, deleted: false };
      this.pods.set(uid, l);
      this.structureVersion++;
    } else if (pod && l.pod === l.uid) l.pod = pod;
    return l;
  }

  private applyOne(e: LifecycleEvent, t: number): void {
    if (e.type === 'gap') {
      const from = parseTime(e.from) ?? t;
      const to = parseTime(e.to) ?? t;
      this.gaps.push({ id: this.nextId++, from: Math.min(from, to), to: Math.max(from, to), reason: e.reason });
      return;
    }
    if (e.type === 'endpoint-added' || e.type === 'endpoint-removed') {
      if (!e.service) return;
      let lane = this.services.get(e.service);
      if (!lane) {
        lane = { key: e.service, changes: [] };
        this.services.set(e.service, lane);
        this.structureVersion++;
      }
      lane.changes.push({ t, ip: e.ip ?? '', added: e.type === 'endpoint-added', uid: e.uid, pod: e.pod });
      return;
    }
    if (e.type === 'ip-reused') {
      if (e.ip && e.uid && e.previousUid) {
        this.links.push({ id: this.nextId++, ip: e.ip, fromUid: e.previousUid, toUid: e.uid, t, overlap: e.overlap === true });
      }
      return;
    }
    if (!e.uid) return;
    const life = this.life(e.uid, e.pod);
    if (t < life.first) life.first = t;
    if (t > life.last) life.last = t;
    if (e.owner && (life.owner?.name !== e.owner.name || life.owner?.kind !== e.owner.kind)) {
      life.owner = e.owner;
      this.structureVersion++;
    }
    if (e.revision && life.revision !== e.revision) {
      life.revision = e.revision;
      this.structureVersion++;
    }
    if (e.node) life.node = e.node;
    switch (e.type) {
      case 'ip-assigned': {
        if (!e.ip) return;
        if (life.segments.some((s) => s.ip === e.ip && s.end === undefined)) return;
        const seg: Segment = { id: this.nextId++, uid: life.uid, ip: e.ip, start: t, hostNetwork: e.hostNetwork === true, endSeenOnRelist: false };
        life.segments.push(seg);
        let list = this.segmentsByIp.get(e.ip);
        if (!list) {
          list = [];
          this.segmentsByIp.set(e.ip, list);
          this.structureVersion++;
        }
        list.push(seg);
        return;
      }
      case 'ip-released':
        this.close(life, t, e.ip, e.seenOnRelist === true);
        return;
      case 'deleted':
        this.close(life, t, undefined, e.seenOnRelist === true);
        this.mark(life, 'deleted', t, e.seenOnRelist === true);
        if (!life.deleted) {
          life.deleted = true;
          this.structureVersion++;
        }
        return;
      case 'created':
      case 'ready':
      case 'unready':
      case 'terminating':
        this.mark(life, e.type, t, e.seenOnRelist === true);
        return;
      default:
        return; // scheduled: shown in the table, not drawn
    }
  }

  private close(life: PodLife, t: number, ip: string | undefined, relist: boolean): void {
    for (const s of life.segments) {
      if (s.end === undefined && (ip === undefined || s.ip === ip)) {
        s.end = Math.max(t, s.start);
        s.endSeenOnRelist = relist;
      }
    }
  }

  private mark(life: PodLife, type: MarkerType, t: number, relist: boolean): void {
    life.markers.push({ id: this.nextId++, uid: life.uid, type, t, seenOnRelist: relist });
  }

  /** Counts for the status line; cached per version because the status is drawn every frame. */
  counts(): Counts {
    if (this.countsCache?.version === this.version) return this.countsCache.counts;
    const counts = this.computeCounts();
    this.countsCache = { version: this.version, counts };
    return counts;
  }
  private countsCache?: { version: number; counts: Counts };

  private computeCounts(): Counts {
    let running = 0;
    for (const l of this.pods.values()) if (!l.deleted && l.segments.some((s) => s.end === undefined)) running++;
    let reusedIps = 0;
    for (const list of this.segmentsByIp.values()) if (new Set(list.map((s) => s.uid)).size > 1) reusedIps++;
    return {
      pods: this.pods.size,
      running,
      ips: this.segmentsByIp.size,
      reusedIps,
      events: this.events.length,
      gaps: this.gaps.length,
      services: this.services.size,
    };
  }

  /** Text a filter is matched against: everything a user may type to find a Pod. */
  private haystack(l: PodLife): string {
    return [l.pod, l.node ?? '', l.owner?.name ?? '', l.revision ?? '', ...l.segments.map((s) => s.ip)].join(' ').toLowerCase();
  }

  lanes(o: LaneOptions): Lane[] {
    const needle = o.filter.trim().toLowerCase();
    const visible = (l: PodLife) => (!o.hideDeleted || !l.deleted) && (needle === '' || this.haystack(l).includes(needle));
    if (o.groupBy === 'ip') {
      const out: Lane[] = [];
      const ips = [...this.segmentsByIp.keys()].sort(compareIp);
      for (const ip of ips) {
        const segs = this.segmentsByIp.get(ip)!;
        const holders = [...new Set(segs.map((s) => s.uid))];
        const uids = holders.filter((u) => {
          const l = this.pods.get(u);
          return l !== undefined && (visible(l) || (needle !== '' && ip.includes(needle) && (!o.hideDeleted || !l.deleted)));
        });
        if (uids.length === 0) continue;
        out.push({ kind: 'ip', key: `ip:${ip}`, ip, label: ip, uids, all: uids.length === holders.length });
      }
      return out;
    }
    const groups = new Map<string, { label: string; owner: string; lives: PodLife[]; first: number }>();
    for (const l of this.pods.values()) {
      if (!visible(l)) continue;
      const owner = l.owner ? `${l.owner.kind} ${l.owner.name}` : 'no owner';
      const ns = l.pod.includes('/') ? l.pod.slice(0, l.pod.indexOf('/')) : '';
      const label = `${ns ? ns + ' · ' : ''}${owner}${l.revision ? ` · rev ${l.revision}` : ''}`;
      let g = groups.get(label);
      if (!g) groups.set(label, (g = { label, owner: `${ns}/${owner}`, lives: [], first: Infinity }));
      g.lives.push(l);
      g.first = Math.min(g.first, l.first);
    }
    const out: Lane[] = [];
    // Owners alphabetically; an owner's revisions in the order they appeared, so a rollout reads top to bottom.
    const ordered = [...groups.values()].sort((a, b) => (a.owner < b.owner ? -1 : a.owner > b.owner ? 1 : a.first - b.first || (a.label < b.label ? -1 : 1)));
    for (const g of ordered) {
      out.push({ kind: 'group', key: `group:${g.label}`, label: g.label, count: g.lives.length });
      g.lives.sort((a, b) => a.first - b.first || (a.pod < b.pod ? -1 : 1));
      for (const l of g.lives) out.push({ kind: 'pod', key: `pod:${l.uid}`, uid: l.uid, label: l.pod.slice(l.pod.indexOf('/') + 1) });
    }
    return out;
  }

  /** Segments drawn on a lane. */
  laneSegments(lane: Lane): Segment[] {
    if (lane.kind === 'pod') return this.pods.get(lane.uid)?.segments ?? [];
    if (lane.kind === 'ip') {
      if (lane.all) return this.segmentsByIp.get(lane.ip) ?? [];
      const uids = new Set(lane.uids);
      return (this.segmentsByIp.get(lane.ip) ?? []).filter((s) => uids.has(s.uid));
    }
    return [];
  }

  /** Index of revisions per owner in order of first appearance, so a rollout shows as a colour change. */
  revisionIndex(life: PodLife): number {
    const key = `${life.owner?.kind}/${life.owner?.name}`;
    let revs = this.revisionOrder.get(key);
    if (!revs) this.revisionOrder.set(key, (revs = []));
    const r = life.revision ?? '';
    let i = revs.indexOf(r);
    if (i < 0) {
      revs.push(r);
      i = revs.length - 1;
    }
    return i;
  }
  private readonly revisionOrder = new Map<string, string[]>();
}
