// The Service band, one per Service that selects the watched Pods: its ClusterIP as one unbroken
// bar over the whole history (the address does not change), and its name in the label column.
// Under the bar, the endpoints mark (webview/marks/endpoints.ts) draws which Pod IPs were its
// endpoints when: the stable address over churning endpoints, at a glance.
import { truncate } from '../format';
import type { ServiceLane } from '../model';
import { AXIS_H, type Frame, type Hit, type Mark, type Surface } from './mark';

export const BAR_H = 18;
export const EP_ROW_H = 9;
/** Endpoint rows shown per Service; more endpoints at once share the last row. */
export const MAX_EP_ROWS = 6;
const GAP = 6;

export function rowsShown(lane: ServiceLane): number {
  return Math.min(lane.rows, MAX_EP_ROWS);
}

export class ServiceMark implements Mark {
  readonly name = 'services';
  /** Top of each Service's band in this frame. */
  readonly tops = new Map<ServiceLane, number>();

  height(f: Frame): number {
    let h = 0;
    for (const lane of f.model.services.values()) h += BAR_H + rowsShown(lane) * EP_ROW_H + 4;
    return h ? h + GAP : 0;
  }

  draw(f: Frame, s: Surface): void {
    const m = f.model;
    const theme = f.theme;
    this.tops.clear();
    let y = f.bandTop.get(this) ?? AXIS_H;
    const first = Number.isFinite(m.first) ? m.first : f.now;
    const x0 = Math.max(f.labelW - 2, f.px(first));
    const x1 = Math.min(f.width + 2, f.px(Math.max(f.now, m.last)));
    const bar = { fill: theme.service, fillOpacity: 0.35, stroke: theme.service, rx: 3 };
    const ipText = { fill: theme.fg, size: 11, font: theme.fontFamily };
    const label = { fill: theme.fg, size: 12, weight: 600, font: theme.fontFamily };
    for (const lane of m.services.values()) {
      this.tops.set(lane, y);
      const sum = lane.summary;
      s.group({ cls: 'service', data: { service: lane.key } });
      s.rect(x0, y + 3, Math.max(0, x1 - x0), 12, bar, { cls: 'cluster-ip-bar' });
      const ips = sum?.clusterIPs.join(', ') || (sum ? 'headless' : '');
      const eps = sum ? ` · ${sum.endpoints.length} endpoint${sum.endpoints.length === 1 ? '' : 's'}` : '';
      // At the left of the plot, not the bar's start: the bar may begin near the right edge.
      s.text(f.labelW + 4, y + 13, `${ips}${eps}`, ipText, { cls: 'cluster-ip' });
      s.endGroup();
      s.text(6, y + 13, truncate(`Service ${lane.key}`, Math.floor((f.labelW - 12) / 6.6)), label, { cls: 'service-label' });
      y += BAR_H + rowsShown(lane) * EP_ROW_H + 4;
    }
  }

  hit(f: Frame, x: number, y: number): Hit | undefined {
    for (const [lane, top] of this.tops) {
      if (y >= top && y < top + BAR_H) return { kind: 'service', lane };
      if (x < f.labelW && y >= top && y < top + BAR_H + rowsShown(lane) * EP_ROW_H) return { kind: 'service', lane };
    }
    return undefined;
  }
}
