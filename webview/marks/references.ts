// The References band, above the lanes: one row per hard-coded IP in the workspace's manifests
// that a Pod of this timeline held (`frontend.yaml:24 → 10.244.1.7`), drawn over time as what the
// literal reached: live (a Pod of the workload it was written for holds the IP; solid), dangling
// (nobody does; outlined, dashed) or reused (another workload's Pod does; striped fill). The state
// is also written inside wide enough intervals, so colour is never the only cue. The band shows as
// many rows as fit a third of the view; the table view lists every one.
import { REFERENCE_STATES, type ReferenceRow, type ReferenceState } from '../../src/core/protocol/messages';
import { referenceTitle } from '../../src/core/protocol/referenceText';
import { truncate } from '../format';
import { AXIS_H, type Frame, type Hit, type Mark, RectBuffer, type ShapeStyle, type Surface } from './mark';

export const REF_ROW_H = 16;
const TITLE_H = 16;
const GAP = 6;
/** Intervals in view above which the band goes to the canvas. */
const CANVAS_ABOVE = 150;

interface Parsed {
  row: ReferenceRow;
  from: Float64Array;
  to: Float64Array;
  state: ReferenceState[];
}

const COLOURS: Record<ReferenceState, string> = { live: '#009E73', dangling: '#D55E00', reused: '#CC79A7' };

export class ReferencesMark implements Mark {
  readonly name = 'references';
  private parsed: Parsed[] = [];
  private shown = 0;
  private inView = 0;
  private readonly buffers: Record<ReferenceState, RectBuffer> = { live: new RectBuffer(), dangling: new RectBuffer(), reused: new RectBuffer() };
  literals = 0;
  files = 0;

  setRows(rows: readonly ReferenceRow[], literals: number, files: number): void {
    // Never more than there are, even before the next frame's `height` (hits come between frames).
    this.shown = Math.min(this.shown, rows.length);
    this.literals = literals;
    this.files = files;
    this.parsed = rows.map((row) => {
      const n = row.intervals.length;
      const p: Parsed = { row, from: new Float64Array(n), to: new Float64Array(n), state: [] };
      row.intervals.forEach((iv, i) => {
        p.from[i] = Date.parse(iv.from);
        p.to[i] = iv.to === undefined ? Infinity : Date.parse(iv.to);
        p.state.push(iv.state);
      });
      return p;
    });
  }

  get rows(): readonly ReferenceRow[] {
    return this.parsed.map((p) => p.row);
  }

  /** Rows that fit in a third of the view (at least three), plus a line saying how many more there are. */
  private fit(f: Frame): number {
    const room = Math.max(3, Math.floor(((f.height - AXIS_H) / 3 - TITLE_H) / REF_ROW_H));
    return Math.min(this.parsed.length, room);
  }

  /** Counts the intervals in view: past a few hundred the band draws on the canvas (SVG costs per element). */
  prepare(f: Frame): number {
    let n = 0;
    for (let r = 0; r < this.shown; r++) {
      const p = this.parsed[r];
      for (let i = 0; i < p.state.length; i++) if (p.to[i] >= f.t0 && p.from[i] <= f.t1) n++;
    }
    this.inView = n;
    return n;
  }

  canvas(): boolean {
    return this.inView > CANVAS_ABOVE;
  }

  height(f: Frame): number {
    if (this.parsed.length === 0) {
      this.shown = 0;
      return 0;
    }
    this.shown = this.fit(f);
    return TITLE_H + this.shown * REF_ROW_H + GAP;
  }

  draw(f: Frame, s: Surface): void {
    if (this.parsed.length === 0) return;
    const top = f.bandTop.get(this) ?? AXIS_H;
    const theme = f.theme;
    const more = this.parsed.length - this.shown;
    const title = `References: ${this.parsed.length} of ${this.literals} IP literal${this.literals === 1 ? '' : 's'} in ${this.files} manifest${this.files === 1 ? '' : 's'}${more > 0 ? ` (${more} more in the table view)` : ''}`;
    s.text(6, top + 12, truncate(title, Math.floor((f.width - 12) / 6.2)), { fill: theme.muted, size: 11, weight: 600, font: theme.fontFamily }, { cls: 'references-title' });
    const label = { fill: theme.fg, size: 11, font: theme.fontFamily };
    const inside = { fill: theme.highContrast ? theme.fg : '#ffffff', size: 10, font: theme.fontFamily, weight: 600 };
    const xMin = f.labelW;
    const xMax = f.width;
    const end = Math.max(f.now, f.model.last);
    const styles: Record<ReferenceState, ShapeStyle> = {
      live: { fill: COLOURS.live, fillOpacity: 0.75, rx: 2 },
      dangling: { fill: COLOURS.dangling, fillOpacity: 0.12, stroke: COLOURS.dangling, strokeWidth: 1.5, dash: '4 3', rx: 2 },
      reused: { fill: COLOURS.reused, fillOpacity: 0.9, stroke: theme.fg, strokeWidth: 1, rx: 2 },
    };
    const danglingWord = { ...inside, fill: COLOURS.dangling };
    // On the canvas, one pass per state (a path per stroke costs); in SVG, one element per interval, with its state.
    const batch = !s.detailed;
    if (batch) for (const b of Object.values(this.buffers)) b.clear();
    for (let r = 0; r < this.shown; r++) {
      const p = this.parsed[r];
      const y = top + TITLE_H + r * REF_ROW_H;
      if (!batch) s.group({ cls: 'reference', data: { id: p.row.id, state: p.row.state, ip: p.row.ip, file: p.row.label, line: String(p.row.line) } });
      for (let i = 0; i < p.state.length; i++) {
        const a = p.from[i];
        const b = p.to[i] === Infinity ? end : p.to[i];
        if (b < f.t0 || a > f.t1) continue;
        const x0 = Math.max(xMin, f.px(a));
        const x1 = Math.min(xMax, f.px(b));
        const w = Math.max(1, x1 - x0);
        const state = p.state[i];
        const inset = state === 'dangling' ? 3 : 2;
        if (batch) this.buffers[state].push(x0, y + inset, w, REF_ROW_H - 2 * inset);
        else s.rect(x0, y + inset, w, REF_ROW_H - 2 * inset, styles[state], { cls: `ref-interval ref-${state}`, data: { state, interval: String(i) } });
        if (w > 56) s.text(x0 + 4, y + 11.5, state, state === 'dangling' ? danglingWord : inside, { cls: 'ref-state' });
      }
      if (!batch) s.endGroup();
      s.text(6, y + 12, truncate(referenceTitle(p.row), Math.floor((f.labelW - 12) / 6.2)), label, { cls: 'reference-label', data: { id: p.row.id } });
    }
    if (batch) for (const state of REFERENCE_STATES) s.rects(this.buffers[state].xywh, this.buffers[state].n, styles[state]);
  }

  hit(f: Frame, x: number, y: number): Hit | undefined {
    const top = f.bandTop.get(this);
    if (top === undefined || this.parsed.length === 0) return undefined;
    const r = Math.floor((y - top - TITLE_H) / REF_ROW_H);
    if (y < top + TITLE_H || r < 0 || r >= this.shown) return undefined;
    const p = this.parsed[r];
    if (x < f.labelW) return { kind: 'reference', row: p.row, interval: -1 };
    const t = f.time(x);
    const slop = 2 / f.kx;
    for (let i = 0; i < p.state.length; i++) if (t >= p.from[i] - slop && t <= p.to[i] + slop) return { kind: 'reference', row: p.row, interval: i };
    return { kind: 'reference', row: p.row, interval: -1 };
  }
}
