// Exports of the view: SVG (every mark drawn as SVG, colours concrete), PNG (that SVG rasterised)
// and JSON (the recording as it came, or the model's events read back).
import type { TimelineSnapshot } from '../src/core/events';
import { fmtTime } from './format';
import type { TimelineModel } from './model';

export interface Exportable {
  readonly svgNode: SVGSVGElement;
  readonly model: TimelineModel;
  /** Draws the current view synchronously; `exporting` forces SVG for every mark and an opaque background. */
  render(exporting?: boolean): void;
  readonly visibleDomain: [number, number];
  readonly size: { width: number; height: number };
  /** The snapshot a recording was loaded from, as text, when nothing has been added since. */
  readonly recording?: string;
}

export function exportSvg(v: Exportable): string {
  try {
    v.render(true);
    const clone = v.svgNode.cloneNode(true) as SVGSVGElement;
    clone.setAttribute('xmlns', 'http://www.w3.org/2000/svg');
    for (const a of ['tabindex', 'role', 'aria-roledescription', 'style']) clone.removeAttribute(a);
    clone.querySelector('.focus-ring')?.remove();
    const title = document.createElementNS('http://www.w3.org/2000/svg', 'title');
    const m = v.model;
    const [d0, d1] = v.visibleDomain;
    title.textContent = `Pod IP Lens timeline${m.scope ? ` — ${m.scope.context}/${m.scope.namespace ?? '*'} ${m.scope.labelSelector}` : ''} — ${fmtTime(d0)} to ${fmtTime(d1)}`;
    clone.insertBefore(title, clone.firstChild);
    return `<?xml version="1.0" encoding="UTF-8"?>\n${new XMLSerializer().serializeToString(clone)}`;
  } finally {
    v.render(false);
  }
}

export async function exportPng(v: Exportable, scale = 2): Promise<string> {
  const svgText = exportSvg(v);
  const url = URL.createObjectURL(new Blob([svgText], { type: 'image/svg+xml' }));
  try {
    const img = new Image();
    await new Promise<void>((resolve, reject) => {
      img.onload = () => resolve();
      img.onerror = () => reject(new Error('the SVG could not be rasterised'));
      img.src = url;
    });
    const { width, height } = v.size;
    const c = document.createElement('canvas');
    c.width = Math.max(1, Math.round(width * scale));
    c.height = Math.max(1, Math.round(height * scale));
    const ctx = c.getContext('2d')!;
    ctx.scale(scale, scale);
    ctx.drawImage(img, 0, 0, width, height);
    return c.toDataURL('image/png');
  } finally {
    URL.revokeObjectURL(url);
  }
}

/** A recording is exported as it came (lossless); a live view as the events it holds. */
export function exportJson(v: Exportable): string {
  if (v.recording !== undefined) {
    const parsed = JSON.parse(v.recording) as { snapshot?: TimelineSnapshot };
    if (parsed.snapshot) return JSON.stringify(parsed.snapshot, null, 2);
  }
  return JSON.stringify(v.model.exportSnapshot(), null, 2);
}
