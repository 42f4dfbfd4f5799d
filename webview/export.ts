// Exports of the view: SVG (every mark drawn as SVG, colours concrete), PNG (that SVG rasterised)
// and JSON (the recording as it came, or the model's events read back). The images hold the
// whole picture, not the part scrolled into view: a title (what is watched, on which context and
// server, the time window, the filter), the legend, then every lane of the current filter over
// the visible time window.
import type { TimelineSnapshot } from '../src/core/events';
import { SVG_NS } from './dom';
import { textWidth } from './format';
import type { TimelineModel } from './model';
import type { Theme } from './theme';

export interface Exportable {
  readonly svgNode: SVGSVGElement;
  readonly model: TimelineModel;
  readonly theme: Theme;
  /** Draws the current view synchronously; `exporting` forces SVG for every mark, an opaque background and every lane. */
  render(exporting?: boolean): void;
  readonly visibleDomain: [number, number];
  readonly size: { width: number; height: number };
  /** The snapshot a recording was loaded from, as text, when nothing has been added since. */
  readonly recording?: string;
  readonly exportTitle: { title: string; subtitle: string };
  /** The legend's items as the page shows them: an <svg> swatch and a label each. */
  readonly legendItems: Element[];
}

const PAD = 8;
const TITLE_PX = 14;
const SUBTITLE_PX = 12;
const LEGEND_PX = 11;
const LEGEND_ROW = 18;
/** Chromium's canvas limits: a side of 32,767 px, an area of 268 million. */
const MAX_SIDE = 32_000;
const MAX_AREA = 200_000_000;

function svg<K extends keyof SVGElementTagNameMap>(tag: K, attrs: Record<string, string | number>, text?: string): SVGElementTagNameMap[K] {
  const e = document.createElementNS(SVG_NS, tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
  if (text !== undefined) e.textContent = text;
  return e;
}

/** The export as an SVG document and its size. */
function buildSvg(v: Exportable): { text: string; width: number; height: number } {
  try {
    v.render(true);
    const chart = v.svgNode.cloneNode(true) as SVGSVGElement;
    for (const a of ['tabindex', 'role', 'aria-roledescription', 'aria-label', 'style', 'id']) chart.removeAttribute(a);
    chart.querySelector('.focus-ring')?.remove();
    const width = Number(chart.getAttribute('width')) || v.size.width;
    const chartH = Number(chart.getAttribute('height')) || v.size.height;
    const t = v.theme;
    const font = t.fontFamily;

    // Title, subtitle, then the legend in rows as wide as the chart.
    const head = svg('g', { class: 'export-header' });
    const { title, subtitle } = v.exportTitle;
    let y = PAD + TITLE_PX;
    head.append(svg('text', { x: PAD, y, fill: t.fg, 'font-size': TITLE_PX, 'font-weight': 600, 'font-family': font, class: 'export-title' }, title));
    y += SUBTITLE_PX + 6;
    head.append(svg('text', { x: PAD, y, fill: t.muted, 'font-size': SUBTITLE_PX, 'font-family': font, class: 'export-subtitle' }, subtitle));
    y += 8;
    const legend = svg('g', { class: 'export-legend' });
    let x = PAD;
    let row = y;
    for (const item of v.legendItems) {
      const swatch = item.querySelector('svg');
      const label = item.textContent ?? '';
      const sw = Number(swatch?.getAttribute('width')) || 22;
      const w = sw + 4 + textWidth(label, LEGEND_PX) + 14;
      if (x > PAD && x + w > width - PAD) {
        x = PAD;
        row += LEGEND_ROW;
      }
      const g = svg('g', { class: 'legend-item', transform: `translate(${x},${row + 2})` });
      if (swatch) for (const c of Array.from(swatch.childNodes)) g.append(c.cloneNode(true));
      g.append(svg('text', { x: sw + 4, y: 11, fill: t.muted, 'font-size': LEGEND_PX, 'font-family': font }, label));
      legend.append(g);
      x += w;
    }
    head.append(legend);
    const headerH = row + LEGEND_ROW + PAD;

    const height = headerH + chartH;
    const root = svg('svg', { xmlns: SVG_NS, width, height, viewBox: `0 0 ${width} ${height}` });
    root.append(svg('title', {}, `${title} — ${subtitle}`));
    root.append(svg('rect', { class: 'export-background', x: 0, y: 0, width, height, fill: t.bg }));
    root.append(head);
    // The chart as it is, nested: its clip paths and coordinates stay its own.
    chart.setAttribute('x', '0');
    chart.setAttribute('y', String(headerH));
    chart.setAttribute('class', 'export-chart');
    root.append(chart);
    return { text: `<?xml version="1.0" encoding="UTF-8"?>\n${new XMLSerializer().serializeToString(root)}`, width, height };
  } finally {
    v.render(false);
  }
}

export function exportSvg(v: Exportable): string {
  return buildSvg(v).text;
}

/** The SVG rasterised; `scale` 2 for sharp text, less when the picture is too tall for a canvas. */
export async function exportPng(v: Exportable, scale = 2): Promise<string> {
  const { text, width, height } = buildSvg(v);
  const k = Math.min(scale, MAX_SIDE / width, MAX_SIDE / height, Math.sqrt(MAX_AREA / (width * height)));
  const url = URL.createObjectURL(new Blob([text], { type: 'image/svg+xml' }));
  try {
    const img = new Image();
    await new Promise<void>((resolve, reject) => {
      img.onload = () => resolve();
      img.onerror = () => reject(new Error('the SVG could not be rasterised'));
      img.src = url;
    });
    const c = document.createElement('canvas');
    c.width = Math.max(1, Math.round(width * k));
    c.height = Math.max(1, Math.round(height * k));
    const ctx = c.getContext('2d');
    if (!ctx) throw new Error(`no canvas of ${c.width}×${c.height} px`);
    ctx.scale(k, k);
    ctx.drawImage(img, 0, 0, width, height);
    return c.toDataURL('image/png');
  } finally {
    URL.revokeObjectURL(url);
  }
}

/** A recording is exported as it came (lossless); a live view as the events it holds. */
export function exportJson(v: Exportable): string {
  if (v.recording !== undefined) {
    const parsed = JSON.parse(v.recording) as { snapshot?: TimelineSnapshot };
    if (parsed.snapshot) return JSON.stringify(parsed.snapshot, null, 2);
  }
  return JSON.stringify(v.model.exportSnapshot(), null, 2);
}
