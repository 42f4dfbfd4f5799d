// The table view: the newest lifecycle events (up to 500, those matching the filter), newest first,
// read back from the model's log. Cells are set with textContent.
import * as d3 from 'd3';
import type { LifecycleEvent } from '../src/core/events';
import { el } from './dom';
import type { TimelineModel } from './model';

const TABLE_ROWS = 500;

interface Row {
  /** Position in the log: stable while the row is shown. */
  i: number;
  e: LifecycleEvent;
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
    const rows: Row[] = [];
    const total = m.log.n;
    for (let i = total - 1; i >= 0 && rows.length < TABLE_ROWS; i--) {
      const life = m.lifeOfEvent(i);
      // A Pod's events match when the Pod does (name, node, owner, revision, IPs); others by their own fields.
      if (needle && life >= 0 && !m.lifeMatches(life, needle)) continue;
      const e = m.eventAt(i);
      if (needle && life < 0 && ![e.ip, e.service, e.reason].some((f) => f?.toLowerCase().includes(needle))) continue;
      rows.push({ i, e });
    }
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
        const values = [e.time, e.type, e.pod ?? '', e.ip ?? '', e.node ?? '', detail(e)];
        for (let i = 0; i < 6; i++) if (cells[i].textContent !== values[i]) cells[i].textContent = values[i];
      });
  }
}

function detail(e: LifecycleEvent): string {
  if (e.type === 'ip-reused') return `previous holder ${e.previousPod ?? e.previousUid ?? '?'}${e.overlap ? ', still terminating' : ''}`;
  if (e.type === 'gap') return `watch down ${e.from ?? ''} → ${e.to ?? ''}${e.reason ? ` (${e.reason})` : ''}`;
  if (e.service) return `Service ${e.service}`;
  if (e.seenOnRelist) return 'found on relist';
  if (e.hostNetwork) return 'hostNetwork';
  return e.reason ?? '';
}
