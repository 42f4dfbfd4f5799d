// Lane bands: every other lane faintly shaded, group header rows a little more, so a row can be
// followed across a wide plot.
import { type Frame, LANE_H, type Mark, type Surface } from './mark';

export class LaneBandsMark implements Mark {
  readonly name = 'lane-bands';
  readonly clip = 'lanes' as const;

  draw(f: Frame, s: Surface): void {
    const w = Math.max(0, f.width - f.labelW);
    const zebra = { fill: f.theme.fg, fillOpacity: 0.03 };
    const group = { fill: f.theme.fg, fillOpacity: 0.08 };
    for (let i = f.i0; i < f.i1; i++) {
      const header = f.layout.ids[i] < 0;
      if (!header && i % 2 === 0) continue;
      s.rect(f.labelW, f.laneY(i), w, LANE_H, header ? group : zebra);
    }
  }
}
