// The controls above the plot (grouping, filter, hide deleted, pause, follow, table, exports),
// the status line and the legend. The @vscode-elements controls are typed elements
// (HTMLElementTagNameMap), so their value/checked properties need no casts.
import type { TimelineViewState } from '../src/core/protocol';
import { el, svgEl } from './dom';
import { MARKER_TYPES } from './model';
import { MARKER_LABEL, MARKER_SYMBOL, SYMBOL_SIZE, markerStyle } from './marks/markers';
import { symbolPath } from './surface';
import type { Theme } from './theme';

export interface ToolbarActions {
  update(p: Partial<TimelineViewState>): void;
  togglePause(): void;
  follow(): void;
  exportAs(format: 'svg' | 'png' | 'json'): void;
}

const EXPORTS: readonly (readonly ['svg' | 'png' | 'json', string])[] = [
  ['svg', 'SVG image'],
  ['png', 'PNG image'],
  ['json', 'JSON snapshot'],
];

export class Toolbar {
  readonly element: HTMLElement;
  readonly status: HTMLElement;
  readonly connection: HTMLElement;
  readonly counts: HTMLElement;
  readonly notice: HTMLElement;
  /** How the plot is driven, always on screen (the chart's aria-label says the same to screen readers). */
  readonly hint: HTMLElement;
  readonly pause: HTMLElement;
  readonly followBtn: HTMLElement;
  readonly table: HTMLElement;
  /** The legend: one row of what fits, and a toggle for the rest. */
  readonly legend: HTMLElement;
  private legendList: HTMLElement;
  private readonly legendMore: HTMLElement;

  constructor(state: TimelineViewState, actions: ToolbarActions, theme: Theme) {
    this.element = el('div', { class: 'toolbar', role: 'toolbar', 'aria-label': 'Timeline controls' });
    const groupBy = el('vscode-single-select', { id: 'group-by', 'aria-label': 'Group lanes by' });
    groupBy.append(el('vscode-option', { value: 'pod' }, 'Lanes by Pod'), el('vscode-option', { value: 'ip' }, 'Lanes by IP'));
    groupBy.value = state.groupBy;
    groupBy.addEventListener('change', () => actions.update({ groupBy: groupBy.value === 'ip' ? 'ip' : 'pod' }));
    const filter = el('vscode-textfield', { id: 'filter', placeholder: 'Filter: pod, IP, node, owner', 'aria-label': 'Filter lanes by Pod, IP, node or owner' });
    filter.value = state.filter;
    filter.addEventListener('input', () => actions.update({ filter: filter.value }));
    const hideDeleted = el('vscode-checkbox', { id: 'hide-deleted', label: 'Hide deleted' });
    hideDeleted.checked = state.hideDeleted;
    hideDeleted.addEventListener('change', () => actions.update({ hideDeleted: hideDeleted.checked }));
    this.pause = el('vscode-button', { id: 'pause', secondary: '', 'aria-pressed': 'false' }, 'Pause');
    this.pause.addEventListener('click', () => actions.togglePause());
    this.followBtn = el('vscode-button', { id: 'follow', secondary: '', title: 'Follow the present (Home)' }, 'Follow now');
    this.followBtn.addEventListener('click', () => actions.follow());
    this.table = el('vscode-button', { id: 'table-toggle', secondary: '', 'aria-pressed': String(state.showTable) }, 'Table');
    this.table.addEventListener('click', () => actions.update({ showTable: this.table.getAttribute('aria-pressed') !== 'true' }));
    // The exports share one button and a menu: the toolbar stays one row in a narrow panel.
    const exports = el('span', { class: 'exports' });
    const exportBtn = el('vscode-button', { id: 'export-menu', secondary: '', 'aria-haspopup': 'menu', 'aria-expanded': 'false', title: 'Export every lane of the filter, with title and legend' }, 'Export…');
    const menu = el('vscode-context-menu', { id: 'export-list', 'aria-label': 'Export as' });
    menu.data = EXPORTS.map(([value, label]) => ({ label, value }));
    const setOpen = (open: boolean) => {
      menu.show = open;
      exportBtn.setAttribute('aria-expanded', String(open));
      if (open) void menu.updateComplete.then(() => (menu.shadowRoot?.querySelector('.context-menu') as HTMLElement | null)?.focus());
    };
    exportBtn.addEventListener('click', (ev) => {
      // The menu closes on a click outside it; this click must not count as one.
      ev.stopPropagation();
      setOpen(!menu.show);
    });
    menu.addEventListener('vsc-context-menu-select', (ev) => {
      setOpen(false);
      const f = EXPORTS.find(([v]) => v === ev.detail.value)?.[0];
      if (f) actions.exportAs(f);
    });
    menu.addEventListener('keydown', (ev) => {
      if (ev.key === 'Escape') {
        exportBtn.setAttribute('aria-expanded', 'false');
        exportBtn.focus();
      }
    });
    exports.append(exportBtn, menu);
    this.element.append(groupBy, filter, hideDeleted, this.pause, this.followBtn, this.table, exports);

    this.status = el('div', { class: 'status' });
    this.connection = el('span', { class: 'connection', id: 'connection' });
    this.counts = el('span', { class: 'counts', id: 'counts', role: 'status', 'aria-live': 'polite' });
    this.notice = el('span', { class: 'notice', id: 'notice', role: 'alert' });
    this.hint = el('span', { class: 'hint', id: 'hint', 'aria-hidden': 'true' });
    for (const [key, what] of [['Wheel', 'scroll lanes'], ['Ctrl+wheel', 'zoom'], ['Drag', 'pan']]) {
      const item = el('span', { class: 'hint-item' });
      item.append(el('kbd', {}, key), document.createTextNode(` ${what}`));
      this.hint.append(item);
    }
    this.status.append(this.connection, this.counts, this.notice, this.hint);
    this.legend = el('div', { class: 'legend-bar' });
    this.legendList = buildLegend(theme);
    this.legendMore = el('vscode-toolbar-button', { id: 'legend-more', 'aria-expanded': 'false', title: 'Show the whole legend' }, 'More');
    this.legendMore.addEventListener('click', () => {
      const open = !this.legend.classList.contains('expanded');
      this.legend.classList.toggle('expanded', open);
      this.legendMore.setAttribute('aria-expanded', String(open));
      this.legendMore.textContent = open ? 'Less' : 'More';
      this.legendMore.title = open ? 'Show the legend in one row' : 'Show the whole legend';
    });
    this.legend.append(this.legendList, this.legendMore);
    // The toggle is there only when the row cannot hold every item.
    new ResizeObserver(() => this.fitLegend()).observe(this.legend);
  }

  private fitLegend(): void {
    const expanded = this.legend.classList.contains('expanded');
    const list = this.legendList;
    const hidden = !expanded && list.scrollHeight <= list.clientHeight + 1;
    if (this.legendMore.hidden !== hidden) this.legendMore.hidden = hidden;
  }

  setLive(live: boolean, following: boolean): void {
    this.followBtn.textContent = live ? 'Follow now' : 'Fit all';
    this.followBtn.title = live ? 'Follow the present (Home)' : 'Show the whole recording (Home)';
    this.setFollowing(live && following);
  }

  setFollowing(following: boolean): void {
    this.followBtn.toggleAttribute('disabled', following);
  }

  setPaused(paused: boolean): void {
    this.pause.textContent = paused ? 'Resume' : 'Pause';
    this.pause.setAttribute('aria-pressed', String(paused));
  }

  setTable(shown: boolean): void {
    this.table.setAttribute('aria-pressed', String(shown));
  }

  setNotice(level: 'info' | 'error', message: string): void {
    this.notice.textContent = message;
    // The status line is one row, cut short when narrow: the whole notice is in its title.
    this.notice.title = message;
    this.notice.dataset.level = level;
  }

  retheme(theme: Theme): void {
    const list = buildLegend(theme);
    this.legendList.replaceWith(list);
    this.legendList = list;
    this.fitLegend();
  }
}

function buildLegend(theme: Theme): HTMLElement {
  const legend = el('div', { class: 'legend', role: 'list', 'aria-label': 'Legend' });
  const item = (label: string, draw: (s: SVGSVGElement) => void) => {
    const li = el('span', { class: 'legend-item', role: 'listitem' });
    const s = svgEl('svg', { width: 22, height: 14, 'aria-hidden': 'true' });
    draw(s);
    li.append(s, document.createTextNode(label));
    legend.append(li);
  };
  const rect = (fill: string, extra: Record<string, string | number> = {}) => (s: SVGSVGElement) => s.append(svgEl('rect', { x: 1, y: 2, width: 20, height: 10, rx: 2, fill, ...extra }));
  // Colours follow the revision's age among its owner's (webview/model.ts rankRevisions), not the order seen.
  const ramp = svgEl('svg', { width: 40, height: 14, 'aria-hidden': 'true' });
  for (let i = 0; i < 3; i++) ramp.append(svgEl('rect', { x: 1 + i * 13, y: 2, width: 12, height: 10, rx: 2, fill: theme.revisions[i] }));
  const held = el('span', { class: 'legend-item', role: 'listitem', id: 'legend-revisions' });
  held.append(ramp, document.createTextNode('IP held, revisions older → newer'));
  legend.append(held);
  item('many (zoom in)', rect(theme.revisions[0], { 'fill-opacity': 0.5, stroke: theme.revisions[0] }));
  for (const t of MARKER_TYPES) {
    const st = markerStyle(theme, t, false);
    item(MARKER_LABEL[t], (s) =>
      s.append(
        svgEl('path', {
          d: symbolPath(MARKER_SYMBOL[t], SYMBOL_SIZE),
          transform: `translate(11,7)${MARKER_SYMBOL[t] === 'triangle-down' ? ' rotate(180)' : ''}`,
          fill: st.fill ?? 'none',
          stroke: st.stroke ?? 'none',
          'stroke-width': st.strokeWidth ?? 1,
        }),
      ),
    );
  }
  item('IP reused', (s) => s.append(svgEl('path', { d: 'M1,11 C14,11 8,3 21,3', fill: 'none', stroke: theme.link, 'stroke-width': 1.5, 'stroke-dasharray': '4 2' })));
  item('watch down', (s) => s.append(svgEl('rect', { x: 4, y: 0, width: 14, height: 14, fill: theme.gap, stroke: theme.highContrast ? theme.fg : 'none', 'stroke-dasharray': '4 3' })));
  item('Service IP', (s) => s.append(svgEl('rect', { x: 1, y: 2, width: 20, height: 10, rx: 3, fill: theme.service, 'fill-opacity': 0.35, stroke: theme.service })));
  item('endpoints', (s) => {
    s.append(svgEl('rect', { x: 1, y: 1, width: 12, height: 5, rx: 1, fill: theme.revisions[0], 'fill-opacity': 0.8 }));
    s.append(svgEl('rect', { x: 9, y: 8, width: 12, height: 5, rx: 1, fill: theme.revisions[1], 'fill-opacity': 0.8 }));
  });
  item('now', (s) => s.append(svgEl('line', { x1: 11, x2: 11, y1: 0, y2: 14, stroke: theme.focus, 'stroke-width': 1.5 })));
  return legend;
}
