// Replays what `kubectl get pods -w -o json` printed (with or without --output-watch-events)
// through the lifecycle model. Pure: text in, model and events out.
import type { LifecycleEvent } from '../events';
import { ConcatenatedJsonReader, type JsonStreamError, type JsonValueAt } from './jsonStream';
import { LifecycleModel, type LifecycleModelOptions, ModelInputError } from './model';
import type { PodObject, WatchEventType } from './objects';
import { toIso } from './objects';
import { podShapeProblem } from './podShape';

export interface ReplayError {
  message: string;
  line: number;
  column: number;
}

export interface ReplayResult {
  model: LifecycleModel;
  events: LifecycleEvent[];
  /** Watch events (or bare objects) applied. */
  applied: number;
  /** The input carried watch event types (`--output-watch-events`). */
  typed: boolean;
  /** Things skipped that the reader should know about (not fatal). */
  warnings: string[];
  /**
   * Objects skipped as bad data (wrong types, no uid, unknown watch event type), each at the
   * position of its JSON value; everything else was applied.
   */
  skipped: ReplayError[];
  /** Where the input stopped being readable JSON, if it did; everything before it was applied. */
  error?: ReplayError;
}

const WATCH_TYPES = new Set(['ADDED', 'MODIFIED', 'DELETED']);

/**
 * `input` is the whole text, or its pieces in order (a file read in chunks): values are read and
 * applied one at a time, so memory holds the model, not the input's parsed objects.
 */
export function replayKubectlWatch(input: string | Iterable<string>, options: LifecycleModelOptions = {}): ReplayResult {
  // A replay keeps its whole history.
  const model = new LifecycleModel({ maxEvents: Number.MAX_SAFE_INTEGER, maxTenures: Number.MAX_SAFE_INTEGER, ...options });
  const events: LifecycleEvent[] = [];
  const warnings: string[] = [];
  const reader = new ConcatenatedJsonReader();
  const chunks = typeof input === 'string' ? [input] : input;
  function* values(): Generator<JsonValueAt> {
    for (const chunk of chunks) yield* reader.push(chunk);
  }
  let applied = 0;
  let typed = false;
  let untyped = false;
  // kubectl prints no arrival times. The replay's clock is the latest time the stream has shown so
  // far (object timestamps and managedFields write times), so events without their own timestamp
  // land after everything that visibly happened before them.
  let clock = 0;
  let error: ReplayError | undefined;

  const advance = (pod: PodObject): Date => {
    for (const t of timesIn(pod)) if (t > clock) clock = t;
    return new Date(clock);
  };
  const apply = (type: WatchEventType, pod: PodObject): void => {
    const problem = podShapeProblem(pod);
    if (problem) throw new ModelInputError(problem);
    for (const e of model.applyPod(type, pod, advance(pod))) events.push(e);
    applied++;
  };
  const skipped: ReplayError[] = [];
  /** A List's items one by one: a bad item is skipped, its siblings are applied. */
  const applyItems = (type: WatchEventType, items: unknown[], item: { line: number; column: number }): void => {
    for (let i = 0; i < items.length; i++) {
      const p = items[i] as PodObject | null;
      if (p && typeof p === 'object' && typeof p.kind === 'string' && p.kind !== 'Pod') continue;
      try {
        apply(type, p as PodObject);
      } catch (e) {
        if (!(e instanceof ModelInputError)) throw e;
        skipped.push({ message: `item ${i + 1}: ${e.message}; skipped this Pod`, line: item.line, column: item.column });
      }
    }
  };

  for (const item of values()) {
    const at = `line ${item.line}, column ${item.column}`;
    const v = item.value as Record<string, unknown> | null;
    let what = 'object';
    try {
      if (!v || typeof v !== 'object' || Array.isArray(v)) {
        throw new ModelInputError('expected a JSON object');
      }
      if (typeof v.type === 'string' && 'object' in v && !('kind' in v && v.kind === 'Pod')) {
        typed = true;
        what = 'watch event';
        const type = v.type;
        if (!v.object || typeof v.object !== 'object' || Array.isArray(v.object)) throw new ModelInputError(`the watch event's object must be an object, not ${JSON.stringify(v.object)?.slice(0, 40)}`);
        const obj = v.object as PodObject;
        if (type === 'BOOKMARK') continue;
        if (type === 'ERROR') {
          const st = obj as { message?: unknown; code?: unknown };
          warnings.push(`${at}: the watch reported an error${typeof st.code === 'number' ? ` (${st.code})` : ''}: ${typeof st.message === 'string' ? st.message : 'no message'}`);
          continue;
        }
        if (!WATCH_TYPES.has(type)) throw new ModelInputError(`unknown watch event type ${JSON.stringify(type)}`);
        const items = (obj as { items?: unknown }).items;
        if (Array.isArray(items)) {
          // When the initial list comes in chunks (more Pods than --chunk-size, 500 by default), kubectl
          // prints each chunk as one event wrapping the whole PodList: its items are the present.
          applyItems(type as WatchEventType, items, item);
          continue;
        }
        if (obj.kind !== undefined && obj.kind !== 'Pod') {
          warnings.push(`${at}: skipped a ${String(obj.kind)}, not a Pod`);
          continue;
        }
        apply(type as WatchEventType, obj);
      } else if (typeof v.kind === 'string' && v.kind.endsWith('List')) {
        // `kubectl get pods -o json` (no -w) prints one List: its items are the present.
        if (v.items !== undefined && v.items !== null && !Array.isArray(v.items)) throw new ModelInputError(`the ${v.kind}'s items must be a list`);
        applyItems('ADDED', (v.items as unknown[] | undefined) ?? [], item);
      } else {
        if (v.kind !== undefined && v.kind !== 'Pod') {
          warnings.push(`${at}: skipped a ${String(v.kind)}, not a Pod`);
          continue;
        }
        untyped = true;
        apply('MODIFIED', v as PodObject);
      }
    } catch (e) {
      if (!(e instanceof ModelInputError)) throw e;
      // One bad object is skipped; the stream goes on (the API server never sends such objects, so
      // this is a damaged or hand-edited capture, and the rest of it is still worth seeing).
      skipped.push({ message: `${e.message}; skipped this ${what}`, line: item.line, column: item.column });
    }
  }
  if (!error) {
    const streamError = reader.end();
    if (streamError) error = fromStreamError(streamError);
  }
  if (untyped) {
    warnings.push(
      'the input has no watch event types, so a deletion looks like any other update: Pods deleted during the watch are not shown as deleted (run kubectl with --output-watch-events)',
    );
  }
  return { model, events, applied, typed, warnings, skipped, error };
}

function fromStreamError(e: JsonStreamError): ReplayError {
  return { message: e.message.replace(/^line \d+, column \d+: /, ''), line: e.line, column: e.column };
}

function timesIn(pod: PodObject): number[] {
  const out: number[] = [];
  const add = (t: string | Date | undefined): void => {
    // The same instants as toIso would give, without a Date and an ISO string per timestamp.
    const ms = typeof t === 'string' ? Date.parse(t) : t instanceof Date ? t.getTime() : NaN;
    if (!Number.isNaN(ms)) out.push(ms);
  };
  const m = pod?.metadata;
  add(m?.creationTimestamp);
  for (const f of m?.managedFields ?? []) add(f?.time);
  for (const c of pod?.status?.conditions ?? []) add(c?.lastTransitionTime);
  add(pod?.status?.startTime);
  if (m?.deletionTimestamp) {
    const end = toIso(m.deletionTimestamp);
    if (end) out.push(Date.parse(end) - (m.deletionGracePeriodSeconds ?? 0) * 1000);
  }
  return out;
}
