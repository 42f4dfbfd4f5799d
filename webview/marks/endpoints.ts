// Endpoint history under each Service's bar: when each Pod IP was one of its (ready) endpoints,
// from the EndpointSlice changes the host reports. Intervals are packed into rows (an endpoint
// takes the first free row), coloured like the Pod's segments, so a rollout reads as old-colour
// endpoints ending while new-colour ones begin under a bar that never moves.
import { fmtTime } from '../format';
import type { ServiceLane } from '../model';
import type { Theme } from '../theme';
import { type Frame, type Hit, type Mark, NumBuffer, type ShapeStyle, type Surface, type TextStyle } from './mark';
import { BAR_H, EP_ROW_H, MAX_EP_ROWS, rowsShown, type ServiceMark } from './service';

export class EndpointsMark implements Mark {
  readonly name = 'endpoints';
  readonly bulk = true;
  readonly clip = 'header' as const;
  /** interval, x0, x1, y */
  private readonly items = new NumBuffer();
  private readonly lanes: ServiceLane[] = [];
  private readonly lastX = new Float64Array(MAX_EP_ROWS);
  private styles?: { theme: Theme; fills: ShapeStyle[]; service: ShapeStyle; text: TextStyle };

  constructor(private readonly services: ServiceMark) {}

  prepare(f: Frame): number {
    this.items.clear();
    this.lanes.length = 0;
    const m = f.model;
    const xmin = f.labelW - 2;
    const xmax = f.width + 2;
    let top = (f.bandTop.get(this.services) ?? 0) + BAR_H;
    for (const lane of m.services.values()) {
      const idx = m.serviceIndex(lane);
      const shown = rowsShown(lane);
      this.lastX.fill(-Infinity);
      for (let k = idx.firstReaching(f.t0); k < idx.ids.n; k++) {
        const start = idx.start(k);
        if (start > f.t1) break;
        const iv = idx.ids.a[k];
        const end = f.endOf(m.iEnd.a[iv]);
        if (end < f.t0) continue;
        const row = Math.min(m.iRow.a[iv], shown - 1);
        const x0 = Math.max(xmin, f.px(start));
        const x1 = Math.min(xmax, f.px(end));
        // Sub-pixel repeats in the same row add nothing to the picture.
        if (x1 <= this.lastX[row] + 0.5) continue;
        this.lastX[row] = x1;
        this.items.push(iv);
        this.items.push(x0);
        this.items.push(x1);
        this.items.push(top + row * EP_ROW_H + 1);
        this.lanes.push(lane);
      }
      top += shown * EP_ROW_H + 4 + BAR_H;
    }
    return this.items.n / 4;
  }

  draw(f: Frame, s: Surface): void {
    const m = f.model;
    const st = this.stylesFor(f.theme);
    const a = this.items.a;
    for (let i = 0, j = 0; i < this.items.n; i += 4, j++) {
      const iv = a[i];
      const life = m.iLife.a[iv];
      const style = life >= 0 ? st.fills[m.revisionIndex(life) % st.fills.length] : st.service;
      const w = Math.max(1, a[i + 2] - a[i + 1]);
      const ip = m.ipV.list[m.iIp.a[iv]] ?? '';
      s.rect(a[i + 1], a[i + 3], w, EP_ROW_H - 2, style, s.detailed ? this.meta(f, iv, this.lanes[j]) : undefined);
      if (w > ip.length * 5 + 6) s.text(Math.max(a[i + 1], f.labelW) + 3, a[i + 3] + EP_ROW_H - 3, ip, st.text);
    }
  }

  private stylesFor(theme: Theme) {
    if (this.styles?.theme === theme) return this.styles;
    const stroke = theme.highContrast ? theme.fg : undefined;
    this.styles = {
      theme,
      fills: theme.revisions.map((fill) => ({ fill, fillOpacity: 0.8, stroke, rx: 1 })),
      service: { fill: theme.service, fillOpacity: 0.8, stroke, rx: 1 },
      text: { fill: theme.highContrast ? theme.fg : '#000', size: 8, font: theme.fontFamily },
    };
    return this.styles;
  }

  private meta(f: Frame, iv: number, lane: ServiceLane) {
    const m = f.model;
    const life = m.iLife.a[iv];
    const ip = m.ipV.list[m.iIp.a[iv]] ?? '';
    const end = m.iEnd.a[iv];
    const data: Record<string, string> = { ip, service: lane.key, open: String(end === Infinity) };
    if (life >= 0) data.uid = m.uidOf(life);
    return { cls: 'endpoint', data, title: EndpointsMark.describe(f, iv, lane) };
  }

  static describe(f: Frame, iv: number, lane: ServiceLane): string {
    const m = f.model;
    const life = m.iLife.a[iv];
    const end = m.iEnd.a[iv];
    return `Endpoint ${m.ipV.list[m.iIp.a[iv]] ?? '?'}${life >= 0 ? ` (${m.podOf(life)})` : ''} of Service ${lane.key}: from ${fmtTime(m.iStart.a[iv])} ${end === Infinity ? 'until now' : `to ${fmtTime(end)}`}`;
  }

  hit(f: Frame, x: number, y: number): Hit | undefined {
    const a = this.items.a;
    for (let i = 0, j = 0; i < this.items.n; i += 4, j++) {
      if (x >= a[i + 1] - 1 && x <= a[i + 2] + 1 && y >= a[i + 3] && y < a[i + 3] + EP_ROW_H) return { kind: 'endpoint', lane: this.lanes[j], interval: a[i] };
    }
    return undefined;
  }
}
