// Segments: one Pod holding one IP, drawn on its lane from ip-assigned to ip-released (or now).
// Cost follows pixels: on an IP lane the first segment reaching into the window is one binary
// search away (sorted starts, running maximum of ends), and where segments are narrower than a
// pixel or two they are merged into a density band, skipping ahead by binary search over
// everything that starts inside the band, instead of drawing thousands of sub-pixel rectangles.
import { S_HOST_NETWORK, type TimelineModel } from '../model';
import type { Theme } from '../theme';
import { textWidth } from '../format';
import { type Frame, type Hit, LANE_H, type Mark, NumBuffer, RectBuffer, SEG_H, type ShapeStyle, type Surface, type TextStyle } from './mark';

/** Narrower than this (px), a segment may be merged with its neighbours into a density band. */
const DENSE_PX = 2;

interface Styles {
  theme: Theme;
  fills: ShapeStyle[];
  /** The canvas draws segments opaque: blending thousands of rectangles costs raster time, and they do not overlap. */
  opaque: ShapeStyle[];
  hostNetwork: ShapeStyle[];
  bands: ShapeStyle[];
  label: TextStyle;
}

export class SegmentsMark implements Mark {
  readonly name = 'segments';
  readonly bulk = true;
  readonly clip = 'lanes' as const;

  // What `prepare` found in view, reused every frame. Items are segments drawn on their own.
  readonly itemSeg = new NumBuffer();
  readonly itemLane = new NumBuffer();
  readonly itemX0 = new NumBuffer();
  readonly itemX1 = new NumBuffer();
  readonly itemY = new NumBuffer();
  // Density bands: lane, x0, x1, count, first segment, from, to.
  readonly band = new NumBuffer();
  private readonly byColour: RectBuffer[] = [];
  private readonly byColourHost: RectBuffer[] = [];
  private readonly bandsByColour: RectBuffer[] = [];
  private styles?: Styles;

  prepare(f: Frame): number {
    this.itemSeg.clear();
    this.itemLane.clear();
    this.itemX0.clear();
    this.itemX1.clear();
    this.itemY.clear();
    this.band.clear();
    const m = f.model;
    const L = f.layout;
    const top = (LANE_H - SEG_H) / 2;
    for (let i = f.i0; i < f.i1; i++) {
      const id = L.ids[i];
      if (id < 0) continue;
      const y = f.laneY(i) + top;
      if (L.groupBy === 'pod') {
        for (let s = m.lSegHead.a[id]; s >= 0; s = m.sNext.a[s]) this.item(f, m, s, i, y);
      } else this.ipLane(f, m, id, i, y, L.visible);
    }
    return this.itemSeg.n + this.band.n / 7;
  }

  private item(f: Frame, m: TimelineModel, s: number, lane: number, y: number): void {
    const start = m.sStart.a[s];
    const end = f.endOf(m.sEnd.a[s]);
    if (end < f.t0 || start > f.t1) return;
    this.itemSeg.push(s);
    this.itemLane.push(lane);
    this.itemX0.push(Math.max(f.labelW - 2, f.px(start)));
    this.itemX1.push(Math.min(f.width + 2, f.px(end)));
    this.itemY.push(y);
  }

  private ipLane(f: Frame, m: TimelineModel, ip: number, lane: number, y: number, visible: Uint8Array | undefined): void {
    const idx = m.ipIndex(ip);
    const ids = idx.ids.a;
    const sStart = m.sStart.a;
    const maxEnd = idx.maxEnd.a;
    const n = idx.ids.n;
    const xmin = f.labelW - 2;
    const xmax = f.width + 2;
    let k = idx.firstReaching(f.t0);
    while (k < n) {
      const s0 = ids[k];
      const start = sStart[s0];
      if (start > f.t1) break;
      const s = s0;
      if (visible && !visible[m.sLife.a[s]]) {
        k++;
        continue;
      }
      const end = f.endOf(m.sEnd.a[s]);
      if (end < f.t0) {
        k++;
        continue;
      }
      const x0 = Math.max(xmin, f.px(start));
      const x1 = Math.min(xmax, f.px(end));
      // A filtered lane is drawn segment by segment: a band would hide which holders pass the filter.
      if (x1 - x0 >= DENSE_PX || visible) {
        this.pushItem(s, lane, x0, x1, y);
        k++;
        continue;
      }
      // Merge everything that starts before the band's right edge (plus a pixel), jumping by binary search.
      let cover = x1;
      let j = k + 1;
      while (j < n) {
        const limit = f.time(cover + 1);
        if (sStart[ids[j]] > limit) break;
        const next = idx.after(limit, j, n);
        const reach = f.endOf(maxEnd[next - 1]);
        cover = Math.max(cover, Math.min(xmax, f.px(reach)));
        j = next;
      }
      if (j === k + 1) this.pushItem(s, lane, x0, x1, y);
      else {
        const b = this.band;
        b.push(lane);
        b.push(x0);
        b.push(Math.max(cover, x0 + 1));
        b.push(j - k);
        b.push(s);
        b.push(start);
        b.push(f.time(cover));
      }
      k = j;
    }
  }

  private pushItem(s: number, lane: number, x0: number, x1: number, y: number): void {
    this.itemSeg.push(s);
    this.itemLane.push(lane);
    this.itemX0.push(x0);
    this.itemX1.push(x1);
    this.itemY.push(y);
  }

  private stylesFor(theme: Theme): Styles {
    if (this.styles?.theme === theme) return this.styles;
    const hc = theme.highContrast;
    this.styles = {
      theme,
      fills: theme.revisions.map((c) => ({ fill: c, fillOpacity: 0.85, stroke: hc ? theme.fg : undefined, strokeWidth: 1, rx: 2 })),
      opaque: theme.revisions.map((c) => ({ fill: c, stroke: hc ? theme.fg : undefined, strokeWidth: 1 })),
      hostNetwork: theme.revisions.map((c) => ({ fill: c, fillOpacity: 0.35, stroke: hc ? theme.fg : c, strokeWidth: 1, dash: '3 2', rx: 2 })),
      bands: theme.revisions.map((c) => ({ fill: c, fillOpacity: 0.5, stroke: hc ? theme.fg : c, strokeWidth: 1 })),
      label: { fill: hc ? theme.fg : '#000', size: 10.5, anchor: 'middle', font: theme.fontFamily },
    };
    return this.styles;
  }

  draw(f: Frame, s: Surface): void {
    const m = f.model;
    const st = this.stylesFor(f.theme);
    const pal = st.fills.length;
    const L = f.layout;
    if (!s.detailed) {
      // Canvas: rectangles gathered per colour, one fill style each (separate fills measured
      // faster than one path of many rectangles in Chromium's software canvas); opaque there.
      ready(this.byColour, pal);
      ready(this.byColourHost, pal);
      ready(this.bandsByColour, pal);
      for (let i = 0; i < this.itemSeg.n; i++) {
        const seg = this.itemSeg.a[i];
        const c = m.revisionIndex(m.sLife.a[seg]) % pal;
        const x0 = this.itemX0.a[i];
        const list = m.sFlags.a[seg] & S_HOST_NETWORK ? this.byColourHost : this.byColour;
        list[c].push(x0, this.itemY.a[i], Math.max(1, this.itemX1.a[i] - x0), SEG_H);
      }
      const b = this.band.a;
      for (let i = 0; i < this.band.n; i += 7) {
        const c = m.revisionIndex(m.sLife.a[b[i + 4]]) % pal;
        this.bandsByColour[c].push(b[i + 1], f.laneY(b[i]) + (LANE_H - SEG_H) / 2 + 1, b[i + 2] - b[i + 1], SEG_H - 2);
      }
      for (let c = 0; c < pal; c++) {
        if (this.byColour[c].n) s.rects(this.byColour[c].xywh, this.byColour[c].n, st.opaque[c]);
        if (this.byColourHost[c].n) s.rects(this.byColourHost[c].xywh, this.byColourHost[c].n, st.hostNetwork[c]);
        if (this.bandsByColour[c].n) s.rects(this.bandsByColour[c].xywh, this.bandsByColour[c].n, st.bands[c]);
      }
    } else {
      for (let i = 0; i < this.itemSeg.n; i++) {
        const seg = this.itemSeg.a[i];
        const life = m.sLife.a[seg];
        const c = m.revisionIndex(life) % pal;
        const x0 = this.itemX0.a[i];
        const open = m.sEnd.a[seg] === Infinity;
        s.group({ cls: 'segment', data: { uid: m.uidOf(life), ip: m.ipOfSeg(seg), open: String(open) } });
        s.rect(x0, this.itemY.a[i], Math.max(1, this.itemX1.a[i] - x0), SEG_H, m.sFlags.a[seg] & S_HOST_NETWORK ? st.hostNetwork[c] : st.fills[c]);
        this.label(f, s, st, i, L.groupBy === 'ip' ? m.nameOf(life) : m.ipOfSeg(seg));
        s.endGroup();
      }
      const b = this.band.a;
      for (let i = 0; i < this.band.n; i += 7) {
        const c = m.revisionIndex(m.sLife.a[b[i + 4]]) % pal;
        s.rect(b[i + 1], f.laneY(b[i]) + (LANE_H - SEG_H) / 2 + 1, b[i + 2] - b[i + 1], SEG_H - 2, st.bands[c], {
          cls: 'density-band',
          data: { count: String(b[i + 3]) },
          title: `${b[i + 3]} holdings of ${m.ipV.list[L.ids[b[i]]]} in this stretch: zoom in to see each`,
        });
      }
      return;
    }
    // Labels on the canvas: only where a segment is wide enough to hold one.
    for (let i = 0; i < this.itemSeg.n; i++) {
      const seg = this.itemSeg.a[i];
      const w = this.itemX1.a[i] - Math.max(this.itemX0.a[i], f.labelW);
      if (w < 40) continue;
      this.label(f, s, st, i, L.groupBy === 'ip' ? m.nameOf(m.sLife.a[seg]) : m.ipOfSeg(seg));
    }
  }

  /** The segment's label, centred (its ends are where the markers sit), when it fits. */
  private label(f: Frame, s: Surface, st: Styles, i: number, text: string): void {
    const x0 = Math.max(this.itemX0.a[i], f.labelW);
    const x1 = this.itemX1.a[i];
    if (x1 - x0 <= textWidth(text) + 8) return;
    s.text((x0 + x1) / 2, this.itemY.a[i] + SEG_H / 2 + 4, text, st.label);
  }

  /** Whether the segment drawn as item `i` shows its label (the current-IP mark pins it otherwise). */
  labelled(f: Frame, seg: number, text: string): boolean {
    for (let i = 0; i < this.itemSeg.n; i++) {
      if (this.itemSeg.a[i] !== seg) continue;
      return this.itemX1.a[i] - Math.max(this.itemX0.a[i], f.labelW) > textWidth(text) + 8;
    }
    return false;
  }

  hit(f: Frame, x: number, y: number): Hit | undefined {
    const lane = f.laneAt(y);
    if (lane < 0 || x < f.labelW) return undefined;
    for (let i = 0; i < this.itemSeg.n; i++) {
      if (this.itemLane.a[i] !== lane) continue;
      if (x >= this.itemX0.a[i] - 4 && x <= this.itemX1.a[i] + 4) return { kind: 'segment', seg: this.itemSeg.a[i], life: f.model.sLife.a[this.itemSeg.a[i]] };
    }
    const b = this.band.a;
    for (let i = 0; i < this.band.n; i += 7) {
      if (b[i] === lane && x >= b[i + 1] && x <= b[i + 2]) return { kind: 'band', lane, count: b[i + 3], from: b[i + 5], to: b[i + 6] };
    }
    return undefined;
  }
}

function ready(list: RectBuffer[], n: number): void {
  while (list.length < n) list.push(new RectBuffer());
  for (const b of list) b.clear();
}


