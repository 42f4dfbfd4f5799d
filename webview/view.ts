// The timeline view: composes the marks (webview/marks/), the toolbar, the interaction, the
// table and the exports around one model. Each frame it fills the Frame (scales, visible lanes),
// lets every mark collect what is in view, draws the bulk marks on the canvas when they are many
// and in SVG when they are few (inspectable, exported), and acks to the host what it has taken in.
//
// Adding a mark is adding it to `marks` below, where its layer goes (bottom to top): a band above
// the lanes (e.g. a References section, one row per manifest literal) implements `height` and
// draws from `frame.bandTop.get(mark)`; a mark on the lanes reads `frame.layout` and
// `frame.i0..i1`; `hit` gives it tooltips and clicks, and exports include it by themselves.
import type { LifecycleEvent, TimelineSnapshot } from '../src/core/events';
import type { PackedSnapshot } from '../src/core/protocol/packedSnapshot';
import type { EventsMessage, TimelineViewState } from '../src/core/protocol';
import { el, svgEl } from './dom';
import { describeLane, tooltipLines } from './describe';
import { EventTable } from './table';
import { exportJson, exportPng, exportSvg, type Exportable } from './export';
import { Interaction, type InteractionHost } from './interaction';
import { TimelineModel, type LaneLayout } from './model';
import { AxisMark } from './marks/axis';
import { CurrentIpMark } from './marks/current';
import { EndpointsMark } from './marks/endpoints';
import { FocusMark } from './marks/focus';
import { GapsMark } from './marks/gaps';
import { LabelsMark } from './marks/labels';
import { LaneBandsMark } from './marks/lanes';
import { LinksMark } from './marks/links';
import { AXIS_H, Frame, type Hit, LANE_H, type Mark } from './marks/mark';
import { MarkersMark } from './marks/markers';
import { MissedMark, type MissedUpdate } from './marks/missed';
import { NowMark } from './marks/now';
import { SegmentsMark } from './marks/segments';
import { ServiceMark } from './marks/service';
import { CanvasSurface, SvgSurface } from './surface';
import { readTheme, type Theme } from './theme';
import { Toolbar } from './toolbar';

/** The label column's width on a wide panel; narrower panels get a narrower column. */
const LABEL_W_MAX = 230;
/** Above this many shapes from the bulk marks the canvas draws them; below, SVG. */
export const SVG_SHAPE_LIMIT = 1500;

export interface ViewCallbacks {
  openPod(uid: string, pod: string): void;
  exportAs(format: 'svg' | 'png' | 'json'): void;
  stateChanged(state: TimelineViewState): void;
  /** The view has taken in the host's events up to `seq` (flow control for the host's batches). */
  drawn?(seq: number): void;
  /** The view missed a message from the host and needs everything again. */
  requestSnapshot?(reason: string): void;
}

type Clip = 'plot' | 'lanes' | 'header' | undefined;
const CLIPS = ['plot', 'lanes', 'header'] as const;

function setRect(r: number[], x: number, y: number, w: number, h: number): void {
  r[0] = x;
  r[1] = y;
  r[2] = w;
  r[3] = h;
}

export class TimelineView implements InteractionHost, Exportable {
  model = new TimelineModel();
  live = false;
  paused = false;
  state: TimelineViewState;
  /** The mode of the last render; tests and the bench read it from data-renderer. */
  renderer: 'svg' | 'canvas' = 'svg';
  lastRender = { segments: 0, markers: 0, lanes: 0, ms: 0 };
  recording?: string;
  readonly frame = new Frame();

  readonly root: HTMLElement;
  readonly plot: HTMLElement;
  readonly svgNode: SVGSVGElement;
  private readonly stage: HTMLElement;
  private readonly spacer: HTMLElement;
  private readonly canvas: HTMLCanvasElement;
  private readonly announcer: HTMLElement;
  private readonly toolbar: Toolbar;
  private readonly table: EventTable;
  private readonly interaction: Interaction;

  // Marks, bottom to top.
  private readonly segments = new SegmentsMark();
  private readonly current = new CurrentIpMark(this.segments);
  private readonly services = new ServiceMark();
  private readonly missed = new MissedMark();
  private readonly marks: Mark[];
  private readonly layers = new Map<Mark, SVGGElement>();
  private readonly svgSurface = new SvgSurface();
  private readonly canvasSurface = new CanvasSurface();
  private readonly clips: Record<'plot' | 'lanes' | 'header', SVGRectElement>;
  /** The clip rectangles (x, y, w, h) of this frame, reused. */
  private readonly clipRects = { plot: [0, 0, 0, 0], lanes: [0, 0, 0, 0], header: [0, 0, 0, 0] };

  private theme: Theme;
  private skew = 0;
  private staticNow = 0;
  private layout?: LaneLayout;
  private layoutKey = '';
  private readonly otherLayout = new Map<string, LaneLayout>();
  private pendingEvents: EventsMessage[] = [];
  private pendingSnapshot?: { snapshot: TimelineSnapshot | PackedSnapshot; now: string; live: boolean; seq?: number };
  private frameReq = 0;
  private ticker = 0;
  private focusLane = 0;
  private width = 0;
  private height = 0;
  private labelW = LABEL_W_MAX;
  private lastAnnounce = 0;
  private saveTimer = 0;
  private idleTimer = 0;
  // The host's sequence: the last seq it told us about, when, and an open request for a snapshot.
  private hostSeq = -1;
  private hostTime = 0;
  private ackedSeq = -1;
  private resync?: MissedUpdate;

  constructor(
    root: HTMLElement,
    state: TimelineViewState,
    private readonly callbacks: ViewCallbacks,
  ) {
    this.root = root;
    this.state = { ...state };
    this.theme = readTheme();
    const now = Date.now();
    root.classList.add('timeline');
    this.toolbar = new Toolbar(this.state, {
      update: (p) => this.update(p),
      togglePause: () => this.setPaused(!this.paused),
      follow: () => this.follow(),
      exportAs: (f) => this.callbacks.exportAs(f),
    }, this.theme);

    this.plot = el('div', { class: 'plot', id: 'plot' });
    this.stage = el('div', { class: 'stage' });
    this.canvas = el('canvas', { class: 'segments-canvas', 'aria-hidden': 'true' });
    this.svgNode = svgEl('svg', {
      id: 'chart',
      tabindex: 0,
      role: 'application',
      'aria-roledescription': 'timeline',
      'aria-label': 'Pod IP timeline. Up and Down move between lanes, Left and Right pan, plus and minus zoom, Home follows the present, Enter opens the Pod YAML. Ctrl+wheel zooms, drag pans, the wheel scrolls lanes.',
    });
    this.stage.append(this.canvas, this.svgNode);
    this.spacer = el('div', { class: 'spacer' });
    this.plot.append(this.stage, this.spacer);
    this.table = new EventTable(this.state.showTable);
    this.announcer = el('div', { class: 'sr-only', 'aria-live': 'polite', id: 'announcer' });

    const markers = new MarkersMark(this.segments);
    this.marks = [
      new GapsMark(),
      this.services,
      new EndpointsMark(this.services),
      new LaneBandsMark(),
      this.segments,
      new LinksMark(),
      markers,
      this.current,
      new NowMark(),
      this.missed,
      new AxisMark(),
      new LabelsMark(this.current),
      new FocusMark(),
    ];
    const defs = svgEl('defs');
    const clip = (id: string) => {
      const c = svgEl('clipPath', { id });
      const r = svgEl('rect');
      c.append(r);
      defs.append(c);
      return r;
    };
    this.clips = { plot: clip('plot-clip'), lanes: clip('lanes-clip'), header: clip('header-clip') };
    this.svgNode.append(defs, svgEl('rect', { class: 'background' }));
    for (const m of this.marks) {
      const c = (m as { clip?: Clip }).clip;
      const g = svgEl('g', { class: `mark-${m.name}` });
      if (c) g.setAttribute('clip-path', `url(#${c}-clip)`);
      this.svgNode.append(g);
      this.layers.set(m, g);
    }

    this.interaction = new Interaction(this, this.svgNode, state.window ?? [now - 60_000, now + 3_000], state.window === undefined);
    root.append(this.toolbar.element, this.toolbar.status, this.toolbar.legend, this.plot, this.table.element, this.interaction.tooltip, this.announcer);
    this.plot.addEventListener('scroll', () => this.invalidate());
    new ResizeObserver(() => this.invalidate()).observe(this.plot);
    new MutationObserver(() => {
      this.theme = readTheme();
      this.toolbar.retheme(this.theme);
      this.invalidate();
    }).observe(document.body, { attributes: true, attributeFilter: ['class'] });
  }

  // ================================================================ data in

  now(): number {
    return this.live ? Date.now() + this.skew : this.staticNow;
  }

  get following(): boolean {
    return this.interaction.following;
  }

  setSnapshot(snapshot: TimelineSnapshot | PackedSnapshot, now: string, live: boolean, seq?: number): void {
    // The chain of seqs restarts here, drawn now or after a pause.
    const hostNow = Date.parse(now);
    this.hostSeq = seq ?? maxSeqOf(snapshot);
    this.hostTime = Number.isFinite(hostNow) ? hostNow : Date.now();
    this.ackedSeq = -1;
    if (this.resync) {
      this.resync.resynced = this.hostTime;
      this.resync = undefined;
      this.notice('info', 'Reloaded from a fresh snapshot after missed updates (marked on the timeline)');
    }
    if (this.paused) {
      this.pendingSnapshot = { snapshot, now, live, seq };
      this.pendingEvents = [];
      this.updatePaused();
      return;
    }
    this.model = TimelineModel.fromSnapshot(snapshot);
    this.live = live;
    this.skew = live && Number.isFinite(hostNow) ? hostNow - Date.now() : 0;
    this.staticNow = Number.isFinite(this.model.last) ? this.model.last : Number.isFinite(hostNow) ? hostNow : Date.now();
    this.layoutKey = '';
    this.otherLayout.clear();
    if (this.state.scope === undefined || JSON.stringify(this.state.scope) !== JSON.stringify(snapshot.scope)) {
      this.state.scope = snapshot.scope;
      this.saveState();
    }
    if (!live) {
      this.interaction.following = false;
      this.fitAll();
    } else if (this.interaction.following) this.initialLiveWindow();
    this.toolbar.setLive(live, this.interaction.following);
    this.setTicker();
    this.invalidate();
    this.scheduleIdle();
  }

  /**
   * An events message from the host: its place in the host's sequence is checked on arrival, even
   * while paused. Once folded in (or queued) it is acked: the host sends the next batch then, so
   * batches grow only while this page is busy, and the next frame draws whatever has arrived.
   */
  applyEvents(msg: EventsMessage): void {
    this.checkSequence(msg);
    if (this.paused) {
      this.pendingEvents.push(msg);
      this.updatePaused();
    } else this.fold(msg);
    this.ack();
  }

  private fold(msg: EventsMessage): void {
    const hostNow = Date.parse(msg.now);
    if (this.live && Number.isFinite(hostNow)) this.skew = hostNow - Date.now();
    this.model.applySummaries(msg.pods, msg.services ?? []);
    const n = this.model.apply(msg.events);
    if (msg.connection !== this.model.connection || msg.connectionMessage !== this.model.connectionMessage) this.model.setConnection(msg.connection, msg.connectionMessage);
    if (n > 0) this.announceNewIps(msg.events);
    this.invalidate();
  }

  /**
   * Messages chain by seq: one whose prevSeq is past the last seq we saw means one or more were
   * lost. The events still apply (the newest picture is better than none), the place is marked,
   * and the host is asked for a fresh snapshot (once until it comes).
   */
  private checkSequence(msg: EventsMessage): void {
    const at = Date.parse(msg.now);
    const t = Number.isFinite(at) ? at : Date.now() + this.skew;
    if (this.live && this.hostSeq >= 0 && msg.prevSeq > this.hostSeq) {
      const seqs = msg.prevSeq === this.hostSeq + 1 ? `${msg.prevSeq}` : `${this.hostSeq + 1}–${msg.prevSeq}`;
      const u = { from: Math.min(this.hostTime, t), to: t, seqs };
      this.missed.add(u);
      this.notice('error', `Missed updates from the host (seq ${seqs}); reloading`);
      if (!this.resync) {
        this.resync = u;
        this.callbacks.requestSnapshot?.(`missed seq ${seqs} (last seen ${this.hostSeq}, next message after ${msg.prevSeq})`);
      }
    }
    if (msg.seq > this.hostSeq) this.hostSeq = msg.seq;
    this.hostTime = t;
  }

  private ack(): void {
    if (!this.live || this.hostSeq <= this.ackedSeq) return;
    this.ackedSeq = this.hostSeq;
    this.callbacks.drawn?.(this.hostSeq);
  }

  notice(level: 'info' | 'error', message: string): void {
    this.toolbar.setNotice(level, message);
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
      this.table.show(p.showTable);
      this.toolbar.setTable(p.showTable);
    }
    this.layoutKey = '';
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
      if (snap) {
        // Its seq was taken when it came; the events queued after it have moved the chain on.
        const [seq, time] = [this.hostSeq, this.hostTime];
        this.setSnapshot(snap.snapshot, snap.now, snap.live, snap.seq);
        this.hostSeq = Math.max(seq, this.hostSeq);
        this.hostTime = time;
      }
      for (const m of events) this.fold(m);
    }
    this.updatePaused();
    this.setTicker();
    this.invalidate();
  }

  private updatePaused(): void {
    this.toolbar.setPaused(this.paused);
    const queued = this.pendingEvents.reduce((n, m) => n + m.events.length, 0);
    this.root.dataset.paused = String(this.paused);
    this.root.dataset.queued = String(queued);
  }

  private saveState(): void {
    clearTimeout(this.saveTimer);
    this.saveTimer = window.setTimeout(() => {
      const [d0, d1] = this.interaction.domain;
      this.state.window = this.interaction.following ? undefined : [d0, d1];
      this.callbacks.stateChanged({ ...this.state });
    }, 200);
  }

  private setTicker(): void {
    clearInterval(this.ticker);
    this.ticker = 0;
    // The "now" line moves with the clock; a redraw ten times a second is smooth enough and cheap
    // because only what is on screen is drawn.
    if (this.live && !this.paused) this.ticker = window.setInterval(() => this.invalidate(), 100);
  }

  // ================================================================ time window

  windowChanged(): void {
    this.toolbar.setFollowing(this.interaction.following);
    this.saveState();
    this.invalidate();
  }

  follow(): void {
    if (!this.live) {
      this.fitAll();
      this.invalidate();
      return;
    }
    this.interaction.following = true;
    this.interaction.anchorToNow();
    this.windowChanged();
  }

  private initialLiveWindow(): void {
    const now = this.now();
    const first = Number.isFinite(this.model.first) ? this.model.first : now - 60_000;
    const span = Math.min(Math.max(now - first, 60_000), 15 * 60_000) * 1.05;
    this.interaction.setDomain(now - span * 0.95, now + span * 0.05);
  }

  private fitAll(): void {
    const a = Number.isFinite(this.model.first) ? this.model.first : this.staticNow - 60_000;
    const b = Math.max(this.staticNow, a + 1000);
    const pad = (b - a) * 0.03;
    this.interaction.setDomain(a - pad, b + pad);
  }

  zoomBy(k: number): void {
    this.interaction.zoomBy(k);
  }

  /** Pans by screen pixels: positive moves into the past (and stops following). */
  panBy(px: number): void {
    this.interaction.panBy(px);
  }

  /** For tests and the bench: set the visible window directly (epoch ms). */
  showWindow(d0: number, d1: number): void {
    this.interaction.following = false;
    this.interaction.setDomain(d0, d1);
    this.windowChanged();
  }

  get visibleDomain(): [number, number] {
    const [a, b] = this.interaction.domain;
    return [a, b];
  }

  get size(): { width: number; height: number } {
    return { width: this.width, height: this.height };
  }

  // ================================================================ lanes and focus

  setFocusLane(i: number): void {
    this.focusLane = i;
  }

  moveFocus(delta: number): void {
    const L = this.currentLayout();
    if (L.length === 0) return;
    this.focusLane = Math.max(0, Math.min(L.length - 1, this.focusLane + delta));
    const top = this.focusLane * LANE_H;
    const vh = Math.max(0, this.height - this.frame.headerH);
    if (top < this.plot.scrollTop) this.plot.scrollTop = top;
    else if (top + LANE_H > this.plot.scrollTop + vh) this.plot.scrollTop = top + LANE_H - vh;
    this.announcer.textContent = describeLane(this.model, L, this.focusLane);
    this.invalidate();
  }

  openLife(life: number): void {
    this.callbacks.openPod(this.model.uidOf(life), this.model.podOf(life));
  }

  openFocused(): void {
    // The lanes and focus as they are now, not as the last frame drew them.
    const L = this.currentLayout();
    const id = L.ids[this.focusLane];
    if (id === undefined || id < 0) return;
    if (L.groupBy === 'pod') return this.openLife(id);
    const idx = this.model.ipIndex(id);
    if (idx.ids.n) this.openLife(this.model.sLife.a[idx.ids.a[idx.ids.n - 1]]);
  }

  describeLane(i: number): string {
    return describeLane(this.model, this.currentLayout(), i);
  }

  tooltipLines(hit: Hit): [string, string][] {
    return tooltipLines(this.frame, hit);
  }

  private layoutOptions(groupBy = this.state.groupBy): string {
    return `${this.model.structureVersion}|${groupBy}|${this.state.filter}|${this.state.hideDeleted}`;
  }

  private currentLayout(): LaneLayout {
    const key = this.layoutOptions();
    if (key !== this.layoutKey || !this.layout) {
      this.layout = this.otherLayout.get(key) ?? this.model.lanes(this.state);
      this.otherLayout.clear();
      this.layoutKey = key;
    }
    return this.layout;
  }

  /** After a snapshot: what the first frame did not need, in idle time (switching grouping is then instant). */
  private scheduleIdle(): void {
    clearTimeout(this.idleTimer);
    const run = () => {
      const other = this.state.groupBy === 'pod' ? 'ip' : 'pod';
      const key = this.layoutOptions(other);
      if (!this.otherLayout.has(key)) this.otherLayout.set(key, this.model.lanes({ ...this.state, groupBy: other }));
    };
    const ric = (window as { requestIdleCallback?: (f: () => void, o?: { timeout: number }) => number }).requestIdleCallback;
    if (ric) ric(run, { timeout: 2000 });
    else this.idleTimer = window.setTimeout(run, 200);
  }

  // ================================================================ hit testing

  hitTest(x: number, y: number): Hit | undefined {
    // Topmost first.
    for (let i = this.marks.length - 1; i >= 0; i--) {
      const h = this.marks[i].hit?.(this.frame, x, y);
      if (h) return h;
    }
    const lane = this.frame.laneAt(y);
    return lane >= 0 ? { kind: 'lane', lane } : undefined;
  }

  // ================================================================ rendering

  invalidate(): void {
    if (this.frameReq) return;
    this.frameReq = requestAnimationFrame(() => {
      this.frameReq = 0;
      this.render();
    });
  }

  /** Draws the current state synchronously (the rAF callback; also used by export and the bench). */
  render(exporting = false): void {
    const started = performance.now();
    const w = this.plot.clientWidth;
    const h = this.plot.clientHeight;
    if (w !== this.width || h !== this.height) {
      this.width = w;
      this.height = h;
      this.labelW = Math.round(Math.min(LABEL_W_MAX, Math.max(120, w * 0.3)));
      this.interaction.resize(w, this.labelW);
    }
    if (this.interaction.following && this.live && !this.paused) this.interaction.anchorToNow();

    const f = this.frame;
    const m = this.model;
    f.model = m;
    f.theme = this.theme;
    f.live = this.live;
    f.now = this.now();
    f.width = w;
    f.height = h;
    f.labelW = this.labelW;
    f.exporting = exporting;
    f.layout = this.currentLayout();
    if (this.focusLane >= f.layout.length) this.focusLane = Math.max(0, f.layout.length - 1);
    f.focusLane = this.focusLane;
    f.focused = document.activeElement === this.svgNode;
    const [t0, t1] = this.interaction.domain;
    f.t0 = t0;
    f.t1 = t1;
    f.kx = (w - this.labelW) / (t1 - t0);
    // Bands above the lanes, stacked in mark order.
    let top = AXIS_H;
    f.bandTop.clear();
    for (const mark of this.marks) {
      const bh = mark.height?.(f);
      if (!bh) continue;
      f.bandTop.set(mark, top);
      top += bh;
    }
    f.headerH = top;
    const lanesVH = Math.max(0, h - f.headerH);
    const total = f.layout.length * LANE_H;
    this.spacer.style.height = `${Math.max(0, total - lanesVH)}px`;
    this.stage.style.height = `${h}px`;
    f.scrollTop = Math.min(this.plot.scrollTop, Math.max(0, total - lanesVH));
    f.i0 = Math.max(0, Math.floor(f.scrollTop / LANE_H));
    f.i1 = Math.min(f.layout.length, Math.ceil((f.scrollTop + lanesVH) / LANE_H));

    // Collect, then pick the surface for the bulk marks from how much there is to draw.
    let bulk = 0;
    for (const mark of this.marks) {
      const n = mark.prepare?.(f) ?? 0;
      if (mark.bulk) bulk += n;
    }
    const useCanvas = !exporting && bulk > SVG_SHAPE_LIMIT;
    this.renderer = useCanvas ? 'canvas' : 'svg';

    const svg = this.svgNode;
    svg.setAttribute('width', String(w));
    svg.setAttribute('height', String(h));
    svg.setAttribute('viewBox', `0 0 ${w} ${h}`);
    const bg = svg.querySelector('rect.background')!;
    bg.setAttribute('width', String(w));
    bg.setAttribute('height', String(h));
    // Transparent on screen (the canvas underneath must show); opaque in an exported SVG.
    bg.setAttribute('fill', exporting ? this.theme.bg : 'none');
    const clipRects = this.clipRects;
    setRect(clipRects.plot, this.labelW, 0, Math.max(0, w - this.labelW), h);
    setRect(clipRects.lanes, this.labelW, f.headerH, Math.max(0, w - this.labelW), lanesVH);
    setRect(clipRects.header, this.labelW, AXIS_H, Math.max(0, w - this.labelW), f.headerH - AXIS_H);
    for (const k of CLIPS) {
      const [x, y, cw, ch] = clipRects[k];
      const r = this.clips[k];
      r.setAttribute('x', String(x));
      r.setAttribute('y', String(y));
      r.setAttribute('width', String(cw));
      r.setAttribute('height', String(Math.max(0, ch)));
    }
    const ctx = this.prepareCanvas(w, h);
    for (const mark of this.marks) {
      const layer = this.layers.get(mark)!;
      this.svgSurface.begin(layer);
      if (mark.bulk && useCanvas && ctx) {
        this.svgSurface.end();
        const c = (mark as { clip?: Clip }).clip;
        ctx.save();
        if (c) {
          const [x, y, cw, ch] = clipRects[c];
          ctx.beginPath();
          ctx.rect(x, y, cw, ch);
          ctx.clip();
        }
        this.canvasSurface.begin(ctx);
        mark.draw(f, this.canvasSurface);
        ctx.restore();
      } else {
        mark.draw(f, this.svgSurface);
        this.svgSurface.end();
      }
    }
    this.canvas.dataset.shapes = useCanvas ? String(bulk) : '0';

    this.renderStatus();
    if (this.state.showTable) this.table.render(m, this.state.filter);

    const segs = this.segments.itemSeg.n + this.segments.band.n / 7;
    this.lastRender = { segments: segs, markers: bulk - segs, lanes: f.i1 - f.i0, ms: performance.now() - started };
    const ds = this.root.dataset;
    ds.renderer = this.renderer;
    ds.visibleSegments = String(segs);
    ds.visibleMarkers = String(Math.max(0, bulk - segs));
    ds.lanes = String(f.layout.length);
    ds.maxSeq = String(m.maxSeq);
    ds.following = String(this.interaction.following);
    ds.domain = `${Math.round(t0)},${Math.round(t1)}`;
    ds.missed = String(this.missed.list.length);
    this.root.dispatchEvent(new CustomEvent('timeline-rendered', { detail: { maxSeq: m.maxSeq, at: performance.now() } }));
  }

  private prepareCanvas(w: number, h: number): CanvasRenderingContext2D | null {
    const dpr = window.devicePixelRatio || 1;
    const c = this.canvas;
    if (c.width !== Math.round(w * dpr) || c.height !== Math.round(h * dpr)) {
      c.width = Math.round(w * dpr);
      c.height = Math.round(h * dpr);
      c.style.width = `${w}px`;
      c.style.height = `${h}px`;
    }
    const ctx = c.getContext('2d');
    if (!ctx) return null;
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.clearRect(0, 0, w, h);
    return ctx;
  }

  private renderStatus(): void {
    const m = this.model;
    const scope = m.scope ? `${m.scope.context}${m.scope.server ? ` (${m.scope.server})` : ''} · ${m.scope.namespace ?? 'all namespaces'}${m.scope.labelSelector ? ` · ${m.scope.labelSelector}` : ''}` : '';
    const conn = this.live ? `${m.connection}${m.connectionMessage ? `: ${m.connectionMessage}` : ''}` : 'recorded';
    const connText = `${scope}${scope ? ' — ' : ''}${conn}`;
    const el = this.toolbar.connection;
    if (el.textContent !== connText) el.textContent = connText;
    el.dataset.state = this.live ? m.connection : 'recorded';
    const c = m.counts();
    const queued = this.paused ? this.pendingEvents.reduce((n, p) => n + p.events.length, 0) : 0;
    const text = `${c.pods} Pods (${c.running} holding an IP) · ${c.ips} IPs · ${c.reusedIps} reused · ${c.services} Services · ${c.events} events${c.gaps ? ` · ${c.gaps} watch gaps` : ''}${this.paused ? ` · paused, ${queued} queued` : ''}`;
    if (this.toolbar.counts.textContent !== text) this.toolbar.counts.textContent = text;
  }

  // ================================================================ export

  exportSvg(): string {
    return exportSvg(this);
  }

  exportPng(scale = 2): Promise<string> {
    return exportPng(this, scale);
  }

  exportJson(): string {
    return exportJson(this);
  }
}

/** The last seq a snapshot holds, when its message did not say. */
function maxSeqOf(s: TimelineSnapshot | PackedSnapshot): number {
  if ('format' in s) {
    let max = 0;
    for (let i = 0; i < s.events.count; i++) max = Math.max(max, s.events.seq[i] + s.events.seqBase);
    return max;
  }
  return s.events.reduce((m, e) => Math.max(m, e.seq), 0);
}
