// Watch streams: one compact JSON line per event, written as it happens; initial ADDED events
// or sendInitialEvents with its bookmark; periodic bookmarks; timeoutSeconds; 410 Expired for a
// resourceVersion older than the retained history.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ApiError, KubeObject, StoreEvent, eventLine } from '../store';
import { ResourceType, apiVersionOf } from '../resources';
import { table, tableRow } from '../tables';
import { Matcher } from '../selectors';
import { Render, contentTypeOf, includeObject, partialOf } from './negotiate';
import { boolParam, intParam } from './query';
import { status } from './respond';
import { HttpContext, Stream } from './streams';

/** A resourceVersion this server has not reached (a client that talked to another cluster). */
export function checkNotFromTheFuture(ctx: HttpContext, rv: string | null): void {
  const current = ctx.api.store.resourceVersion;
  if (rv && /^\d+$/.test(rv) && Number(rv) > current) {
    throw new ApiError(504, 'Timeout', `Timeout: Too large resource version: ${rv}, current: ${current}`, {
      causes: [{ reason: 'ResourceVersionTooLarge', message: 'Too large resource version' }],
      retryAfterSeconds: 1,
    });
  }
}

export function expiredLine(message: string): string {
  return `${JSON.stringify({ type: 'ERROR', object: status(410, 'Expired', message) })}\n`;
}

export function serveWatch(ctx: HttpContext, req: IncomingMessage, res: ServerResponse, rt: ResourceType, namespace: string | undefined, q: URLSearchParams, render: Render, fieldSelector: string | undefined): void {
  const api = ctx.api;
  const matcher: Matcher | undefined = api.matcher(rt.key, { labelSelector: q.get('labelSelector') ?? undefined, fieldSelector });
  const bookmarks = boolParam(q, 'allowWatchBookmarks');
  const sendInitial = boolParam(q, 'sendInitialEvents');
  const rvParam = q.get('resourceVersion') ?? '';
  if (sendInitial) {
    if (q.get('resourceVersionMatch') !== 'NotOlderThan') {
      throw new ApiError(422, 'Invalid', 'ListOptions.meta.k8s.io "" is invalid: resourceVersionMatch: Forbidden: sendInitialEvents requires setting resourceVersionMatch to NotOlderThan');
    }
    if (!bookmarks) throw new ApiError(422, 'Invalid', 'ListOptions.meta.k8s.io "" is invalid: allowWatchBookmarks: Forbidden: sendInitialEvents requires setting allowWatchBookmarks to true');
  }
  if (rvParam !== '' && !/^\d+$/.test(rvParam)) throw new ApiError(400, 'BadRequest', `resourceVersion: Invalid value: "${rvParam}": must be a non-negative integer`);
  checkNotFromTheFuture(ctx, rvParam);
  const include = render.kind === 'table' ? includeObject(q) : 'Metadata';
  // Without timeoutSeconds the API server ends a watch after a random 30-60 minutes.
  const timeoutSeconds = intParam(q, 'timeoutSeconds');
  const timeoutMs = timeoutSeconds !== undefined ? Math.max(0, timeoutSeconds) * 1000 : (1800 + Math.random() * 1800) * 1000;

  res.writeHead(200, { 'Content-Type': contentTypeOf(render, false), 'Cache-Control': 'no-cache, private', 'Transfer-Encoding': 'chunked' });
  res.flushHeaders();
  const stream = new Stream(res, 'watch');
  ctx.streams.add(stream);
  const done = () => {
    stream.end();
    ctx.streams.delete(stream);
  };
  let firstTable = true;
  const inNamespace = (o: KubeObject) => namespace === undefined || o.metadata.namespace === namespace;
  const matches = (o: KubeObject | undefined) => o !== undefined && inNamespace(o) && (!matcher || matcher(o));
  const tableCache = new WeakMap<StoreEvent, string>();

  const line = (type: string, object: KubeObject, e?: StoreEvent): string => {
    if (render.kind === 'json') {
      if (e && e.type === type) return eventLine(e);
      return `{"type":"${type}","object":${JSON.stringify(object)}}\n`;
    }
    if (render.kind === 'partial') return `{"type":"${type}","object":${JSON.stringify(partialOf(object, render.version))}}\n`;
    // Column definitions go with the first event only, as the API server does for watches
    // (kubernetes/kubernetes#71548).
    const withColumns = firstTable;
    firstTable = false;
    if (!withColumns && e && e.type === type) {
      const cached = tableCache.get(e);
      if (cached) return cached;
    }
    const t = { ...table(rt, [], include, { resourceVersion: object.metadata.resourceVersion }, withColumns), apiVersion: `meta.k8s.io/${render.version}`, rows: [tableRow(rt, object, include)] };
    const s = `{"type":"${type}","object":${JSON.stringify(t)}}\n`;
    if (!withColumns && e && e.type === type) tableCache.set(e, s);
    return s;
  };
  const bookmarkLine = (rv: number, initialEnd = false): string => {
    const metadata: Record<string, unknown> = { resourceVersion: String(rv) };
    if (initialEnd) metadata.annotations = { 'k8s.io/initial-events-end': 'true' };
    const object = render.kind === 'table' ? { kind: 'Table', apiVersion: `meta.k8s.io/${render.version}`, metadata, columnDefinitions: null, rows: null } : { kind: rt.kind, apiVersion: apiVersionOf(rt), metadata };
    return `{"type":"BOOKMARK","object":${JSON.stringify(object)}}\n`;
  };

  let lastRv = api.store.resourceVersion;
  const onEvent = (e: StoreEvent) => {
    lastRv = e.rv;
    const now = matches(e.object);
    const before = e.type === 'MODIFIED' ? matches(e.previous) : now;
    if (e.type === 'ADDED') {
      if (now) stream.write(line('ADDED', e.object, e));
    } else if (e.type === 'DELETED') {
      if (matches(e.previous ?? e.object) || now) stream.write(line('DELETED', e.object, e));
    } else if (now && before) stream.write(line('MODIFIED', e.object, e));
    else if (now && !before) stream.write(line('ADDED', e.object));
    else if (!now && before) stream.write(line('DELETED', e.object));
  };

  let unsubscribe: () => void;
  try {
    if (sendInitial || rvParam === '' || rvParam === '0') {
      // Start with the current state as ADDED events (and, for sendInitialEvents, a bookmark
      // marking its end), then follow changes.
      const from = api.store.resourceVersion;
      for (const o of api.store.list(rt.key, namespace).items) if (matches(o)) stream.write(line('ADDED', o));
      if (sendInitial) stream.write(bookmarkLine(from, true));
      unsubscribe = api.store.watch(rt.key, from, onEvent);
    } else {
      unsubscribe = api.store.watch(rt.key, Number(rvParam), onEvent);
    }
  } catch (e) {
    if (e instanceof ApiError && e.code === 410) {
      stream.write(expiredLine(e.message));
      done();
      return;
    }
    done();
    throw e;
  }
  stream.onClose(unsubscribe);
  const timeout = setTimeout(() => {
    if (stream.stalled) return;
    if (bookmarks) stream.write(bookmarkLine(lastRv));
    done();
  }, timeoutMs);
  stream.onClose(() => clearTimeout(timeout));
  if (bookmarks) {
    const iv = setInterval(() => stream.write(bookmarkLine(Math.max(lastRv, api.store.resourceVersion))), ctx.bookmarkIntervalMs);
    stream.onClose(() => clearInterval(iv));
  }
  req.on('close', done);
  res.on('close', done);
}
