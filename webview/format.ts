// Times, durations and labels as the timeline shows them.

export function fmtTime(t: number): string {
  const iso = new Date(t).toISOString();
  return `${iso.slice(0, 10)} ${iso.slice(11, 23)}Z`;
}

export function truncate(s: string, max: number): string {
  return s.length <= max ? s : `${s.slice(0, Math.max(1, max - 1))}…`;
}

/** Width of a label in px at the timeline's small font: an estimate, so no text is measured per frame. */
export function textWidth(s: string, px = 10.5): number {
  return s.length * px * 0.59;
}
