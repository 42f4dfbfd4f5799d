// The current IP is always readable: on a lane by Pod whose open segment is too short to hold its
// IP (a Pod that just got it, or a replay that ends right after), the IP is pinned just right of
// the segment's end, or, when the plot has no room there (the segment ends at "now", near the
// right edge), at the right of the label column.
import { textWidth } from '../format';
import { type Frame, type Hit, LANE_H, type Mark, NumBuffer, type Surface } from './mark';
import type { SegmentsMark } from './segments';

const AT_EDGE = 1;
const IN_COLUMN = 2;

export class CurrentIpMark implements Mark {
  readonly name = 'current-ip';
  readonly clip = 'lanes' as const;
  /** Per visible lane (index - i0): segment, placement, x. */
  private readonly seg = new NumBuffer();
  private readonly mode = new NumBuffer();
  private readonly x = new NumBuffer();
  private i0 = 0;

  constructor(private readonly segments: SegmentsMark) {}

  prepare(f: Frame): number {
    this.seg.clear();
    this.mode.clear();
    this.x.clear();
    this.i0 = f.i0;
    const m = f.model;
    const L = f.layout;
    for (let i = f.i0; i < f.i1; i++) {
      const l = L.ids[i];
      let seg = -1;
      let mode = 0;
      let x = 0;
      if (L.groupBy === 'pod' && l >= 0 && !m.isDeleted(l)) {
        const s = m.newestSegment(l);
        if (s >= 0 && m.sEnd.a[s] === Infinity) {
          const ip = m.ipOfSeg(s);
          const w = textWidth(ip, 11);
          const start = m.sStart.a[s];
          const end = f.endOf(Infinity);
          const inView = end >= f.t0 && start <= f.t1;
          if (!inView || !this.segments.labelled(f, s, ip)) {
            seg = s;
            const x1 = Math.min(f.width, f.px(end));
            if (inView && x1 >= f.labelW && x1 + 6 + w <= f.width - 2) {
              mode = AT_EDGE;
              x = x1 + 4;
            } else mode = IN_COLUMN;
          }
        }
      }
      this.seg.push(seg);
      this.mode.push(mode);
      this.x.push(x);
    }
    return 0;
  }

  /** The IP to pin in the label column for lane `i`, if any. */
  pinnedInColumn(f: Frame, i: number): string | undefined {
    const k = i - this.i0;
    if (k < 0 || k >= this.mode.n || this.mode.a[k] !== IN_COLUMN) return undefined;
    return f.model.ipOfSeg(this.seg.a[k]);
  }

  draw(f: Frame, s: Surface): void {
    const m = f.model;
    const style = { fill: f.theme.fg, size: 11, weight: 600, font: f.theme.fontFamily, halo: f.theme.bg };
    for (let k = 0; k < this.mode.n; k++) {
      if (this.mode.a[k] !== AT_EDGE) continue;
      const seg = this.seg.a[k];
      const y = f.laneY(this.i0 + k) + LANE_H / 2 + 4;
      s.text(this.x.a[k], y, m.ipOfSeg(seg), style, s.detailed ? { cls: 'current-ip at-edge', data: { uid: m.uidOf(m.sLife.a[seg]) } } : undefined);
    }
  }

  hit(f: Frame, x: number, y: number): Hit | undefined {
    const lane = f.laneAt(y);
    const k = lane - this.i0;
    if (lane < 0 || k < 0 || k >= this.mode.n) return undefined;
    const seg = this.seg.a[k];
    if (this.mode.a[k] === AT_EDGE && x >= this.x.a[k] - 2 && x <= this.x.a[k] + textWidth(f.model.ipOfSeg(seg), 11) + 4) return { kind: 'current', lane, seg };
    if (this.mode.a[k] === IN_COLUMN && x < f.labelW && x > f.labelW - textWidth(f.model.ipOfSeg(seg), 11) - 8) return { kind: 'current', lane, seg };
    return undefined;
  }
}
