// Pan/zoom steps on the real timeline view, as the benches measure them: zoom in, pan, zoom out,
// pan back (through d3-zoom), after a warm-up. `work` is each step's synchronous cost (render,
// layout, a canvas read-back); with `intervals`, the frame intervals of as many steps drawn by the
// view's own requestAnimationFrame, like a real drag.
import type { Page } from 'playwright-core';

export interface PanZoomResult {
  work: number[];
  intervals: number[];
  renderer: string;
  visibleSegments: string;
  visibleMarkers: string;
  lanes: string;
  /** Reference intervals drawn in SVG (0: on the canvas, or none). */
  referenceIntervals: number;
}

export async function realPanZoom(page: Page, groupBy: 'pod' | 'ip', steps: number, opts: { intervals?: boolean } = {}): Promise<PanZoomResult> {
  return page.evaluate(
    async ({ groupBy, steps, measureIntervals }) => {
      const v = window.podIpLensView!;
      v.update({ groupBy });
      v.render();
      const canvas = document.querySelector('canvas') as HTMLCanvasElement;
      const step = (i: number) => {
        const k = i % 4;
        if (k === 0) v.zoomBy(1.25);
        else if (k === 1) v.panBy(-80);
        else if (k === 2) v.panBy(80);
        else v.zoomBy(0.8);
      };
      const frame = () => new Promise<number>((r) => requestAnimationFrame(r));
      // Warm up (JIT, first layout), then measure.
      for (let i = 0; i < 8; i++) {
        step(i);
        v.render();
        await frame();
      }
      const work: number[] = [];
      for (let i = 0; i < steps; i++) {
        const t0 = performance.now();
        step(i);
        v.render();
        v.root.getBoundingClientRect();
        canvas.getContext('2d')!.getImageData(0, 0, 1, 1);
        work.push(performance.now() - t0);
        await frame();
      }
      const intervals: number[] = [];
      if (measureIntervals) {
        let last = await frame();
        for (let i = 0; i < steps; i++) {
          step(i);
          const t = await frame();
          intervals.push(t - last);
          last = t;
        }
      }
      const ds = v.root.dataset;
      return {
        work,
        intervals,
        renderer: ds.renderer ?? '',
        visibleSegments: ds.visibleSegments ?? '',
        visibleMarkers: ds.visibleMarkers ?? '',
        lanes: ds.lanes ?? '',
        referenceIntervals: document.querySelectorAll('#chart rect.ref-interval').length,
      };
    },
    { groupBy, steps, measureIntervals: opts.intervals === true },
  );
}
