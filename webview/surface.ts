// The two Surfaces marks draw on (webview/marks/mark.ts):
//  - SvgSurface: immediate-mode drawing into an SVG layer that reuses its elements by position,
//    so a frame costs attribute updates, not element churn; shapes carry classes, data-*
//    attributes and <title>s for tests, tooltips of the export and assistive tools;
//  - CanvasSurface: the same calls on a 2D context, with no allocation per call.
import * as d3 from 'd3';
import { SVG_NS } from './dom';
import type { Meta, ShapeStyle, Surface, SymbolName, TextStyle } from './marks/mark';

const SYMBOL_TYPES: Record<SymbolName, d3.SymbolType> = {
  circle: d3.symbolCircle,
  triangle: d3.symbolTriangle,
  'triangle-down': d3.symbolTriangle,
  diamond: d3.symbolDiamond,
  times: d3.symbolTimes,
};

/** SVG path of a symbol centred on 0,0 (d3's shapes), cached per name and size (no key string per call). */
const symbolPaths: Partial<Record<SymbolName, Map<number, string>>> = {};
export function symbolPath(name: SymbolName, size: number): string {
  const bySize = (symbolPaths[name] ??= new Map());
  let p = bySize.get(size);
  if (p === undefined) {
    p = d3.symbol().type(SYMBOL_TYPES[name]).size(size)() ?? '';
    bySize.set(size, p);
  }
  return p;
}

interface CanvasSymbol {
  circle?: number;
  subpaths: number[][];
  closed: boolean;
}
const canvasSymbols: Partial<Record<SymbolName, Map<number, CanvasSymbol>>> = {};
/** The symbol as vertex lists (d3 draws them from M/L/Z paths; the circle is an arc). */
function canvasSymbol(name: SymbolName, size: number): CanvasSymbol {
  const bySize = (canvasSymbols[name] ??= new Map());
  let s = bySize.get(size);
  if (s) return s;
  if (name === 'circle') s = { circle: Math.sqrt(size / Math.PI), subpaths: [], closed: true };
  else {
    const path = symbolPath(name, size);
    const flip = name === 'triangle-down' ? -1 : 1;
    const subpaths: number[][] = [];
    for (const [, cmd, args] of path.matchAll(/([MLZ])([^MLZ]*)/g)) {
      const n = args.split(/[\s,]+/).filter(Boolean).map(Number);
      if (cmd === 'M') subpaths.push([flip * n[0], flip * n[1]]);
      else if (cmd === 'L') subpaths[subpaths.length - 1].push(flip * n[0], flip * n[1]);
    }
    s = { subpaths, closed: /Z/.test(path) };
  }
  bySize.set(size, s);
  return s;
}

// ---------------------------------------------------------------- SVG

const setByUs = new WeakMap<Element, string[]>();

export class SvgSurface implements Surface {
  readonly kind = 'svg' as const;
  readonly detailed = true;
  private stack: { parent: Element; i: number }[] = [];
  /** The layer being drawn, for a mark that draws with d3 directly (the axis). */
  layer!: SVGGElement;

  begin(layer: SVGGElement): void {
    this.layer = layer;
    this.stack = [{ parent: layer, i: 0 }];
  }

  /** Counts `n` children the caller made itself as drawn (so `end` keeps them). */
  keep(n: number): void {
    this.stack[this.stack.length - 1].i += n;
  }

  /** Removes what the last frame drew and this one did not. */
  end(): void {
    while (this.stack.length) this.closeLevel();
  }

  private closeLevel(): void {
    const top = this.stack.pop()!;
    const kids = top.parent.children;
    while (kids.length > top.i) kids[kids.length - 1].remove();
  }

  private take<K extends keyof SVGElementTagNameMap>(tag: K): SVGElementTagNameMap[K] {
    const top = this.stack[this.stack.length - 1];
    const existing = top.parent.children[top.i];
    let e: Element;
    if (existing && existing.localName === tag) e = existing;
    else {
      e = document.createElementNS(SVG_NS, tag);
      top.parent.insertBefore(e, existing ?? null);
    }
    top.i++;
    return e as SVGElementTagNameMap[K];
  }

  private attrs(e: Element, list: (string | number | undefined)[], meta: Meta | undefined): void {
    const names: string[] = [];
    for (let i = 0; i < list.length; i += 2) {
      const v = list[i + 1];
      if (v === undefined) continue;
      const name = list[i] as string;
      const s = String(v);
      if (e.getAttribute(name) !== s) e.setAttribute(name, s);
      names.push(name);
    }
    if (meta?.cls !== undefined) {
      if (e.getAttribute('class') !== meta.cls) e.setAttribute('class', meta.cls);
      names.push('class');
    }
    if (meta?.data) {
      for (const [k, v] of Object.entries(meta.data)) {
        const name = `data-${k}`;
        if (e.getAttribute(name) !== v) e.setAttribute(name, v);
        names.push(name);
      }
    }
    for (const old of setByUs.get(e) ?? []) if (!names.includes(old)) e.removeAttribute(old);
    setByUs.set(e, names);
    this.title(e, meta?.title);
  }

  private title(e: Element, text: string | undefined): void {
    const first = e.firstElementChild;
    const has = first?.localName === 'title';
    if (text === undefined) {
      if (has) first!.remove();
      return;
    }
    const t = has ? first! : e.insertBefore(document.createElementNS(SVG_NS, 'title'), first);
    if (t.textContent !== text) t.textContent = text;
  }

  private style(s: ShapeStyle): (string | number | undefined)[] {
    return ['fill', s.fill ?? 'none', 'fill-opacity', s.fillOpacity, 'stroke', s.stroke ?? 'none', 'stroke-width', s.stroke ? s.strokeWidth : undefined, 'stroke-dasharray', s.dash];
  }

  rect(x: number, y: number, w: number, h: number, style: ShapeStyle, meta?: Meta): void {
    const e = this.take('rect');
    this.attrs(e, ['x', round(x), 'y', round(y), 'width', round(Math.max(0, w)), 'height', round(Math.max(0, h)), 'rx', style.rx, ...this.style(style)], meta);
  }

  rects(xywh: Float32Array, n: number, style: ShapeStyle): void {
    for (let i = 0; i < n; i++) this.rect(xywh[i * 4], xywh[i * 4 + 1], xywh[i * 4 + 2], xywh[i * 4 + 3], style);
  }

  line(x1: number, y1: number, x2: number, y2: number, style: ShapeStyle, meta?: Meta): void {
    const e = this.take('line');
    this.attrs(e, ['x1', round(x1), 'y1', round(y1), 'x2', round(x2), 'y2', round(y2), 'stroke', style.stroke, 'stroke-width', style.strokeWidth, 'stroke-dasharray', style.dash], meta);
  }

  text(x: number, y: number, s: string, style: TextStyle, meta?: Meta): void {
    if (style.halo) {
      // A box behind the text; its width is the text's own, measured after layout would cost a reflow.
      const w = s.length * style.size * 0.6 + 4;
      const x0 = style.anchor === 'end' ? x - w + 2 : style.anchor === 'middle' ? x - w / 2 : x - 2;
      this.rect(x0, y - style.size, w, style.size + 4, { fill: style.halo, fillOpacity: 0.85, rx: 2 }, { cls: 'halo' });
    }
    const e = this.take('text');
    this.attrs(e, ['x', round(x), 'y', round(y), 'fill', style.fill, 'font-size', style.size, 'font-weight', style.weight, 'font-family', style.font, 'text-anchor', style.anchor, 'pointer-events', 'none'], meta);
    if (e.textContent !== s) e.textContent = s;
  }

  symbol(name: SymbolName, x: number, y: number, size: number, style: ShapeStyle, meta?: Meta): void {
    const e = this.take('path');
    const transform = `translate(${round(x)},${round(y)})${name === 'triangle-down' ? ' rotate(180)' : ''}`;
    this.attrs(e, ['d', symbolPath(name, size), 'transform', transform, ...this.style(style)], meta);
  }

  curve(x1: number, y1: number, c1x: number, c1y: number, c2x: number, c2y: number, x2: number, y2: number, style: ShapeStyle, meta?: Meta): void {
    const e = this.take('path');
    this.attrs(e, ['d', `M${round(x1)},${round(y1)} C${round(c1x)},${round(c1y)} ${round(c2x)},${round(c2y)} ${round(x2)},${round(y2)}`, 'transform', undefined, ...this.style(style)], meta);
  }

  group(meta: Meta): void {
    const g = this.take('g');
    this.attrs(g, [], meta);
    this.stack.push({ parent: g, i: meta.title !== undefined ? 1 : 0 });
  }

  endGroup(): void {
    this.closeLevel();
  }
}

function round(v: number): number {
  return Math.round(v * 10) / 10;
}

// ---------------------------------------------------------------- canvas

const dashes = new Map<string, number[]>();
const NO_DASH: number[] = [];
function dashOf(d: string | undefined): number[] {
  if (!d) return NO_DASH;
  let a = dashes.get(d);
  if (!a) dashes.set(d, (a = d.split(/[\s,]+/).map(Number)));
  return a;
}

export class CanvasSurface implements Surface {
  readonly kind = 'canvas' as const;
  readonly detailed = false;
  ctx!: CanvasRenderingContext2D;
  private fill = '';
  private alpha = 1;
  private font = '';

  begin(ctx: CanvasRenderingContext2D): void {
    this.ctx = ctx;
    this.fill = '';
    this.alpha = -1;
    this.font = '';
  }

  private setFill(c: string, alpha: number): void {
    if (c !== this.fill) {
      this.ctx.fillStyle = c;
      this.fill = c;
    }
    if (alpha !== this.alpha) {
      this.ctx.globalAlpha = alpha;
      this.alpha = alpha;
    }
  }

  private stroke(style: ShapeStyle): void {
    const ctx = this.ctx;
    ctx.strokeStyle = style.stroke!;
    ctx.lineWidth = style.strokeWidth ?? 1;
    ctx.setLineDash(dashOf(style.dash));
    if (this.alpha !== 1) {
      ctx.globalAlpha = 1;
      this.alpha = 1;
    }
    ctx.stroke();
  }

  rect(x: number, y: number, w: number, h: number, style: ShapeStyle): void {
    if (style.fill && style.fill !== 'none') {
      this.setFill(style.fill, style.fillOpacity ?? 1);
      this.ctx.fillRect(x, y, w, h);
    }
    if (style.stroke && style.stroke !== 'none') {
      this.ctx.beginPath();
      this.ctx.rect(x + 0.5, y + 0.5, Math.max(0, w - 1), Math.max(0, h - 1));
      this.stroke(style);
    }
  }

  rects(xywh: Float32Array, n: number, style: ShapeStyle): void {
    const ctx = this.ctx;
    if (style.fill && style.fill !== 'none') {
      this.setFill(style.fill, style.fillOpacity ?? 1);
      for (let i = 0; i < n * 4; i += 4) ctx.fillRect(xywh[i], xywh[i + 1], xywh[i + 2], xywh[i + 3]);
    }
    if (style.stroke && style.stroke !== 'none') {
      ctx.beginPath();
      for (let i = 0; i < n * 4; i += 4) ctx.rect(xywh[i] + 0.5, xywh[i + 1] + 0.5, Math.max(0, xywh[i + 2] - 1), Math.max(0, xywh[i + 3] - 1));
      this.stroke(style);
    }
  }

  line(x1: number, y1: number, x2: number, y2: number, style: ShapeStyle): void {
    const ctx = this.ctx;
    ctx.beginPath();
    ctx.moveTo(x1, y1);
    ctx.lineTo(x2, y2);
    this.stroke(style);
  }

  text(x: number, y: number, s: string, style: TextStyle): void {
    const ctx = this.ctx;
    const font = `${style.weight ?? 400} ${style.size}px ${style.font}`;
    if (font !== this.font) {
      ctx.font = font;
      this.font = font;
    }
    ctx.textAlign = style.anchor === 'middle' ? 'center' : style.anchor === 'end' ? 'right' : 'left';
    if (style.halo) {
      const w = s.length * style.size * 0.6 + 4;
      const x0 = style.anchor === 'end' ? x - w + 2 : style.anchor === 'middle' ? x - w / 2 : x - 2;
      this.setFill(style.halo, 0.85);
      ctx.fillRect(x0, y - style.size, w, style.size + 4);
    }
    this.setFill(style.fill, 1);
    ctx.fillText(s, x, y);
  }

  symbol(name: SymbolName, x: number, y: number, size: number, style: ShapeStyle): void {
    const ctx = this.ctx;
    const shape = canvasSymbol(name, size);
    ctx.beginPath();
    if (shape.circle !== undefined) ctx.arc(x, y, shape.circle, 0, Math.PI * 2);
    else
      for (const sub of shape.subpaths) {
        ctx.moveTo(x + sub[0], y + sub[1]);
        for (let i = 2; i < sub.length; i += 2) ctx.lineTo(x + sub[i], y + sub[i + 1]);
        if (shape.closed) ctx.closePath();
      }
    // No halo stroke on the canvas: it would double the raster work for thousands of markers.
    if (style.fill && style.fill !== 'none') {
      this.setFill(style.fill, style.fillOpacity ?? 1);
      ctx.fill();
    } else if (style.stroke) this.stroke(style);
  }

  curve(x1: number, y1: number, c1x: number, c1y: number, c2x: number, c2y: number, x2: number, y2: number, style: ShapeStyle): void {
    const ctx = this.ctx;
    ctx.beginPath();
    ctx.moveTo(x1, y1);
    ctx.bezierCurveTo(c1x, c1y, c2x, c2y, x2, y2);
    this.stroke(style);
  }

  group(): void {}
  endGroup(): void {}
}
