// The timeline's data model: lifecycle events folded into Pod lives, IP segments, markers, reuse
// links, gap bands and Service endpoint histories, in typed-array columns (webview/columns.ts),
// with the indexes the view needs to draw only what is on screen:
//  - per Pod life, linked lists of its segments and markers;
//  - per IP, its segments sorted by start with a running maximum of their ends, so the first
//    segment reaching into a time window is one binary search away;
//  - per Service, its endpoint intervals, the same way, packed into rows;
//  - a log of what arrived, one 4-byte pointer per event, for the table and the JSON export.
// Nothing here allocates per event on the snapshot path, which is what lets a 500,000-segment
// snapshot load in well under a second and stay under ~300 bytes per segment.
// No DOM here, so it runs (and is tested) in node as well as in the page.
import { LIFECYCLE_EVENT_TYPES, type ConnectionState, type LifecycleEvent, type OwnerRef, type PodSummary, type ServiceSummary, type TimelineSnapshot, type WatchScope } from '../src/core/events';
import {
  F_ARRIVAL,
  F_HOST_NETWORK,
  F_NODE,
  F_OVERLAP,
  F_OWNER,
  F_RELIST,
  F_REVISION,
  PACKED_FORMAT,
  T_EP_ADDED,
  T_EP_REMOVED,
  T_GAP,
  T_IP_RELEASED,
  T_IP_REUSED,
  TYPE_INDEX,
  namespaceOf,
  packSnapshot,
  stringAt,
  type PackedSnapshot,
} from '../src/core/protocol/packedSnapshot';
import { F64, I32, Texts, U8, Vocab, lowerBound } from './columns';

export type MarkerType = 'created' | 'ready' | 'unready' | 'terminating' | 'deleted';
export const MARKER_TYPES: readonly MarkerType[] = ['created', 'ready', 'unready', 'terminating', 'deleted'];

const T_ASSIGNED = TYPE_INDEX['ip-assigned'];
const T_DELETED = TYPE_INDEX.deleted;
/** Marker type codes (event type indexes) that are drawn; `scheduled` is kept for the table only. */
export const DRAWN_MARKER: Uint8Array = (() => {
  const a = new Uint8Array(LIFECYCLE_EVENT_TYPES.length);
  for (const t of MARKER_TYPES) a[TYPE_INDEX[t]] = 1;
  return a;
})();
export function markerTypeName(code: number): MarkerType {
  return LIFECYCLE_EVENT_TYPES[code] as MarkerType;
}

// Life flags
export const L_DELETED = 1;
/** Placed in a lane group (see orderedGroups). */
const L_GROUPED = 2;
// Segment flags
export const S_HOST_NETWORK = 1;
export const S_END_RELIST = 2;
export const S_START_ARRIVAL = 4;
export const S_END_ARRIVAL = 8;
/** The ip-assigned / ip-released event carried the Pod's node, owner and revision (the host's always do). */
const S_START_FIELDS = 16;
const S_END_FIELDS = 32;
// Marker flags
export const M_RELIST = 1;
export const M_ARRIVAL = 2;
export const M_NODE = 4;
export const M_OWNER = 8;
export const M_REVISION = 16;
// Link flags
const K_OVERLAP = 1;
const K_ARRIVAL = 2;
// Endpoint change flags
const E_ADDED = 1;
const E_RELIST = 2;
const E_ARRIVAL = 4;

// Log pointers: kind in the top 3 bits, index below.
const LOG_SHIFT = 29;
const LOG_MASK = (1 << LOG_SHIFT) - 1;
const K_MARK = 0;
const K_SEG_START = 1;
const K_SEG_END = 2;
const K_LINK = 3;
const K_ENDPOINT = 4;
const K_GAP = 5;

export interface GapBand {
  id: number;
  /** The event's own time (the host puts the start of the outage there). */
  at: number;
  from: number;
  to: number;
  reason?: string;
}

/**
 * One IP's segments (or one Service's endpoint intervals), as ids sorted by start, with the
 * running maximum of their ends (open = +Infinity). Starts are read from the model's own start
 * column, not copied.
 */
export class SortedIntervals {
  readonly ids: I32;
  readonly maxEnd: F64;
  /** maxEnd is stale from here on (an end changed); fixed on the next query. */
  dirtyFrom = Infinity;

  constructor(
    private readonly startCol: F64,
    capacity = 4,
  ) {
    this.ids = new I32(capacity);
    this.maxEnd = new F64(capacity);
  }

  start(k: number): number {
    return this.startCol.a[this.ids.a[k]];
  }

  /** First position in [lo, hi) whose start is greater than `t`. */
  after(t: number, lo = 0, hi = this.ids.n): number {
    const ids = this.ids.a;
    const st = this.startCol.a;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (st[ids[mid]] <= t) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  add(id: number, start: number): void {
    const n = this.ids.n;
    if (n === 0 || this.start(n - 1) <= start) {
      this.ids.push(id);
      this.maxEnd.push(Infinity);
      this.dirtyFrom = Math.min(this.dirtyFrom, n);
      return;
    }
    // Arrived out of order (object timestamps): rare, so a shift is fine.
    const i = this.after(start);
    this.ids.insert(i, id);
    this.maxEnd.push(0);
    this.dirtyFrom = Math.min(this.dirtyFrom, i);
  }

  /** Appends an id known to start no earlier than the last (bulk loading). */
  append(id: number): void {
    this.ids.a[this.ids.n++] = id;
    this.maxEnd.n++;
  }

  /** An interval's end changed: the running maximum is recomputed lazily from its position. */
  touched(start: number): void {
    const i = this.after(start - 1e-9);
    this.dirtyFrom = Math.min(this.dirtyFrom, i);
  }

  /** Brings maxEnd up to date; `end` is the end column. */
  fix(end: Float64Array): void {
    if (this.dirtyFrom >= this.ids.n) return;
    const ids = this.ids.a;
    const m = this.maxEnd.a;
    let run = this.dirtyFrom > 0 ? m[this.dirtyFrom - 1] : -Infinity;
    for (let i = this.dirtyFrom, n = this.ids.n; i < n; i++) {
      const e = end[ids[i]];
      if (e > run) run = e;
      m[i] = run;
    }
    this.dirtyFrom = Infinity;
  }

  /** First position whose interval (or an earlier one) reaches `t`: everything before ends before `t`. */
  firstReaching(t: number): number {
    return lowerBound(this.maxEnd.a, this.ids.n, t);
  }
}

export interface ServiceLane {
  id: number;
  key: string;
  summary?: ServiceSummary;
  /** Endpoint intervals of this Service (ids into the model's endpoint interval columns). */
  intervals: SortedIntervals;
  /** Rows the intervals are packed into (the most endpoints at once). */
  rows: number;
  /** Open interval per IP id. */
  open: Map<number, number>;
  /** Which interval holds each row now (-1: free). */
  rowBusy: number[];
  changes: number;
}

export type GroupBy = 'pod' | 'ip';

export interface LaneOptions {
  groupBy: GroupBy;
  filter: string;
  hideDeleted: boolean;
  /**
   * Lanes that left the window: deleted Pods (by IP: IPs nobody holds) last seen before `before`
   * are counted in one summary row at the top, and hidden unless `open`. Live Pods never fold.
   */
  fold?: { before: number; open: boolean };
}

export interface LaneGroup {
  key: string;
  label: string;
  count: number;
  /** The summary row of the lanes that left the window (see LaneOptions.fold). */
  folded?: { before: number; open: boolean };
}

/** The key of the summary row of folded lanes. */
export const FOLDED_KEY = 'folded';

/**
 * Lanes for one grouping and filter. `ids[i]` ≥ 0 is a life (lanes by Pod) or an IP id (lanes by
 * IP); a negative value -(g + 1) is the header of group g.
 */
export interface LaneLayout {
  groupBy: GroupBy;
  ids: Int32Array;
  length: number;
  groups: LaneGroup[];
  /** Lane of each life (by Pod) or IP (by IP); -1 when not shown. */
  laneOf: Int32Array;
  /** Lives that pass the filter, when one applies (by IP: segments of other lives are not drawn). */
  visible?: Uint8Array;
}

export interface Counts {
  pods: number;
  running: number;
  ips: number;
  reusedIps: number;
  events: number;
  gaps: number;
  services: number;
}

export function parseTime(s: string | undefined): number | undefined {
  if (s === undefined) return undefined;
  const t = Date.parse(s);
  return Number.isNaN(t) ? undefined : t;
}

/** Sorts IPv4 numerically and everything else (IPv6, odd strings) after, as text. */
export function compareIp(a: string, b: string): number {
  const pa = a.split('.');
  const pb = b.split('.');
  if (pa.length === 4 && pb.length === 4) {
    for (let i = 0; i < 4; i++) {
      const d = Number(pa[i]) - Number(pb[i]);
      if (d !== 0 && !Number.isNaN(d)) return d;
    }
    return 0;
  }
  if (pa.length === 4) return -1;
  if (pb.length === 4) return 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

interface GroupState {
  key: string;
  ns: number;
  owner: number;
  rev: number;
  lives: I32;
  /** The lives are in order of first appearance (else sorted before the next layout). */
  sorted: boolean;
  first: number;
  /** The first event of its newest Pod: when the ReplicaSet last made Pods (see rankRevisions). */
  latest: number;
  /** Its place among the revisions of its owner in its namespace, oldest 0; and how many there are. */
  rank: number;
  revisions: number;
}

/** What a revision's rank among its owner's is called on its group row (none while there is one). */
export function revisionAge(rank: number, revisions: number): string | undefined {
  if (revisions < 2) return undefined;
  if (rank === revisions - 1) return 'newest';
  if (rank === revisions - 2) return 'previous';
  return 'older';
}

export class TimelineModel {
  scope?: WatchScope;
  connection: ConnectionState = 'connecting';
  connectionMessage?: string;
  first = Infinity;
  last = -Infinity;
  maxSeq = -Infinity;
  /** Bumped whenever lanes may need to be recomputed (a new Pod, IP, owner, revision or deletion). */
  structureVersion = 0;
  /** Bumped on any change. */
  version = 0;

  // ---- vocabularies and texts
  readonly texts = new Texts();
  readonly ipV = new Vocab();
  readonly nodeV = new Vocab();
  readonly nsV = new Vocab();
  readonly revV = new Vocab();
  readonly svcV = new Vocab();
  readonly reasonV = new Vocab();
  readonly owners: OwnerRef[] = [];
  private readonly ownerIndex = new Map<string, number>();

  // ---- lives
  lifeCount = 0;
  lUid = new I32();
  lPod = new I32();
  lNs = new I32();
  lOwner = new I32();
  lRev = new I32();
  lNode = new I32();
  lFirst = new F64();
  lFlags = new U8();
  lOpen = new U8();
  lSegHead = new I32();
  lMarkHead = new I32();
  /** Lives whose events may still come, by UID (others are found by `findLife`). */
  private readonly uidIndex = new Map<string, number>();
  readonly summaries = new Map<number, PodSummary>();

  // ---- segments
  segCount = 0;
  sStart = new F64();
  sEnd = new F64();
  sLife = new I32();
  sIp = new I32();
  sFlags = new U8();
  sNext = new I32();
  private readonly releaseReason = new Map<number, number>();

  // ---- markers
  markCount = 0;
  mT = new F64();
  mType = new U8();
  mFlags = new U8();
  mLife = new I32();
  mNext = new I32();
  private readonly markIp = new Map<number, number>();

  // ---- links (an IP given to a new Pod)
  linkCount = 0;
  kT = new F64();
  kIp = new I32();
  kFrom = new I32();
  kTo = new I32();
  kFlags = new U8();

  // ---- endpoint changes and intervals
  epCount = 0;
  eT = new F64();
  eSvc = new I32();
  eIp = new I32();
  eLife = new I32();
  eFlags = new U8();
  ivCount = 0;
  iStart = new F64();
  iEnd = new F64();
  iIp = new I32();
  iLife = new I32();
  iRow = new I32();

  // ---- per IP
  readonly ipLanes: SortedIntervals[] = [];
  private ipLastLife = new I32();
  private ipHolders = new I32();

  readonly gaps: GapBand[] = [];
  readonly services = new Map<number, ServiceLane>();
  readonly log = new I32();

  private running = 0;
  private reusedIps = 0;
  /** While a snapshot loads, the IP index is built afterwards in one pass instead of per segment. */
  private bulk = false;
  private nextGapId = 1;
  private readonly groups: GroupState[] = [];
  /** Groups by owner, then searched by namespace and revision (an owner has a handful). */
  private readonly groupsByOwner = new Map<number, GroupState[]>();
  private lifeColour = new U8();
  /** Lives were grouped since the revisions were last ranked. */
  private ranksDirty = false;

  /**
   * `maxEvents` bounds what a panel left open for hours keeps: past it, the lives that have been
   * gone the longest are dropped (never a running one), by rebuilding the model without them.
   */
  constructor(readonly maxEvents = 2_000_000) {}

  /** Keeps at least as much history as the host chose to send. */
  static fromSnapshot(s: TimelineSnapshot | PackedSnapshot, maxEvents = 2_000_000): TimelineModel {
    const p = isPacked(s) ? s : packSnapshot(s);
    const m = new TimelineModel(Math.max(maxEvents, Math.ceil(p.events.count * 1.5)));
    m.scope = p.scope;
    m.setConnection(p.connection, p.connectionMessage);
    m.loadPacked(p);
    // Summaries name their life's row: only those without events need the UID lookup.
    const attached = new Uint8Array(p.pods.length);
    for (let l = 0; l < p.lives.count; l++) {
      const k = p.lives.summary[l];
      if (k) {
        attached[k - 1] = 1;
        m.attachSummary(l, p.pods[k - 1]);
      }
    }
    m.applySummaries(p.pods.filter((_, i) => !attached[i]), p.services);
    return m;
  }

  setConnection(c: ConnectionState, message?: string): void {
    this.connection = c;
    this.connectionMessage = message;
    this.version++;
  }

  // ================================================================ lives

  private newLife(uidText: number, podText: number, ns: number): number {
    const l = this.lifeCount++;
    this.lUid.push(uidText);
    this.lPod.push(podText);
    this.lNs.push(ns);
    this.lOwner.push(-1);
    this.lRev.push(-1);
    this.lNode.push(-1);
    this.lFirst.push(Infinity);
    this.lFlags.push(0);
    this.lOpen.push(0);
    this.lSegHead.push(-1);
    this.lMarkHead.push(-1);
    this.lifeColour.push(255);
    this.structureVersion++;
    return l;
  }

  /** The life with this UID among those indexed (every life that is not deleted, and those added live), or -1. */
  findLife(uid: string): number {
    return this.uidIndex.get(uid) ?? -1;
  }

  /**
   * Also looks among the most recently created lives that are not indexed (deleted ones loaded
   * from a snapshot: indexing them all would keep a string per life). Used where an event may name
   * a Pod that is gone: an endpoint removed just after its Pod, a summary of a deleted Pod.
   */
  findRecentLife(uid: string): number {
    const l = this.findLife(uid);
    if (l >= 0) return l;
    for (let i = this.lifeCount - 1, stop = Math.max(0, this.lifeCount - 5000); i >= stop; i--) {
      if (this.uidOf(i) === uid) {
        this.uidIndex.set(uid, i);
        return i;
      }
    }
    return -1;
  }

  private lifeFor(uid: string, pod: string | undefined): number {
    let l = this.findLife(uid);
    if (l < 0) {
      l = this.newLife(this.texts.add(uid), this.texts.add(pod ?? uid), this.nsV.id(namespaceOf(pod)));
      this.uidIndex.set(uid, l);
    } else if (pod !== undefined && this.lPod.a[l] === this.lUid.a[l] && pod !== uid) {
      this.lPod.a[l] = this.texts.add(pod);
      this.lNs.a[l] = this.nsV.id(namespaceOf(pod));
      this.names.delete(l);
    }
    return l;
  }

  uidOf(l: number): string {
    return this.texts.get(this.lUid.a[l]);
  }
  /** `namespace/name` */
  podOf(l: number): string {
    return this.texts.get(this.lPod.a[l]);
  }
  /** The Pod's name without its namespace: a lane's label, remembered for the lives on screen (no string per frame). */
  nameOf(l: number): string {
    let n = this.names.get(l);
    if (n === undefined) {
      const p = this.podOf(l);
      n = p.slice(p.indexOf('/') + 1);
      if (this.names.size >= 8192) this.names.clear();
      this.names.set(l, n);
    }
    return n;
  }
  private readonly names = new Map<number, string>();
  nodeOf(l: number): string | undefined {
    const n = this.lNode.a[l];
    return n < 0 ? undefined : this.nodeV.list[n];
  }
  ownerOf(l: number): OwnerRef | undefined {
    const o = this.lOwner.a[l];
    return o < 0 ? undefined : this.owners[o];
  }
  revisionOf(l: number): string | undefined {
    const r = this.lRev.a[l];
    return r < 0 ? undefined : this.revV.list[r];
  }
  /**
   * When a life was last seen doing something: its newest marker or segment end. O(1): a life's
   * lists start with what came last, which is the newest but for object-time skew.
   */
  lastSeen(l: number): number {
    let t = this.lFirst.a[l];
    const mk = this.lMarkHead.a[l];
    if (mk >= 0 && this.mT.a[mk] > t) t = this.mT.a[mk];
    const sg = this.lSegHead.a[l];
    if (sg >= 0 && this.sEnd.a[sg] > t) t = this.sEnd.a[sg];
    return t;
  }
  isDeleted(l: number): boolean {
    return (this.lFlags.a[l] & L_DELETED) !== 0;
  }
  ipOfSeg(s: number): string {
    return this.ipV.list[this.sIp.a[s]];
  }

  private ownerId(o: OwnerRef): number {
    const k = `${o.kind}\u0000${o.name}`;
    let i = this.ownerIndex.get(k);
    if (i === undefined) {
      i = this.owners.length;
      this.owners.push({ kind: o.kind, name: o.name });
      this.ownerIndex.set(k, i);
    }
    return i;
  }

  private setOwner(l: number, owner: number): void {
    if (this.lOwner.a[l] === owner) return;
    this.lOwner.a[l] = owner;
    this.regroup(l);
  }
  private setRevision(l: number, rev: number): void {
    if (this.lRev.a[l] === rev) return;
    this.lRev.a[l] = rev;
    this.regroup(l);
  }
  private regroup(l: number): void {
    if (this.lFlags.a[l] & L_GROUPED) this.groupsDirty = true;
    this.lifeColour.a[l] = 255;
    this.structureVersion++;
  }
  private groupsDirty = false;

  // ================================================================ folding

  /** Folds a packed snapshot in (the model is empty). One pass over the columns, no object per event. */
  private loadPacked(p: PackedSnapshot): void {
    const { events: e, lives, strings } = p;
    this.texts.setBase(strings.text, strings.offsets);
    // String index → vocabulary id, one vocabulary at a time through one scratch array.
    const nStrings = strings.offsets.length - 1;
    const scratch = new Int32Array(nStrings).fill(-1);
    const through = (v: Vocab, i: number): number => {
      let id = scratch[i];
      if (id < 0) scratch[i] = id = v.id(stringAt(strings, i));
      return id;
    };
    // Exact sizes for the columns: counted first, so nothing grows (or wastes) while loading.
    let marks = 0;
    let segs = 0;
    let links = 0;
    let eps = 0;
    for (let i = 0; i < e.count; i++) {
      const t = e.type[i];
      if (t === T_ASSIGNED) segs++;
      else if (t === T_IP_REUSED) links++;
      else if (t === T_EP_ADDED || t === T_EP_REMOVED) eps++;
      else if (t !== T_IP_RELEASED && t !== T_GAP) marks++;
    }
    this.reserveLives(lives.count);
    this.reserveSegments(segs);
    this.reserveMarkers(marks);
    this.kT.reserve(links);
    this.kIp.reserve(links);
    this.kFrom.reserve(links);
    this.kTo.reserve(links);
    this.kFlags.reserve(links);
    this.reserveEndpoints(eps);
    this.log.reserve(e.count);

    for (let i = 0; i < lives.count; i++) this.newLife(lives.uid[i], lives.pod[i], through(this.nsV, lives.ns[i]));
    scratch.fill(-1);
    for (let i = 0; i < lives.count; i++) if (lives.revision[i]) this.lRev.a[i] = through(this.revV, lives.revision[i] - 1);
    scratch.fill(-1);
    for (let i = 0; i < lives.count; i++) if (lives.node[i]) this.lNode.a[i] = through(this.nodeV, lives.node[i] - 1);
    const ownerMap = p.owners.map((o) => this.ownerId(o));
    for (let i = 0; i < lives.count; i++) if (lives.owner[i]) this.lOwner.a[i] = ownerMap[lives.owner[i] - 1];
    scratch.fill(-1);
    this.bulk = true;
    const svcScratch = new Map<number, number>();
    const reasonScratch = new Map<number, number>();
    const gaps = p.gaps;
    for (let i = 0; i < e.count; i++) {
      const seq = e.seq[i] + e.seqBase;
      if (seq <= this.maxSeq) continue;
      this.maxSeq = seq;
      const type = e.type[i];
      const t = e.time[i] + e.timeBase;
      const f = e.flags[i];
      const life = e.life[i] - 1;
      const ip = e.ip[i] ? through(this.ipV, e.ip[i] - 1) : -1;
      const aux = e.aux[i];
      let auxId = -1;
      if (aux) {
        if (type === T_IP_REUSED) auxId = aux - 1;
        else if (type === T_EP_ADDED || type === T_EP_REMOVED) {
          let id = svcScratch.get(aux);
          if (id === undefined) svcScratch.set(aux, (id = this.svcV.id(stringAt(strings, aux - 1))));
          auxId = id;
        } else if (type === T_IP_RELEASED) {
          let id = reasonScratch.get(aux);
          if (id === undefined) reasonScratch.set(aux, (id = this.reasonV.id(stringAt(strings, aux - 1))));
          auxId = id;
        } else if (type === T_GAP) auxId = aux - 1;
      }
      if (type === T_GAP) {
        const g = gaps[auxId] ?? { from: t, to: t };
        this.fold(type, t, f, -1, -1, -1, g.from, g.to, g.reason);
      } else this.fold(type, t, f, life, ip, auxId, 0, 0, undefined);
    }
    this.bulk = false;
    this.indexIps();
    // Lives that can still change are found by UID at once; the others on demand (see findRecentLife).
    for (let i = 0; i < this.lifeCount; i++) if (!(this.lFlags.a[i] & L_DELETED)) this.uidIndex.set(this.texts.get(this.lUid.a[i]), i);
    this.version++;
  }

  private reserveLives(n: number): void {
    for (const c of [this.lUid, this.lPod, this.lNs, this.lOwner, this.lRev, this.lNode, this.lSegHead, this.lMarkHead]) c.reserve(n);
    this.lFirst.reserve(n);
    this.lFlags.reserve(n);
    this.lOpen.reserve(n);
    this.lifeColour.reserve(n);
  }
  private reserveSegments(n: number): void {
    this.sStart.reserve(n);
    this.sEnd.reserve(n);
    this.sLife.reserve(n);
    this.sIp.reserve(n);
    this.sFlags.reserve(n);
    this.sNext.reserve(n);
  }
  private reserveMarkers(n: number): void {
    this.mT.reserve(n);
    this.mType.reserve(n);
    this.mFlags.reserve(n);
    this.mLife.reserve(n);
    this.mNext.reserve(n);
  }
  private reserveEndpoints(n: number): void {
    this.eT.reserve(n);
    this.eSvc.reserve(n);
    this.eIp.reserve(n);
    this.eLife.reserve(n);
    this.eFlags.reserve(n);
  }

  /** Folds events in; events with a seq already seen are duplicates (a batch racing a snapshot) and skipped. */
  apply(events: readonly LifecycleEvent[]): number {
    let applied = 0;
    for (const e of events) {
      if (e.seq <= this.maxSeq) continue;
      this.maxSeq = e.seq;
      const t = parseTime(e.time);
      if (t === undefined) continue;
      applied++;
      const type = TYPE_INDEX[e.type];
      let f = e.timeSource === 'arrival' ? F_ARRIVAL : 0;
      if (e.seenOnRelist) f |= F_RELIST;
      if (e.hostNetwork) f |= F_HOST_NETWORK;
      if (e.overlap) f |= F_OVERLAP;
      const ip = e.ip !== undefined ? this.ipV.id(e.ip) : -1;
      if (type === T_GAP) {
        this.fold(type, t, f, -1, -1, -1, parseTime(e.from) ?? t, parseTime(e.to) ?? t, e.reason);
        continue;
      }
      let life = -1;
      if (e.uid !== undefined) {
        // An endpoint change may name a Pod that is already gone; it never starts a life.
        life = e.service ? this.findRecentLife(e.uid) : this.lifeFor(e.uid, e.pod);
        if (!e.service) {
          if (e.node !== undefined) {
            f |= F_NODE;
            this.lNode.a[life] = this.nodeV.id(e.node);
          }
          if (e.owner) {
            f |= F_OWNER;
            this.setOwner(life, this.ownerId(e.owner));
          }
          if (e.revision !== undefined) {
            f |= F_REVISION;
            this.setRevision(life, this.revV.id(e.revision));
          }
        }
      }
      let aux = -1;
      if (type === T_IP_REUSED && e.previousUid !== undefined) aux = this.previousHolder(e.previousUid, e.previousPod, ip);
      else if ((type === T_EP_ADDED || type === T_EP_REMOVED) && e.service !== undefined) aux = this.svcV.id(e.service);
      else if (type === T_IP_RELEASED && e.reason !== undefined) aux = this.reasonV.id(e.reason);
      this.fold(type, t, f, life, ip, aux, 0, 0, undefined);
    }
    if (applied) this.version++;
    if (this.log.n > this.maxEvents * 1.25) this.prune();
    return applied;
  }

  /** The previous holder of an IP: its last holder here when the UID matches (no UID index needed), else by UID. */
  private previousHolder(uid: string, pod: string | undefined, ip: number): number {
    const lane = ip >= 0 ? this.ipLanes[ip] : undefined;
    if (lane && lane.ids.n) {
      for (let i = lane.ids.n - 1; i >= Math.max(0, lane.ids.n - 4); i--) {
        const l = this.sLife.a[lane.ids.a[i]];
        if (this.uidOf(l) === uid) return l;
      }
    }
    const l = this.findRecentLife(uid);
    return l >= 0 ? l : this.lifeFor(uid, pod);
  }

  /**
   * One event. `f` holds the packed F_* flags; `ip`, `aux` are ids (-1: none): aux is the previous
   * holder (ip-reused), the Service (endpoint changes) or the reason (ip-released).
   */
  private fold(type: number, t: number, f: number, life: number, ip: number, aux: number, from: number, to: number, reason: string | undefined): void {
    if (t < this.first) this.first = t;
    if (t > this.last) this.last = t;
    if (type === T_GAP) {
      this.gaps.push({ id: this.nextGapId++, at: t, from: Math.min(from, to), to: Math.max(from, to), reason });
      this.log.push((K_GAP << LOG_SHIFT) | (this.gaps.length - 1));
      return;
    }
    if (type === T_EP_ADDED || type === T_EP_REMOVED) {
      if (aux < 0) return;
      this.endpointChange(aux, ip, life, t, type === T_EP_ADDED, f);
      return;
    }
    if (type === T_IP_REUSED) {
      if (ip < 0 || life < 0 || aux < 0) return;
      const k = this.linkCount++;
      this.kT.push(t);
      this.kIp.push(ip);
      this.kFrom.push(aux);
      this.kTo.push(life);
      this.kFlags.push((f & F_OVERLAP ? K_OVERLAP : 0) | (f & F_ARRIVAL ? K_ARRIVAL : 0));
      this.log.push((K_LINK << LOG_SHIFT) | k);
      return;
    }
    if (life < 0) return;
    if (t < this.lFirst.a[life]) {
      this.lFirst.a[life] = t;
      if (this.lFlags.a[life] & L_GROUPED) this.groupsDirty = true;
    }
    if (type === T_ASSIGNED) {
      if (ip < 0) return;
      for (let s = this.lSegHead.a[life]; s >= 0; s = this.sNext.a[s]) if (this.sIp.a[s] === ip && this.sEnd.a[s] === Infinity) return;
      const s = this.segCount++;
      this.sStart.push(t);
      this.sEnd.push(Infinity);
      this.sLife.push(life);
      this.sIp.push(ip);
      this.sFlags.push((f & F_HOST_NETWORK ? S_HOST_NETWORK : 0) | (f & F_ARRIVAL ? S_START_ARRIVAL : 0) | (f & (F_NODE | F_OWNER | F_REVISION) ? S_START_FIELDS : 0));
      this.sNext.push(this.lSegHead.a[life]);
      this.lSegHead.a[life] = s;
      if (this.lOpen.a[life]++ === 0 && !(this.lFlags.a[life] & L_DELETED)) this.running++;
      if (!this.bulk) this.addToIp(ip, s, t, life);
      this.log.push((K_SEG_START << LOG_SHIFT) | s);
      return;
    }
    if (type === T_IP_RELEASED) {
      this.close(life, t, ip, f, aux);
      return;
    }
    // A marker (scheduled is kept for the table, not drawn).
    const m = this.markCount++;
    this.mT.push(t);
    this.mType.push(type);
    this.mFlags.push((f & F_RELIST ? M_RELIST : 0) | (f & F_ARRIVAL ? M_ARRIVAL : 0) | (f & F_NODE ? M_NODE : 0) | (f & F_OWNER ? M_OWNER : 0) | (f & F_REVISION ? M_REVISION : 0));
    this.mLife.push(life);
    this.mNext.push(this.lMarkHead.a[life]);
    this.lMarkHead.a[life] = m;
    if (ip >= 0) this.markIp.set(m, ip);
    this.log.push((K_MARK << LOG_SHIFT) | m);
    if (type === T_DELETED) {
      // A deletion without a release before it (an older host, a replay): the segments end here too.
      this.close(life, t, -1, f, -1, false);
      if (!(this.lFlags.a[life] & L_DELETED)) this.markDeleted(life);
    }
  }

  private markDeleted(life: number): void {
    this.lFlags.a[life] |= L_DELETED;
    if (this.lOpen.a[life] > 0) this.running--;
    this.structureVersion++;
  }

  /** Ends the open segments of a life (of one IP, or all); `logged` when the event was an ip-released. */
  private close(life: number, t: number, ip: number, f: number, reason: number, logged = true): void {
    for (let s = this.lSegHead.a[life]; s >= 0; s = this.sNext.a[s]) {
      if (this.sEnd.a[s] !== Infinity || (ip >= 0 && this.sIp.a[s] !== ip)) continue;
      const start = this.sStart.a[s];
      this.sEnd.a[s] = Math.max(t, start);
      this.sFlags.a[s] = (this.sFlags.a[s] & (S_HOST_NETWORK | S_START_ARRIVAL | S_START_FIELDS)) | (f & F_RELIST ? S_END_RELIST : 0) | (f & F_ARRIVAL ? S_END_ARRIVAL : 0) | (f & (F_NODE | F_OWNER | F_REVISION) ? S_END_FIELDS : 0);
      if (reason >= 0) this.releaseReason.set(s, reason);
      if (!this.bulk) this.ipLanes[this.sIp.a[s]].touched(start);
      if (--this.lOpen.a[life] === 0 && !(this.lFlags.a[life] & L_DELETED)) this.running--;
      if (logged) this.log.push((K_SEG_END << LOG_SHIFT) | s);
    }
  }

  /** The IP index of a freshly loaded snapshot: sized per IP first, then filled in segment (time) order. */
  private indexIps(): void {
    const nIps = this.ipV.size;
    const count = new Int32Array(nIps);
    for (let s = 0; s < this.segCount; s++) count[this.sIp.a[s]]++;
    while (this.ipLanes.length < nIps) {
      const ip = this.ipLanes.length;
      this.ipLanes.push(new SortedIntervals(this.sStart, count[ip] + 4));
      this.ipLastLife.push(-1);
      this.ipHolders.push(0);
    }
    const sIp = this.sIp.a;
    const sStart = this.sStart.a;
    const sLife = this.sLife.a;
    for (let s = 0; s < this.segCount; s++) {
      const ip = sIp[s];
      const lane = this.ipLanes[ip];
      const n = lane.ids.n;
      // In creation order, which is start order but for late timestamps (those take the slow path).
      if (n && lane.start(n - 1) > sStart[s]) lane.add(s, sStart[s]);
      else lane.append(s);
      const life = sLife[s];
      if (this.ipLastLife.a[ip] !== life) {
        this.ipLastLife.a[ip] = life;
        if (++this.ipHolders.a[ip] === 2) this.reusedIps++;
      }
    }
    for (const lane of this.ipLanes) lane.dirtyFrom = 0;
    this.structureVersion++;
  }

  private addToIp(ip: number, s: number, t: number, life: number): void {
    while (this.ipLanes.length <= ip) {
      this.ipLanes.push(new SortedIntervals(this.sStart));
      this.ipLastLife.push(-1);
      this.ipHolders.push(0);
      this.structureVersion++;
    }
    this.ipLanes[ip].add(s, t);
    if (this.ipLastLife.a[ip] !== life) {
      this.ipLastLife.a[ip] = life;
      if (++this.ipHolders.a[ip] === 2) this.reusedIps++;
    }
  }

  private endpointChange(svc: number, ip: number, life: number, t: number, added: boolean, f: number): void {
    const lane = this.serviceLane(svc);
    const c = this.epCount++;
    this.eT.push(t);
    this.eSvc.push(svc);
    this.eIp.push(ip);
    this.eLife.push(life);
    this.eFlags.push((added ? E_ADDED : 0) | (f & F_RELIST ? E_RELIST : 0) | (f & F_ARRIVAL ? E_ARRIVAL : 0));
    this.log.push((K_ENDPOINT << LOG_SHIFT) | c);
    lane.changes++;
    const open = lane.open.get(ip);
    if (added) {
      if (open !== undefined) return;
      let row = lane.rowBusy.indexOf(-1);
      if (row < 0) {
        row = lane.rowBusy.length;
        lane.rowBusy.push(-1);
        lane.rows = lane.rowBusy.length;
        this.structureVersion++;
      }
      const iv = this.ivCount++;
      this.iStart.push(t);
      this.iEnd.push(Infinity);
      this.iIp.push(ip);
      this.iLife.push(life);
      this.iRow.push(row);
      lane.rowBusy[row] = iv;
      lane.open.set(ip, iv);
      lane.intervals.add(iv, t);
    } else if (open !== undefined) {
      this.iEnd.a[open] = Math.max(t, this.iStart.a[open]);
      lane.open.delete(ip);
      lane.rowBusy[this.iRow.a[open]] = -1;
      lane.intervals.touched(this.iStart.a[open]);
    }
  }

  private serviceLane(svc: number): ServiceLane {
    let lane = this.services.get(svc);
    if (!lane) {
      lane = { id: svc, key: this.svcV.list[svc], intervals: new SortedIntervals(this.iStart), rows: 0, open: new Map(), rowBusy: [], changes: 0 };
      this.services.set(svc, lane);
      this.structureVersion++;
    }
    return lane;
  }

  applySummaries(pods: readonly PodSummary[], services: readonly ServiceSummary[]): void {
    for (const p of pods) {
      // A summary of a deleted Pod whose history is not here adds nothing to draw.
      const found = this.findRecentLife(p.uid);
      if (found < 0 && p.deleted) continue;
      this.attachSummary(found >= 0 ? found : this.lifeFor(p.uid, `${p.namespace}/${p.name}`), p);
    }
    for (const s of services) this.serviceLane(this.svcV.id(`${s.namespace}/${s.name}`)).summary = s;
    this.version++;
  }

  /** What the host knows of a life now: kept for tooltips; owner, revision, node and deletion are taken from it. */
  attachSummary(l: number, p: PodSummary): void {
    this.summaries.set(l, p);
    if (p.owner) this.setOwner(l, this.ownerId(p.owner));
    if (p.revision) this.setRevision(l, this.revV.id(p.revision));
    if (p.node) this.lNode.a[l] = this.nodeV.id(p.node);
    if (p.deleted && !(this.lFlags.a[l] & L_DELETED)) this.markDeleted(l);
  }

  /**
   * Past `maxEvents`, drops the lives gone the longest, with everything about them, keeping every
   * life that still holds an IP or is not deleted. Rebuilds the columns (O(n), every ~25% growth).
   */
  private prune(): void {
    const keepEvents = this.maxEvents;
    let total = this.log.n;
    // Lives in the order they were last seen: markers of deletion are in log order.
    const drop = new Uint8Array(this.lifeCount);
    for (let i = 0; i < this.log.n && total > keepEvents; i++) {
      const p = this.log.a[i];
      if (p >>> LOG_SHIFT !== K_MARK) continue;
      const m = p & LOG_MASK;
      if (this.mType.a[m] !== T_DELETED) continue;
      const l = this.mLife.a[m];
      if (drop[l] || this.lOpen.a[l]) continue;
      drop[l] = 1;
      total -= this.eventsOfLife(l);
    }
    const events = this.exportEvents((l) => !drop[l]);
    const fresh = TimelineModel.fromSnapshot({ scope: this.scope ?? { context: '', labelSelector: '' }, connection: this.connection, events, pods: [...this.summaries].filter(([l]) => !drop[l]).map(([, s]) => s), services: [...this.services.values()].flatMap((s) => (s.summary ? [s.summary] : [])) }, this.maxEvents);
    fresh.maxSeq = this.maxSeq;
    if (this.connectionMessage !== undefined) fresh.connectionMessage = this.connectionMessage;
    Object.assign(this, fresh);
    this.structureVersion++;
    this.version++;
  }

  private eventsOfLife(l: number): number {
    let n = 0;
    for (let m = this.lMarkHead.a[l]; m >= 0; m = this.mNext.a[m]) n++;
    for (let s = this.lSegHead.a[l]; s >= 0; s = this.sNext.a[s]) n += this.sEnd.a[s] === Infinity ? 1 : 2;
    return n;
  }

  // ================================================================ queries

  /** Counts for the status line. */
  counts(): Counts {
    if (this.countsCache?.version === this.version) return this.countsCache.counts;
    let ips = 0;
    for (const lane of this.ipLanes) if (lane.ids.n) ips++;
    const counts = { pods: this.lifeCount, running: this.running, ips, reusedIps: this.reusedIps, events: this.log.n, gaps: this.gaps.length, services: this.services.size };
    this.countsCache = { version: this.version, counts };
    return counts;
  }
  private countsCache?: { version: number; counts: Counts };

  /**
   * The rank of a life's revision among its owner's, oldest 0 (see rankRevisions), so a rollout
   * shows as a change of colour and the newest revision has the highest, after a rollback too.
   */
  revisionIndex(l: number): number {
    // New lives may change the ranks (and so the colour of those already drawn).
    if (this.grouped < this.lifeCount || this.groupsDirty) this.groupUp();
    const c = this.lifeColour.a[l];
    if (c !== 255) return c;
    const g = this.groupOf(l);
    const v = Math.min(g?.rank ?? 0, 254);
    this.lifeColour.a[l] = v;
    return v;
  }

  /** 'newest', 'previous' or 'older' among its owner's revisions; undefined while it has one. */
  revisionAgeOf(l: number): string | undefined {
    if (this.grouped < this.lifeCount || this.groupsDirty) this.groupUp();
    const g = this.groupOf(l);
    return g && g.rev >= 0 ? revisionAge(g.rank, g.revisions) : undefined;
  }

  /** The revision group of a life (its namespace, owner and revision), once grouped. */
  private groupOf(l: number): GroupState | undefined {
    const ns = this.lNs.a[l];
    const rev = this.lRev.a[l];
    return this.groupsByOwner.get(this.lOwner.a[l])?.find((x) => x.ns === ns && x.rev === rev);
  }

  /** The newest segment of a life (the one started last), or -1. */
  newestSegment(l: number): number {
    let best = -1;
    for (let s = this.lSegHead.a[l]; s >= 0; s = this.sNext.a[s]) if (best < 0 || this.sStart.a[s] >= this.sStart.a[best]) best = s;
    return best;
  }

  /** The IPs a life held, oldest first. */
  segmentsOf(l: number): number[] {
    const out: number[] = [];
    for (let s = this.lSegHead.a[l]; s >= 0; s = this.sNext.a[s]) out.push(s);
    return out.sort((a, b) => this.sStart.a[a] - this.sStart.a[b]);
  }

  /** The IP lane's index brought up to date (ends changed since the last query). */
  ipIndex(ip: number): SortedIntervals {
    const lane = this.ipLanes[ip];
    lane.fix(this.sEnd.a);
    return lane;
  }

  serviceIndex(lane: ServiceLane): SortedIntervals {
    lane.intervals.fix(this.iEnd.a);
    return lane.intervals;
  }

  // ================================================================ lanes

  private filterKey = '';
  private filterHit = new U8();
  private filterDone = 0;

  /** Whether life `l` matches the filter text (lower case): its name, node, owner, revision or one of its IPs. */
  lifeMatches(l: number, needle: string): boolean {
    if (needle !== this.filterKey) {
      this.filterKey = needle;
      this.filterDone = 0;
      this.filterHit = new U8(this.lifeCount);
    }
    while (this.filterDone < this.lifeCount) {
      const i = this.filterDone++;
      this.filterHit.push(this.haystackHas(i, needle) ? 1 : 0);
    }
    return this.filterHit.a[l] === 1;
  }

  private haystackHas(l: number, needle: string): boolean {
    if (this.podOf(l).toLowerCase().includes(needle)) return true;
    const node = this.nodeOf(l);
    if (node && node.toLowerCase().includes(needle)) return true;
    const owner = this.ownerOf(l);
    if (owner && owner.name.toLowerCase().includes(needle)) return true;
    const rev = this.revisionOf(l);
    if (rev && rev.toLowerCase().includes(needle)) return true;
    for (let s = this.lSegHead.a[l]; s >= 0; s = this.sNext.a[s]) if (this.ipV.list[this.sIp.a[s]].toLowerCase().includes(needle)) return true;
    return false;
  }

  /** Lanes for a grouping and filter; O(lives) without sorting unless lives arrived out of order. */
  lanes(o: LaneOptions): LaneLayout {
    const needle = o.filter.trim().toLowerCase();
    const visible = (l: number) => (!o.hideDeleted || !(this.lFlags.a[l] & L_DELETED)) && (needle === '' || this.lifeMatches(l, needle));
    const fold = o.fold && Number.isFinite(o.fold.before) ? o.fold : undefined;
    // Row 0 is kept for the summary of folded lanes; given back when there are none.
    const first = fold ? 1 : 0;
    let past = 0;
    if (o.groupBy === 'ip') {
      const order: number[] = [];
      for (let ip = 0; ip < this.ipLanes.length; ip++) if (this.ipLanes[ip].ids.n) order.push(ip);
      const names = this.ipV.list;
      order.sort((a, b) => compareIp(names[a], names[b]));
      const ids = new Int32Array(order.length + first);
      const laneOf = new Int32Array(this.ipV.size).fill(-1);
      const filtered = needle !== '' || o.hideDeleted;
      const vis = filtered ? new Uint8Array(this.lifeCount) : undefined;
      if (vis) for (let l = 0; l < this.lifeCount; l++) vis[l] = visible(l) ? 1 : 0;
      let n = first;
      for (const ip of order) {
        if (vis) {
          const lane = this.ipLanes[ip];
          const ipHit = needle !== '' && names[ip].includes(needle);
          let any = false;
          for (let k = 0; k < lane.ids.n && !any; k++) {
            const l = this.sLife.a[lane.ids.a[k]];
            if (vis[l]) any = true;
            else if (ipHit && (!o.hideDeleted || !(this.lFlags.a[l] & L_DELETED))) {
              vis[l] = 1;
              any = true;
            }
          }
          if (ipHit) for (let k = 0; k < lane.ids.n; k++) {
            const l = this.sLife.a[lane.ids.a[k]];
            if (!o.hideDeleted || !(this.lFlags.a[l] & L_DELETED)) vis[l] = 1;
          }
          if (!any) continue;
        }
        if (fold) {
          // Nobody has held it since before the window.
          const idx = this.ipIndex(ip);
          if (idx.maxEnd.a[idx.ids.n - 1] < fold.before) {
            past++;
            if (!fold.open) continue;
          }
        }
        laneOf[ip] = n;
        ids[n++] = ip;
      }
      const groups: LaneGroup[] = [];
      n = this.foldRow(ids, laneOf, n, past, fold, groups, 'IPs nobody held in the window');
      return { groupBy: 'ip', ids, length: n, groups, laneOf, visible: vis };
    }
    const groups = this.orderedGroups();
    const ids = new Int32Array(this.lifeCount + groups.length + first);
    const laneOf = new Int32Array(this.lifeCount).fill(-1);
    const out: LaneGroup[] = [];
    let n = first;
    for (const g of groups) {
      const header = n++;
      let count = 0;
      const a = g.lives.a;
      for (let k = 0; k < g.lives.n; k++) {
        const l = a[k];
        if (!visible(l)) continue;
        if (fold && this.lFlags.a[l] & L_DELETED && this.lastSeen(l) < fold.before) {
          past++;
          if (!fold.open) continue;
        }
        laneOf[l] = n;
        ids[n++] = l;
        count++;
      }
      if (count === 0) {
        n = header;
        continue;
      }
      ids[header] = -(out.length + 1);
      out.push({ key: g.key, label: this.groupLabel(g), count });
    }
    n = this.foldRow(ids, laneOf, n, past, fold, out, 'Pods that left the window');
    return { groupBy: 'pod', ids, length: n, groups: out, laneOf };
  }

  /** Puts the summary row of folded lanes in row 0, or gives row 0 back when nothing folded. */
  private foldRow(ids: Int32Array, laneOf: Int32Array, n: number, past: number, fold: LaneOptions['fold'], groups: LaneGroup[], what: string): number {
    if (!fold) return n;
    if (past === 0) {
      ids.copyWithin(0, 1, n);
      for (let i = 0; i < laneOf.length; i++) if (laneOf[i] > 0) laneOf[i]--;
      return n - 1;
    }
    groups.push({ key: FOLDED_KEY, label: `${fold.open ? '▾' : '▸'} ${what}, ${fold.open ? 'shown: click to fold' : 'folded: click to show'}`, count: past, folded: { ...fold } });
    ids[0] = -groups.length;
    return n;
  }

  private groupLabel(g: GroupState): string {
    const ns = this.nsV.list[g.ns] ?? '';
    const o = g.owner >= 0 ? this.owners[g.owner] : undefined;
    const owner = o ? `${o.kind} ${o.name}` : 'no owner';
    const rev = g.rev >= 0 ? this.revV.list[g.rev] : undefined;
    const age = rev ? revisionAge(g.rank, g.revisions) : undefined;
    return `${ns ? ns + ' · ' : ''}${owner}${rev ? ` · rev ${rev}` : ''}${age ? ` · ${age}` : ''}`;
  }

  /** Owners alphabetically; an owner's revisions oldest first (see rankRevisions), so a rollout reads top to bottom. */
  private orderedGroups(): GroupState[] {
    this.groupUp();
    const keyOf = (g: GroupState) => {
      const o = g.owner >= 0 ? this.owners[g.owner] : undefined;
      return `${this.nsV.list[g.ns] ?? ''}/${o ? `${o.kind} ${o.name}` : 'no owner'}`;
    };
    const keys = new Map(this.groups.map((g) => [g, keyOf(g)]));
    return [...this.groups].sort((a, b) => {
      const ka = keys.get(a)!;
      const kb = keys.get(b)!;
      return ka < kb ? -1 : ka > kb ? 1 : a.rank - b.rank || a.first - b.first || (a.key < b.key ? -1 : 1);
    });
  }

  /** Puts the lives not yet grouped into their (namespace, owner, revision) group, and ranks the revisions. */
  private groupUp(): void {
    if (this.groupsDirty) {
      // An owner or revision changed, or a life's first event moved earlier: regroup from scratch.
      this.groups.length = 0;
      this.groupsByOwner.clear();
      for (let l = 0; l < this.lifeCount; l++) this.lFlags.a[l] &= ~L_GROUPED;
      this.groupsDirty = false;
      this.grouped = 0;
    }
    let last: GroupState | undefined;
    for (; this.grouped < this.lifeCount; this.grouped++) {
      const l = this.grouped;
      const ns = this.lNs.a[l];
      const owner = this.lOwner.a[l];
      const rev = this.lRev.a[l];
      let g = last && last.ns === ns && last.owner === owner && last.rev === rev ? last : undefined;
      if (!g) {
        let list = this.groupsByOwner.get(owner);
        if (!list) this.groupsByOwner.set(owner, (list = []));
        g = list.find((x) => x.ns === ns && x.rev === rev);
        if (!g) {
          g = { key: `group:${ns}|${owner}|${rev}`, ns, owner, rev, lives: new I32(4), sorted: true, first: Infinity, latest: -Infinity, rank: 0, revisions: 1 };
          list.push(g);
          this.groups.push(g);
        }
        last = g;
      }
      const n = g.lives.n;
      const first = this.lFirst.a[l];
      if (n && this.lFirst.a[g.lives.a[n - 1]] > first) g.sorted = false;
      g.lives.push(l);
      this.lFlags.a[l] |= L_GROUPED;
      if (first < g.first) g.first = first;
      if (first > g.latest && first !== Infinity) g.latest = first;
      this.ranksDirty = true;
    }
    for (const g of this.groups) {
      if (g.sorted) continue;
      const a = Array.from(g.lives.a.subarray(0, g.lives.n));
      a.sort((x, y) => this.lFirst.a[x] - this.lFirst.a[y] || (this.podOf(x) < this.podOf(y) ? -1 : 1));
      g.lives.a.set(a);
      g.sorted = true;
    }
    if (this.ranksDirty) this.rankRevisions();
  }

  /**
   * Ranks each owner's revisions (per namespace) by age, oldest first. Pods do not carry the
   * Deployment's revision number (`deployment.kubernetes.io/revision` is on the ReplicaSet), but
   * a ReplicaSet makes Pods only while it is the Deployment's current one, which is when that
   * number is raised: so the revision whose newest Pod came last is the newest revision, and a
   * rollback (which makes an old ReplicaSet current again) makes it the newest, as it does its
   * revision number. Only a change of order recolours the lives.
   */
  private rankRevisions(): void {
    this.ranksDirty = false;
    const byOwner = new Map<number, GroupState[]>();
    for (const g of this.groups) {
      const k = g.owner * 65_536 + g.ns;
      let list = byOwner.get(k);
      if (!list) byOwner.set(k, (list = []));
      list.push(g);
    }
    let changed = false;
    for (const list of byOwner.values()) {
      list.sort((a, b) => a.latest - b.latest || a.first - b.first || (a.key < b.key ? -1 : 1));
      for (let i = 0; i < list.length; i++) {
        const g = list[i];
        if (g.rank !== i || g.revisions !== list.length) changed = true;
        g.rank = i;
        g.revisions = list.length;
      }
    }
    if (changed) {
      this.lifeColour.a.fill(255, 0, this.lifeCount);
      this.structureVersion++;
    }
  }
  private grouped = 0;

  // ================================================================ the log, as events again

  /** Event `i` of the log (0 = oldest), as the LifecycleEvent it came from (seq renumbered from 1). */
  eventAt(i: number): LifecycleEvent {
    const p = this.log.a[i];
    const k = p >>> LOG_SHIFT;
    const x = p & LOG_MASK;
    const seq = i + 1;
    const iso = (t: number) => new Date(t).toISOString();
    const withLife = (ev: LifecycleEvent, l: number, flags: number) => {
      if (l < 0) return ev;
      ev.uid = this.uidOf(l);
      ev.pod = this.podOf(l);
      if (flags & M_NODE) {
        const n = this.nodeOf(l);
        if (n !== undefined) ev.node = n;
      }
      if (flags & M_OWNER) {
        const o = this.ownerOf(l);
        if (o) ev.owner = { ...o };
      }
      if (flags & M_REVISION) {
        const r = this.revisionOf(l);
        if (r !== undefined) ev.revision = r;
      }
      return ev;
    };
    // What an IP event carried besides its own fields, when it carried any (the host's carry all three).
    const podFlags = M_NODE | M_OWNER | M_REVISION;
    switch (k) {
      case K_MARK: {
        const f = this.mFlags.a[x];
        const ev: LifecycleEvent = { seq, type: LIFECYCLE_EVENT_TYPES[this.mType.a[x]], time: iso(this.mT.a[x]), timeSource: f & M_ARRIVAL ? 'arrival' : 'object' };
        withLife(ev, this.mLife.a[x], f);
        const ip = this.markIp.get(x);
        if (ip !== undefined) ev.ip = this.ipV.list[ip];
        if (f & M_RELIST) ev.seenOnRelist = true;
        return ev;
      }
      case K_SEG_START:
      case K_SEG_END: {
        const f = this.sFlags.a[x];
        const start = k === K_SEG_START;
        const ev: LifecycleEvent = {
          seq,
          type: start ? 'ip-assigned' : 'ip-released',
          time: iso(start ? this.sStart.a[x] : this.sEnd.a[x]),
          timeSource: f & (start ? S_START_ARRIVAL : S_END_ARRIVAL) ? 'arrival' : 'object',
        };
        withLife(ev, this.sLife.a[x], f & (start ? S_START_FIELDS : S_END_FIELDS) ? podFlags : 0);
        ev.ip = this.ipV.list[this.sIp.a[x]];
        if (!start && f & S_END_RELIST) ev.seenOnRelist = true;
        if (f & S_HOST_NETWORK) ev.hostNetwork = true;
        const r = start ? undefined : this.releaseReason.get(x);
        if (r !== undefined) ev.reason = this.reasonV.list[r];
        return ev;
      }
      case K_LINK: {
        const f = this.kFlags.a[x];
        const ev: LifecycleEvent = { seq, type: 'ip-reused', time: iso(this.kT.a[x]), timeSource: f & K_ARRIVAL ? 'arrival' : 'object' };
        withLife(ev, this.kTo.a[x], 0);
        ev.ip = this.ipV.list[this.kIp.a[x]];
        ev.previousUid = this.uidOf(this.kFrom.a[x]);
        ev.previousPod = this.podOf(this.kFrom.a[x]);
        ev.overlap = (f & K_OVERLAP) !== 0;
        return ev;
      }
      case K_ENDPOINT: {
        const f = this.eFlags.a[x];
        const ev: LifecycleEvent = { seq, type: f & E_ADDED ? 'endpoint-added' : 'endpoint-removed', time: iso(this.eT.a[x]), timeSource: f & E_ARRIVAL ? 'arrival' : 'object' };
        withLife(ev, this.eLife.a[x], 0);
        if (this.eIp.a[x] >= 0) ev.ip = this.ipV.list[this.eIp.a[x]];
        ev.service = this.svcV.list[this.eSvc.a[x]];
        if (f & E_RELIST) ev.seenOnRelist = true;
        return ev;
      }
      default: {
        const g = this.gaps[x];
        const ev: LifecycleEvent = { seq, type: 'gap', time: iso(g.at), timeSource: 'arrival', from: iso(g.from), to: iso(g.to) };
        if (g.reason !== undefined) ev.reason = g.reason;
        return ev;
      }
    }
  }

  /** The time (epoch ms) of event `i` of the log, without building the event. */
  timeOfEvent(i: number): number {
    const p = this.log.a[i];
    const x = p & LOG_MASK;
    switch (p >>> LOG_SHIFT) {
      case K_MARK:
        return this.mT.a[x];
      case K_SEG_START:
        return this.sStart.a[x];
      case K_SEG_END:
        return this.sEnd.a[x];
      case K_LINK:
        return this.kT.a[x];
      case K_ENDPOINT:
        return this.eT.a[x];
      default:
        return this.gaps[x].at;
    }
  }

  /** The life an event of the log belongs to (-1: none), without building the event. */
  lifeOfEvent(i: number): number {
    const p = this.log.a[i];
    const x = p & LOG_MASK;
    switch (p >>> LOG_SHIFT) {
      case K_MARK:
        return this.mLife.a[x];
      case K_SEG_START:
      case K_SEG_END:
        return this.sLife.a[x];
      case K_LINK:
        return this.kTo.a[x];
      case K_ENDPOINT:
        return this.eLife.a[x];
      default:
        return -1;
    }
  }

  /** Every event kept, in arrival order (`keep` picks lives). */
  exportEvents(keep: (life: number) => boolean = () => true): LifecycleEvent[] {
    const out: LifecycleEvent[] = [];
    for (let i = 0; i < this.log.n; i++) {
      const l = this.lifeOfEvent(i);
      if (l >= 0 && !keep(l)) continue;
      const e = this.eventAt(i);
      e.seq = out.length + 1;
      out.push(e);
    }
    return out;
  }

  exportSnapshot(): TimelineSnapshot {
    const s: TimelineSnapshot = {
      scope: this.scope ?? { context: '', labelSelector: '' },
      connection: this.connection,
      events: this.exportEvents(),
      pods: [...this.summaries.values()],
      services: [...this.services.values()].flatMap((x) => (x.summary ? [x.summary] : [])),
    };
    if (this.connectionMessage !== undefined) s.connectionMessage = this.connectionMessage;
    return s;
  }
}

function isPacked(s: TimelineSnapshot | PackedSnapshot): s is PackedSnapshot {
  return (s as PackedSnapshot).format === PACKED_FORMAT;
}
