// Zoom, pan, keys, hit-testing and the tooltip. The visible time window lives here, kept in step
// with d3-zoom's transform (so drags, Ctrl+wheel, keys and programmatic changes agree). What is
// under the pointer is asked of the marks (they know what they drew), not of the DOM.
import * as d3 from 'd3';
import { el } from './dom';
import { lifeOfHit, tooltipLines } from './describe';
import type { Frame, Hit } from './marks/mark';
import { LANE_H } from './marks/mark';

/**
 * Zoom per Ctrl+wheel notch. d3-zoom's default (2^(0.002·100·10) = 4× per notch with Ctrl) takes
 * four notches from minutes to milliseconds; this keeps a notch a small step. A trackpad pinch
 * (Ctrl+wheel with small deltas) zooms in proportion to its deltas.
 */
export const WHEEL_ZOOM_PER_NOTCH = 1.25;
/** No single wheel event zooms more than this, whatever its delta (some mice report 2–3 notches at once). */
const WHEEL_ZOOM_MAX = 1.5;

/** d3-zoom's wheelDelta: log2 of the scale change for one wheel event. */
export function wheelZoomDelta(ev: WheelEvent): number {
  // A notch: 100 px in Chromium (so in VS Code), 3 lines in Firefox, or one page.
  const notches = -ev.deltaY / (ev.deltaMode === 1 ? 3 : ev.deltaMode === 2 ? 1 : 100);
  const max = Math.log2(WHEEL_ZOOM_MAX);
  return Math.max(-max, Math.min(max, notches * Math.log2(WHEEL_ZOOM_PER_NOTCH)));
}

export interface InteractionHost {
  readonly frame: Frame;
  readonly root: HTMLElement;
  readonly plot: HTMLElement;
  readonly live: boolean;
  now(): number;
  hitTest(x: number, y: number): Hit | undefined;
  /** The window moved (by the user or by following the present). */
  windowChanged(): void;
  /** The user zoomed or panned on purpose (wheel, drag, keys): the view stops choosing the window. */
  userMoved(): void;
  follow(): void;
  openLife(life: number): void;
  /** Opens the Pod of the focused lane (on a lane by IP: its latest holder). */
  openFocused(): void;
  setFocusLane(i: number): void;
  /** A click on a lane that does something itself (the summary row of folded lanes); false if none. */
  activateLane(lane: number): boolean;
  moveFocus(delta: number): void;
  invalidate(): void;
}

export class Interaction {
  domain: [number, number];
  /** The window follows the present (live timelines) until the user pans into the past. */
  following: boolean;
  private readonly base = d3.scaleTime();
  private readonly zoom: d3.ZoomBehavior<SVGSVGElement, unknown>;
  private readonly svg: d3.Selection<SVGSVGElement, unknown, null, undefined>;
  private programmatic = false;
  private width = 0;
  private labelW = 0;
  readonly tooltip: HTMLElement;

  constructor(
    private readonly host: InteractionHost,
    readonly svgNode: SVGSVGElement,
    domain: [number, number],
    following: boolean,
  ) {
    this.domain = domain;
    this.following = following;
    this.svg = d3.select(svgNode);
    this.tooltip = el('div', { class: 'tooltip', role: 'tooltip', id: 'tooltip' });
    this.tooltip.hidden = true;
    this.zoom = d3
      .zoom<SVGSVGElement, unknown>()
      .scaleExtent([1e-5, 1e5])
      .wheelDelta(wheelZoomDelta)
      .filter((ev: Event) => {
        if (ev.type === 'wheel') return (ev as WheelEvent).ctrlKey || (ev as WheelEvent).metaKey;
        if (ev.type === 'mousedown' && (ev as MouseEvent).offsetX < this.labelW) return false;
        return !(ev as MouseEvent).ctrlKey && !(ev as MouseEvent).button;
      })
      .on('zoom', (ev: d3.D3ZoomEvent<SVGSVGElement, unknown>) => this.onZoom(ev));
    this.svg.call(this.zoom).on('dblclick.zoom', null);
    svgNode.addEventListener(
      'wheel',
      (ev) => {
        // Horizontal wheel / trackpad swipe pans time; vertical wheel scrolls lanes natively.
        if (!ev.ctrlKey && !ev.metaKey && Math.abs(ev.deltaX) > Math.abs(ev.deltaY)) {
          ev.preventDefault();
          this.host.userMoved();
          this.panBy(-ev.deltaX);
        }
      },
      { passive: false },
    );
    svgNode.addEventListener('pointermove', (ev) => this.setHover(this.host.hitTest(ev.offsetX, ev.offsetY), ev.clientX, ev.clientY));
    svgNode.addEventListener('pointerleave', () => this.setHover(undefined, 0, 0));
    svgNode.addEventListener('click', (ev) => {
      const life = lifeOfHit(this.host.frame, this.host.hitTest(ev.offsetX, ev.offsetY));
      if (life >= 0) this.host.openLife(life);
      const lane = this.host.frame.laneAt(ev.offsetY);
      if (lane >= 0) {
        this.host.setFocusLane(lane);
        this.host.activateLane(lane);
      }
      this.host.invalidate();
    });
    svgNode.addEventListener('keydown', (ev) => this.onKey(ev));
    svgNode.addEventListener('focus', () => this.host.invalidate());
    svgNode.addEventListener('blur', () => this.host.invalidate());
  }

  /** The plot's size changed: the zoom's base scale follows, the window stays. */
  resize(width: number, labelW: number): void {
    this.width = width;
    this.labelW = labelW;
    this.base.domain([this.domain[0], this.domain[0] + 60_000]).range([labelW, Math.max(labelW + 10, width)]);
    this.setDomain(this.domain[0], this.domain[1]);
  }

  setDomain(d0: number, d1: number): void {
    if (!(d1 > d0)) d1 = d0 + 1000;
    this.domain = [d0, d1];
    if (this.width === 0) return;
    // The zoom transform is derived from the domain, so resizes and "follow" keep the window.
    const b0 = this.base(d0);
    const b1 = this.base(d1);
    const k = (this.width - this.labelW) / (b1 - b0);
    const t = d3.zoomIdentity.translate(this.labelW - k * b0, 0).scale(k);
    this.programmatic = true;
    this.svg.call(this.zoom.transform, t);
    this.programmatic = false;
  }

  private onZoom(ev: d3.D3ZoomEvent<SVGSVGElement, unknown>): void {
    if (this.programmatic) return;
    const [a, b] = ev.transform.rescaleX(this.base).domain();
    const width = +b - +a;
    if (ev.sourceEvent && (ev.sourceEvent as Event).type !== 'wheel') {
      // Panning away stops following; panning back to the present resumes it.
      this.following = this.host.live && +b >= this.host.now() - width * 0.01;
    }
    if (ev.sourceEvent) this.host.userMoved();
    this.domain = [+a, +b];
    if (this.following && this.host.live) this.anchorToNow();
    this.hideTooltip();
    this.host.windowChanged();
  }

  /** Keeps the window's width and puts the present near its right edge. */
  anchorToNow(): void {
    const width = this.domain[1] - this.domain[0];
    const now = this.host.now();
    this.setDomain(now - width * 0.95, now + width * 0.05);
  }

  zoomBy(k: number): void {
    const cx = this.labelW + Math.max(10, this.width - this.labelW) / 2;
    this.svg.call(this.zoom.scaleBy, k, [cx, 0]);
  }

  /** Pans by screen pixels: positive moves into the past. */
  panBy(px: number): void {
    const t = d3.zoomTransform(this.svgNode);
    if (px > 0) this.following = false;
    this.svg.call(this.zoom.translateBy, px / t.k, 0);
    if (px < 0 && this.host.live && this.domain[1] >= this.host.now()) this.following = true;
    this.host.windowChanged();
  }

  private onKey(ev: KeyboardEvent): void {
    const plotW = Math.max(10, this.width - this.labelW);
    const page = () => Math.max(1, Math.floor((this.host.frame.height - this.host.frame.headerH) / LANE_H) - 1);
    let handled = true;
    const moves = ['ArrowLeft', 'ArrowRight', '+', '=', '-', '_'];
    if (moves.includes(ev.key)) this.host.userMoved();
    switch (ev.key) {
      case 'ArrowLeft':
        this.panBy(plotW * 0.1);
        break;
      case 'ArrowRight':
        this.panBy(-plotW * 0.1);
        break;
      case '+':
      case '=':
        this.zoomBy(WHEEL_ZOOM_MAX);
        break;
      case '-':
      case '_':
        this.zoomBy(1 / WHEEL_ZOOM_MAX);
        break;
      case 'Home':
        this.host.follow();
        break;
      case 'ArrowDown':
        this.host.moveFocus(1);
        break;
      case 'ArrowUp':
        this.host.moveFocus(-1);
        break;
      case 'PageDown':
        this.host.moveFocus(page());
        break;
      case 'PageUp':
        this.host.moveFocus(-page());
        break;
      case 'Enter':
      case ' ':
        this.host.openFocused();
        break;
      default:
        handled = false;
    }
    if (handled) {
      ev.preventDefault();
      ev.stopPropagation();
    }
  }

  private setHover(hit: Hit | undefined, cx: number, cy: number): void {
    if (!hit || hit.kind === 'lane') {
      this.hideTooltip();
      this.svgNode.style.cursor = '';
      return;
    }
    const f = this.host.frame;
    this.svgNode.style.cursor = lifeOfHit(f, hit) >= 0 ? 'pointer' : 'default';
    const lines = tooltipLines(f, hit);
    this.tooltip.replaceChildren(
      ...lines.map(([k, v], i) => {
        const row = el('div', i === 0 ? { class: 'tt-title' } : {});
        if (k) row.append(el('span', { class: 'tt-key' }, `${k}: `));
        row.append(document.createTextNode(v));
        return row;
      }),
    );
    this.tooltip.hidden = false;
    const r = this.host.root.getBoundingClientRect();
    const tw = this.tooltip.offsetWidth;
    const th = this.tooltip.offsetHeight;
    const left = Math.min(cx - r.left + 14, r.width - tw - 4);
    const top = cy - r.top + 16 + th > r.height ? cy - r.top - th - 8 : cy - r.top + 16;
    this.tooltip.style.left = `${Math.max(0, left)}px`;
    this.tooltip.style.top = `${Math.max(0, top)}px`;
  }

  hideTooltip(): void {
    this.tooltip.hidden = true;
  }
}
