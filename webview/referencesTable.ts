// The references in the table view: every row of the References band (the band shows only what
// fits), in words — where the literal is, what it reaches now, and its history interval by
// interval. The location is a button that opens the file at the line. Cells are set with
// textContent: file names and Pod names are data, never HTML.
import type { ReferenceRow } from '../src/core/protocol';
import { describeInterval, describeNow, referenceTitle } from '../src/core/protocol/referenceText';
import { el } from './dom';

/** Intervals written out per row (the latest); the earlier ones are counted. The band's tooltip tells any of them. */
const HISTORY_SHOWN = 6;

export class ReferencesTable {
  readonly element: HTMLElement;
  private readonly body: HTMLTableSectionElement;
  private readonly caption: HTMLElement;
  private drawn?: readonly ReferenceRow[];

  constructor(private readonly open: (row: ReferenceRow) => void) {
    const table = el('table', { id: 'references-table' });
    this.caption = el('caption', {}, 'References');
    const thead = el('thead');
    const hr = el('tr');
    for (const h of ['Reference', 'Literal', 'Now', 'History']) hr.append(el('th', { scope: 'col' }, h));
    thead.append(hr);
    this.body = el('tbody');
    table.append(this.caption, thead, this.body);
    this.element = el('div', { class: 'references-wrap' });
    this.element.append(table);
    this.element.hidden = true;
  }

  /** Built only while the table view is shown, and again only when the rows changed. */
  render(rows: readonly ReferenceRow[], literals: number, files: number): void {
    this.element.hidden = rows.length === 0;
    if (rows === this.drawn) return;
    this.drawn = rows;
    this.caption.textContent = `References: ${rows.length} of ${literals} IP literal${literals === 1 ? '' : 's'} in ${files} manifest${files === 1 ? '' : 's'} point at Pod IPs of this timeline`;
    const trs = rows.map((r) => {
      const tr = el('tr', { 'data-id': r.id, 'data-state': r.state });
      const where = el('button', { class: 'reference-open', type: 'button', title: `Open ${r.label} at line ${r.line}` }, referenceTitle(r));
      where.addEventListener('click', () => this.open(r));
      const first = el('td');
      first.append(where);
      const history = el('td');
      const earlier = r.intervals.length - HISTORY_SHOWN;
      if (earlier > 0) history.append(el('div', { class: 'ref-earlier' }, `${earlier} earlier interval${earlier === 1 ? '' : 's'} (their tooltips on the band tell them)`));
      for (const iv of r.intervals.slice(Math.max(0, earlier))) history.append(el('div', { class: `ref-${iv.state}` }, describeInterval(iv)));
      tr.append(first, el('td', {}, `${r.literal}${r.path ? ` (${r.path})` : ''}`), el('td', {}, describeNow(r)), history);
      return tr;
    });
    this.body.replaceChildren(...trs);
  }
}
