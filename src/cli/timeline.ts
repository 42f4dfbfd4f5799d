// `pod-ip-lens timeline FILE|-`: replays `kubectl get pods -w -o json` output (with or without
// --output-watch-events) through the lifecycle model and prints each IP's story.
import { readFile, writeFile } from 'node:fs/promises';
import type { LifecycleEvent, TimelineSnapshot } from '../core/events';
import { replayKubectlWatch, type ReplayResult } from '../core/lifecycle';

export const TIMELINE_USAGE = `Usage: pod-ip-lens timeline FILE|- [--format text|json] [--html OUT]

Replays what 'kubectl get pods -w -o json' printed (add --output-watch-events to kubectl so
deletions are visible) and prints the lifecycle of each Pod IP.

  FILE|-            the captured output, or - for standard input
  --format text     a readable table (default); times marked * are arrival estimates
  --format json     one object {"events": [...]}: type, time (ISO 8601), uid, pod, ip, node
  --html OUT        also write the timeline view as one self-contained HTML file (opens offline)

Example:
  kubectl get pods -w -o json --output-watch-events | pod-ip-lens timeline -
`;

export interface TimelineOptions {
  source: string;
  format: 'text' | 'json';
  /** Where to write the self-contained HTML view, if asked. */
  html?: string;
}

export type ParsedArgs = { ok: true; options: TimelineOptions } | { ok: false; help: boolean; message?: string };

/** Parses the command line; kept separate so new output options slot in without touching the replay. */
export function parseTimelineArgs(args: string[]): ParsedArgs {
  let source: string | undefined;
  let format: TimelineOptions['format'] = 'text';
  let html: string | undefined;
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === '--help' || a === '-h') return { ok: false, help: true };
    if (a === '--format' || a.startsWith('--format=')) {
      const v = a.includes('=') ? a.slice(a.indexOf('=') + 1) : args[++i];
      if (v !== 'text' && v !== 'json') return { ok: false, help: false, message: `--format must be 'text' or 'json', not ${v === undefined ? 'nothing' : `'${v}'`}` };
      format = v;
      continue;
    }
    if (a === '--html' || a.startsWith('--html=')) {
      const v = a.includes('=') ? a.slice(a.indexOf('=') + 1) : args[++i];
      if (!v || (v.startsWith('-') && v !== '-')) return { ok: false, help: false, message: '--html needs an output file name' };
      html = v;
      continue;
    }
    if (a.startsWith('-') && a !== '-') return { ok: false, help: false, message: `unknown option '${a}'` };
    if (source !== undefined) return { ok: false, help: false, message: `one input only (got '${source}' and '${a}')` };
    source = a;
  }
  if (source === undefined) return { ok: false, help: false, message: 'missing input: a FILE, or - for standard input' };
  return { ok: true, options: { source, format, ...(html !== undefined ? { html } : {}) } };
}

/** Reads and replays an input; the snapshot is what a renderer (table, JSON, HTML) needs. */
export async function loadTimeline(source: string): Promise<{ result: ReplayResult; snapshot: TimelineSnapshot; name: string }> {
  const text = source === '-' ? await readStdin() : await readFile(source, 'utf8');
  const name = source === '-' ? '<stdin>' : source;
  const result = replayKubectlWatch(text);
  return { result, snapshot: replaySnapshot(result, name), name };
}

export function replaySnapshot(result: ReplayResult, name: string): TimelineSnapshot {
  return result.model.snapshot({ context: `replay of ${name}`, labelSelector: '' }, 'stopped', result.error ? `input stopped at line ${result.error.line}, column ${result.error.column}: ${result.error.message}` : undefined);
}

export async function run(args: string[]): Promise<number> {
  const parsed = parseTimelineArgs(args);
  if (!parsed.ok) {
    if (parsed.help) {
      process.stdout.write(TIMELINE_USAGE);
      return 0;
    }
    process.stderr.write(`pod-ip-lens timeline: ${parsed.message}\n\n${TIMELINE_USAGE}`);
    return 2;
  }
  const { source, format } = parsed.options;
  let loaded: Awaited<ReturnType<typeof loadTimeline>>;
  try {
    loaded = await loadTimeline(source);
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    const why = err.code === 'ENOENT' ? 'no such file' : err.code === 'EISDIR' ? 'is a directory' : err.code === 'EACCES' ? 'permission denied' : err.message;
    process.stderr.write(`pod-ip-lens timeline: cannot read ${source}: ${why}\n`);
    return 2;
  }
  const { result, name } = loaded;
  process.stdout.write(format === 'json' ? formatJson(result.events) : formatText(result));
  if (parsed.options.html !== undefined) {
    const out = parsed.options.html;
    try {
      const { renderTimelineHtml } = await import('./timelineHtml');
      await writeFile(out, await renderTimelineHtml(loaded.snapshot, `Pod IP timeline — ${name}`));
      process.stderr.write(`pod-ip-lens timeline: wrote ${out}\n`);
    } catch (e) {
      process.stderr.write(`pod-ip-lens timeline: cannot write ${out}: ${(e as Error).message}\n`);
      return 2;
    }
  }
  for (const w of result.warnings) process.stderr.write(`pod-ip-lens timeline: note: ${w}\n`);
  if (result.error) {
    process.stderr.write(
      `pod-ip-lens timeline: ${name}:${result.error.line}:${result.error.column}: ${result.error.message}` +
        ` (the ${result.applied} watch event${result.applied === 1 ? '' : 's'} before it are reported above)\n`,
    );
    return 1;
  }
  return 0;
}

/** The JSON shape the issue fixes: type, time, uid, pod, then ip and node where they apply; other facts after. */
export function formatJson(events: LifecycleEvent[]): string {
  const out = events.map((e) => {
    const o: Record<string, unknown> = { type: e.type, time: e.time };
    if (e.uid !== undefined) o.uid = e.uid;
    if (e.pod !== undefined) o.pod = e.pod;
    if (e.ip !== undefined) o.ip = e.ip;
    if (e.node !== undefined) o.node = e.node;
    o.timeSource = e.timeSource;
    for (const k of ['service', 'previousUid', 'previousPod', 'overlap', 'seenOnRelist', 'hostNetwork', 'from', 'to', 'reason', 'owner', 'revision'] as const) {
      if (e[k] !== undefined) o[k] = e[k];
    }
    return o;
  });
  return `${JSON.stringify({ events: out }, null, 2)}\n`;
}

export function formatText(result: ReplayResult): string {
  const rows: string[][] = [['TIME', 'EVENT', 'POD', 'IP', 'NODE', 'DETAILS']];
  for (const e of result.events) {
    rows.push([`${e.time}${e.timeSource === 'arrival' ? '*' : ' '}`, e.type, e.pod ?? '-', e.ip ?? '-', e.node ?? '-', details(e)]);
  }
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
  const lines = rows.map((r) => r.map((cell, c) => (c === r.length - 1 ? cell : cell.padEnd(widths[c]))).join('  ').trimEnd());
  const pods = result.model.podSummaries();
  const live = pods.filter((p) => !p.deleted);
  lines.push('');
  lines.push(
    `${result.events.length} event${result.events.length === 1 ? '' : 's'} from ${result.applied} watch event${result.applied === 1 ? '' : 's'}; ` +
      `${pods.length} Pod li${pods.length === 1 ? 'fe' : 'ves'}, ${live.length} not deleted at the end.`,
  );
  if (result.events.some((e) => e.timeSource === 'arrival')) {
    lines.push('* no timestamp in the object for this change: the time is the latest one the stream had shown by then.');
  }
  return `${lines.join('\n')}\n`;
}

function details(e: LifecycleEvent): string {
  const d: string[] = [];
  if (e.uid) d.push(`uid ${e.uid.slice(0, 8)}`);
  if (e.type === 'ip-reused') d.push(`previously ${e.previousPod ?? '?'} (uid ${(e.previousUid ?? '?').slice(0, 8)})${e.overlap ? ', OVERLAP: previous holder still terminating' : ''}`);
  if (e.hostNetwork) d.push('hostNetwork: node IP, shared');
  if (e.seenOnRelist) d.push('seen on relist');
  if (e.service) d.push(`service ${e.service}`);
  if (e.type === 'gap') d.push(`watch down ${e.from} → ${e.to}`);
  if (e.reason) d.push(e.reason);
  return d.join('; ');
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
