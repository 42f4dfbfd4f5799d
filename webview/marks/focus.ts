// The keyboard focus ring on the focused lane (when the chart has focus).
import { type Frame, LANE_H, type Mark, type Surface } from './mark';

export class FocusMark implements Mark {
  readonly name = 'focus';

  draw(f: Frame, s: Surface): void {
    if (!f.focused || f.exporting || f.focusLane >= f.layout.length) return;
    const y = f.laneY(f.focusLane);
    if (y < f.headerH || y >= f.height) return;
    s.rect(1, y, Math.max(0, f.width - 2), LANE_H, { fill: 'none', stroke: f.theme.focus, strokeWidth: 2 }, { cls: 'focus-ring' });
  }
}
