// The snapshot as it travels to the webview: columns of typed arrays and one table of strings,
// instead of one object per event. Structured clone (and VS Code's webview transport, which moves
// typed arrays as binary) copies a typed array as one block of memory, where it walks an object
// graph field by field: 300,000 event objects take ~600 ms to clone in Chromium, their columns a
// few milliseconds. The webview folds the columns straight into its own columnar model.
// Pure: no vscode, no DOM, no I/O.
import { LIFECYCLE_EVENT_TYPES, type ConnectionState, type LifecycleEvent, type LifecycleEventType, type OwnerRef, type PodSummary, type ServiceSummary, type TimelineSnapshot, type WatchScope } from '../events';

export const PACKED_FORMAT = 'pod-ip-lens.packed.v1';

/** Per-event flag bits. */
export const F_ARRIVAL = 1;
export const F_RELIST = 2;
export const F_HOST_NETWORK = 4;
export const F_OVERLAP = 8;
export const F_NODE = 16;
export const F_OWNER = 32;
export const F_REVISION = 64;

export const TYPE_INDEX: Record<LifecycleEventType, number> = Object.fromEntries(LIFECYCLE_EVENT_TYPES.map((t, i) => [t, i])) as Record<LifecycleEventType, number>;
export const T_IP_REUSED = TYPE_INDEX['ip-reused'];
export const T_IP_RELEASED = TYPE_INDEX['ip-released'];
export const T_GAP = TYPE_INDEX.gap;
export const T_EP_ADDED = TYPE_INDEX['endpoint-added'];
export const T_EP_REMOVED = TYPE_INDEX['endpoint-removed'];

/** Strings, each once: string `i` is `text.slice(offsets[i], offsets[i + 1])`. One string clones as one copy. */
export interface PackedStrings {
  text: string;
  offsets: Uint32Array;
}

/**
 * One row per Pod life (UID) that events name. What is constant for a life (its name, owner,
 * revision, node) is stored once here rather than on each of its events.
 */
export interface PackedLives {
  count: number;
  /** String indexes. */
  uid: Uint32Array;
  /** `namespace/name`, and the namespace alone. */
  pod: Uint32Array;
  ns: Uint32Array;
  /** `owners` index + 1; 0: none. */
  owner: Uint32Array;
  /** String index + 1; 0: none. */
  revision: Uint32Array;
  node: Uint32Array;
  /** Index in `pods` + 1 of this life's summary; 0: none (so the receiver needs no UID lookup). */
  summary: Uint32Array;
}

export interface PackedEvents {
  count: number;
  /** seq[i] + seqBase is the event's seq (offsets in 32 bits when they fit, else plain numbers with base 0). */
  seqBase: number;
  seq: Uint32Array | Float64Array;
  /** time[i] + timeBase is the event's time in epoch ms (Date.parse gives whole milliseconds). */
  timeBase: number;
  time: Uint32Array | Float64Array;
  /** Index in LIFECYCLE_EVENT_TYPES. */
  type: Uint8Array;
  /** F_* bits. */
  flags: Uint8Array;
  /** Life row + 1; 0: no Pod. */
  life: Uint32Array;
  /** String index + 1; 0: no IP. */
  ip: Uint32Array;
  /**
   * By type: ip-reused → the previous holder's life row + 1; endpoint-added/removed → the Service's
   * string index + 1; ip-released → the reason's string index + 1; gap → `gaps` index + 1.
   */
  aux: Uint32Array;
}

export interface PackedGap {
  from: number;
  to: number;
  reason?: string;
}

export interface PackedSnapshot {
  format: typeof PACKED_FORMAT;
  scope: WatchScope;
  connection: ConnectionState;
  connectionMessage?: string;
  pods: PodSummary[];
  services: ServiceSummary[];
  strings: PackedStrings;
  owners: OwnerRef[];
  lives: PackedLives;
  events: PackedEvents;
  gaps: PackedGap[];
}

class StringTable {
  private readonly index = new Map<string, number>();
  private readonly parts: string[] = [];
  private readonly offsets: number[] = [0];
  private length = 0;

  id(s: string): number {
    let i = this.index.get(s);
    if (i === undefined) {
      i = this.parts.length;
      this.index.set(s, i);
      this.parts.push(s);
      this.length += s.length;
      this.offsets.push(this.length);
    }
    return i;
  }

  done(): PackedStrings {
    return { text: this.parts.join(''), offsets: Uint32Array.from(this.offsets) };
  }
}

/** Packs a snapshot for the wire. Events without a parseable time are left out (the model would skip them). */
export function packSnapshot(s: TimelineSnapshot): PackedSnapshot {
  const strings = new StringTable();
  const owners: OwnerRef[] = [];
  const ownerIndex = new Map<string, number>();
  const ownerId = (o: OwnerRef): number => {
    const k = `${o.kind}\u0000${o.name}`;
    let i = ownerIndex.get(k);
    if (i === undefined) {
      i = owners.length;
      owners.push({ kind: o.kind, name: o.name });
      ownerIndex.set(k, i);
    }
    return i;
  };
  const n = s.events.length;
  const lifeOf = new Map<string, number>();
  const lUid: number[] = [];
  const lPod: number[] = [];
  const lNs: number[] = [];
  const lOwner: number[] = [];
  const lRev: number[] = [];
  const lNode: number[] = [];
  // The last values seen per life: a life's events repeat them (the host shares the very objects),
  // so most events need no string-table lookup at all.
  const seenNode: (string | undefined)[] = [];
  const seenOwner: (OwnerRef | undefined)[] = [];
  const seenRev: (string | undefined)[] = [];
  let lastUid: string | undefined;
  let lastLife = -1;
  const life = (uid: string, pod: string | undefined): number => {
    if (uid === lastUid) return lastLife;
    let i = lifeOf.get(uid);
    if (i === undefined) {
      i = lUid.length;
      lifeOf.set(uid, i);
      lUid.push(strings.id(uid));
      lPod.push(strings.id(pod ?? uid));
      lNs.push(strings.id(namespaceOf(pod)));
      lOwner.push(0);
      lRev.push(0);
      lNode.push(0);
      seenNode.push(undefined);
      seenOwner.push(undefined);
      seenRev.push(undefined);
    } else if (pod !== undefined && lPod[i] === lUid[i] && pod !== uid) {
      lPod[i] = strings.id(pod);
      lNs[i] = strings.id(namespaceOf(pod));
    }
    lastUid = uid;
    lastLife = i;
    return i;
  };
  const ev = {
    seq: new Float64Array(n),
    time: new Float64Array(n),
    type: new Uint8Array(n),
    flags: new Uint8Array(n),
    life: new Uint32Array(n),
    ip: new Uint32Array(n),
    aux: new Uint32Array(n),
  };
  const gaps: PackedGap[] = [];
  let k = 0;
  for (const e of s.events) {
    const t = Date.parse(e.time);
    if (Number.isNaN(t)) continue;
    ev.seq[k] = e.seq;
    ev.time[k] = t;
    const type = TYPE_INDEX[e.type];
    ev.type[k] = type;
    let f = e.timeSource === 'arrival' ? F_ARRIVAL : 0;
    if (e.seenOnRelist) f |= F_RELIST;
    if (e.hostNetwork) f |= F_HOST_NETWORK;
    if (e.overlap) f |= F_OVERLAP;
    if (e.uid !== undefined) {
      const l = life(e.uid, e.pod);
      ev.life[k] = l + 1;
      // Endpoint events name the Pod but not its node, owner or revision: they do not describe the life.
      if (!e.service) {
        if (e.node !== undefined) {
          f |= F_NODE;
          if (e.node !== seenNode[l]) {
            seenNode[l] = e.node;
            lNode[l] = strings.id(e.node) + 1;
          }
        }
        if (e.owner) {
          f |= F_OWNER;
          const o = seenOwner[l];
          if (e.owner !== o && (o === undefined || o.kind !== e.owner.kind || o.name !== e.owner.name)) lOwner[l] = ownerId(e.owner) + 1;
          seenOwner[l] = e.owner;
        }
        if (e.revision !== undefined) {
          f |= F_REVISION;
          if (e.revision !== seenRev[l]) {
            seenRev[l] = e.revision;
            lRev[l] = strings.id(e.revision) + 1;
          }
        }
      }
    }
    ev.flags[k] = f;
    if (e.ip !== undefined) ev.ip[k] = strings.id(e.ip) + 1;
    if (type === T_IP_REUSED && e.previousUid !== undefined) ev.aux[k] = life(e.previousUid, e.previousPod) + 1;
    else if ((type === T_EP_ADDED || type === T_EP_REMOVED) && e.service !== undefined) ev.aux[k] = strings.id(e.service) + 1;
    else if (type === T_IP_RELEASED && e.reason !== undefined) ev.aux[k] = strings.id(e.reason) + 1;
    else if (type === T_GAP) {
      const from = e.from !== undefined ? Date.parse(e.from) : t;
      const to = e.to !== undefined ? Date.parse(e.to) : t;
      const g: PackedGap = { from: Number.isNaN(from) ? t : from, to: Number.isNaN(to) ? t : to };
      if (e.reason !== undefined) g.reason = e.reason;
      gaps.push(g);
      ev.aux[k] = gaps.length;
    }
    k++;
  }
  const cut = <T extends Uint8Array | Uint32Array | Float64Array>(a: T): T => (k === n ? a : (a.slice(0, k) as T));
  const seq = offsets(cut(ev.seq));
  const time = offsets(cut(ev.time));
  const events: PackedEvents = { count: k, seqBase: seq.base, seq: seq.col, timeBase: time.base, time: time.col, type: cut(ev.type), flags: cut(ev.flags), life: cut(ev.life), ip: cut(ev.ip), aux: cut(ev.aux) };
  const summary = new Uint32Array(lUid.length);
  s.pods.forEach((p, i) => {
    const l = lifeOf.get(p.uid);
    if (l !== undefined) summary[l] = i + 1;
  });
  const out: PackedSnapshot = {
    format: PACKED_FORMAT,
    scope: s.scope,
    connection: s.connection,
    pods: s.pods,
    services: s.services,
    strings: strings.done(),
    owners,
    lives: { count: lUid.length, uid: Uint32Array.from(lUid), pod: Uint32Array.from(lPod), ns: Uint32Array.from(lNs), owner: Uint32Array.from(lOwner), revision: Uint32Array.from(lRev), node: Uint32Array.from(lNode), summary },
    events,
    gaps,
  };
  if (s.connectionMessage !== undefined) out.connectionMessage = s.connectionMessage;
  return out;
}

/** Whole numbers as 32-bit offsets from their minimum when they fit (half the bytes to clone), else as they are. */
function offsets(a: Float64Array): { base: number; col: Uint32Array | Float64Array } {
  let lo = Infinity;
  let hi = -Infinity;
  let whole = true;
  for (let i = 0; i < a.length; i++) {
    const v = a[i];
    if (v < lo) lo = v;
    if (v > hi) hi = v;
    if (whole && !Number.isInteger(v)) whole = false;
  }
  if (a.length === 0 || !whole || hi - lo > 0xffffffff) return { base: 0, col: a };
  const col = new Uint32Array(a.length);
  for (let i = 0; i < a.length; i++) col[i] = a[i] - lo;
  return { base: lo, col };
}

/** The namespace part of `namespace/name` ('' when there is none). */
export function namespaceOf(pod: string | undefined): string {
  const i = pod === undefined ? -1 : pod.indexOf('/');
  return i < 0 ? '' : pod!.slice(0, i);
}

/** Reads string `i` of a table. */
export function stringAt(t: PackedStrings, i: number): string {
  return t.text.slice(t.offsets[i], t.offsets[i + 1]);
}

/**
 * The events as objects again (for a JSON export, and tests). Faithful except that node, owner
 * and revision are the life's last ones wherever an event carried them.
 */
export function unpackEvents(p: PackedSnapshot): LifecycleEvent[] {
  const { events: e, lives: l, strings } = p;
  const str = (i: number) => stringAt(strings, i);
  const out: LifecycleEvent[] = new Array(e.count);
  for (let i = 0; i < e.count; i++) {
    const type = LIFECYCLE_EVENT_TYPES[e.type[i]];
    const f = e.flags[i];
    const ev: LifecycleEvent = { seq: e.seq[i] + e.seqBase, type, time: new Date(e.time[i] + e.timeBase).toISOString(), timeSource: f & F_ARRIVAL ? 'arrival' : 'object' };
    const li = e.life[i] - 1;
    if (li >= 0) {
      ev.uid = str(l.uid[li]);
      ev.pod = str(l.pod[li]);
      if (f & F_NODE && l.node[li]) ev.node = str(l.node[li] - 1);
      if (f & F_OWNER && l.owner[li]) ev.owner = { ...p.owners[l.owner[li] - 1] };
      if (f & F_REVISION && l.revision[li]) ev.revision = str(l.revision[li] - 1);
    }
    if (e.ip[i]) ev.ip = str(e.ip[i] - 1);
    const aux = e.aux[i];
    if (aux) {
      if (type === 'ip-reused') {
        ev.previousUid = str(l.uid[aux - 1]);
        ev.previousPod = str(l.pod[aux - 1]);
      } else if (type === 'endpoint-added' || type === 'endpoint-removed') ev.service = str(aux - 1);
      else if (type === 'ip-released') ev.reason = str(aux - 1);
      else if (type === 'gap') {
        const g = p.gaps[aux - 1];
        ev.from = new Date(g.from).toISOString();
        ev.to = new Date(g.to).toISOString();
        if (g.reason !== undefined) ev.reason = g.reason;
      }
    }
    if (type === 'ip-reused') ev.overlap = (f & F_OVERLAP) !== 0;
    if (f & F_RELIST) ev.seenOnRelist = true;
    if (f & F_HOST_NETWORK) ev.hostNetwork = true;
    out[i] = ev;
  }
  return out;
}

// ---------------------------------------------------------------- validation

export class PackedInvalid extends Error {}

function tag(v: unknown): string {
  return Object.prototype.toString.call(v).slice(8, -1);
}

function typed<T extends ArrayBufferView>(o: Record<string, unknown>, k: string, kind: string, length: number, path: string): T {
  const v = o[k];
  // By tag, not instanceof: a message's arrays are made in the receiving realm, but a test harness may not be.
  if (!kind.split('|').includes(tag(v))) throw new PackedInvalid(`${path}.${k}: expected a ${kind.replace('|', ' or ')}, got ${tag(v)}`);
  const a = v as unknown as { length: number };
  if (a.length !== length) throw new PackedInvalid(`${path}.${k}: expected ${length} entries, got ${a.length}`);
  return v as T;
}

function count(o: Record<string, unknown>, path: string): number {
  const n = o.count;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 0) throw new PackedInvalid(`${path}.count: expected a count, got ${typeof n}`);
  return n;
}

/**
 * Checks the columns of a packed snapshot (the object fields are checked by the caller): types,
 * lengths, every index in range, every time finite. Linear in the data, no allocation per row.
 */
export function validatePackedColumns(o: Record<string, unknown>, path: string, nPods: number): Pick<PackedSnapshot, 'strings' | 'owners' | 'lives' | 'events' | 'gaps'> {
  const obj = (v: unknown, p: string): Record<string, unknown> => {
    if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new PackedInvalid(`${p}: expected an object`);
    return v as Record<string, unknown>;
  };
  const so = obj(o.strings, `${path}.strings`);
  if (typeof so.text !== 'string') throw new PackedInvalid(`${path}.strings.text: expected a string`);
  const offsets = so.offsets as Uint32Array;
  if (tag(offsets) !== 'Uint32Array' || offsets.length < 1) throw new PackedInvalid(`${path}.strings.offsets: expected a Uint32Array`);
  const nStrings = offsets.length - 1;
  if (offsets[0] !== 0 || offsets[nStrings] !== so.text.length) throw new PackedInvalid(`${path}.strings.offsets: do not cover the text`);
  for (let i = 0; i < nStrings; i++) if (offsets[i + 1] < offsets[i]) throw new PackedInvalid(`${path}.strings.offsets[${i + 1}]: goes backwards`);
  if (!Array.isArray(o.owners)) throw new PackedInvalid(`${path}.owners: expected an array`);
  const owners = (o.owners as unknown[]).map((x, i) => {
    const r = obj(x, `${path}.owners[${i}]`);
    if (typeof r.kind !== 'string' || typeof r.name !== 'string') throw new PackedInvalid(`${path}.owners[${i}]: expected kind and name strings`);
    return { kind: r.kind, name: r.name };
  });
  const lo = obj(o.lives, `${path}.lives`);
  const nl = count(lo, `${path}.lives`);
  const lp = `${path}.lives`;
  const lives: PackedLives = {
    count: nl,
    uid: typed(lo, 'uid', 'Uint32Array', nl, lp),
    pod: typed(lo, 'pod', 'Uint32Array', nl, lp),
    ns: typed(lo, 'ns', 'Uint32Array', nl, lp),
    owner: typed(lo, 'owner', 'Uint32Array', nl, lp),
    revision: typed(lo, 'revision', 'Uint32Array', nl, lp),
    node: typed(lo, 'node', 'Uint32Array', nl, lp),
    summary: typed(lo, 'summary', 'Uint32Array', nl, lp),
  };
  for (let i = 0; i < nl; i++) {
    if (lives.uid[i] >= nStrings || lives.pod[i] >= nStrings || lives.ns[i] >= nStrings || lives.revision[i] > nStrings || lives.node[i] > nStrings || lives.owner[i] > owners.length || lives.summary[i] > nPods) {
      throw new PackedInvalid(`${lp}[${i}]: an index is out of range`);
    }
  }
  if (!Array.isArray(o.gaps)) throw new PackedInvalid(`${path}.gaps: expected an array`);
  const gaps = (o.gaps as unknown[]).map((x, i) => {
    const r = obj(x, `${path}.gaps[${i}]`);
    if (typeof r.from !== 'number' || !Number.isFinite(r.from) || typeof r.to !== 'number' || !Number.isFinite(r.to)) throw new PackedInvalid(`${path}.gaps[${i}]: expected finite from and to`);
    if (r.reason !== undefined && typeof r.reason !== 'string') throw new PackedInvalid(`${path}.gaps[${i}].reason: expected a string`);
    const g: PackedGap = { from: r.from, to: r.to };
    if (r.reason !== undefined) g.reason = r.reason as string;
    return g;
  });
  const eo = obj(o.events, `${path}.events`);
  const n = count(eo, `${path}.events`);
  const ep = `${path}.events`;
  const base = (k: string) => {
    const v = eo[k];
    if (typeof v !== 'number' || !Number.isFinite(v)) throw new PackedInvalid(`${ep}.${k}: expected a finite number`);
    return v;
  };
  const events: PackedEvents = {
    count: n,
    seqBase: base('seqBase'),
    seq: typed(eo, 'seq', 'Uint32Array|Float64Array', n, ep),
    timeBase: base('timeBase'),
    time: typed(eo, 'time', 'Uint32Array|Float64Array', n, ep),
    type: typed(eo, 'type', 'Uint8Array', n, ep),
    flags: typed(eo, 'flags', 'Uint8Array', n, ep),
    life: typed(eo, 'life', 'Uint32Array', n, ep),
    ip: typed(eo, 'ip', 'Uint32Array', n, ep),
    aux: typed(eo, 'aux', 'Uint32Array', n, ep),
  };
  const nTypes = LIFECYCLE_EVENT_TYPES.length;
  for (let i = 0; i < n; i++) {
    const type = events.type[i];
    if (type >= nTypes) throw new PackedInvalid(`${ep}[${i}].type: ${type} is not an event type`);
    if (!Number.isFinite(events.time[i]) || !Number.isFinite(events.seq[i])) throw new PackedInvalid(`${ep}[${i}]: time and seq must be finite`);
    if (events.life[i] > nl || events.ip[i] > nStrings) throw new PackedInvalid(`${ep}[${i}]: an index is out of range`);
    const aux = events.aux[i];
    if (aux) {
      const limit = type === T_IP_REUSED ? nl : type === T_GAP ? gaps.length : type === T_EP_ADDED || type === T_EP_REMOVED || type === T_IP_RELEASED ? nStrings : 0;
      if (aux > limit) throw new PackedInvalid(`${ep}[${i}].aux: out of range for ${LIFECYCLE_EVENT_TYPES[type]}`);
    }
  }
  return { strings: { text: so.text, offsets }, owners, lives, events, gaps };
}
