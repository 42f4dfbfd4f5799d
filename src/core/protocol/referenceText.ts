// The references section in words: the same sentences in the row's tooltip, the table view, the
// CLI and the tests. Plain text; the webview puts it into the page with textContent only.
import type { OwnerRef } from '../events';
import type { BreakCause, ReferenceInterval, ReferenceRow, ReferenceState } from './messages';

export const STATE_WORD: Record<ReferenceState, string> = { live: 'live', dangling: 'dangling', reused: 'reused' };

const CAUSE_WORDS: Record<BreakCause, string> = {
  rollout: 'a rollout replaced the Pod',
  deletion: 'the Pod was deleted',
  eviction: 'the Pod was evicted',
  finished: 'the Pod finished and its address went back to the pool',
  'ip-changed': 'the Pod was given another IP',
  'watch-gap': 'the Pod went while the watch was down (found on relist)',
};

export function causeWords(cause: BreakCause): string {
  return CAUSE_WORDS[cause];
}

/** `2026-12-01 12:00:03 UTC`: a reader's time, to the second. */
export function clockTime(iso: string): string {
  return iso.replace('T', ' ').replace(/\.\d+Z$|Z$/, ' UTC');
}

function holder(pod: string | undefined, owner: OwnerRef | undefined): string {
  return `${pod ?? 'a Pod'}${owner ? ` (${owner.kind} ${owner.name})` : ''}`;
}

/** Where the row's literal is: `frontend.yaml:24 → 10.244.1.7`. */
export function referenceTitle(r: Pick<ReferenceRow, 'label' | 'line' | 'ip'>): string {
  return `${r.label}:${r.line} → ${r.ip}`;
}

/** One sentence for one stretch of a reference's history. */
export function describeInterval(iv: ReferenceInterval): string {
  const span = `${clockTime(iv.from)} → ${iv.to ? clockTime(iv.to) : 'now'}`;
  const broke = iv.cause ? `${causeWords(iv.cause)}${iv.causeDetail ? ` (${iv.causeDetail})` : ''}${iv.brokenBy ? `: ${iv.brokenBy} let it go` : ''}${iv.brokeAt ? ` at ${clockTime(iv.brokeAt)}` : ''}` : '';
  switch (iv.state) {
    case 'live':
      return `Live ${span}: ${holder(iv.pod, iv.owner)} holds the IP.`;
    case 'dangling':
      return `Dangling ${span}: no Pod holds the IP${broke ? `; broken when ${broke}` : ''}. Connections to it fail.`;
    case 'reused':
      return `Reused ${span}: ${holder(iv.pod, iv.owner)} holds the IP${iv.overlap ? `, given to it while ${iv.brokenBy ?? 'the previous holder'} was still terminating` : ''}. The config reaches a different workload.${broke ? ` Before that, ${broke}.` : ''}`;
  }
}

/** What the row says now, in one line (the table's "Now" column, the CLI summary). */
export function describeNow(r: ReferenceRow): string {
  const last = r.intervals[r.intervals.length - 1];
  if (!last) return '';
  if (r.state === 'live') return `live: ${holder(last.pod, last.owner)}`;
  if (r.state === 'reused') return `reused by ${holder(last.pod, last.owner)}${last.cause ? `, after ${causeWords(last.cause)}` : ''}`;
  return `dangling since ${clockTime(last.from)}${last.cause ? `: ${causeWords(last.cause)}` : ''}`;
}

/** Tooltip lines ([key, value]) for a row, or one interval of it. */
export function referenceLines(r: ReferenceRow, interval?: number): [string, string][] {
  const out: [string, string][] = [['', `${referenceTitle(r)} (${STATE_WORD[r.state]} now)`]];
  out.push(['Literal', `${r.literal}${r.path ? ` in ${r.path}` : ''}${r.resource ? ` of ${r.resource}` : ''}`]);
  if (r.workload) out.push(['Written for', r.workload]);
  const iv = interval !== undefined ? r.intervals[interval] : undefined;
  if (iv) out.push(['Here', describeInterval(iv)]);
  if (iv === undefined || r.intervals.length > 1) out.push(['Now', describeNow(r)]);
  out.push(['', 'Click to open the file at the line']);
  return out;
}
