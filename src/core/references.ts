// References on the timeline: which hard-coded IPs of the workspace's manifests pointed at a Pod
// of the timeline's scope, and what each reached over time — the Pod it was written for (live),
// nothing (dangling: the time it broke and what broke it) or another workload's Pod (reused).
// Pure: the literals come from the linter's findings, the history from the lifecycle events.
import type { LifecycleEvent, OwnerRef } from './events';
import { LineIndex } from './lint/documents';
import type { Finding } from './lint/lint';
import type { BreakCause, IpLiteral, ReferenceInterval, ReferenceRow, ReferenceState } from './protocol/messages';

export type { IpLiteral };

/** The IP literals of one file's text, from the linter's findings (settings and suppressions applied). */
export function literalsOf(file: string, label: string, text: string, findings: readonly Finding[]): IpLiteral[] {
  const withIp = findings.filter((f) => f.ip);
  if (withIp.length === 0) return [];
  const lines = new LineIndex(text);
  return withIp.map((f) => {
    const p = lines.position(f.start);
    const lit: IpLiteral = { file, label, line: p.line + 1, column: p.character + 1, ip: f.ip!, literal: f.literal };
    if (f.path) lit.path = f.path;
    if (f.kind) lit.resource = f.name ? `${f.kind} ${f.name}` : f.kind;
    return lit;
  });
}

interface Tenure {
  ip: string;
  uid: string;
  from: number;
  to?: number;
  endRelist?: boolean;
  endReason?: string;
}

interface Life {
  pod: string;
  owner?: OwnerRef;
  revision?: string;
  created?: number;
  terminating?: number;
  terminatingReason?: string;
  deleted?: number;
  /** Its tenures still kept, and the IPs they were of. */
  tenures: number;
  ips: string[];
}

/** What one IP's history means for a literal that points at it; rows of the same IP share it. */
interface Story {
  intervals: ReferenceInterval[];
  workload?: string;
}

/** A new revision's first Pod this long after the old Pod went still counts as its rollout (Recreate strategy). */
const ROLLOUT_WINDOW_MS = 60_000;
/** Tenures kept at most (the oldest closed ones go first); about what the model keeps for 64 MiB. */
export const MAX_TENURES = 200_000;

function ownerKey(pod: string, owner: OwnerRef): string {
  return `${pod.slice(0, pod.indexOf('/'))}/${owner.kind}/${owner.name}`;
}

const parse = (iso: string | undefined): number | undefined => {
  if (iso === undefined) return undefined;
  const t = Date.parse(iso);
  return Number.isFinite(t) ? t : undefined;
};

/**
 * The part of the lifecycle history references need, kept from the events as they come: each
 * Pod IP's tenures, each Pod life's facts (owner, revision, terminating and why, deleted) and the
 * revisions each owner created, when. Events already taken in (by seq) are skipped.
 */
export class IpHistory {
  private readonly byIp = new Map<string, Tenure[]>();
  private readonly open = new Map<string, Tenure>();
  private readonly lives = new Map<string, Life>();
  /** Owner → revision → when its first Pod was created. */
  private readonly revisions = new Map<string, Map<string, number>>();
  private readonly order: Tenure[] = [];
  private head = 0;
  private lastSeq = -1;
  /** Stories computed since their IP last changed: a manifest edit or a small batch recomputes little. */
  private readonly stories = new Map<string, Story>();
  /** Per owner, IPs its Pods let go lately: a new revision appearing may make those breaks a rollout. */
  private readonly recentEnds = new Map<string, { ip: string; to: number }[]>();

  constructor(private readonly maxTenures = MAX_TENURES) {}

  /** Takes in events (in seq order); returns whether the IPs' story changed. */
  ingest(events: readonly LifecycleEvent[]): boolean {
    let changed = false;
    for (const e of events) {
      if (e.seq <= this.lastSeq) continue;
      this.lastSeq = e.seq;
      if (!e.uid || e.service) continue;
      const t = parse(e.time);
      if (t === undefined) continue;
      const life = this.life(e);
      switch (e.type) {
        case 'created':
          life.created = t;
          if (e.owner && e.revision !== undefined) {
            const k = ownerKey(life.pod, e.owner);
            let revs = this.revisions.get(k);
            if (!revs) this.revisions.set(k, (revs = new Map()));
            if (!revs.has(e.revision)) {
              revs.set(e.revision, t);
              for (const r of this.recentEnds.get(k) ?? []) if (r.to >= t - ROLLOUT_WINDOW_MS) this.stories.delete(r.ip);
            }
          }
          changed = true;
          break;
        case 'ip-assigned': {
          if (!e.ip || e.hostNetwork) break;
          // Object times have whole seconds, releases the time they arrived: a holder released
          // before this assignment came (in watch order) did not overlap it, whatever the clocks say.
          const list = this.byIp.get(e.ip);
          const prev = list?.[list.length - 1];
          this.addTenure({ ip: e.ip, uid: e.uid, from: prev?.to !== undefined && prev.to > t ? prev.to : t });
          this.stories.delete(e.ip);
          changed = true;
          break;
        }
        case 'ip-released': {
          if (!e.ip) break;
          const k = `${e.uid}\u0000${e.ip}`;
          const ten = this.open.get(k);
          if (!ten) break;
          this.open.delete(k);
          ten.to = t;
          if (e.seenOnRelist) ten.endRelist = true;
          if (e.reason) ten.endReason = e.reason;
          this.stories.delete(e.ip);
          if (life.owner) {
            const k = ownerKey(life.pod, life.owner);
            let ends = this.recentEnds.get(k);
            if (!ends) this.recentEnds.set(k, (ends = []));
            ends.push({ ip: e.ip, to: t });
            if (ends.length > 256) ends.splice(0, ends.length - 256);
          }
          changed = true;
          break;
        }
        case 'terminating':
          life.terminating = t;
          if (e.reason) life.terminatingReason = e.reason;
          for (const ip of life.ips) this.stories.delete(ip);
          changed = true;
          break;
        case 'deleted':
          life.deleted = t;
          for (const ip of life.ips) this.stories.delete(ip);
          changed = true;
          break;
        default:
          break;
      }
    }
    return changed;
  }

  private life(e: LifecycleEvent): Life {
    let l = this.lives.get(e.uid!);
    if (!l) this.lives.set(e.uid!, (l = { pod: e.pod ?? e.uid!, tenures: 0, ips: [] }));
    if (e.owner && !l.owner) l.owner = e.owner;
    if (e.revision !== undefined && l.revision === undefined) l.revision = e.revision;
    return l;
  }

  private addTenure(t: Tenure): void {
    let list = this.byIp.get(t.ip);
    if (!list) this.byIp.set(t.ip, (list = []));
    list.push(t);
    this.open.set(`${t.uid}\u0000${t.ip}`, t);
    const life = this.lives.get(t.uid)!;
    life.tenures++;
    if (!life.ips.includes(t.ip)) life.ips.push(t.ip);
    this.order.push(t);
    while (this.order.length - this.head > this.maxTenures) this.dropOldest();
    if (this.head > 4096 && this.head * 2 > this.order.length) {
      this.order.splice(0, this.head);
      this.head = 0;
    }
  }

  private dropOldest(): void {
    const t = this.order[this.head++];
    const list = this.byIp.get(t.ip)!;
    list.splice(list.indexOf(t), 1);
    this.stories.delete(t.ip);
    if (list.length === 0) this.byIp.delete(t.ip);
    this.open.delete(`${t.uid}\u0000${t.ip}`);
    const life = this.lives.get(t.uid);
    if (life && --life.tenures === 0 && life.deleted !== undefined) this.lives.delete(t.uid);
  }

  has(ip: string): boolean {
    return this.byIp.has(ip);
  }

  /** Tenures of `ip`, in the order they began. */
  tenures(ip: string): readonly Tenure[] {
    return this.byIp.get(ip) ?? [];
  }

  /** The story of `ip` (cached until its history changes); undefined when no Pod held it. */
  story(ip: string): Story | undefined {
    let st = this.stories.get(ip);
    if (!st) {
      st = tellStory(this.tenures(ip), this);
      if (st) this.stories.set(ip, st);
    }
    return st;
  }

  lifeOf(uid: string): Life | undefined {
    return this.lives.get(uid);
  }

  /** What let the IP go at the end of this tenure, from its Pod's events. */
  causeOf(t: Tenure): { cause: BreakCause; detail?: string } {
    const life = this.lives.get(t.uid);
    if (t.endRelist) return { cause: 'watch-gap' };
    if (life?.terminatingReason && /evict|preempt|taint|kubelet|disruption/i.test(life.terminatingReason)) return { cause: 'eviction', detail: life.terminatingReason };
    if (t.endReason && /finished/.test(t.endReason)) return { cause: 'finished' };
    if (life && life.terminating === undefined && life.deleted === undefined) return { cause: 'ip-changed' };
    if (life?.owner && life.revision !== undefined && t.to !== undefined) {
      const revs = this.revisions.get(ownerKey(life.pod, life.owner));
      const born = life.created ?? -Infinity;
      let next: [string, number] | undefined;
      for (const [rev, at] of revs ?? []) {
        if (rev === life.revision || at <= born || at > t.to + ROLLOUT_WINDOW_MS) continue;
        if (!next || at > next[1]) next = [rev, at];
      }
      if (next) return { cause: 'rollout', detail: `${life.owner.kind} ${life.owner.name}, revision ${life.revision} → ${next[0]}` };
    }
    return { cause: 'deletion' };
  }
}

function workloadKey(life: Life | undefined, uid: string): string {
  if (!life) return `pod:${uid}`;
  return life.owner ? ownerKey(life.pod, life.owner) : `pod:${life.pod}`;
}

export function workloadName(life: Pick<Life, 'pod' | 'owner'>): string {
  return life.owner ? `${life.owner.kind} ${life.owner.name}` : `Pod ${life.pod}`;
}

const iso = (t: number) => new Date(t).toISOString();

/**
 * A literal's row, or undefined when no Pod of the history held its IP. The history is cut at its
 * boundaries (every tenure's start and end); in each stretch the IP reaches another workload's Pod
 * (reused, even while the first holder is still terminating), a Pod of the workload it was written
 * for (live), or nothing (dangling).
 */
function tellStory(tens: readonly Tenure[], h: IpHistory): Story | undefined {
  if (tens.length === 0) return undefined;
  const first = tens[0];
  const keys = tens.map((t) => workloadKey(h.lifeOf(t.uid), t.uid));
  const intended = keys[0];
  // Boundaries in time order; at the same instant ends come before starts (a handover, not an overlap).
  const marks: number[] = [];
  for (let i = 0; i < tens.length; i++) {
    marks.push(i * 2);
    if (tens[i].to !== undefined) marks.push(i * 2 + 1);
  }
  const when = (m: number) => (m & 1 ? tens[m >> 1].to! : tens[m >> 1].from);
  marks.sort((a, b) => when(a) - when(b) || (b & 1) - (a & 1));
  const active: number[] = [];
  const intervals: ReferenceInterval[] = [];
  /** The most recent tenure end so far: whose release broke the reference. */
  let lastEnded: Tenure | undefined;
  for (let k = 0; k < marks.length; ) {
    const p = when(marks[k]);
    for (; k < marks.length && when(marks[k]) === p; k++) {
      const i = marks[k] >> 1;
      if (marks[k] & 1) {
        active.splice(active.indexOf(i), 1);
        if (!lastEnded || tens[i].to! >= lastEnded.to!) lastEnded = tens[i];
      } else active.push(i);
    }
    let reuse: Tenure | undefined;
    let live: Tenure | undefined;
    for (const i of active) {
      const t = tens[i];
      if (keys[i] !== intended) {
        if (!reuse || t.from > reuse.from) reuse = t;
      } else if (!live || t.from > live.from) live = t;
    }
    const holder = reuse ?? live;
    const state: ReferenceState = reuse ? 'reused' : live ? 'live' : 'dangling';
    const last = intervals[intervals.length - 1];
    if (last && last.state === state && last.uid === holder?.uid) continue;
    if (last) last.to = iso(p);
    const iv: ReferenceInterval = { state, from: iso(p) };
    if (holder) {
      const life = h.lifeOf(holder.uid);
      iv.uid = holder.uid;
      iv.pod = life?.pod ?? holder.uid;
      if (life?.owner) iv.owner = life.owner;
    }
    if (state !== 'live' && lastEnded) {
      const c = h.causeOf(lastEnded);
      iv.cause = c.cause;
      if (c.detail) iv.causeDetail = c.detail;
      iv.brokeAt = iso(lastEnded.to!);
      iv.brokenBy = h.lifeOf(lastEnded.uid)?.pod ?? lastEnded.uid;
    }
    // Given away while a Pod of the intended workload still held it: the old one was terminating.
    if (state === 'reused' && live && live.uid !== holder!.uid) {
      iv.overlap = true;
      iv.brokenBy = h.lifeOf(live.uid)?.pod ?? live.uid;
      delete iv.cause;
      delete iv.brokeAt;
      delete iv.causeDetail;
    }
    intervals.push(iv);
  }
  const firstLife = h.lifeOf(first.uid);
  return { intervals, workload: firstLife ? workloadName(firstLife) : undefined };
}

export function referenceRow(lit: IpLiteral, h: IpHistory): ReferenceRow | undefined {
  const story = h.story(lit.ip);
  if (!story) return undefined;
  const { intervals } = story;
  const row: ReferenceRow = {
    // Printable only: it goes into data attributes of an exported SVG, where XML allows no control characters.
    id: `${lit.file}#L${lit.line}:${lit.column}@${lit.ip}`,
    label: lit.label,
    file: lit.file,
    line: lit.line,
    column: lit.column,
    ip: lit.ip,
    literal: lit.literal,
    state: intervals[intervals.length - 1].state,
    intervals,
  };
  if (lit.path) row.path = lit.path;
  if (lit.resource) row.resource = lit.resource;
  if (story.workload) row.workload = story.workload;
  return row;
}

/** One row per literal whose IP a Pod of the history held, in file then line order. */
export function joinReferences(literals: readonly IpLiteral[], h: IpHistory): ReferenceRow[] {
  const rows: ReferenceRow[] = [];
  for (const lit of literals) {
    if (!h.has(lit.ip)) continue;
    const r = referenceRow(lit, h);
    if (r) rows.push(r);
  }
  return rows.sort((a, b) => (a.label < b.label ? -1 : a.label > b.label ? 1 : a.line - b.line || a.column - b.column));
}
