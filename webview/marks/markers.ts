// Lifecycle markers: created (circle), ready (triangle), not ready (triangle down), terminating
// (diamond), deleted (cross), on the lane of their Pod. On a lane by IP only the markers inside
// that IP's holding are drawn, and none inside a density band; at most one marker of a type per
// pixel column and lane, so a zoomed-out lane is not a smear of thousands of symbols.
import { DRAWN_MARKER, MARKER_TYPES, M_RELIST, markerTypeName, type MarkerType, type TimelineModel } from '../model';
import { TYPE_INDEX } from '../../src/core/protocol/packedSnapshot';
import type { Theme } from '../theme';
import { type Frame, type Hit, LANE_H, type Mark, NumBuffer, type ShapeStyle, type Surface, type SymbolName } from './mark';
import type { SegmentsMark } from './segments';

export const MARKER_SYMBOL: Record<MarkerType, SymbolName> = {
  created: 'circle',
  ready: 'triangle',
  unready: 'triangle-down',
  terminating: 'diamond',
  deleted: 'times',
};
export const MARKER_LABEL: Record<MarkerType, string> = {
  created: 'created',
  ready: 'ready',
  unready: 'not ready',
  terminating: 'terminating',
  deleted: 'deleted',
};
/** The deleted cross is a stroke; the others are filled. */
export const STROKED: Record<MarkerType, boolean> = { created: false, ready: false, unready: false, terminating: false, deleted: true };
export const SYMBOL_SIZE = 52;

export function markerStyle(theme: Theme, t: MarkerType, canvas: boolean): ShapeStyle {
  return STROKED[t] ? { fill: 'none', stroke: theme.markers[t], strokeWidth: 2 } : { fill: theme.markers[t], stroke: canvas ? undefined : theme.bg, strokeWidth: 1 };
}

export class MarkersMark implements Mark {
  readonly name = 'markers';
  readonly bulk = true;
  readonly clip = 'lanes' as const;
  /** Per type code: marker id, x, y, lane (4 numbers each). */
  private readonly byType: NumBuffer[] = [];
  private readonly lastX = new Float64Array(16);
  private styles?: { theme: Theme; svg: ShapeStyle[]; canvas: ShapeStyle[] };

  constructor(private readonly segments: SegmentsMark) {}

  prepare(f: Frame): number {
    const m = f.model;
    const L = f.layout;
    while (this.byType.length < DRAWN_MARKER.length) this.byType.push(new NumBuffer());
    for (const b of this.byType) b.clear();
    const t0 = f.t0;
    const t1 = f.t1;
    if (L.groupBy === 'pod') {
      for (let i = f.i0; i < f.i1; i++) {
        const l = L.ids[i];
        if (l < 0) continue;
        this.lastX.fill(-Infinity);
        const y = f.laneY(i) + LANE_H / 2;
        for (let k = m.lMarkHead.a[l]; k >= 0; k = m.mNext.a[k]) this.consider(f, m, k, y, i, t0, t1);
      }
    } else {
      // The segments drawn one by one (not in bands) carry their markers.
      const seg = this.segments;
      let lastLane = -1;
      for (let i = 0; i < seg.itemSeg.n; i++) {
        const s = seg.itemSeg.a[i];
        const lane = seg.itemLane.a[i];
        if (lane !== lastLane) {
          this.lastX.fill(-Infinity);
          lastLane = lane;
        }
        const life = m.sLife.a[s];
        const a = Math.max(t0, m.sStart.a[s] - 1);
        const b = Math.min(t1, f.endOf(m.sEnd.a[s]) + 1);
        const y = f.laneY(lane) + LANE_H / 2;
        for (let k = m.lMarkHead.a[life]; k >= 0; k = m.mNext.a[k]) this.consider(f, m, k, y, lane, a, b);
      }
    }
    let n = 0;
    for (const b of this.byType) n += b.n / 4;
    return n;
  }

  private consider(f: Frame, m: TimelineModel, k: number, y: number, lane: number, a: number, b: number): void {
    const type = m.mType.a[k];
    if (!DRAWN_MARKER[type]) return;
    const t = m.mT.a[k];
    if (t < a || t > b) return;
    const x = f.px(t);
    if (Math.abs(x - this.lastX[type]) < 1.5) return;
    this.lastX[type] = x;
    const buf = this.byType[type];
    buf.push(k);
    buf.push(x);
    buf.push(y);
    buf.push(lane);
  }

  draw(f: Frame, s: Surface): void {
    const m = f.model;
    if (this.styles?.theme !== f.theme) {
      const theme = f.theme;
      this.styles = {
        theme,
        svg: LIFECYCLE_CODES.map((code) => (code < 0 ? {} : markerStyle(theme, markerTypeName(code), false))),
        canvas: LIFECYCLE_CODES.map((code) => (code < 0 ? {} : markerStyle(theme, markerTypeName(code), true))),
      };
    }
    const styles = s.detailed ? this.styles.svg : this.styles.canvas;
    for (const t of MARKER_TYPES) {
      const code = TYPE_INDEX[t];
      const buf = this.byType[code];
      const a = buf.a;
      const sym = MARKER_SYMBOL[t];
      for (let i = 0; i < buf.n; i += 4) {
        const k = a[i];
        s.symbol(sym, a[i + 1], a[i + 2], SYMBOL_SIZE, styles[code], s.detailed ? { cls: `marker ${t}`, data: { uid: m.uidOf(m.mLife.a[k]) }, ...(m.mFlags.a[k] & M_RELIST ? { title: `${MARKER_LABEL[t]} (found on relist)` } : {}) } : undefined);
      }
    }
  }

  hit(f: Frame, x: number, y: number): Hit | undefined {
    const lane = f.laneAt(y);
    if (lane < 0 || x < f.labelW) return undefined;
    for (const t of MARKER_TYPES) {
      const buf = this.byType[TYPE_INDEX[t]];
      if (!buf) continue;
      const a = buf.a;
      for (let i = 0; i < buf.n; i += 4) if (a[i + 3] === lane && Math.abs(a[i + 1] - x) <= 4) return { kind: 'marker', mark: a[i], life: f.model.mLife.a[a[i]] };
    }
    return undefined;
  }
}

/** Index = event type code; -1 where the type is not a drawn marker. */
const LIFECYCLE_CODES: number[] = Array.from(DRAWN_MARKER, (d, i) => (d ? i : -1));
