// Both sides validate what they receive: a webview is a separate page, and a message that does
// not match the shape is reported with the path of the first bad field instead of crashing a
// renderer halfway through.
import {
  LIFECYCLE_EVENT_TYPES,
  type ConnectionState,
  type LifecycleEvent,
  type LifecycleEventType,
  type PodSummary,
  type ServiceSummary,
  type TimelineSnapshot,
  type WatchScope,
} from '../events';
import { PACKED_FORMAT, PackedInvalid, type PackedSnapshot, validatePackedColumns } from './packedSnapshot';
import type { EventsMessage, ExportFormat, HostMessage, OpenPodMessage, Parsed, SnapshotMessage, TimelineViewState, WebviewMessage } from './messages';

// ---------------------------------------------------------------- validation

class Invalid extends Error {}

type Obj = Record<string, unknown>;

function fail(path: string, want: string, got: unknown): never {
  const shown = got === null ? 'null' : Array.isArray(got) ? 'array' : typeof got;
  throw new Invalid(`${path}: expected ${want}, got ${shown}`);
}
function obj(v: unknown, path: string): Obj {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) fail(path, 'an object', v);
  return v as Obj;
}
function str(o: Obj, k: string, path: string): string {
  const v = o[k];
  if (typeof v !== 'string') fail(`${path}.${k}`, 'a string', v);
  return v;
}
function optStr(o: Obj, k: string, path: string): string | undefined {
  return o[k] === undefined ? undefined : str(o, k, path);
}
function bool(o: Obj, k: string, path: string): boolean {
  const v = o[k];
  if (typeof v !== 'boolean') fail(`${path}.${k}`, 'a boolean', v);
  return v;
}
function optBool(o: Obj, k: string, path: string): boolean | undefined {
  return o[k] === undefined ? undefined : bool(o, k, path);
}
function num(o: Obj, k: string, path: string): number {
  const v = o[k];
  if (typeof v !== 'number' || !Number.isFinite(v)) fail(`${path}.${k}`, 'a finite number', v);
  return v;
}
function arr(o: Obj, k: string, path: string): unknown[] {
  const v = o[k];
  if (!Array.isArray(v)) fail(`${path}.${k}`, 'an array', v);
  return v;
}
function strArr(o: Obj, k: string, path: string): string[] {
  return arr(o, k, path).map((x, i) => {
    if (typeof x !== 'string') fail(`${path}.${k}[${i}]`, 'a string', x);
    return x;
  });
}
function strRecord(o: Obj, k: string, path: string): Record<string, string> {
  const r = obj(o[k], `${path}.${k}`);
  for (const [kk, vv] of Object.entries(r)) if (typeof vv !== 'string') fail(`${path}.${k}.${kk}`, 'a string', vv);
  return r as Record<string, string>;
}
function time(o: Obj, k: string, path: string): string {
  const v = str(o, k, path);
  if (Number.isNaN(Date.parse(v))) throw new Invalid(`${path}.${k}: '${v.slice(0, 40)}' is not an ISO 8601 time`);
  return v;
}
function optTime(o: Obj, k: string, path: string): string | undefined {
  return o[k] === undefined ? undefined : time(o, k, path);
}
function oneOf<T extends string>(o: Obj, k: string, path: string, allowed: readonly T[]): T {
  const v = str(o, k, path);
  if (!(allowed as readonly string[]).includes(v)) throw new Invalid(`${path}.${k}: '${v.slice(0, 40)}' is not one of ${allowed.join(', ')}`);
  return v as T;
}
function owner(o: Obj, k: string, path: string): { kind: string; name: string } | undefined {
  if (o[k] === undefined) return undefined;
  const r = obj(o[k], `${path}.${k}`);
  return { kind: str(r, 'kind', `${path}.${k}`), name: str(r, 'name', `${path}.${k}`) };
}

const CONNECTION_STATES: readonly ConnectionState[] = ['connecting', 'live', 'reconnecting', 'error', 'stopped'];

/** Copies only known fields, so a payload cannot smuggle extra properties into the renderer. */
export function validateEvent(v: unknown, path = 'event'): LifecycleEvent {
  const o = obj(v, path);
  const e: LifecycleEvent = {
    seq: num(o, 'seq', path),
    type: oneOf<LifecycleEventType>(o, 'type', path, LIFECYCLE_EVENT_TYPES),
    time: time(o, 'time', path),
    timeSource: oneOf(o, 'timeSource', path, ['object', 'arrival'] as const),
  };
  const strings = ['uid', 'pod', 'ip', 'node', 'revision', 'previousUid', 'previousPod', 'reason', 'service'] as const;
  for (const k of strings) {
    const s = optStr(o, k, path);
    if (s !== undefined) e[k] = s;
  }
  for (const k of ['overlap', 'seenOnRelist', 'hostNetwork'] as const) {
    const b = optBool(o, k, path);
    if (b !== undefined) e[k] = b;
  }
  for (const k of ['from', 'to'] as const) {
    const t = optTime(o, k, path);
    if (t !== undefined) e[k] = t;
  }
  const ow = owner(o, 'owner', path);
  if (ow) e.owner = ow;
  return e;
}

export function validatePod(v: unknown, path = 'pod'): PodSummary {
  const o = obj(v, path);
  const p: PodSummary = {
    uid: str(o, 'uid', path),
    namespace: str(o, 'namespace', path),
    name: str(o, 'name', path),
    ips: strArr(o, 'ips', path),
    ready: bool(o, 'ready', path),
    terminating: bool(o, 'terminating', path),
    deleted: bool(o, 'deleted', path),
    hostNetwork: bool(o, 'hostNetwork', path),
    labels: strRecord(o, 'labels', path),
  };
  for (const k of ['phase', 'node', 'hostIP', 'revision', 'createdAt'] as const) {
    const s = optStr(o, k, path);
    if (s !== undefined) p[k] = s;
  }
  const ow = owner(o, 'owner', path);
  if (ow) p.owner = ow;
  return p;
}

export function validateService(v: unknown, path = 'service'): ServiceSummary {
  const o = obj(v, path);
  return {
    namespace: str(o, 'namespace', path),
    name: str(o, 'name', path),
    clusterIPs: strArr(o, 'clusterIPs', path),
    selector: strRecord(o, 'selector', path),
    ports: arr(o, 'ports', path).map((pv, i) => {
      const pp = `${path}.ports[${i}]`;
      const po = obj(pv, pp);
      const port: ServiceSummary['ports'][number] = { port: num(po, 'port', pp) };
      const name = optStr(po, 'name', pp);
      if (name !== undefined) port.name = name;
      const protocol = optStr(po, 'protocol', pp);
      if (protocol !== undefined) port.protocol = protocol;
      if (po.targetPort !== undefined) {
        if (typeof po.targetPort !== 'string' && typeof po.targetPort !== 'number') fail(`${pp}.targetPort`, 'a number or string', po.targetPort);
        port.targetPort = po.targetPort;
      }
      return port;
    }),
    endpoints: strArr(o, 'endpoints', path),
  };
}

export function validateScope(v: unknown, path = 'scope'): WatchScope {
  const o = obj(v, path);
  const s: WatchScope = { context: str(o, 'context', path), labelSelector: str(o, 'labelSelector', path) };
  const ns = optStr(o, 'namespace', path);
  if (ns !== undefined) s.namespace = ns;
  const server = optStr(o, 'server', path);
  if (server !== undefined) s.server = server;
  return s;
}

export function validateSnapshot(v: unknown, path = 'snapshot'): TimelineSnapshot {
  const o = obj(v, path);
  const s: TimelineSnapshot = {
    scope: validateScope(o.scope, `${path}.scope`),
    connection: oneOf(o, 'connection', path, CONNECTION_STATES),
    events: arr(o, 'events', path).map((e, i) => validateEvent(e, `${path}.events[${i}]`)),
    pods: arr(o, 'pods', path).map((p, i) => validatePod(p, `${path}.pods[${i}]`)),
    services: arr(o, 'services', path).map((x, i) => validateService(x, `${path}.services[${i}]`)),
  };
  const m = optStr(o, 'connectionMessage', path);
  if (m !== undefined) s.connectionMessage = m;
  return s;
}

/** A packed snapshot: its plain fields validated as above, its columns by `validatePackedColumns`. */
export function validatePackedSnapshot(v: unknown, path = 'snapshot'): PackedSnapshot {
  const o = obj(v, path);
  const s: PackedSnapshot = {
    format: PACKED_FORMAT,
    scope: validateScope(o.scope, `${path}.scope`),
    connection: oneOf(o, 'connection', path, CONNECTION_STATES),
    pods: arr(o, 'pods', path).map((p, i) => validatePod(p, `${path}.pods[${i}]`)),
    services: arr(o, 'services', path).map((x, i) => validateService(x, `${path}.services[${i}]`)),
    ...validatePackedColumns(o, path, arr(o, 'pods', path).length),
  };
  const m = optStr(o, 'connectionMessage', path);
  if (m !== undefined) s.connectionMessage = m;
  return s;
}

function guard<T>(f: () => T): Parsed<T> {
  try {
    return { ok: true, value: f() };
  } catch (err) {
    if (err instanceof Invalid || err instanceof PackedInvalid) return { ok: false, error: err.message };
    throw err;
  }
}

function seqNum(o: Obj, k: string, path: string): number {
  const v = num(o, k, path);
  if (!Number.isInteger(v) || v < 0) throw new Invalid(`${path}.${k}: expected a sequence number, got ${v}`);
  return v;
}

export function parseHostMessage(v: unknown): Parsed<HostMessage> {
  return guard((): HostMessage => {
    const o = obj(v, 'message');
    const type = oneOf(o, 'type', 'message', ['snapshot', 'events', 'notice'] as const);
    switch (type) {
      case 'snapshot': {
        const so = obj(o.snapshot, 'message.snapshot');
        const snapshot = so.format === PACKED_FORMAT ? validatePackedSnapshot(so, 'message.snapshot') : validateSnapshot(so, 'message.snapshot');
        const m: SnapshotMessage = { type, snapshot, now: time(o, 'now', 'message'), live: bool(o, 'live', 'message') };
        if (o.seq !== undefined) m.seq = seqNum(o, 'seq', 'message');
        return m;
      }
      case 'events': {
        const m: EventsMessage = {
          type,
          prevSeq: seqNum(o, 'prevSeq', 'message'),
          seq: seqNum(o, 'seq', 'message'),
          events: arr(o, 'events', 'message').map((e, i) => validateEvent(e, `message.events[${i}]`)),
          pods: arr(o, 'pods', 'message').map((p, i) => validatePod(p, `message.pods[${i}]`)),
          connection: oneOf(o, 'connection', 'message', CONNECTION_STATES),
          now: time(o, 'now', 'message'),
        };
        if (m.seq < m.prevSeq) throw new Invalid(`message.seq: ${m.seq} is before prevSeq ${m.prevSeq}`);
        for (const [i, e] of m.events.entries()) {
          if (e.seq <= m.prevSeq || e.seq > m.seq) throw new Invalid(`message.events[${i}].seq: ${e.seq} is outside the message's range ${m.prevSeq}–${m.seq}`);
        }
        if (o.services !== undefined) m.services = arr(o, 'services', 'message').map((x, i) => validateService(x, `message.services[${i}]`));
        const cm = optStr(o, 'connectionMessage', 'message');
        if (cm !== undefined) m.connectionMessage = cm;
        return m;
      }
      case 'notice':
        return { type, level: oneOf(o, 'level', 'message', ['info', 'error'] as const), message: str(o, 'message', 'message') };
    }
  });
}

/** Upper bound on an export payload (a PNG data URL of a large view); more is refused, not written. */
export const MAX_EXPORT_CHARS = 64 * 1024 * 1024;

export function parseWebviewMessage(v: unknown): Parsed<WebviewMessage> {
  return guard((): WebviewMessage => {
    const o = obj(v, 'message');
    const type = oneOf(o, 'type', 'message', ['ready', 'open-pod', 'export', 'request-snapshot', 'drawn', 'log'] as const);
    switch (type) {
      case 'ready':
        return { type, protocol: num(o, 'protocol', 'message') };
      case 'open-pod': {
        const uid = str(o, 'uid', 'message');
        if (uid === '') throw new Invalid('message.uid: expected a Pod UID, got an empty string');
        const m: OpenPodMessage = { type, uid };
        const pod = optStr(o, 'pod', 'message');
        if (pod !== undefined) m.pod = pod;
        return m;
      }
      case 'export': {
        const format = oneOf<ExportFormat>(o, 'format', 'message', ['svg', 'png', 'json']);
        const data = str(o, 'data', 'message');
        if (data.length > MAX_EXPORT_CHARS) throw new Invalid(`message.data: ${data.length} characters is more than the ${MAX_EXPORT_CHARS} allowed`);
        if (format === 'png' && !data.startsWith('data:image/png;base64,')) throw new Invalid('message.data: a PNG export must be a data:image/png;base64 URL');
        if (format === 'svg' && !/^\s*(<\?xml[^>]*>\s*)?<svg[\s>]/.test(data)) throw new Invalid('message.data: an SVG export must start with <svg');
        return { type, format, data };
      }
      case 'request-snapshot': {
        const reason = optStr(o, 'reason', 'message');
        return reason === undefined ? { type } : { type, reason: reason.slice(0, 400) };
      }
      case 'drawn':
        return { type, seq: seqNum(o, 'seq', 'message') };
      case 'log':
        return { type, level: oneOf(o, 'level', 'message', ['info', 'warn', 'error'] as const), message: str(o, 'message', 'message').slice(0, 4000) };
    }
  });
}

/** Validates state restored by the serializer; anything unusable falls back to defaults. */
export function parseViewState(v: unknown): TimelineViewState {
  const d: TimelineViewState = { groupBy: 'pod', filter: '', hideDeleted: false, showTable: false };
  if (typeof v !== 'object' || v === null) return d;
  const o = v as Obj;
  const r = guard(() => validateScope(o.scope));
  if (r.ok) d.scope = r.value;
  if (o.groupBy === 'ip' || o.groupBy === 'pod') d.groupBy = o.groupBy;
  if (typeof o.filter === 'string') d.filter = o.filter.slice(0, 200);
  if (typeof o.hideDeleted === 'boolean') d.hideDeleted = o.hideDeleted;
  if (typeof o.showTable === 'boolean') d.showTable = o.showTable;
  if (Array.isArray(o.window) && o.window.length === 2 && o.window.every((x) => typeof x === 'number' && Number.isFinite(x)) && o.window[0] < o.window[1]) {
    d.window = [o.window[0], o.window[1]];
  }
  return d;
}
