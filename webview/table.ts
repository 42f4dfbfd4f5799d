// The table view: the newest lifecycle events (up to 500, those matching the filter), newest first
// by their exact time (the log is in arrival order, and an object's timestamp, which Kubernetes
// keeps to the second, can be older than an arrival time logged before it), read back from the
// model's log. Every time is shown the same way, to the millisecond; the cell's title says whether
// it came from the object (second precision) or is when the watch saw the change. Cells are set
// with textContent.
import * as d3 from 'd3';
import type { LifecycleEvent } from '../src/core/events';
import { el } from './dom';
import { fmtTime } from './format';
import type { TimelineModel } from './model';

const TABLE_ROWS = 500;
/**
 * Events are logged in arrival order, which is time order up to the skew between an object's
 * (truncated) timestamps and arrival times: once enough rows are found, the scan goes on while
 * the log can still hold a newer one.
 */
const ORDER_SLACK_MS = 120_000;

interface Row {
  /** Position in the log: stable while the row is shown. */
  i: number;
  e: LifecycleEvent;
  t: number;
}

export class EventTable {
  readonly element: HTMLElement;
  private readonly body: HTMLTableSectionElement;
  private readonly caption: HTMLElement;
  private key = '';

  constructor(shown: boolean) {
    this.element = el('div', { class: 'table-wrap', id: 'table-view' });
    const table = el('table', { id: 'events-table' });
    this.caption = el('caption', {}, 'Lifecycle events');
    const thead = el('thead');
    const hr = el('tr');
    for (const h of ['Time', 'Event', 'Pod', 'IP', 'Node', 'Detail']) hr.append(el('th', { scope: 'col' }, h));
    thead.append(hr);
    this.body = el('tbody');
    table.append(this.caption, thead, this.body);
    this.element.append(table);
    this.element.hidden = !shown;
  }

  show(shown: boolean): void {
    this.element.hidden = !shown;
    this.key = '';
  }

  render(m: TimelineModel, filter: string): void {
    const key = `${m.version}|${m.log.n}|${filter}`;
    if (key === this.key) return;
    this.key = key;
    const needle = filter.trim().toLowerCase();
    const found: { i: number; t: number }[] = [];
    const total = m.log.n;
    let oldestKept = Infinity;
    for (let i = total - 1; i >= 0; i--) {
      const t = m.timeOfEvent(i);
      if (found.length >= TABLE_ROWS && t < oldestKept - ORDER_SLACK_MS) break;
      const life = m.lifeOfEvent(i);
      // A Pod's events match when the Pod does (name, node, owner, revision, IPs); others by their own fields.
      if (needle && life >= 0 && !m.lifeMatches(life, needle)) continue;
      if (needle && life < 0) {
        const e = m.eventAt(i);
        if (![e.ip, e.service, e.reason].some((f) => f?.toLowerCase().includes(needle))) continue;
      }
      found.push({ i, t });
      if (found.length <= TABLE_ROWS) oldestKept = Math.min(oldestKept, t);
    }
    // Newest first by time; events of the same instant in the order they were logged, newest first.
    found.sort((x, y) => y.t - x.t || y.i - x.i);
    const rows: Row[] = found.slice(0, TABLE_ROWS).map(({ i, t }) => ({ i, t, e: m.eventAt(i) }));
    this.caption.textContent = `Lifecycle events, newest first (${rows.length}${total > rows.length ? ` of ${total}` : ''})`;
    d3.select(this.body)
      .selectAll<HTMLTableRowElement, Row>('tr')
      .data(rows, (r) => r.i)
      .join((enter) => {
        const tr = enter.append('tr');
        for (let i = 0; i < 6; i++) tr.append('td');
        return tr;
      })
      .order()
      .each(function ({ e }) {
        const cells = this.children;
        const values = [fmtTime(Date.parse(e.time)), e.type, e.pod ?? '', e.ip ?? '', e.node ?? '', detail(e)];
        for (let i = 0; i < 6; i++) if (cells[i].textContent !== values[i]) cells[i].textContent = values[i];
        const source = e.timeSource === 'object' ? 'time from the object (Kubernetes keeps seconds)' : 'when the watch saw the change';
        if (cells[0].getAttribute('title') !== source) cells[0].setAttribute('title', source);
      });
  }
}

function detail(e: LifecycleEvent): string {
  if (e.type === 'ip-reused') return `previous holder ${e.previousPod ?? e.previousUid ?? '?'}${e.overlap ? ', still terminating' : ''}`;
  if (e.type === 'gap') return `watch down ${e.from ? fmtTime(Date.parse(e.from)) : ''} → ${e.to ? fmtTime(Date.parse(e.to)) : ''}${e.reason ? ` (${e.reason})` : ''}`;
  if (e.service) return `Service ${e.service}`;
  if (e.seenOnRelist) return 'found on relist';
  if (e.hostNetwork) return 'hostNetwork';
  return e.reason ?? '';
}
