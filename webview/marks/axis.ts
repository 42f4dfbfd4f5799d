// The time axis along the top (d3's axis, in SVG: a few dozen ticks).
import * as d3 from 'd3';
import type { SvgSurface } from '../surface';
import { AXIS_H, type Frame, type Mark, type Surface } from './mark';

export class AxisMark implements Mark {
  readonly name = 'axis';
  private readonly scale = d3.scaleTime();

  draw(f: Frame, s: Surface): void {
    if (s.kind !== 'svg') return;
    const layer = (s as SvgSurface).layer;
    // d3 draws into its own group, keyed by the layer; the surface's reuse-by-position stays out of it.
    let g = layer.querySelector<SVGGElement>(':scope > g.axis');
    if (!g) {
      g = document.createElementNS('http://www.w3.org/2000/svg', 'g');
      g.setAttribute('class', 'axis');
      layer.append(g);
    }
    (s as SvgSurface).keep(1);
    const x = this.scale.domain([f.t0, f.t1]).range([f.labelW, f.width]);
    const sel = d3.select(g).attr('transform', `translate(0,${AXIS_H - 2})`);
    sel.call(d3.axisTop(x).ticks(Math.max(2, Math.floor((f.width - f.labelW) / 110))).tickSizeOuter(0));
    sel.selectAll('path,line').attr('stroke', f.theme.muted);
    sel.selectAll('text').attr('fill', f.theme.fg).attr('font-family', f.theme.fontFamily);
    const hideBefore = f.labelW + 10;
    sel.selectAll<SVGGElement, Date>('.tick').attr('display', (d) => (x(d) < hideBefore ? 'none' : null));
  }
}
