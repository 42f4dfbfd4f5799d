// The timeline view: SVG for axes, labels and interaction; segments and markers as SVG when few
// are visible and on a canvas when many; only lanes inside the viewport are drawn. Every string
// that comes from the cluster is set with textContent / d3 .text(), never parsed as HTML.
import * as d3 from 'd3';
import type { LifecycleEvent, TimelineSnapshot } from '../src/core/events';
import type { EventsMessage, TimelineViewState } from '../src/core/protocol';
import { MARKER_TYPES, TimelineModel, type Lane, type Marker, type MarkerType, type PodLife, type Segment, type ServiceLane } from './model';
import { readTheme, type Theme } from './theme';

const LANE_H = 20;
const SEG_H = 12;
const AXIS_H = 26;
const SERVICE_H = 24;
/** The label column's width on a wide panel; narrower panels get a narrower column. */
const LABEL_W_MAX = 230;
/** Above this many visible shapes the canvas draws them; below, SVG (inspectable, per-shape DOM). */
export const SVG_SHAPE_LIMIT = 1500;
const TABLE_ROWS = 500;

const SYMBOLS: Record<MarkerType, d3.SymbolType> = {
  created: d3.symbolCircle,
  ready: d3.symbolTriangle,
  unready: d3.symbolTriangle, // drawn rotated: points down
  terminating: d3.symbolDiamond,
  deleted: d3.symbolTimes,
};
const STROKED: Record<MarkerType, boolean> = { created: false, ready: false, unready: false, terminating: false, deleted: true };
const MARKER_LABEL: Record<MarkerType, string> = {
  created: 'created',
  ready: 'ready',
  unready: 'not ready',
  terminating: 'terminating',
  deleted: 'deleted',
};

interface SegItem {
  seg: Segment;
  life: PodLife;
  y: number;
  x0: number;
  x1: number;
  label: string;
}
interface MarkItem {
  m: Marker;
  x: number;
  y: number;
}

export type Hit =
  | { kind: 'segment'; seg: Segment; life: PodLife }
  | { kind: 'marker'; m: Marker; life: PodLife }
  | { kind: 'service'; lane: ServiceLane }
  | { kind: 'lane'; lane: Lane }
  /** The label column: the tooltip repeats the full (possibly truncated) label and describes the lane. */
  | { kind: 'label'; lane: Lane };

export interface ViewCallbacks {
  openPod(uid: string, pod: string): void;
  exportAs(format: 'svg' | 'png' | 'json'): void;
  stateChanged(state: TimelineViewState): void;
}

interface CanvasSymbol {
  /** Radius, for the circle. */
  circle?: number;
  subpaths: [number, number][][];
  closed: boolean;
}
const canvasSymbols = new Map<MarkerType, CanvasSymbol>();

/** The d3 symbol of a marker type as vertex lists (d3 draws them from M/L/Z paths; the circle is an arc). */
function canvasSymbol(type: MarkerType): CanvasSymbol {
  let s = canvasSymbols.get(type);
  if (s) return s;
  if (SYMBOLS[type] === d3.symbolCircle) s = { circle: Math.sqrt(52 / Math.PI), subpaths: [], closed: true };
  else {
    const path = d3.symbol().type(SYMBOLS[type]).size(52)() ?? '';
    const flip = type === 'unready' ? -1 : 1;
    const subpaths: [number, number][][] = [];
    for (const [, cmd, args] of path.matchAll(/([MLZ])([^MLZ]*)/g)) {
      const n = args.split(/[\s,]+/).filter(Boolean).map(Number);
      if (cmd === 'M') subpaths.push([[flip * n[0], flip * n[1]]]);
      else if (cmd === 'L') subpaths[subpaths.length - 1].push([flip * n[0], flip * n[1]]);
    }
    s = { subpaths, closed: /Z/.test(path) };
  }
  canvasSymbols.set(type, s);
  return s;
}

function fmtTime(t: number): string {
  const d = new Date(t);
  return `${d.toISOString().slice(0, 10)} ${d.toISOString().slice(11, 23)}Z`;
}
function fmtDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const s = ms / 1000;
  if (s < 120) return `${s.toFixed(1)} s`;
  const m = s / 60;
  if (m < 120) return `${m.toFixed(1)} min`;
  return `${(m / 60).toFixed(1)} h`;
}
function truncate(s: string, max: number): string {
  return s.length <= max ? s : `${s.slice(0, Math.max(1, max - 1))}…`;
}

function el<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Record<string, string> = {}, text?: string): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  if (text !== undefined) e.textContent = text;
  return e;
}
function custom(tag: string, attrs: Record<string, string> = {}, text?: string): HTMLElement {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  if (text !== undefined) e.textContent = text;
  return e;
}

export class TimelineView {
  model = new TimelineModel();
  live = false;
  paused = false;
  following = true;
  state: TimelineViewState;

  private theme: Theme;
  private skew = 0;
  private staticNow = 0;
  private lanes: Lane[] = [];
  private lanesKey = '';
  private pendingEvents: EventsMessage[] = [];
  private pendingSnapshot?: { snapshot: TimelineSnapshot; now: string; live: boolean };
  private frame = 0;
  private ticker = 0;
  private focusLane = 0;
  private hover?: Hit;
  private forceSvg = false;
  private programmatic = false;
  private width = 0;
  private height = 0;
  private domain: [number, number];
  private tableKey = '';
  private lastAnnounce = 0;
  private saveTimer = 0;
  /** The mode of the last render; tests and the bench read it from data-renderer. */
  renderer: 'svg' | 'canvas' = 'svg';
  private labelW = LABEL_W_MAX;
  lastRender = { segments: 0, markers: 0, lanes: 0, ms: 0 };

  private readonly base = d3.scaleTime();
  private readonly zoom: d3.ZoomBehavior<SVGSVGElement, unknown>;

  // DOM
  readonly root: HTMLElement;
  private readonly toolbar: HTMLElement;
  private readonly status: HTMLElement;
  private readonly connection: HTMLElement;
  private readonly countsEl: HTMLElement;
  private readonly noticeEl: HTMLElement;
  private readonly plot: HTMLElement;
  private readonly stage: HTMLElement;
  private readonly spacer: HTMLElement;
  private readonly canvas: HTMLCanvasElement;
  private readonly svg: d3.Selection<SVGSVGElement, unknown, null, undefined>;
  private readonly tooltip: HTMLElement;
  private readonly tableWrap: HTMLElement;
  private readonly tableBody: HTMLTableSectionElement;
  private readonly tableCaption: HTMLElement;
  private readonly announcer: HTMLElement;
  private readonly pauseBtn: HTMLElement;
  private readonly followBtn: HTMLElement;
  private readonly tableBtn: HTMLElement;

  constructor(
    root: HTMLElement,
    state: TimelineViewState,
    private readonly callbacks: ViewCallbacks,
  ) {
    this.root = root;
    this.state = { ...state };
    this.theme = readTheme();
    const now = Date.now();
    this.domain = state.window ?? [now - 60_000, now + 3_000];
    this.following = state.window === undefined;

    root.classList.add('timeline');
    // ---------------------------------------------------------------- toolbar
    this.toolbar = el('div', { class: 'toolbar', role: 'toolbar', 'aria-label': 'Timeline controls' });
    const groupBy = custom('vscode-single-select', { id: 'group-by', 'aria-label': 'Group lanes by' });
    groupBy.append(custom('vscode-option', { value: 'pod' }, 'Lanes by Pod'), custom('vscode-option', { value: 'ip' }, 'Lanes by IP'));
    (groupBy as unknown as { value: string }).value = this.state.groupBy;
    groupBy.addEventListener('change', () => {
      const v = (groupBy as unknown as { value: string }).value;
      this.update({ groupBy: v === 'ip' ? 'ip' : 'pod' });
    });
    const filter = custom('vscode-textfield', { id: 'filter', placeholder: 'Filter: pod, IP, node, owner', 'aria-label': 'Filter lanes by Pod, IP, node or owner' });
    (filter as unknown as { value: string }).value = this.state.filter;
    filter.addEventListener('input', () => this.update({ filter: (filter as unknown as { value: string }).value }));
    const hideDeleted = custom('vscode-checkbox', { id: 'hide-deleted', label: 'Hide deleted' });
    if (this.state.hideDeleted) hideDeleted.setAttribute('checked', '');
    hideDeleted.addEventListener('change', () => this.update({ hideDeleted: (hideDeleted as unknown as { checked: boolean }).checked }));
    this.pauseBtn = custom('vscode-button', { id: 'pause', secondary: '', 'aria-pressed': 'false' }, 'Pause');
    this.pauseBtn.addEventListener('click', () => this.setPaused(!this.paused));
    this.followBtn = custom('vscode-button', { id: 'follow', secondary: '', title: 'Follow the present (Home)' }, 'Follow now');
    this.followBtn.addEventListener('click', () => this.follow());
    this.tableBtn = custom('vscode-button', { id: 'table-toggle', secondary: '', 'aria-pressed': String(this.state.showTable) }, 'Table');
    this.tableBtn.addEventListener('click', () => this.update({ showTable: !this.state.showTable }));
    const exports = el('span', { class: 'exports', role: 'group', 'aria-label': 'Export' });
    for (const f of ['svg', 'png', 'json'] as const) {
      const b = custom('vscode-button', { id: `export-${f}`, secondary: '', title: `Export the timeline as ${f.toUpperCase()}` }, f.toUpperCase());
      b.addEventListener('click', () => this.callbacks.exportAs(f));
      exports.append(b);
    }
    this.toolbar.append(groupBy, filter, hideDeleted, this.pauseBtn, this.followBtn, this.tableBtn, exports);

    // ---------------------------------------------------------------- status + legend
    this.status = el('div', { class: 'status' });
    this.connection = el('span', { class: 'connection', id: 'connection' });
    this.countsEl = el('span', { class: 'counts', id: 'counts', role: 'status', 'aria-live': 'polite' });
    this.noticeEl = el('span', { class: 'notice', id: 'notice', role: 'alert' });
    this.status.append(this.connection, this.countsEl, this.noticeEl);
    const legend = this.buildLegend();

    // ---------------------------------------------------------------- plot
    this.plot = el('div', { class: 'plot', id: 'plot' });
    this.stage = el('div', { class: 'stage' });
    this.canvas = el('canvas', { class: 'segments-canvas', 'aria-hidden': 'true' });
    const svgNode = document.createElementNS('http://www.w3.org/2000/svg', 'svg');
    this.svg = d3.select(svgNode);
    this.svg
      .attr('id', 'chart')
      .attr('tabindex', '0')
      .attr('role', 'application')
      .attr('aria-roledescription', 'timeline')
      .attr('aria-label', 'Pod IP timeline. Up and Down move between lanes, Left and Right pan, plus and minus zoom, Home follows the present, Enter opens the Pod YAML. Ctrl+wheel zooms, drag pans, the wheel scrolls lanes.');
    this.stage.append(this.canvas, svgNode);
    this.spacer = el('div', { class: 'spacer' });
    this.plot.append(this.stage, this.spacer);
    this.tooltip = el('div', { class: 'tooltip', role: 'tooltip', id: 'tooltip' });
    this.tooltip.hidden = true;

    // ---------------------------------------------------------------- table view
    this.tableWrap = el('div', { class: 'table-wrap', id: 'table-view' });
    const table = el('table', { id: 'events-table' });
    this.tableCaption = el('caption', {}, 'Lifecycle events');
    const thead = el('thead');
    const hr = el('tr');
    for (const h of ['Time', 'Event', 'Pod', 'IP', 'Node', 'Detail']) hr.append(el('th', { scope: 'col' }, h));
    thead.append(hr);
    this.tableBody = el('tbody');
    table.append(this.tableCaption, thead, this.tableBody);
    this.tableWrap.append(table);
    this.tableWrap.hidden = !this.state.showTable;

    this.announcer = el('div', { class: 'sr-only', 'aria-live': 'polite', id: 'announcer' });
    root.append(this.toolbar, this.status, legend, this.plot, this.tableWrap, this.tooltip, this.announcer);

    // ---------------------------------------------------------------- svg layers (bottom → top)
    const defs = this.svg.append('defs');
    defs.append('clipPath').attr('id', 'plot-clip').append('rect');
    defs.append('clipPath').attr('id', 'lanes-clip').append('rect');
    this.svg.append('rect').attr('class', 'background');
    const plotG = this.svg.append('g').attr('class', 'plot-layers').attr('clip-path', 'url(#plot-clip)');
    plotG.append('g').attr('class', 'gaps');
    plotG.append('g').attr('class', 'services');
    const lanesG = plotG.append('g').attr('class', 'lane-layers').attr('clip-path', 'url(#lanes-clip)');
    lanesG.append('g').attr('class', 'lane-bands');
    lanesG.append('g').attr('class', 'segments');
    lanesG.append('g').attr('class', 'links');
    lanesG.append('g').attr('class', 'markers');
    plotG.append('line').attr('class', 'now-line');
    this.svg.append('g').attr('class', 'axis');
    const labelsG = this.svg.append('g').attr('class', 'label-column');
    labelsG.append('rect').attr('class', 'label-bg');
    labelsG.append('g').attr('class', 'service-labels');
    labelsG.append('g').attr('class', 'lane-labels').attr('clip-path', 'url(#lanes-clip)');
    this.svg.append('rect').attr('class', 'focus-ring').attr('fill', 'none').attr('pointer-events', 'none');

    // ---------------------------------------------------------------- interaction
    this.zoom = d3
      .zoom<SVGSVGElement, unknown>()
      .scaleExtent([1e-5, 1e5])
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
          this.panBy(-ev.deltaX);
        }
      },
      { passive: false },
    );
    this.plot.addEventListener('scroll', () => this.invalidate());
    svgNode.addEventListener('pointermove', (ev) => this.onPointer(ev));
    svgNode.addEventListener('pointerleave', () => this.setHover(undefined, 0, 0));
    svgNode.addEventListener('click', (ev) => {
      const hit = this.hitTest(ev.offsetX, ev.offsetY);
      const life = hit && (hit.kind === 'segment' || hit.kind === 'marker') ? hit.life : (hit?.kind === 'lane' || hit?.kind === 'label') && hit.lane.kind === 'pod' ? this.model.pods.get(hit.lane.uid) : undefined;
      if (life) this.callbacks.openPod(life.uid, life.pod);
      const idx = this.laneIndexAt(ev.offsetY);
      if (idx !== undefined) this.focusLane = idx;
      this.invalidate();
    });
    svgNode.addEventListener('keydown', (ev) => this.onKey(ev));
    svgNode.addEventListener('focus', () => this.invalidate());
    svgNode.addEventListener('blur', () => this.invalidate());
    new ResizeObserver(() => this.invalidate()).observe(this.plot);
    new MutationObserver(() => {
      this.theme = readTheme();
      this.root.querySelector('.legend')?.replaceWith(this.buildLegend());
      this.invalidate();
    }).observe(document.body, { attributes: true, attributeFilter: ['class'] });
  }

  // ================================================================ data in

  now(): number {
    return this.live ? Date.now() + this.skew : this.staticNow;
  }

  setSnapshot(snapshot: TimelineSnapshot, now: string, live: boolean): void {
    if (this.paused) {
      this.pendingSnapshot = { snapshot, now, live };
      this.pendingEvents = [];
      this.updatePaused();
      return;
    }
    this.model = TimelineModel.fromSnapshot(snapshot);
    this.live = live;
    const hostNow = Date.parse(now);
    this.skew = live && Number.isFinite(hostNow) ? hostNow - Date.now() : 0;
    this.staticNow = Number.isFinite(this.model.last) ? this.model.last : Number.isFinite(hostNow) ? hostNow : Date.now();
    this.lanesKey = '';
    if (this.state.scope === undefined || JSON.stringify(this.state.scope) !== JSON.stringify(snapshot.scope)) {
      this.state.scope = snapshot.scope;
      this.saveState();
    }
    this.followBtn.textContent = live ? 'Follow now' : 'Fit all';
    this.followBtn.title = live ? 'Follow the present (Home)' : 'Show the whole recording (Home)';
    this.followBtn.toggleAttribute('disabled', live && this.following);
    if (!live) {
      this.following = false;
      this.fitAll();
    } else if (this.following) {
      this.initialLiveWindow();
    }
    this.setTicker();
    this.invalidate();
  }

  applyEvents(msg: EventsMessage): void {
    if (this.paused) {
      this.pendingEvents.push(msg);
      this.updatePaused();
      return;
    }
    const hostNow = Date.parse(msg.now);
    if (this.live && Number.isFinite(hostNow)) this.skew = hostNow - Date.now();
    this.model.applySummaries(msg.pods, msg.services ?? []);
    const n = this.model.apply(msg.events);
    if (msg.connection !== this.model.connection || msg.connectionMessage !== this.model.connectionMessage) this.model.setConnection(msg.connection, msg.connectionMessage);
    if (n > 0) this.announceNewIps(msg.events);
    this.invalidate();
  }

  notice(level: 'info' | 'error', message: string): void {
    this.noticeEl.textContent = message;
    this.noticeEl.dataset.level = level;
  }

  private announceNewIps(events: readonly LifecycleEvent[]): void {
    // Screen readers get a summary at most every few seconds, not one line per event.
    const t = Date.now();
    if (t - this.lastAnnounce < 3000) return;
    const assigned = events.filter((e) => e.type === 'ip-assigned' && e.ip);
    if (assigned.length === 0) return;
    this.lastAnnounce = t;
    const last = assigned[assigned.length - 1];
    this.announcer.textContent = assigned.length === 1 ? `${last.pod ?? 'a Pod'} got IP ${last.ip}` : `${assigned.length} new Pod IPs, latest ${last.ip} for ${last.pod ?? 'a Pod'}`;
  }

  // ================================================================ state + controls

  update(p: Partial<TimelineViewState>): void {
    Object.assign(this.state, p);
    if (p.showTable !== undefined) {
      this.tableWrap.hidden = !p.showTable;
      this.tableBtn.setAttribute('aria-pressed', String(p.showTable));
      this.tableKey = '';
    }
    this.lanesKey = '';
    this.saveState();
    this.invalidate();
  }

  setPaused(paused: boolean): void {
    this.paused = paused;
    if (!paused) {
      const snap = this.pendingSnapshot;
      const events = this.pendingEvents;
      this.pendingSnapshot = undefined;
      this.pendingEvents = [];
      if (snap) this.setSnapshot(snap.snapshot, snap.now, snap.live);
      for (const m of events) this.applyEvents(m);
    }
    this.updatePaused();
    this.setTicker();
    this.invalidate();
  }

  private updatePaused(): void {
    this.pauseBtn.textContent = this.paused ? 'Resume' : 'Pause';
    this.pauseBtn.setAttribute('aria-pressed', String(this.paused));
    const queued = this.pendingEvents.reduce((n, m) => n + m.events.length, 0);
    this.root.dataset.paused = String(this.paused);
    this.root.dataset.queued = String(queued);
  }

  private saveState(): void {
    clearTimeout(this.saveTimer);
    this.saveTimer = window.setTimeout(() => {
      this.state.window = this.following ? undefined : [this.domain[0], this.domain[1]];
      this.callbacks.stateChanged({ ...this.state });
    }, 200);
  }

  private setTicker(): void {
    clearInterval(this.ticker);
    this.ticker = 0;
    // The "now" line moves with the clock; a redraw ten times a second is smooth enough and cheap
    // because only visible lanes are drawn.
    if (this.live && !this.paused) this.ticker = window.setInterval(() => this.invalidate(), 100);
  }

  // ================================================================ time window

  private plotWidth(): number {
    return Math.max(10, this.width - this.labelW);
  }

  private setDomain(d0: number, d1: number): void {
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
    const x = ev.transform.rescaleX(this.base);
    const [a, b] = x.domain();
    const width = +b - +a;
    if (ev.sourceEvent && (ev.sourceEvent as Event).type !== 'wheel') {
      // Panning away stops following; panning back to the present resumes it.
      this.following = this.live && +b >= this.now() - width * 0.01;
    }
    this.domain = [+a, +b];
    if (this.following && this.live) this.anchorToNow(width);
    this.followBtn.toggleAttribute('disabled', this.following);
    this.hideTooltip();
    this.saveState();
    this.invalidate();
  }

  private anchorToNow(width: number): void {
    const now = this.now();
    this.setDomain(now - width * 0.95, now + width * 0.05);
  }

  follow(): void {
    if (!this.live) {
      this.fitAll();
      this.invalidate();
      return;
    }
    this.following = true;
    this.followBtn.toggleAttribute('disabled', true);
    this.anchorToNow(this.domain[1] - this.domain[0]);
    this.saveState();
    this.invalidate();
  }

  private initialLiveWindow(): void {
    const now = this.now();
    const first = Number.isFinite(this.model.first) ? this.model.first : now - 60_000;
    const span = Math.min(Math.max(now - first, 60_000), 15 * 60_000) * 1.05;
    this.setDomain(now - span * 0.95, now + span * 0.05);
  }

  private fitAll(): void {
    const a = Number.isFinite(this.model.first) ? this.model.first : this.staticNow - 60_000;
    const b = Math.max(this.staticNow, a + 1000);
    const pad = (b - a) * 0.03;
    this.setDomain(a - pad, b + pad);
  }

  zoomBy(k: number): void {
    const cx = this.labelW + this.plotWidth() / 2;
    this.svg.call(this.zoom.scaleBy, k, [cx, 0]);
  }

  /** Pans by screen pixels: positive moves into the past (and stops following). */
  panBy(px: number): void {
    const t = d3.zoomTransform(this.svg.node()!);
    if (px > 0) this.following = false;
    this.svg.call(this.zoom.translateBy, px / t.k, 0);
    if (px < 0 && this.live && this.domain[1] >= this.now()) this.following = true;
    this.followBtn.toggleAttribute('disabled', this.following);
  }

  /** For tests and the bench: set the visible window directly (epoch ms). */
  showWindow(d0: number, d1: number): void {
    this.following = false;
    this.setDomain(d0, d1);
    this.invalidate();
  }

  get visibleDomain(): [number, number] {
    return [this.domain[0], this.domain[1]];
  }

  // ================================================================ interaction

  private onKey(ev: KeyboardEvent): void {
    const lanes = this.lanes;
    let handled = true;
    switch (ev.key) {
      case 'ArrowLeft':
        this.panBy(this.plotWidth() * 0.1);
        break;
      case 'ArrowRight':
        this.panBy(-this.plotWidth() * 0.1);
        break;
      case '+':
      case '=':
        this.zoomBy(1.5);
        break;
      case '-':
      case '_':
        this.zoomBy(1 / 1.5);
        break;
      case 'Home':
        this.follow();
        break;
      case 'ArrowDown':
        this.moveFocus(1);
        break;
      case 'ArrowUp':
        this.moveFocus(-1);
        break;
      case 'PageDown':
        this.moveFocus(Math.max(1, Math.floor(this.lanesViewportHeight() / LANE_H) - 1));
        break;
      case 'PageUp':
        this.moveFocus(-Math.max(1, Math.floor(this.lanesViewportHeight() / LANE_H) - 1));
        break;
      case 'Enter':
      case ' ': {
        const lane = lanes[this.focusLane];
        const uid = lane?.kind === 'pod' ? lane.uid : lane?.kind === 'ip' ? lane.uids[lane.uids.length - 1] : undefined;
        const life = uid ? this.model.pods.get(uid) : undefined;
        if (life) this.callbacks.openPod(life.uid, life.pod);
        break;
      }
      default:
        handled = false;
    }
    if (handled) {
      ev.preventDefault();
      ev.stopPropagation();
    }
  }

  private moveFocus(delta: number): void {
    if (this.lanes.length === 0) return;
    this.focusLane = Math.max(0, Math.min(this.lanes.length - 1, this.focusLane + delta));
    const top = this.focusLane * LANE_H;
    const vh = this.lanesViewportHeight();
    if (top < this.plot.scrollTop) this.plot.scrollTop = top;
    else if (top + LANE_H > this.plot.scrollTop + vh) this.plot.scrollTop = top + LANE_H - vh;
    this.announcer.textContent = this.describeLane(this.lanes[this.focusLane]);
    this.invalidate();
  }

  describeLane(lane: Lane | undefined): string {
    if (!lane) return '';
    if (lane.kind === 'group') return `Group ${lane.label}, ${lane.count} Pods`;
    if (lane.kind === 'ip') {
      const holders = lane.uids.map((u) => this.model.pods.get(u)?.pod ?? u);
      return `IP ${lane.ip}, held by ${holders.length} Pod${holders.length === 1 ? '' : 's'}: ${holders.join(', ')}`;
    }
    const l = this.model.pods.get(lane.uid);
    if (!l) return lane.label;
    const ips = l.segments.map((s) => `${s.ip} from ${fmtTime(s.start)}${s.end !== undefined ? ` to ${fmtTime(s.end)}` : ', current'}`);
    const state = l.deleted ? 'deleted' : l.summary?.terminating ? 'terminating' : l.summary?.ready ? 'ready' : 'not ready';
    return `Pod ${l.pod}, ${state}${l.node ? `, node ${l.node}` : ''}. ${ips.length ? `IPs: ${ips.join('; ')}` : 'No IP yet'}`;
  }

  private onPointer(ev: PointerEvent): void {
    const hit = this.hitTest(ev.offsetX, ev.offsetY);
    this.setHover(hit, ev.clientX, ev.clientY);
  }

  private setHover(hit: Hit | undefined, cx: number, cy: number): void {
    this.hover = hit;
    if (!hit || hit.kind === 'lane') {
      this.hideTooltip();
      this.svg.style('cursor', null);
      return;
    }
    const opens = hit.kind === 'segment' || hit.kind === 'marker' || (hit.kind === 'label' && hit.lane.kind === 'pod');
    this.svg.style('cursor', opens ? 'pointer' : 'default');
    const lines = this.tooltipLines(hit);
    this.tooltip.replaceChildren(
      ...lines.map(([k, v], i) => {
        const row = el('div', i === 0 ? { class: 'tt-title' } : {});
        if (k) row.append(el('span', { class: 'tt-key' }, `${k}: `));
        row.append(document.createTextNode(v));
        return row;
      }),
    );
    this.tooltip.hidden = false;
    const r = this.root.getBoundingClientRect();
    const tw = this.tooltip.offsetWidth;
    const th = this.tooltip.offsetHeight;
    const left = Math.min(cx - r.left + 14, r.width - tw - 4);
    const top = cy - r.top + 16 + th > r.height ? cy - r.top - th - 8 : cy - r.top + 16;
    this.tooltip.style.left = `${Math.max(0, left)}px`;
    this.tooltip.style.top = `${Math.max(0, top)}px`;
  }

  private hideTooltip(): void {
    this.tooltip.hidden = true;
  }

  tooltipLines(hit: Hit): [string, string][] {
    if (hit.kind === 'lane' || hit.kind === 'label') return [['', hit.lane.kind === 'group' ? hit.lane.label : hit.lane.kind === 'ip' ? hit.lane.ip : this.model.pods.get(hit.lane.uid)?.pod ?? hit.lane.label], ['', this.describeLane(hit.lane)]];
    if (hit.kind === 'service') {
      const s = hit.lane.summary;
      const out: [string, string][] = [['', `Service ${hit.lane.key}`]];
      if (s) {
        out.push(['ClusterIP', s.clusterIPs.join(', ') || 'None (headless)']);
        out.push(['Ports', s.ports.map((p) => `${p.name ? p.name + ' ' : ''}${p.port}${p.targetPort !== undefined ? '→' + p.targetPort : ''}/${p.protocol ?? 'TCP'}`).join(', ') || '—']);
        out.push(['Endpoints now', s.endpoints.join(', ') || 'none']);
        out.push(['Selector', Object.entries(s.selector).map(([k, v]) => `${k}=${v}`).join(',') || '—']);
      }
      out.push(['Endpoint changes', String(hit.lane.changes.length)]);
      return out;
    }
    const l = hit.life;
    const out: [string, string][] = [['', `Pod ${l.pod}`]];
    if (hit.kind === 'segment') {
      const s = hit.seg;
      out.push(['IP', `${s.ip}${s.hostNetwork ? ' (hostNetwork: the node’s IP)' : ''}`]);
      out.push(['Held', `${fmtTime(s.start)} → ${s.end !== undefined ? fmtTime(s.end) : 'now'} (${fmtDuration((s.end ?? this.now()) - s.start)})`]);
      if (s.endSeenOnRelist) out.push(['Note', 'release found on relist after the watch was down']);
    } else {
      out.push(['Event', `${MARKER_LABEL[hit.m.type]} at ${fmtTime(hit.m.t)}${hit.m.seenOnRelist ? ' (found on relist)' : ''}`]);
    }
    const all = l.segments.map((s) => s.ip);
    if (all.length > 1) out.push(['All IPs', all.join(', ')]);
    if (l.node) out.push(['Node', l.node]);
    if (l.summary?.phase) out.push(['Phase', l.summary.phase]);
    if (l.owner) out.push(['Owner', `${l.owner.kind} ${l.owner.name}${l.revision ? ` (rev ${l.revision})` : ''}`]);
    if (Number.isFinite(l.first)) out.push(['First seen', fmtTime(l.first)]);
    out.push(['', 'Click to open the Pod YAML (read-only)']);
    return out;
  }

  private lanesViewportHeight(): number {
    return Math.max(0, this.height - this.headerHeight());
  }

  private headerHeight(): number {
    const n = this.model.services.size;
    return AXIS_H + (n ? n * SERVICE_H + 6 : 0);
  }

  private laneIndexAt(y: number): number | undefined {
    const h = this.headerHeight();
    if (y < h) return undefined;
    const i = Math.floor((y - h + this.plot.scrollTop) / LANE_H);
    return i >= 0 && i < this.lanes.length ? i : undefined;
  }

  hitTest(px: number, py: number): Hit | undefined {
    const x = this.xScale();
    const h = this.headerHeight();
    if (py >= AXIS_H && py < h) {
      const i = Math.floor((py - AXIS_H) / SERVICE_H);
      const lane = [...this.model.services.values()][i];
      return lane ? { kind: 'service', lane } : undefined;
    }
    const idx = this.laneIndexAt(py);
    if (idx === undefined) return undefined;
    const lane = this.lanes[idx];
    if (px < this.labelW) return { kind: 'label', lane };
    const t = +x.invert(px);
    const slop = (+x.invert(px + 4) - +x.invert(px - 4)) / 2;
    const uids = lane.kind === 'pod' ? [lane.uid] : lane.kind === 'ip' ? lane.uids : [];
    for (const uid of uids) {
      const life = this.model.pods.get(uid);
      if (!life) continue;
      for (const m of life.markers) if (Math.abs(m.t - t) <= slop) return { kind: 'marker', m, life };
    }
    const now = this.now();
    for (const seg of this.model.laneSegments(lane)) {
      if (t >= seg.start - slop && t <= (seg.end ?? now) + slop) {
        const life = this.model.pods.get(seg.uid);
        if (life) return { kind: 'segment', seg, life };
      }
    }
    return { kind: 'lane', lane };
  }

  // ================================================================ rendering

  invalidate(): void {
    if (this.frame) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      this.render();
    });
  }

  xScale(): d3.ScaleTime<number, number> {
    return d3.scaleTime().domain(this.domain).range([this.labelW, this.labelW + this.plotWidth()]);
  }

  /** Draws the current state synchronously (the rAF callback; also used by export and the bench). */
  render(): void {
    const started = performance.now();
    const w = this.plot.clientWidth;
    const hgt = this.plot.clientHeight;
    if (w !== this.width || hgt !== this.height) {
      this.width = w;
      this.height = hgt;
      this.labelW = Math.round(Math.min(LABEL_W_MAX, Math.max(120, w * 0.3)));
      this.base.domain([this.domain[0], this.domain[0] + 60_000]).range([this.labelW, Math.max(this.labelW + 10, w)]);
      this.setDomain(this.domain[0], this.domain[1]);
    }
    if (this.following && this.live && !this.paused) this.anchorToNow(this.domain[1] - this.domain[0]);
    const theme = this.theme;
    const now = this.now();

    const key = `${this.model.structureVersion}|${this.state.groupBy}|${this.state.filter}|${this.state.hideDeleted}`;
    if (key !== this.lanesKey) {
      this.lanes = this.model.lanes(this.state);
      this.lanesKey = key;
      if (this.focusLane >= this.lanes.length) this.focusLane = Math.max(0, this.lanes.length - 1);
    }
    const headerH = this.headerHeight();
    const lanesVH = Math.max(0, hgt - headerH);
    this.spacer.style.height = `${Math.max(0, this.lanes.length * LANE_H - lanesVH)}px`;
    this.stage.style.height = `${hgt}px`;
    const scrollTop = Math.min(this.plot.scrollTop, Math.max(0, this.lanes.length * LANE_H - lanesVH));

    const x = this.xScale();
    const [t0, t1] = this.domain;
    const i0 = Math.max(0, Math.floor(scrollTop / LANE_H));
    const i1 = Math.min(this.lanes.length, Math.ceil((scrollTop + lanesVH) / LANE_H));
    const laneY = (i: number) => headerH + i * LANE_H - scrollTop;

    // ---- collect what is visible
    // A plain linear map for the thousands of positions below (the d3 time scale does the same
    // arithmetic with more overhead per call).
    const kx = (w - this.labelW) / (t1 - t0);
    const px = (t: number) => this.labelW + (t - t0) * kx;
    const segs: SegItem[] = [];
    const marks: MarkItem[] = [];
    const laneOfUid = new Map<string, number>();
    const xmin = this.labelW - 2;
    const xmax = w + 2;
    for (let i = i0; i < i1; i++) {
      const lane = this.lanes[i];
      if (lane.kind === 'group') continue;
      const y = laneY(i);
      for (const seg of this.model.laneSegments(lane)) {
        const end = seg.end ?? now;
        if (end < t0 || seg.start > t1) continue;
        const life = this.model.pods.get(seg.uid)!;
        laneOfUid.set(seg.uid, i);
        segs.push({ seg, life, y, x0: Math.max(xmin, px(seg.start)), x1: Math.min(xmax, px(end)), label: lane.kind === 'ip' ? life.pod.slice(life.pod.indexOf('/') + 1) : seg.ip });
      }
      const uids = lane.kind === 'pod' ? [lane.uid] : lane.uids;
      for (const uid of uids) {
        const life = this.model.pods.get(uid);
        if (!life) continue;
        if (lane.kind === 'pod') laneOfUid.set(uid, i);
        for (const m of life.markers) {
          if (m.t < t0 || m.t > t1) continue;
          // On an IP lane only the markers inside this IP's holding are drawn.
          if (lane.kind === 'ip' && !life.segments.some((sg) => sg.ip === lane.ip && m.t >= sg.start - 1 && m.t <= (sg.end ?? now) + 1)) continue;
          marks.push({ m, x: px(m.t), y: y + LANE_H / 2 });
        }
      }
    }
    const useCanvas = !this.forceSvg && segs.length + marks.length > SVG_SHAPE_LIMIT;
    this.renderer = useCanvas ? 'canvas' : 'svg';

    // ---- frame
    this.svg.attr('width', w).attr('height', hgt).attr('viewBox', `0 0 ${w} ${hgt}`);
    // Transparent on screen (the canvas underneath must show); opaque in an exported SVG.
    this.svg.select('.background').attr('width', w).attr('height', hgt).attr('fill', this.forceSvg ? theme.bg : 'none');
    this.svg.select('#plot-clip rect').attr('x', this.labelW).attr('y', 0).attr('width', Math.max(0, w - this.labelW)).attr('height', hgt);
    this.svg.select('#lanes-clip rect').attr('x', 0).attr('y', headerH).attr('width', w).attr('height', lanesVH);

    // ---- gap bands (the watch was down: nothing is known inside them)
    this.svg
      .select('.gaps')
      .selectAll<SVGRectElement, (typeof this.model.gaps)[number]>('rect')
      .data(this.model.gaps.filter((g) => g.to >= t0 && g.from <= t1), (g) => g.id)
      .join('rect')
      .attr('class', 'gap')
      .attr('x', (g) => x(g.from))
      .attr('width', (g) => Math.max(2, x(g.to) - x(g.from)))
      .attr('y', AXIS_H)
      .attr('height', Math.max(0, hgt - AXIS_H))
      .attr('fill', theme.gap)
      .attr('fill-opacity', theme.highContrast ? 0.25 : 1)
      .attr('stroke', theme.highContrast ? theme.fg : 'none')
      .attr('stroke-dasharray', '4 3')
      .selectAll('title')
      .data((g) => [g])
      .join('title')
      .text((g) => `Watch down ${fmtTime(g.from)} → ${fmtTime(g.to)}${g.reason ? `: ${g.reason}` : ''}`);

    this.renderServices(x, w, now);

    // ---- lane bands (zebra + focus)
    const visibleLanes = d3.range(i0, i1).map((i) => ({ i, lane: this.lanes[i], y: laneY(i) }));
    this.svg
      .select('.lane-bands')
      .selectAll<SVGRectElement, (typeof visibleLanes)[number]>('rect')
      .data(visibleLanes.filter((v) => v.lane.kind === 'group' || v.i % 2 === 1), (v) => v.lane.key)
      .join('rect')
      .attr('x', this.labelW)
      .attr('y', (v) => v.y)
      .attr('width', Math.max(0, w - this.labelW))
      .attr('height', LANE_H)
      .attr('fill', theme.fg)
      .attr('fill-opacity', (v) => (v.lane.kind === 'group' ? 0.08 : 0.03));

    // ---- segments + markers
    this.drawSvgShapes(useCanvas ? [] : segs, useCanvas ? [] : marks);
    this.drawCanvas(useCanvas ? segs : [], useCanvas ? marks : [], headerH, w, hgt);

    // ---- reuse links between the two holders of one IP
    const links = this.model.links.filter((l) => l.t >= t0 && l.t <= t1 && (laneOfUid.has(l.fromUid) || laneOfUid.has(l.toUid)));
    const linkY = (uid: string): number | undefined => {
      const i = laneOfUid.get(uid);
      if (i !== undefined) return laneY(i) + LANE_H / 2;
      const all = this.lanes.findIndex((ln) => ln.kind === 'pod' && ln.uid === uid);
      return all < 0 ? undefined : laneY(all) + LANE_H / 2;
    };
    const linkData = links
      .map((l) => {
        const from = this.model.pods.get(l.fromUid)?.segments.find((s) => s.ip === l.ip);
        const ya = linkY(l.fromUid);
        const yb = linkY(l.toUid);
        if (ya === undefined || yb === undefined) return undefined;
        return { l, xa: x(from?.end ?? l.t), xb: x(l.t), ya, yb };
      })
      .filter((d): d is NonNullable<typeof d> => d !== undefined);
    this.svg
      .select('.links')
      .selectAll<SVGPathElement, (typeof linkData)[number]>('path')
      .data(linkData, (d) => d.l.id)
      .join('path')
      .attr('class', (d) => `reuse-link${d.l.overlap ? ' overlap' : ''}`)
      .attr('d', (d) => {
        const mx = Math.max(d.xa, d.xb) + 12;
        return `M${d.xa},${d.ya} C${mx},${d.ya} ${mx},${d.yb} ${d.xb},${d.yb}`;
      })
      .attr('fill', 'none')
      .attr('stroke', theme.link)
      .attr('stroke-width', (d) => (d.l.overlap ? 2.5 : 1.5))
      .attr('stroke-dasharray', (d) => (d.l.overlap ? null : '4 2'))
      .selectAll('title')
      .data((d) => [d])
      .join('title')
      .text((d) => `IP ${d.l.ip} reused: ${this.model.pods.get(d.l.fromUid)?.pod ?? d.l.fromUid} → ${this.model.pods.get(d.l.toUid)?.pod ?? d.l.toUid}${d.l.overlap ? ' while the previous holder was still terminating' : ''}`);

    // ---- now line
    const nx = x(now);
    this.svg
      .select('.now-line')
      .attr('x1', nx)
      .attr('x2', nx)
      .attr('y1', AXIS_H - 4)
      .attr('y2', hgt)
      .attr('stroke', theme.focus)
      .attr('stroke-width', 1.5)
      .attr('display', this.live && nx >= this.labelW && nx <= w ? null : 'none');

    // ---- axis
    const axisG = this.svg.select<SVGGElement>('.axis').attr('transform', `translate(0,${AXIS_H - 2})`);
    axisG.call(d3.axisTop(x).ticks(Math.max(2, Math.floor(this.plotWidth() / 110))).tickSizeOuter(0));
    axisG.selectAll('path,line').attr('stroke', theme.muted);
    axisG.selectAll('text').attr('fill', theme.fg).attr('font-family', theme.fontFamily);
    const hideBefore = this.labelW + 10;
    axisG.selectAll<SVGGElement, unknown>('.tick').attr('display', function () {
      const m = /translate\(([-\d.e]+)/.exec(this.getAttribute('transform') ?? '');
      return m && Number(m[1]) < hideBefore ? 'none' : null;
    });

    // ---- label column
    this.svg.select('.label-bg').attr('x', 0).attr('y', 0).attr('width', this.labelW).attr('height', hgt).attr('fill', theme.bg);
    const maxChars = Math.floor((this.labelW - 14) / 6.6);
    this.svg
      .select('.lane-labels')
      .selectAll<SVGTextElement, (typeof visibleLanes)[number]>('text')
      .data(visibleLanes, (v) => v.lane.key)
      .join('text')
      .attr('class', (v) => `lane-label ${v.lane.kind}`)
      .attr('data-key', (v) => v.lane.key)
      .attr('x', (v) => (v.lane.kind === 'group' ? 6 : 16))
      .attr('y', (v) => v.y + LANE_H / 2 + 4)
      .attr('fill', (v) => (v.lane.kind === 'pod' && this.model.pods.get(v.lane.uid)?.deleted ? theme.muted : theme.fg))
      .attr('font-weight', (v) => (v.lane.kind === 'group' ? 600 : null))
      .attr('font-size', 12)
      .attr('font-family', theme.fontFamily)
      // Group rows are empty in the plot, so their label may run on over it.
      .text((v) => (v.lane.kind === 'group' ? truncate(`${v.lane.label} (${v.lane.count})`, 120) : truncate(v.lane.label, maxChars)));

    // ---- keyboard focus ring on the focused lane
    const focused = this.lanes[this.focusLane];
    const fy = laneY(this.focusLane);
    const chartFocused = document.activeElement === this.svg.node();
    this.svg
      .select('.focus-ring')
      .attr('x', 1)
      .attr('y', fy)
      .attr('width', Math.max(0, w - 2))
      .attr('height', LANE_H)
      .attr('stroke', theme.focus)
      .attr('stroke-width', 2)
      .attr('display', chartFocused && focused && fy >= headerH && fy < hgt ? null : 'none');

    // ---- status
    this.renderStatus();
    if (this.state.showTable) this.renderTable();

    this.lastRender = { segments: segs.length, markers: marks.length, lanes: i1 - i0, ms: performance.now() - started };
    const ds = this.root.dataset;
    ds.renderer = this.renderer;
    ds.visibleSegments = String(segs.length);
    ds.visibleMarkers = String(marks.length);
    ds.lanes = String(this.lanes.length);
    ds.maxSeq = String(this.model.maxSeq);
    ds.following = String(this.following);
    ds.domain = `${Math.round(t0)},${Math.round(t1)}`;
    this.root.dispatchEvent(new CustomEvent('timeline-rendered', { detail: { maxSeq: this.model.maxSeq, at: performance.now() } }));
  }

  private renderServices(x: d3.ScaleTime<number, number>, w: number, now: number): void {
    const theme = this.theme;
    const services = [...this.model.services.values()];
    const first = Number.isFinite(this.model.first) ? this.model.first : now;
    const data = services.map((s, i) => ({ s, y: AXIS_H + i * SERVICE_H }));
    const g = this.svg
      .select('.services')
      .selectAll<SVGGElement, (typeof data)[number]>('g.service')
      .data(data, (d) => d.s.key)
      .join((enter) => {
        const e = enter.append('g').attr('class', 'service');
        e.append('rect').attr('class', 'cluster-ip-bar');
        e.append('text').attr('class', 'cluster-ip');
        e.append('g').attr('class', 'endpoint-ticks');
        return e;
      })
      .attr('data-service', (d) => d.s.key);
    // The ClusterIP is one unbroken bar over the whole history: the address does not change while
    // the endpoints behind it (ticks: up = added, down = removed) do.
    const x0 = Math.max(this.labelW - 2, x(first));
    const x1 = Math.min(w + 2, x(Math.max(now, this.model.last)));
    g.select('rect')
      .attr('x', x0)
      .attr('width', Math.max(0, x1 - x0))
      .attr('y', (d) => d.y + 6)
      .attr('height', 12)
      .attr('rx', 3)
      .attr('fill', theme.service)
      .attr('fill-opacity', 0.35)
      .attr('stroke', theme.service);
    // At the left of the plot, not the bar's start: the bar may begin near the right edge.
    g.select<SVGTextElement>('text.cluster-ip')
      .attr('x', this.labelW + 4)
      .attr('y', (d) => d.y + 16)
      .attr('font-size', 11)
      .attr('font-family', theme.fontFamily)
      .attr('fill', theme.fg)
      .text((d) => {
        const ips = d.s.summary?.clusterIPs.join(', ') || (d.s.summary ? 'headless' : '');
        const eps = d.s.summary ? ` · ${d.s.summary.endpoints.length} endpoint${d.s.summary.endpoints.length === 1 ? '' : 's'}` : '';
        return `${ips}${eps}`;
      });
    const [t0, t1] = this.domain;
    g.select('.endpoint-ticks')
      .selectAll<SVGLineElement, { t: number; ip: string; added: boolean; y: number; i: number }>('line')
      .data(
        (d) => d.s.changes.map((c, i) => ({ ...c, y: d.y, i })).filter((c) => c.t >= t0 && c.t <= t1),
        (c) => c.i,
      )
      .join('line')
      .attr('x1', (c) => x(c.t))
      .attr('x2', (c) => x(c.t))
      .attr('y1', (c) => (c.added ? c.y + 2 : c.y + 12))
      .attr('y2', (c) => (c.added ? c.y + 12 : c.y + 22))
      .attr('stroke', (c) => (c.added ? theme.markers.ready : theme.markers.terminating))
      .attr('stroke-width', 2)
      .selectAll('title')
      .data((c) => [c])
      .join('title')
      .text((c) => `${c.added ? 'endpoint added' : 'endpoint removed'}: ${c.ip} at ${fmtTime(c.t)}`);
    this.svg
      .select('.service-labels')
      .selectAll<SVGTextElement, (typeof data)[number]>('text')
      .data(data, (d) => d.s.key)
      .join('text')
      .attr('class', 'service-label')
      .attr('x', 6)
      .attr('y', (d) => d.y + 16)
      .attr('font-size', 12)
      .attr('font-weight', 600)
      .attr('font-family', theme.fontFamily)
      .attr('fill', theme.fg)
      .text((d) => truncate(`Service ${d.s.key}`, Math.floor((this.labelW - 12) / 6.6)));
  }

  private segFill(life: PodLife): string {
    const pal = this.theme.revisions;
    return pal[this.model.revisionIndex(life) % pal.length];
  }

  private drawSvgShapes(segs: SegItem[], marks: MarkItem[]): void {
    const theme = this.theme;
    const sg = this.svg
      .select('.segments')
      .selectAll<SVGGElement, SegItem>('g.segment')
      .data(segs, (d) => d.seg.id)
      .join((enter) => {
        const e = enter.append('g').attr('class', 'segment');
        e.append('rect');
        e.append('text');
        return e;
      })
      .attr('data-uid', (d) => d.seg.uid)
      .attr('data-ip', (d) => d.seg.ip)
      .attr('data-open', (d) => String(d.seg.end === undefined));
    sg.select('rect')
      .attr('x', (d) => d.x0)
      .attr('y', (d) => d.y + (LANE_H - SEG_H) / 2)
      .attr('width', (d) => Math.max(1, d.x1 - d.x0))
      .attr('height', SEG_H)
      .attr('rx', 2)
      .attr('fill', (d) => this.segFill(d.life))
      .attr('fill-opacity', (d) => (d.seg.hostNetwork ? 0.35 : 0.85))
      .attr('stroke', (d) => (theme.highContrast ? theme.fg : d.seg.hostNetwork ? this.segFill(d.life) : 'none'))
      .attr('stroke-dasharray', (d) => (d.seg.hostNetwork ? '3 2' : null));
    // Centred: the start and end of a segment are where its markers sit.
    sg.select('text')
      .attr('x', (d) => (Math.max(d.x0, this.labelW) + d.x1) / 2)
      .attr('text-anchor', 'middle')
      .attr('y', (d) => d.y + LANE_H / 2 + 4)
      .attr('font-size', 10.5)
      .attr('font-family', theme.fontFamily)
      .attr('fill', theme.highContrast ? theme.fg : '#000')
      .attr('pointer-events', 'none')
      .text((d) => (d.x1 - Math.max(d.x0, this.labelW) > d.label.length * 6.2 + 8 ? d.label : ''));
    const sym = d3.symbol<MarkItem>().size(52);
    this.svg
      .select('.markers')
      .selectAll<SVGPathElement, MarkItem>('path')
      .data(marks, (d) => d.m.id)
      .join('path')
      .attr('class', (d) => `marker ${d.m.type}`)
      .attr('data-uid', (d) => d.m.uid)
      .attr('d', (d) => sym.type(SYMBOLS[d.m.type])(d))
      .attr('transform', (d) => `translate(${d.x},${d.y})${d.m.type === 'unready' ? ' rotate(180)' : ''}`)
      .attr('fill', (d) => (STROKED[d.m.type] ? 'none' : theme.markers[d.m.type]))
      .attr('stroke', (d) => (STROKED[d.m.type] ? theme.markers[d.m.type] : theme.bg))
      .attr('stroke-width', (d) => (STROKED[d.m.type] ? 2 : 1));
  }

  private drawCanvas(segs: SegItem[], marks: MarkItem[], headerH: number, w: number, h: number): void {
    const dpr = window.devicePixelRatio || 1;
    const c = this.canvas;
    if (c.width !== Math.round(w * dpr) || c.height !== Math.round(h * dpr)) {
      c.width = Math.round(w * dpr);
      c.height = Math.round(h * dpr);
      c.style.width = `${w}px`;
      c.style.height = `${h}px`;
    }
    const ctx = c.getContext('2d');
    if (!ctx) return;
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.clearRect(0, 0, w, h);
    if (segs.length === 0 && marks.length === 0) {
      c.dataset.shapes = '0';
      return;
    }
    const theme = this.theme;
    ctx.save();
    ctx.beginPath();
    ctx.rect(this.labelW, headerH, w - this.labelW, h - headerH);
    ctx.clip();
    // Grouped by fill colour, one fillRect each: measured in Chromium's software canvas, a single
    // path of many rectangles (or many triangles) rasterises several times slower than separate fills.
    const byFill = new Map<string, SegItem[]>();
    for (const s of segs) {
      const f = this.segFill(s.life);
      let list = byFill.get(f);
      if (!list) byFill.set(f, (list = []));
      list.push(s);
    }
    const top = (LANE_H - SEG_H) / 2;
    // Opaque here: blending thousands of rectangles costs raster time, and canvas segments never overlap.
    ctx.globalAlpha = 1;
    for (const [fill, list] of byFill) {
      ctx.fillStyle = fill;
      for (const s of list) ctx.fillRect(s.x0, s.y + top, Math.max(1, s.x1 - s.x0), SEG_H);
      if (theme.highContrast) {
        ctx.strokeStyle = theme.fg;
        ctx.lineWidth = 1;
        for (const s of list) ctx.strokeRect(s.x0 + 0.5, s.y + top + 0.5, Math.max(1, s.x1 - s.x0) - 1, SEG_H - 1);
      }
    }
    ctx.globalAlpha = 1;
    ctx.font = `10.5px ${theme.fontFamily}`;
    ctx.textAlign = 'center';
    ctx.fillStyle = theme.highContrast ? theme.fg : '#000';
    for (const s of segs) {
      const x0 = Math.max(s.x0, this.labelW);
      if (s.x1 - x0 > s.label.length * 6.2 + 8) ctx.fillText(s.label, (x0 + s.x1) / 2, s.y + LANE_H / 2 + 4);
    }
    // Each marker is its own small path with the symbol's vertices offset by hand (no
    // save/translate/restore); no halo stroke on the canvas, which would double the raster work.
    for (const type of MARKER_TYPES) {
      const shape = canvasSymbol(type);
      const stroked = STROKED[type];
      if (stroked) {
        ctx.strokeStyle = theme.markers[type];
        ctx.lineWidth = 2;
      } else ctx.fillStyle = theme.markers[type];
      for (const m of marks) {
        if (m.m.type !== type) continue;
        ctx.beginPath();
        if (shape.circle !== undefined) ctx.arc(m.x, m.y, shape.circle, 0, Math.PI * 2);
        else
          for (const sub of shape.subpaths) {
            ctx.moveTo(m.x + sub[0][0], m.y + sub[0][1]);
            for (let i = 1; i < sub.length; i++) ctx.lineTo(m.x + sub[i][0], m.y + sub[i][1]);
            if (shape.closed) ctx.closePath();
          }
        if (stroked) ctx.stroke();
        else ctx.fill();
      }
    }
    ctx.restore();
    c.dataset.shapes = String(segs.length + marks.length);
  }

  private renderStatus(): void {
    const m = this.model;
    const scope = m.scope ? `${m.scope.context} · ${m.scope.namespace ?? 'all namespaces'}${m.scope.labelSelector ? ` · ${m.scope.labelSelector}` : ''}` : '';
    const conn = this.live ? `${m.connection}${m.connectionMessage ? `: ${m.connectionMessage}` : ''}` : 'recorded';
    this.connection.textContent = `${scope}${scope ? ' — ' : ''}${conn}`;
    this.connection.dataset.state = this.live ? m.connection : 'recorded';
    const c = m.counts();
    const queued = this.pendingEvents.reduce((n, p) => n + p.events.length, 0);
    const text = `${c.pods} Pods (${c.running} holding an IP) · ${c.ips} IPs · ${c.reusedIps} reused · ${c.services} Services · ${c.events} events${c.gaps ? ` · ${c.gaps} watch gaps` : ''}${this.paused ? ` · paused, ${queued} queued` : ''}`;
    if (this.countsEl.textContent !== text) this.countsEl.textContent = text;
  }

  private renderTable(): void {
    const key = `${this.model.version}|${this.model.events.length}|${this.state.filter}`;
    if (key === this.tableKey) return;
    this.tableKey = key;
    const needle = this.state.filter.trim().toLowerCase();
    const rows: LifecycleEvent[] = [];
    const all = this.model.events;
    for (let i = all.length - 1; i >= 0 && rows.length < TABLE_ROWS; i--) {
      const e = all[i];
      if (needle && ![e.pod, e.ip, e.node, e.service, e.owner?.name, e.revision].some((f) => f?.toLowerCase().includes(needle))) continue;
      rows.push(e);
    }
    this.tableCaption.textContent = `Lifecycle events, newest first (${rows.length}${all.length > rows.length ? ` of ${all.length}` : ''})`;
    d3.select(this.tableBody)
      .selectAll<HTMLTableRowElement, LifecycleEvent>('tr')
      .data(rows, (e) => e.seq)
      .join((enter) => {
        const tr = enter.append('tr');
        for (let i = 0; i < 6; i++) tr.append('td');
        return tr;
      })
      .order()
      .attr('data-seq', (e) => e.seq)
      .each(function (e) {
        const cells = this.children;
        const detail =
          e.type === 'ip-reused'
            ? `previous holder ${e.previousPod ?? e.previousUid ?? '?'}${e.overlap ? ', still terminating' : ''}`
            : e.type === 'gap'
              ? `watch down ${e.from ?? ''} → ${e.to ?? ''}${e.reason ? ` (${e.reason})` : ''}`
              : e.service
                ? `Service ${e.service}`
                : e.seenOnRelist
                  ? 'found on relist'
                  : e.hostNetwork
                    ? 'hostNetwork'
                    : '';
        const values = [e.time, e.type, e.pod ?? '', e.ip ?? '', e.node ?? '', detail];
        for (let i = 0; i < 6; i++) if (cells[i].textContent !== values[i]) cells[i].textContent = values[i];
      });
  }

  private buildLegend(): HTMLElement {
    const theme = this.theme;
    const legend = el('div', { class: 'legend', role: 'list', 'aria-label': 'Legend' });
    const ns = 'http://www.w3.org/2000/svg';
    const item = (label: string, draw: (g: d3.Selection<SVGSVGElement, unknown, null, undefined>) => void) => {
      const li = el('span', { class: 'legend-item', role: 'listitem' });
      const s = d3.select(document.createElementNS(ns, 'svg')).attr('width', 22).attr('height', 14).attr('aria-hidden', 'true');
      draw(s);
      li.append(s.node()!, document.createTextNode(label));
      legend.append(li);
    };
    item('IP held', (s) => s.append('rect').attr('x', 1).attr('y', 2).attr('width', 20).attr('height', 10).attr('rx', 2).attr('fill', theme.revisions[0]));
    item('new revision', (s) => s.append('rect').attr('x', 1).attr('y', 2).attr('width', 20).attr('height', 10).attr('rx', 2).attr('fill', theme.revisions[1]));
    for (const t of MARKER_TYPES) {
      item(MARKER_LABEL[t], (s) =>
        s
          .append('path')
          .attr('d', d3.symbol().type(SYMBOLS[t]).size(52)()!)
          .attr('transform', `translate(11,7)${t === 'unready' ? ' rotate(180)' : ''}`)
          .attr('fill', STROKED[t] ? 'none' : theme.markers[t])
          .attr('stroke', STROKED[t] ? theme.markers[t] : theme.bg)
          .attr('stroke-width', STROKED[t] ? 2 : 1),
      );
    }
    item('IP reused', (s) => s.append('path').attr('d', 'M1,11 C14,11 8,3 21,3').attr('fill', 'none').attr('stroke', theme.link).attr('stroke-width', 1.5).attr('stroke-dasharray', '4 2'));
    item('watch down', (s) => s.append('rect').attr('x', 4).attr('y', 0).attr('width', 14).attr('height', 14).attr('fill', theme.gap).attr('stroke', theme.highContrast ? theme.fg : 'none').attr('stroke-dasharray', '4 3'));
    item('Service ClusterIP', (s) => s.append('rect').attr('x', 1).attr('y', 2).attr('width', 20).attr('height', 10).attr('rx', 3).attr('fill', theme.service).attr('fill-opacity', 0.35).attr('stroke', theme.service));
    item('now', (s) => s.append('line').attr('x1', 11).attr('x2', 11).attr('y1', 0).attr('y2', 14).attr('stroke', theme.focus).attr('stroke-width', 1.5));
    return legend;
  }

  // ================================================================ export

  /** The current view as a standalone SVG document: shapes as SVG even when the canvas draws them. */
  exportSvg(): string {
    this.forceSvg = true;
    try {
      this.render();
      const clone = this.svg.node()!.cloneNode(true) as SVGSVGElement;
      clone.setAttribute('xmlns', 'http://www.w3.org/2000/svg');
      clone.removeAttribute('tabindex');
      clone.removeAttribute('role');
      clone.removeAttribute('aria-roledescription');
      clone.removeAttribute('style');
      clone.querySelector('.focus-ring')?.remove();
      const title = document.createElementNS('http://www.w3.org/2000/svg', 'title');
      const m = this.model;
      title.textContent = `Pod IP Lens timeline${m.scope ? ` — ${m.scope.context}/${m.scope.namespace ?? '*'} ${m.scope.labelSelector}` : ''} — ${fmtTime(this.domain[0])} to ${fmtTime(this.domain[1])}`;
      clone.insertBefore(title, clone.firstChild);
      return `<?xml version="1.0" encoding="UTF-8"?>\n${new XMLSerializer().serializeToString(clone)}`;
    } finally {
      this.forceSvg = false;
      this.invalidate();
    }
  }

  async exportPng(scale = 2): Promise<string> {
    const svgText = this.exportSvg();
    const url = URL.createObjectURL(new Blob([svgText], { type: 'image/svg+xml' }));
    try {
      const img = new Image();
      await new Promise<void>((resolve, reject) => {
        img.onload = () => resolve();
        img.onerror = () => reject(new Error('the SVG could not be rasterised'));
        img.src = url;
      });
      const c = document.createElement('canvas');
      c.width = Math.max(1, Math.round(this.width * scale));
      c.height = Math.max(1, Math.round(this.height * scale));
      const ctx = c.getContext('2d')!;
      ctx.scale(scale, scale);
      ctx.drawImage(img, 0, 0, this.width, this.height);
      return c.toDataURL('image/png');
    } finally {
      URL.revokeObjectURL(url);
    }
  }

  exportJson(): string {
    const m = this.model;
    const snapshot: TimelineSnapshot = {
      scope: m.scope ?? { context: '', labelSelector: '' },
      connection: m.connection,
      events: m.events,
      pods: [...m.pods.values()].flatMap((l) => (l.summary ? [l.summary] : [])),
      services: [...m.services.values()].flatMap((s) => (s.summary ? [s.summary] : [])),
    };
    if (m.connectionMessage) snapshot.connectionMessage = m.connectionMessage;
    return JSON.stringify(snapshot, null, 2);
  }
}
