// Watch gaps: the watch was down, nothing is known inside the band (hatched in high contrast).
import { fmtTime } from '../format';
import { AXIS_H, type Frame, type Hit, type Mark, type Surface } from './mark';

export class GapsMark implements Mark {
  readonly name = 'gaps';
  readonly clip = 'plot' as const;

  draw(f: Frame, s: Surface): void {
    const theme = f.theme;
    const style = { fill: theme.gap, fillOpacity: theme.highContrast ? 0.25 : 1, stroke: theme.highContrast ? theme.fg : undefined, dash: '4 3' };
    for (const g of f.model.gaps) {
      if (g.to < f.t0 || g.from > f.t1) continue;
      const x0 = f.px(g.from);
      s.rect(x0, AXIS_H, Math.max(2, f.px(g.to) - x0), Math.max(0, f.height - AXIS_H), style, {
        cls: 'gap',
        title: `Watch down ${fmtTime(g.from)} → ${fmtTime(g.to)}${g.reason ? `: ${g.reason}` : ''}`,
      });
    }
  }

  hit(f: Frame, x: number, y: number): Hit | undefined {
    if (y < AXIS_H || x < f.labelW) return undefined;
    const t = f.time(x);
    const slop = 2 / f.kx;
    for (const g of f.model.gaps) if (t >= g.from - slop && t <= g.to + slop) return { kind: 'gap', from: g.from, to: g.to, reason: g.reason };
    return undefined;
  }
}
