// The "now" line of a live timeline.
import { AXIS_H, type Frame, type Mark, type Surface } from './mark';

export class NowMark implements Mark {
  readonly name = 'now';
  readonly clip = 'plot' as const;

  draw(f: Frame, s: Surface): void {
    if (!f.live) return;
    const x = f.px(f.now);
    if (x < f.labelW || x > f.width) return;
    s.line(x, AXIS_H - 4, x, f.height, { stroke: f.theme.focus, strokeWidth: 1.5 }, { cls: 'now-line' });
  }
}
