// `pod-ip-lens timeline FILE|-`: replays `kubectl get pods -w -o json` output (with or without
// --output-watch-events) through the lifecycle model and prints each IP's story.
import { closeSync, openSync, readSync, statSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { StringDecoder } from 'node:string_decoder';
import type { LifecycleEvent, TimelineSnapshot } from '../core/events';
import type { ReferencesMessage } from '../core/protocol/messages';
import { replayKubectlWatch, type ReplayResult } from '../core/lifecycle';
import { formatUsage, parseCommandLine } from './args';
import { forTerminal, jsonForTerminal } from './terminal';

/** Above this many events the text output is a summary; `--all` prints the full table. */
export const TEXT_TABLE_LIMIT = 1000;
/** Notable events (IP reuses, gaps) listed in the summary of a long replay. */
const SUMMARY_ROWS = 20;

export const TIMELINE_USAGE = formatUsage(
  'pod-ip-lens timeline FILE|- [--format text|json] [--all] [--html OUT] [--manifests PATH…]',
  `Replays what 'kubectl get pods -w -o json' printed (add --output-watch-events to kubectl so
deletions are visible) and prints the lifecycle of each Pod IP. FILE is the captured output, or
- for standard input.`,
  [
    ['--format text|json', `text: a readable table (default); times marked * are arrival
estimates. Above ${TEXT_TABLE_LIMIT} events: a summary (counts, IP reuses, gaps)
json: one object {"events": [...]}: type, time (ISO 8601), uid,
pod, ip, node; with --manifests also "references": [...]`],
    ['--all', 'the full text table, however long the replay is'],
    ['--html OUT', 'also write the timeline view as one self-contained HTML file\n(opens offline)'],
    ['--manifests PATH…', `the manifests (files, or directories searched like 'lint' does)
whose hard-coded IPs to follow: each literal whose IP a Pod of the
history held becomes a references row, live / dangling / reused
over time, in the text and JSON output and above the lanes of the
HTML view. The paths end at the next option or at --; put FILE
first`],
  ],
  `Objects with wrong field types (or no uid) are skipped and named by line and column; the rest
is replayed. Exit status: 0 when all input was replayed, 1 when some was skipped or the input
ends in a syntax error, 2 for usage errors and unreadable files.`,
  `Example:
  kubectl get pods -w -o json --output-watch-events | pod-ip-lens timeline -`,
);

export interface TimelineOptions {
  source: string;
  format: 'text' | 'json';
  /** The full text table even for long replays. */
  all?: boolean;
  /** Where to write the self-contained HTML view, if asked. */
  html?: string;
  /** Manifest files and directories whose IP literals become references rows. */
  manifests?: string[];
}

export type ParsedArgs = { ok: true; options: TimelineOptions } | { ok: false; help: boolean; message?: string };

/** Parses the command line; kept separate so new output options slot in without touching the replay. */
/** `--manifests A B C` takes paths up to the next option or `--` (parseArgs takes one value per option). */
function takeManifests(args: string[]): { rest: string[]; manifests?: string[]; error?: string } {
  const rest: string[] = [];
  let manifests: string[] | undefined;
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === '--') {
      rest.push(...args.slice(i + 1));
      break;
    }
    if (a === '--manifests' || a.startsWith('--manifests=')) {
      const paths = a === '--manifests' ? [] : [a.slice('--manifests='.length)];
      while (a === '--manifests' && i + 1 < args.length && !args[i + 1].startsWith('-')) paths.push(args[++i]);
      if (a === '--manifests' && args[i + 1] === '--') i++;
      if (paths.length === 0 || paths.includes('')) return { rest, error: '--manifests needs at least one PATH (a manifest file or a directory)' };
      manifests = [...(manifests ?? []), ...paths];
      continue;
    }
    rest.push(a);
  }
  return { rest, manifests };
}

export function parseTimelineArgs(argv: string[]): ParsedArgs {
  const taken = takeManifests(argv);
  if (taken.error && !argv.some((a) => a === '--help' || a === '-h')) return { ok: false, help: false, message: taken.error };
  const args = taken.rest;
  const parsed = parseCommandLine(args, { format: { type: 'string' }, all: { type: 'boolean' }, html: { type: 'string' } }, { positionals: true, hints: { format: "'text' or 'json'", html: 'an output file name' } });
  if (!parsed.ok) return parsed;
  const v = parsed.line.values as { format?: string; all?: boolean; html?: string };
  const fail = (message: string): ParsedArgs => ({ ok: false, help: false, message });
  const format = v.format ?? 'text';
  if (format !== 'text' && format !== 'json') return fail(`--format must be 'text' or 'json', not '${format}'`);
  if (v.html === '') return fail('--html needs an output file name');
  const [source, ...more] = parsed.line.positionals;
  if (more.length) return fail(`one input only (got '${source}' and '${more[0]}')`);
  if (source === undefined) return fail('missing input: a FILE, or - for standard input');
  if (v.all && format === 'json') return fail('--all is for the text table; --format json always has every event');
  return { ok: true, options: { source, format, ...(v.all ? { all: true } : {}), ...(v.html !== undefined ? { html: v.html } : {}), ...(taken.manifests ? { manifests: taken.manifests } : {}) } };
}

/** Reads and replays an input; the snapshot is what a renderer (table, JSON, HTML) needs. */
export async function loadTimeline(source: string): Promise<{ result: ReplayResult; snapshot: TimelineSnapshot; name: string }> {
  // Read and replayed piece by piece: a capture of a big cluster is hundreds of MB.
  return replayInput(source === '-' ? await readStdin() : readFileInChunks(source), source === '-' ? '<stdin>' : source);
}

function replayInput(input: string | Iterable<string>, name: string): { result: ReplayResult; snapshot: TimelineSnapshot; name: string } {
  const result = replayKubectlWatch(input);
  return { result, snapshot: replaySnapshot(result, name), name };
}

export function replaySnapshot(result: ReplayResult, name: string): TimelineSnapshot {
  const notes: string[] = [];
  if (result.skipped.length) {
    const first = result.skipped[0];
    notes.push(`${result.skipped.length} bad object${result.skipped.length === 1 ? '' : 's'} skipped (the first at line ${first.line}, column ${first.column}: ${first.message})`);
  }
  if (result.error) notes.push(`input stopped at line ${result.error.line}, column ${result.error.column}: ${result.error.message}`);
  return result.model.snapshot({ context: `replay of ${name}`, labelSelector: '' }, 'stopped', notes.length ? notes.join('; ') : undefined);
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
  const shownSource = forTerminal(source);
  let loaded: ReturnType<typeof replayInput>;
  try {
    // Opened at once (a missing file fails here), then read and replayed in pieces.
    loaded = replayInput(source === '-' ? await readStdin() : readFileInChunks(source), source === '-' ? '<stdin>' : source);
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    if (err.code === undefined) throw e;
    const why = err.code === 'ENOENT' ? 'no such file' : err.code === 'EISDIR' ? 'is a directory' : err.code === 'EACCES' ? 'permission denied' : err.message;
    process.stderr.write(`pod-ip-lens timeline: cannot read ${shownSource}: ${forTerminal(why)}\n`);
    return 2;
  }
  const { result, name } = loaded;
  const shownName = forTerminal(name);
  let references: ReferencesMessage | undefined;
  if (parsed.options.manifests) {
    const { manifestReferences } = await import('./timelineReferences');
    const r = await manifestReferences(parsed.options.manifests, result.events);
    for (const e of r.errors) process.stderr.write(`pod-ip-lens timeline: ${e}\n`);
    if (r.errors.length && r.message.files === 0) return 2;
    references = r.message;
  }
  if (format === 'json') {
    const out = bufferedStdout();
    writeJson(result.events, out.write, references);
    out.flush();
  } else {
    process.stdout.write(formatText(result, { all: parsed.options.all }));
    if (references) process.stdout.write((await import('./timelineReferences')).formatReferencesText(references));
  }
  if (parsed.options.html !== undefined) {
    const out = parsed.options.html;
    try {
      const { renderTimelineHtml } = await import('./timelineHtml');
      await writeFile(out, await renderTimelineHtml(loaded.snapshot, `Pod IP timeline — ${name}`, references));
      process.stderr.write(`pod-ip-lens timeline: wrote ${forTerminal(out)}\n`);
    } catch (e) {
      process.stderr.write(`pod-ip-lens timeline: cannot write ${forTerminal(out)}: ${forTerminal((e as Error).message)}\n`);
      return 2;
    }
  }
  for (const w of result.warnings) process.stderr.write(`pod-ip-lens timeline: note: ${forTerminal(w)}\n`);
  for (const s of result.skipped) process.stderr.write(`pod-ip-lens timeline: ${shownName}:${s.line}:${s.column}: ${forTerminal(s.message)}\n`);
  if (result.skipped.length) {
    const n = result.skipped.length;
    process.stderr.write(`pod-ip-lens timeline: ${n} object${n === 1 ? '' : 's'} skipped for bad data, ${result.applied} replayed\n`);
  }
  if (result.error) {
    process.stderr.write(
      `pod-ip-lens timeline: ${shownName}:${result.error.line}:${result.error.column}: ${forTerminal(result.error.message)}` +
        ` (the ${result.applied} watch event${result.applied === 1 ? '' : 's'} before it are reported above)\n`,
    );
  }
  return result.error || result.skipped.length ? 1 : 0;
}

/** The JSON shape the issue fixes: type, time, uid, pod, then ip and node where they apply; other facts after. */
export function formatJson(events: LifecycleEvent[]): string {
  const parts: string[] = [];
  writeJson(events, (s) => parts.push(s));
  return parts.join('');
}

/**
 * formatJson, written in pieces (the same text as JSON.stringify({ events }, null, 2), escaped for
 * a terminal); with --manifests, `references` (the rows, as the timeline's message carries them) follows.
 */
export function writeJson(events: LifecycleEvent[], write: (s: string) => void, references?: ReferencesMessage): void {
  const tail = references ? `,\n  "references": ${jsonForTerminal(JSON.stringify(references.rows, null, 2)).replace(/\n/g, '\n  ')}\n}\n` : '\n}\n';
  if (events.length === 0) {
    write(`{\n  "events": []${tail}`);
    return;
  }
  write('{\n  "events": [\n');
  events.forEach((e, i) => {
    const o: Record<string, unknown> = { type: e.type, time: e.time };
    if (e.uid !== undefined) o.uid = e.uid;
    if (e.pod !== undefined) o.pod = e.pod;
    if (e.ip !== undefined) o.ip = e.ip;
    if (e.node !== undefined) o.node = e.node;
    o.timeSource = e.timeSource;
    for (const k of ['service', 'previousUid', 'previousPod', 'overlap', 'seenOnRelist', 'hostNetwork', 'from', 'to', 'reason', 'owner', 'revision'] as const) {
      if (e[k] !== undefined) o[k] = e[k];
    }
    write(`${jsonForTerminal(JSON.stringify(o, null, 2)).replace(/^/gm, '    ')}${i + 1 < events.length ? ',' : ''}\n`);
  });
  write(`  ]${tail}`);
}

const HEADER = ['TIME', 'EVENT', 'POD', 'IP', 'NODE', 'DETAILS'];

function row(e: LifecycleEvent): string[] {
  return [`${e.time}${e.timeSource === 'arrival' ? '*' : ' '}`, e.type, forTerminal(e.pod ?? '-'), forTerminal(e.ip ?? '-'), forTerminal(e.node ?? '-'), forTerminal(details(e))];
}

/** Columns padded to their widest cell (a loop: spreading 100,000 widths into Math.max overflows the stack). */
function table(rows: string[][]): string[] {
  const widths = rows[0].map(() => 0);
  for (const r of rows) for (let c = 0; c < r.length; c++) if (r[c].length > widths[c]) widths[c] = r[c].length;
  return rows.map((r) => r.map((cell, c) => (c === r.length - 1 ? cell : cell.padEnd(widths[c]))).join('  ').trimEnd());
}

/**
 * Every event as a table; above TEXT_TABLE_LIMIT events (unless `all`), a summary a person can
 * read instead: counts per event type, then the IP reuses and gaps, the events worth a look.
 */
export function formatText(result: ReplayResult, options: { all?: boolean } = {}): string {
  const lines: string[] = [];
  const n = result.events.length;
  if (options.all || n <= TEXT_TABLE_LIMIT) {
    for (const l of table([HEADER, ...result.events.map(row)])) lines.push(l);
  } else {
    lines.push(`${n} events: a summary (--all prints every one).`, '');
    const counts = new Map<string, number>();
    for (const e of result.events) counts.set(e.type, (counts.get(e.type) ?? 0) + 1);
    lines.push(...table([['EVENT', 'COUNT'], ...[...counts].map(([t, c]) => [t, String(c)])]).map((l) => `  ${l}`));
    for (const [type, title] of [['ip-reused', 'IP reuses'], ['gap', 'Watch gaps']] as const) {
      const notable = result.events.filter((e) => e.type === type);
      if (!notable.length) continue;
      lines.push('', `${title}${notable.length > SUMMARY_ROWS ? ` (the first ${SUMMARY_ROWS} of ${notable.length})` : ''}:`);
      lines.push(...table([HEADER, ...notable.slice(0, SUMMARY_ROWS).map(row)]).map((l) => `  ${l}`));
    }
  }
  const pods = result.model.podSummaries();
  const live = pods.filter((p) => !p.deleted);
  lines.push('');
  lines.push(
    `${n} event${n === 1 ? '' : 's'} from ${result.applied} watch event${result.applied === 1 ? '' : 's'}; ` +
      `${pods.length} Pod li${pods.length === 1 ? 'fe' : 'ves'}, ${live.length} not deleted at the end.`,
  );
  if (result.events.some((e) => e.timeSource === 'arrival')) {
    lines.push('* no timestamp in the object for this change: the time is the latest one the stream had shown by then.');
  }
  return `${lines.join('\n')}\n`;
}

/** Writes to stdout in blocks of about 1 MB rather than one call per line or one string of everything. */
function bufferedStdout(): { write: (s: string) => void; flush: () => void } {
  let parts: string[] = [];
  let size = 0;
  const flush = () => {
    if (parts.length) process.stdout.write(parts.join(''));
    parts = [];
    size = 0;
  };
  return {
    write: (s) => {
      parts.push(s);
      size += s.length;
      if (size > 1 << 20) flush();
    },
    flush,
  };
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

async function readStdin(): Promise<string[]> {
  const decoder = new StringDecoder('utf8');
  const chunks: string[] = [];
  for await (const c of process.stdin) chunks.push(decoder.write(c as Buffer));
  chunks.push(decoder.end());
  return chunks;
}

/** A file's text in pieces of 4 MiB (UTF-8 decoded across the cuts); opened at once so a missing file fails here. */
function readFileInChunks(path: string): Iterable<string> {
  if (statSync(path).isDirectory()) throw Object.assign(new Error(`${path} is a directory`), { code: 'EISDIR' });
  const fd = openSync(path, 'r');
  return (function* () {
    const buf = Buffer.allocUnsafe(4 << 20);
    const decoder = new StringDecoder('utf8');
    try {
      for (;;) {
        const n = readSync(fd, buf, 0, buf.length, null);
        if (n === 0) break;
        yield decoder.write(buf.subarray(0, n));
      }
      const rest = decoder.end();
      if (rest) yield rest;
    } finally {
      closeSync(fd);
    }
  })();
}
