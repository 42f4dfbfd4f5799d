// The label column: one label per visible lane (the Pod's name, the IP, or the group with its
// count), truncated to the column, with the Pod's current IP pinned at the right of the column
// when the current-IP mark says the plot cannot show it (webview/marks/current.ts).
import type { LaneLayout, TimelineModel } from '../model';
import { truncate } from '../format';
import type { CurrentIpMark } from './current';
import { type Frame, type Hit, LANE_H, type Mark, type Surface } from './mark';

/** A lane's stable name (for data-key): the group, `ip:<address>` or `pod:<uid>`. */
export function laneKey(m: TimelineModel, L: LaneLayout, i: number): string {
  const id = L.ids[i];
  if (id < 0) return L.groups[-id - 1].key;
  return L.groupBy === 'ip' ? `ip:${m.ipV.list[id]}` : `pod:${m.uidOf(id)}`;
}

export function laneLabel(m: TimelineModel, L: LaneLayout, i: number): string {
  const id = L.ids[i];
  if (id < 0) {
    const g = L.groups[-id - 1];
    return `${g.label} (${g.count})`;
  }
  return L.groupBy === 'ip' ? m.ipV.list[id] : m.nameOf(id);
}

export class LabelsMark implements Mark {
  readonly name = 'labels';

  constructor(private readonly current: CurrentIpMark) {}

  draw(f: Frame, s: Surface): void {
    const m = f.model;
    const L = f.layout;
    const theme = f.theme;
    // Under the lanes only: the Service bands above draw their own labels in this column.
    s.rect(0, f.headerH, f.labelW, Math.max(0, f.height - f.headerH), { fill: theme.bg }, { cls: 'label-bg' });
    const maxChars = Math.floor((f.labelW - 14) / 6.6);
    const text = { fill: theme.fg, size: 12, font: theme.fontFamily };
    const muted = { fill: theme.muted, size: 12, font: theme.fontFamily };
    const bold = { fill: theme.fg, size: 12, weight: 600, font: theme.fontFamily };
    const pinned = { fill: theme.fg, size: 11, weight: 600, anchor: 'end' as const, font: theme.fontFamily };
    for (let i = f.i0; i < f.i1; i++) {
      const id = L.ids[i];
      if (f.laneY(i) < f.headerH - 2) continue;
      const y = f.laneY(i) + LANE_H / 2 + 4;
      const key = s.detailed ? laneKey(m, L, i) : '';
      if (id < 0) {
        // Group rows are empty in the plot, so their label may run on over it.
        s.text(6, y, truncate(laneLabel(m, L, i), 120), bold, { cls: 'lane-label group', data: { key } });
        continue;
      }
      const pin = this.current.pinnedInColumn(f, i);
      let chars = maxChars;
      if (pin !== undefined) {
        chars = Math.max(4, maxChars - pin.length - 1);
        s.text(f.labelW - 4, y, pin, pinned, { cls: 'current-ip in-column', data: { key } });
      }
      const deleted = L.groupBy === 'pod' && m.isDeleted(id);
      s.text(16, y, truncate(laneLabel(m, L, i), chars), deleted ? muted : text, { cls: `lane-label ${L.groupBy}`, data: { key } });
    }
  }

  hit(f: Frame, x: number, y: number): Hit | undefined {
    if (x >= f.labelW) return undefined;
    const lane = f.laneAt(y);
    return lane < 0 ? undefined : { kind: 'label', lane };
  }
}
