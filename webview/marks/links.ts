// Reuse links: an IP given to a new Pod, drawn from the end of the previous holder's segment to
// the start of the new one (dashed; solid and thicker when the old holder was still terminating).
// Links in the window are found by binary search on their time.
import { lowerBound } from '../columns';
import type { TimelineModel } from '../model';
import type { Theme } from '../theme';
import { type Frame, type Hit, LANE_H, type Mark, NumBuffer, type ShapeStyle, type Surface } from './mark';

const K_OVERLAP = 1;

export class LinksMark implements Mark {
  readonly name = 'links';
  readonly bulk = true;
  readonly clip = 'lanes' as const;
  /** link, xa, ya, xb, yb */
  private readonly items = new NumBuffer();
  private styles?: { theme: Theme; dashed: ShapeStyle; solid: ShapeStyle };

  prepare(f: Frame): number {
    this.items.clear();
    const m = f.model;
    const L = f.layout;
    if (m.linkCount === 0 || L.length === 0) return 0;
    // Links are stored in arrival order, which is time order but for the odd late timestamp: look a little before.
    let k = Math.max(0, lowerBound(m.kT.a, m.linkCount, f.t0) - 8);
    for (; k < m.linkCount; k++) {
      const t = m.kT.a[k];
      if (t > f.t1) {
        if (t > f.t1 + (f.t1 - f.t0)) break;
        continue;
      }
      if (t < f.t0) continue;
      const from = m.kFrom.a[k];
      const to = m.kTo.a[k];
      let la: number;
      let lb: number;
      if (L.groupBy === 'ip') la = lb = L.laneOf[m.kIp.a[k]];
      else {
        la = L.laneOf[from];
        lb = L.laneOf[to];
      }
      if (la < 0 || lb < 0) continue;
      // One end on screen is enough; the other may be above or below.
      if ((la < f.i0 || la >= f.i1) && (lb < f.i0 || lb >= f.i1)) continue;
      const end = previousEnd(m, from, m.kIp.a[k]);
      const it = this.items;
      it.push(k);
      it.push(f.px(end ?? t));
      it.push(f.laneY(la) + LANE_H / 2);
      it.push(f.px(t));
      it.push(f.laneY(lb) + LANE_H / 2);
    }
    return this.items.n / 5;
  }

  draw(f: Frame, s: Surface): void {
    const m = f.model;
    const a = this.items.a;
    const theme = f.theme;
    if (this.styles?.theme !== theme) this.styles = { theme, dashed: { stroke: theme.link, strokeWidth: 1.5, dash: '4 2' }, solid: { stroke: theme.link, strokeWidth: 2.5 } };
    const { dashed, solid } = this.styles;
    for (let i = 0; i < this.items.n; i += 5) {
      const k = a[i];
      const overlap = (m.kFlags.a[k] & K_OVERLAP) !== 0;
      const xa = a[i + 1];
      const ya = a[i + 2];
      const xb = a[i + 3];
      const yb = a[i + 4];
      const mx = Math.max(xa, xb) + 12;
      const meta = s.detailed
        ? {
            cls: `reuse-link${overlap ? ' overlap' : ''}`,
            title: `IP ${m.ipV.list[m.kIp.a[k]]} reused: ${m.podOf(m.kFrom.a[k])} → ${m.podOf(m.kTo.a[k])}${overlap ? ' while the previous holder was still terminating' : ''}`,
          }
        : undefined;
      s.curve(xa, ya, mx, ya, mx, yb, xb, yb, overlap ? solid : dashed, meta);
    }
  }

  hit(f: Frame, x: number, y: number): Hit | undefined {
    const a = this.items.a;
    for (let i = 0; i < this.items.n; i += 5) {
      const x0 = Math.min(a[i + 1], a[i + 3]) - 2;
      const x1 = Math.max(a[i + 1], a[i + 3]) + 14;
      const y0 = Math.min(a[i + 2], a[i + 4]);
      const y1 = Math.max(a[i + 2], a[i + 4]);
      if (x >= x0 && x <= x1 && y >= y0 - 2 && y <= y1 + 2 && y1 - y0 > 4) return { kind: 'link', link: a[i] };
    }
    return undefined;
  }
}

/** When the previous holder let go of the IP (its segment with that IP), if known. */
function previousEnd(m: TimelineModel, life: number, ip: number): number | undefined {
  for (let s = m.lSegHead.a[life]; s >= 0; s = m.sNext.a[s]) if (m.sIp.a[s] === ip && m.sEnd.a[s] !== Infinity) return m.sEnd.a[s];
  return undefined;
}
