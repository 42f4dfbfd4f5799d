// Missed updates: the page noticed a hole in the host's sequence numbers (a message lost or
// dropped) and asked for a fresh snapshot. The mark stays where it happened, so a picture that
// was briefly incomplete says so instead of looking whole.
import { fmtTime } from '../format';
import { AXIS_H, type Frame, type Hit, type Mark, type Surface } from './mark';

export interface MissedUpdate {
  from: number;
  to: number;
  /** The host's seqs that did not arrive, e.g. "21–25". */
  seqs: string;
  /** Set when the fresh snapshot has arrived. */
  resynced?: number;
}

export class MissedMark implements Mark {
  readonly name = 'missed';
  readonly clip = 'plot' as const;
  readonly list: MissedUpdate[] = [];

  add(u: MissedUpdate): void {
    this.list.push(u);
    if (this.list.length > 50) this.list.shift();
  }

  static describe(u: MissedUpdate): string {
    return `Missed updates from the host (seq ${u.seqs}) between ${fmtTime(u.from)} and ${fmtTime(u.to)}: ${u.resynced !== undefined ? `reloaded from a fresh snapshot at ${fmtTime(u.resynced)}` : 'a fresh snapshot was requested'}`;
  }

  draw(f: Frame, s: Surface): void {
    const c = f.theme.error;
    for (const u of this.list) {
      if (u.to < f.t0 || u.from > f.t1) continue;
      const x0 = f.px(u.from);
      const w = Math.max(3, f.px(u.to) - x0);
      s.rect(x0, 2, w, Math.max(0, f.height - 2), { fill: c, fillOpacity: 0.18, stroke: c, strokeWidth: 1, dash: '2 2' }, { cls: 'missed-updates', data: { seqs: u.seqs }, title: MissedMark.describe(u) });
      s.text(x0 + w + 2, AXIS_H - 14, '⚠ missed updates', { fill: c, size: 10, font: f.theme.fontFamily }, { cls: 'missed-label' });
    }
  }

  hit(f: Frame, x: number): Hit | undefined {
    for (const u of this.list) {
      const x0 = f.px(u.from);
      const x1 = Math.max(x0 + 3, f.px(u.to));
      if (x >= x0 - 2 && x <= x1 + 2) return { kind: 'missed', from: u.from, to: u.to, text: MissedMark.describe(u) };
    }
    return undefined;
  }
}
