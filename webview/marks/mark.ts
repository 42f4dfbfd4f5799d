// What every mark shares, after Observable Plot's marks: a mark is a small thing that turns the
// data in view (the Frame: model, scales, lanes on screen) into drawing on a Surface, which is an
// SVG layer (few shapes, inspectable, exported) or the canvas (many shapes) behind one interface.
// The view only composes marks: it asks each to `prepare` (collect what is in view into its own
// reusable buffers, and say how many shapes that is), picks SVG or canvas for the bulk marks from
// the total, then asks each to `draw`. Marks that own a band above the lanes (the Services, later
// the references) say how tall it is with `height`; the view stacks those bands in order.
import type { ReferenceRow } from '../../src/core/protocol/messages';
import type { ServiceLane, TimelineModel, LaneLayout } from '../model';
import type { Theme } from '../theme';

export const LANE_H = 20;
export const SEG_H = 12;
export const AXIS_H = 26;

/** Everything a mark needs to draw one frame. One object, updated in place every frame. */
export class Frame {
  model!: TimelineModel;
  theme!: Theme;
  layout!: LaneLayout;
  live = false;
  now = 0;
  width = 0;
  height = 0;
  /** Width of the label column; the plot is [labelW, width]. */
  labelW = 0;
  /** Where the lanes start (below the axis and the header bands). */
  headerH = AXIS_H;
  t0 = 0;
  t1 = 1;
  /** Pixels per millisecond. */
  kx = 1;
  scrollTop = 0;
  /** Visible lanes: [i0, i1). */
  i0 = 0;
  i1 = 0;
  /** Drawing for an export: everything as SVG, opaque background. */
  exporting = false;
  /** The lane with keyboard focus, and whether the chart has focus. */
  focusLane = 0;
  focused = false;
  /** Top of each header band, by mark. */
  readonly bandTop = new Map<Mark, number>();

  px(t: number): number {
    return this.labelW + (t - this.t0) * this.kx;
  }
  time(px: number): number {
    return this.t0 + (px - this.labelW) / this.kx;
  }
  laneY(i: number): number {
    return this.headerH + i * LANE_H - this.scrollTop;
  }
  /** The lane under a y coordinate, or -1. */
  laneAt(y: number): number {
    if (y < this.headerH) return -1;
    const i = Math.floor((y - this.headerH + this.scrollTop) / LANE_H);
    return i >= 0 && i < this.layout.length ? i : -1;
  }
  /** The end of an interval as drawn: open ones end now. */
  endOf(end: number): number {
    return end === Infinity ? Math.max(this.now, this.model.last) : end;
  }
}

/** Shape attributes for the SVG surface: class, data-* attributes, a <title> (ignored on canvas). */
export interface Meta {
  cls?: string;
  data?: Record<string, string>;
  title?: string;
}

export interface ShapeStyle {
  fill?: string;
  fillOpacity?: number;
  stroke?: string;
  strokeWidth?: number;
  dash?: string;
  rx?: number;
}

export interface TextStyle {
  fill: string;
  size: number;
  weight?: number;
  anchor?: 'start' | 'middle' | 'end';
  font: string;
  /** A background behind the text (a halo that keeps it readable over shapes). */
  halo?: string;
}

export type SymbolName = 'circle' | 'triangle' | 'triangle-down' | 'diamond' | 'times';

/** One drawing target: an SVG layer or the canvas. Canvas calls allocate nothing. */
export interface Surface {
  readonly kind: 'svg' | 'canvas';
  /** SVG: marks add Meta (classes, data attributes, titles); canvas: they skip computing it. */
  readonly detailed: boolean;
  rect(x: number, y: number, w: number, h: number, style: ShapeStyle, meta?: Meta): void;
  /** Many rectangles of one style: `xywh` holds x, y, w, h for each of `n`. */
  rects(xywh: Float32Array, n: number, style: ShapeStyle): void;
  line(x1: number, y1: number, x2: number, y2: number, style: ShapeStyle, meta?: Meta): void;
  text(x: number, y: number, s: string, style: TextStyle, meta?: Meta): void;
  symbol(name: SymbolName, x: number, y: number, size: number, style: ShapeStyle, meta?: Meta): void;
  /** A cubic curve from (x1, y1) to (x2, y2) through two control points. */
  curve(x1: number, y1: number, c1x: number, c1y: number, c2x: number, c2y: number, x2: number, y2: number, style: ShapeStyle, meta?: Meta): void;
  /** Groups the next shapes (SVG <g>): for per-item attributes such as a segment's data-uid. */
  group(meta: Meta): void;
  endGroup(): void;
}

export type Hit =
  | { kind: 'segment'; seg: number; life: number }
  | { kind: 'band'; lane: number; count: number; from: number; to: number }
  | { kind: 'marker'; mark: number; life: number }
  | { kind: 'link'; link: number }
  | { kind: 'service'; lane: ServiceLane }
  | { kind: 'endpoint'; lane: ServiceLane; interval: number }
  | { kind: 'current'; lane: number; seg: number }
  | { kind: 'lane'; lane: number }
  /** The label column: the tooltip repeats the full (possibly truncated) label and describes the lane. */
  | { kind: 'label'; lane: number }
  | { kind: 'gap'; from: number; to: number; reason?: string }
  | { kind: 'missed'; from: number; to: number; text: string }
  /** A references row; `interval` is -1 on its label. */
  | { kind: 'reference'; row: ReferenceRow; interval: number };

export interface Mark {
  readonly name: string;
  /** Bulk marks may go to the canvas; the others always draw in SVG. */
  readonly bulk?: boolean;
  /** Height of this mark's band above the lanes (Services, references); absent: no band. */
  height?(f: Frame): number;
  /** A band mark with many shapes of its own this frame may ask for the canvas (outside exports) whatever the lanes use. */
  canvas?(f: Frame): boolean;
  /** Collects what is in view; returns the number of shapes `draw` will make. */
  prepare?(f: Frame): number;
  draw(f: Frame, s: Surface): void;
  /** What is at (x, y), if this mark drew something there. */
  hit?(f: Frame, x: number, y: number): Hit | undefined;
}

/** A reusable buffer of rectangles (x, y, w, h), grown as needed and never shrunk. */
export class RectBuffer {
  xywh = new Float32Array(256);
  n = 0;
  clear(): void {
    this.n = 0;
  }
  push(x: number, y: number, w: number, h: number): void {
    if ((this.n + 1) * 4 > this.xywh.length) {
      const b = new Float32Array(this.xywh.length * 2);
      b.set(this.xywh);
      this.xywh = b;
    }
    const i = this.n++ * 4;
    this.xywh[i] = x;
    this.xywh[i + 1] = y;
    this.xywh[i + 2] = w;
    this.xywh[i + 3] = h;
  }
}

/** A reusable list of numbers (ids, positions), grown as needed. */
export class NumBuffer {
  a = new Float64Array(256);
  n = 0;
  clear(): void {
    this.n = 0;
  }
  push(v: number): void {
    if (this.n === this.a.length) {
      const b = new Float64Array(this.a.length * 2);
      b.set(this.a);
      this.a = b;
    }
    this.a[this.n++] = v;
  }
}
