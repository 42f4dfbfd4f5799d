// The HTTP face of the demo cluster: HTTPS with bearer-token auth, the REST paths of the
// Kubernetes API, content negotiation (JSON, Table, PartialObjectMetadata; protobuf request
// bodies), watch streams (one compact JSON line per event, written as it happens, bookmarks,
// timeouts, 410 Expired, sendInitialEvents), and the hooks fault injection uses.
import * as https from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { timingSafeEqual } from 'node:crypto';
import { parse as parseYaml } from 'yaml';
import { ApiError, KubeObject, StoreEvent, eventLine } from './store';
import { DemoApi, PatchType } from './api';
import { ResourceType, apiVersionOf, findResource, RESOURCE } from './resources';
import { IncludeObject, table, tableRow } from './tables';
import {
  AGGREGATED_CONTENT_TYPE,
  SERVER_VERSION,
  aggregatedDiscovery,
  apiGroup,
  apiGroupList,
  apiResourceList,
  apiVersions,
  openApiV3Document,
  openApiV3Root,
} from './discovery';
import { Faults } from './faults';
import { decodeKubernetesProtobuf } from './protobuf';
import { Matcher } from './selectors';
import { jsonPatch, mergePatch } from './patch';
import { unknownFields } from './fields';
import { programOf } from './controllers/programs';

/* eslint-disable @typescript-eslint/no-explicit-any */
type Any = any;

export interface HttpServerOptions {
  api: DemoApi;
  token: string;
  cert: string;
  key: string;
  faults: () => Faults | undefined;
  /** How often watches that asked for bookmarks get one (the real server: about a minute). */
  bookmarkIntervalMs: number;
  log: (line: string) => void;
  verbose: boolean;
}

const MAX_BODY = 3 * 1024 * 1024;

function isKubernetesProtobuf(contentType: string | undefined): boolean {
  return (contentType ?? '').split(';')[0].trim().toLowerCase() === 'application/vnd.kubernetes.protobuf';
}
/** A watcher this far behind is dropped, as the API server drops watchers that cannot keep up. */
const MAX_WATCH_BACKLOG = 32 * 1024 * 1024;

type Render = { kind: 'json' } | { kind: 'table'; version: string; include: IncludeObject } | { kind: 'partial'; version: string };

interface Route {
  group: string;
  version: string;
  rt?: ResourceType;
  namespace?: string;
  name?: string;
  subresource?: string;
  watchPrefix: boolean;
  /** The path named a resource we do not serve. */
  unknownResource?: string;
}

function status(code: number, reason: string, message: string, details?: Record<string, unknown>): Record<string, unknown> {
  return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, ...(details ? { details } : {}), code };
}

const REASON_BY_CODE: Record<number, string> = {
  400: 'BadRequest',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'NotFound',
  405: 'MethodNotAllowed',
  406: 'NotAcceptable',
  409: 'Conflict',
  410: 'Expired',
  415: 'UnsupportedMediaType',
  422: 'Invalid',
  429: 'TooManyRequests',
  500: 'InternalError',
};

/** Parses an Accept header into the representation to send, or undefined if none is acceptable. */
export function negotiate(accept: string | undefined): Render | undefined {
  if (!accept) return { kind: 'json' };
  for (const part of accept.split(',')) {
    const [type, ...paramParts] = part.split(';').map((s) => s.trim());
    const params: Record<string, string> = {};
    for (const p of paramParts) {
      const i = p.indexOf('=');
      if (i > 0) params[p.slice(0, i).trim()] = p.slice(i + 1).trim();
    }
    if (!['application/json', 'application/*', '*/*'].includes(type)) continue;
    if (!params.as) return { kind: 'json' };
    if (params.g !== 'meta.k8s.io' || (params.v !== 'v1' && params.v !== 'v1beta1')) continue;
    if (params.as === 'Table') return { kind: 'table', version: params.v, include: 'Metadata' };
    if (params.as === 'PartialObjectMetadata' || params.as === 'PartialObjectMetadataList') return { kind: 'partial', version: params.v };
  }
  return undefined;
}

function contentTypeOf(render: Render, list: boolean): string {
  if (render.kind === 'table') return `application/json;as=Table;v=${render.version};g=meta.k8s.io`;
  if (render.kind === 'partial') return `application/json;as=PartialObjectMetadata${list ? 'List' : ''};v=${render.version};g=meta.k8s.io`;
  return 'application/json';
}

/** An open watch (or log follow) stream, tracked so faults and stop() can reach it. */
class Stream {
  stalled = false;
  closed = false;
  private pending = '';
  private cleanups: (() => void)[] = [];

  constructor(
    readonly res: ServerResponse,
    readonly kind: 'watch' | 'log',
  ) {}

  onClose(fn: () => void): void {
    this.cleanups.push(fn);
  }

  /**
   * Queues one event line. Lines queued in the same tick (a controller creating 500 Pods in one
   * go) go out in one write; every line is on the wire as soon as the current tick ends.
   */
  write(data: string): void {
    if (this.closed || this.stalled) return;
    if (this.pending === '') process.nextTick(() => this.flush());
    this.pending += data;
  }

  private flush(): void {
    const data = this.pending;
    this.pending = '';
    if (this.closed || this.stalled || data === '') return;
    this.res.write(data);
    if (this.res.writableLength > MAX_WATCH_BACKLOG) this.end();
  }

  end(): void {
    if (this.closed) return;
    this.flush();
    this.closed = true;
    for (const c of this.cleanups.splice(0)) c();
    if (!this.res.writableEnded) this.res.end();
  }

  destroy(): void {
    this.closed = true;
    for (const c of this.cleanups.splice(0)) c();
    this.res.socket?.destroy();
  }
}

export class ApiHttpServer {
  private server?: https.Server;
  private readonly sockets = new Set<Socket>();
  private readonly streams = new Set<Stream>();
  private readonly tokenBuf: Buffer;
  port = 0;
  requestCount = 0;

  constructor(private readonly opts: HttpServerOptions) {
    this.tokenBuf = Buffer.from(`Bearer ${opts.token}`);
  }

  get openWatches(): number {
    let n = 0;
    for (const s of this.streams) if (s.kind === 'watch' && !s.closed) n++;
    return n;
  }

  listen(port: number, host = '127.0.0.1'): Promise<number> {
    const server = https.createServer({ cert: this.opts.cert, key: this.opts.key }, (req, res) => this.handle(req, res));
    server.keepAliveTimeout = 60_000;
    server.on('connection', (s: Socket) => {
      s.setNoDelay(true);
      this.sockets.add(s);
      s.on('close', () => this.sockets.delete(s));
    });
    server.on('secureConnection', (s) => s.setNoDelay(true));
    server.on('tlsClientError', () => {
      // A client that rejects our certificate (wrong CA) closes the handshake; nothing to do.
    });
    this.server = server;
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => {
        server.off('error', reject);
        this.port = (server.address() as { port: number }).port;
        resolve(this.port);
      });
    });
  }

  /** Stops listening and closes every connection, streams included. */
  async close(): Promise<void> {
    for (const s of [...this.streams]) s.end();
    this.streams.clear();
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    for (const s of this.sockets) s.destroy();
    this.sockets.clear();
    await closed;
  }

  cutWatches(abrupt: boolean): number {
    let n = 0;
    for (const s of [...this.streams]) {
      if (s.closed) continue;
      n++;
      if (abrupt) s.destroy();
      else s.end();
      this.streams.delete(s);
    }
    return n;
  }

  stallWatches(): number {
    let n = 0;
    for (const s of this.streams) {
      if (s.closed || s.stalled || s.kind !== 'watch') continue;
      s.stalled = true;
      n++;
    }
    return n;
  }

  /** Sends every open watch an ERROR 410, as a server whose watch cache fell behind does, and ends it. */
  expireWatches(oldest: number): number {
    let n = 0;
    for (const s of [...this.streams]) {
      if (s.closed || s.kind !== 'watch' || s.stalled) continue;
      s.write(`${JSON.stringify({ type: 'ERROR', object: status(410, 'Expired', `too old resource version: ${oldest} (${oldest + 1})`) })}\n`);
      s.end();
      this.streams.delete(s);
      n++;
    }
    return n;
  }

  private send(res: ServerResponse, code: number, body: unknown, contentType = 'application/json', extraHeaders: Record<string, string> = {}): void {
    const text = typeof body === 'string' ? body : JSON.stringify(body);
    res.writeHead(code, { 'Content-Type': contentType, 'Cache-Control': 'no-cache, private', 'Content-Length': Buffer.byteLength(text), ...extraHeaders });
    res.end(text);
  }

  private sendError(res: ServerResponse, e: unknown): void {
    if (e instanceof ApiError) {
      this.send(res, e.code, status(e.code, e.reason, e.message, e.details));
      return;
    }
    const msg = e instanceof Error ? e.message : String(e);
    this.opts.log(`internal error: ${e instanceof Error && e.stack ? e.stack : msg}`);
    this.send(res, 500, status(500, 'InternalError', `Internal error occurred: ${msg}`));
  }

  private authorized(req: IncomingMessage): boolean {
    const h = Buffer.from(req.headers.authorization ?? '');
    return h.length === this.tokenBuf.length && timingSafeEqual(h, this.tokenBuf);
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    this.requestCount++;
    try {
      this.dispatch(req, res);
    } catch (e) {
      // Whatever a request contains, it gets an answer and the server keeps running.
      req.resume();
      if (!res.headersSent) this.sendError(res, e instanceof URIError ? new ApiError(400, 'BadRequest', `malformed request path: ${e.message}`) : e);
      else res.end();
    }
  }

  private dispatch(req: IncomingMessage, res: ServerResponse): void {
    // Prefixing the origin keeps paths such as `//x` from being read as a host name.
    const url = new URL(`https://demo${(req.url ?? '/').startsWith('/') ? req.url : `/${req.url}`}`);
    if (this.opts.verbose) {
      res.on('finish', () => this.opts.log(`${req.method} ${url.pathname}${url.search} ${res.statusCode}`));
    }
    const path = url.pathname.replace(/\/+$/, '') || '/';
    if (['/healthz', '/livez', '/readyz'].includes(path)) {
      this.send(res, 200, 'ok', 'text/plain; charset=utf-8');
      return;
    }
    if (!this.authorized(req)) {
      req.resume();
      this.send(res, 401, status(401, 'Unauthorized', 'Unauthorized'));
      return;
    }
    const failure = this.opts.faults()?.takeFailure();
    if (failure) {
      req.resume();
      if (failure.status === 429) {
        this.send(res, 429, status(429, 'TooManyRequests', 'The server has received too many requests and has asked us to try again later', { retryAfterSeconds: failure.retryAfterSeconds }), 'application/json', {
          'Retry-After': String(failure.retryAfterSeconds ?? 1),
        });
      } else {
        this.send(res, 500, status(500, 'InternalError', 'Internal error occurred: injected by the demo cluster fault injection'));
      }
      return;
    }
    this.route(req, res, url, path).catch((e) => {
      if (!res.headersSent) this.sendError(res, e instanceof URIError ? new ApiError(400, 'BadRequest', `malformed request path: ${e.message}`) : e);
      else res.end();
    });
  }

  private async route(req: IncomingMessage, res: ServerResponse, url: URL, path: string): Promise<void> {
    const method = req.method ?? 'GET';
    if (method === 'GET') {
      const doc = this.staticDocument(req, path);
      if (doc) {
        this.send(res, 200, doc.body, doc.contentType);
        return;
      }
    }
    const route = this.parseRoute(path);
    if (!route) {
      req.resume();
      this.send(res, 404, status(404, 'NotFound', 'the server could not find the requested resource'));
      return;
    }
    if (!route.rt) {
      req.resume();
      this.send(res, 404, status(404, 'NotFound', `the server could not find the requested resource${route.unknownResource ? ` (${route.unknownResource} is not served by the Pod IP Lens demo cluster)` : ''}`));
      return;
    }
    const q = url.searchParams;
    const dryRun = q.getAll('dryRun').includes('All');
    const rt = route.rt;
    const api = this.opts.api;
    const ns = rt.namespaced ? route.namespace : undefined;
    if (rt.namespaced && route.name && !route.namespace) {
      req.resume();
      this.send(res, 404, status(404, 'NotFound', 'the server could not find the requested resource'));
      return;
    }
    const sub = route.subresource;
    if (sub && !(rt.subresources.includes(sub) || (rt.kind === 'Pod' && ['eviction', 'exec', 'attach', 'portforward', 'proxy', 'binding', 'ephemeralcontainers'].includes(sub)))) {
      req.resume();
      this.send(res, 404, status(404, 'NotFound', 'the server could not find the requested resource'));
      return;
    }
    if (rt.kind === 'Pod' && sub && ['exec', 'attach', 'portforward', 'proxy', 'ephemeralcontainers'].includes(sub)) {
      req.resume();
      this.send(res, 400, status(400, 'BadRequest', `pods/${sub} is not available in the Pod IP Lens demo cluster: its containers are simulated and run no processes`));
      return;
    }

    switch (method) {
      case 'GET': {
        const render = negotiate(req.headers.accept);
        if (!render) {
          this.send(res, 406, status(406, 'NotAcceptable', `only the following media types are accepted: application/json, application/json;as=Table;v=v1;g=meta.k8s.io, application/json;as=PartialObjectMetadata;v=v1;g=meta.k8s.io`));
          return;
        }
        const watch = route.watchPrefix || q.get('watch') === 'true' || q.get('watch') === '1';
        if (sub === 'log') return this.podLog(req, res, ns!, route.name!, q);
        if (sub === 'scale') {
          this.send(res, 200, api.getScale(rt.key, ns!, route.name!));
          return;
        }
        if (watch) {
          let fieldSelector = q.get('fieldSelector') ?? undefined;
          if (route.name) fieldSelector = [fieldSelector, `metadata.name=${route.name}`].filter(Boolean).join(',');
          this.watch(req, res, rt, route.namespace, q, render, fieldSelector);
          return;
        }
        if (route.name) {
          const o = api.get(rt.key, ns, route.name);
          this.send(res, 200, this.renderOne(rt, o, render, q), contentTypeOf(render, false));
          return;
        }
        this.checkNotFromTheFuture(q.get('resourceVersion'));
        const list = api.list(rt.key, route.namespace, {
          labelSelector: q.get('labelSelector') ?? undefined,
          fieldSelector: q.get('fieldSelector') ?? undefined,
          limit: this.intParam(q, 'limit'),
          continue: q.get('continue') ?? undefined,
        });
        const meta: Record<string, unknown> = { resourceVersion: list.resourceVersion };
        if (list.continue) {
          meta.continue = list.continue;
          meta.remainingItemCount = list.remainingItemCount;
        }
        this.send(res, 200, this.renderList(rt, list.items, meta, render, q), contentTypeOf(render, true));
        return;
      }
      case 'POST': {
        const body = await this.readBody(req);
        if (route.name && sub === 'eviction') {
          const opts = (body as Any)?.deleteOptions ?? {};
          api.delete(rt.key, ns, route.name, { gracePeriodSeconds: opts.gracePeriodSeconds, dryRun });
          this.send(res, 201, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', code: 201 });
          return;
        }
        if (route.name && sub === 'binding') {
          const pod = api.get(rt.key, ns, route.name) as Any;
          const target = (body as Any)?.target?.name;
          if (!target) throw new ApiError(400, 'BadRequest', 'binding needs target.name');
          if (pod.spec.nodeName) throw new ApiError(409, 'Conflict', `pod ${route.name} is already assigned to node "${pod.spec.nodeName}"`);
          api.store.update(rt.key, { ...pod, spec: { ...pod.spec, nodeName: target } });
          this.send(res, 201, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', code: 201 });
          return;
        }
        if (route.name) throw new ApiError(405, 'MethodNotAllowed', `POST is not supported on a single ${rt.singular}`);
        this.checkFields(rt, body, q, res);
        const created = api.create(rt.key, ns, body as KubeObject, { dryRun, fieldManager: q.get('fieldManager') ?? undefined });
        this.send(res, 201, created);
        return;
      }
      case 'PUT': {
        const body = (await this.readBody(req)) as Any;
        if (!route.name) throw new ApiError(405, 'MethodNotAllowed', `PUT needs an object name`);
        if (sub === 'scale') {
          this.send(res, 200, api.updateScale(rt.key, ns!, route.name, body, { dryRun }));
          return;
        }
        if (sub === 'finalize' && rt.kind === 'Namespace') {
          const cur = api.get(rt.key, undefined, route.name) as Any;
          this.send(res, 200, api.store.update(rt.key, { ...cur, spec: { ...cur.spec, finalizers: body?.spec?.finalizers ?? [] } }));
          return;
        }
        if (!sub) this.checkFields(rt, body, q, res);
        this.send(res, 200, api.update(rt.key, ns, route.name, body, { dryRun, subresource: sub }));
        return;
      }
      case 'PATCH': {
        if (!route.name) throw new ApiError(405, 'MethodNotAllowed', `PATCH needs an object name`);
        const ct = (req.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
        const types: Record<string, PatchType> = {
          'application/merge-patch+json': 'merge',
          'application/json-patch+json': 'json',
          'application/strategic-merge-patch+json': 'strategic',
          'application/apply-patch+yaml': 'apply',
          'application/apply-patch+cbor': 'apply',
        };
        const type = types[ct];
        if (!type || ct === 'application/apply-patch+cbor') {
          req.resume();
          this.send(res, 415, status(415, 'UnsupportedMediaType', `the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml, application/strategic-merge-patch+json`));
          return;
        }
        const raw = await this.readRaw(req);
        let patch: unknown;
        try {
          patch = type === 'apply' ? parseYaml(raw.toString('utf8')) : JSON.parse(raw.toString('utf8'));
        } catch (e) {
          throw new ApiError(400, 'BadRequest', `error decoding patch: ${e instanceof Error ? e.message : String(e)}`);
        }
        if (type !== 'json' && !sub) this.checkFields(rt, patch, q, res);
        if (type === 'apply' && !api.store.get(rt.key, ns, route.name)) {
          // Server-side apply of an object that does not exist creates it.
          this.send(res, 201, api.create(rt.key, ns, { ...(patch as Any), metadata: { ...(patch as Any)?.metadata, name: route.name } }, { dryRun }));
          return;
        }
        if (sub === 'scale') {
          const scale = api.getScale(rt.key, ns!, route.name) as Any;
          const patched = type === 'json' ? jsonPatch(scale, patch) : mergePatch(scale, patch);
          this.send(res, 200, api.updateScale(rt.key, ns!, route.name, patched, { dryRun }));
          return;
        }
        this.send(res, 200, api.patch(rt.key, ns, route.name, type, patch, { dryRun, subresource: sub }));
        return;
      }
      case 'DELETE': {
        const raw = await this.readRaw(req);
        let opts: Any = {};
        if (raw.length) {
          try {
            opts = isKubernetesProtobuf(req.headers['content-type']) ? decodeKubernetesProtobuf(raw) : JSON.parse(raw.toString('utf8'));
          } catch (e) {
            throw new ApiError(400, 'BadRequest', `error decoding DeleteOptions: ${e instanceof Error ? e.message : String(e)}`);
          }
        }
        if (q.get('gracePeriodSeconds') !== null) opts.gracePeriodSeconds = Number(q.get('gracePeriodSeconds'));
        if (q.get('propagationPolicy')) opts.propagationPolicy = q.get('propagationPolicy');
        const del = { gracePeriodSeconds: opts.gracePeriodSeconds, propagationPolicy: opts.propagationPolicy ?? (opts.orphanDependents ? 'Orphan' : undefined), preconditions: opts.preconditions, dryRun: dryRun || (opts.dryRun ?? []).includes('All') };
        if (!route.name) {
          const { items } = api.list(rt.key, route.namespace, { labelSelector: q.get('labelSelector') ?? undefined, fieldSelector: q.get('fieldSelector') ?? undefined });
          for (const o of items) api.delete(rt.key, o.metadata.namespace, o.metadata.name!, del);
          this.send(res, 200, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', details: { kind: rt.plural, group: rt.group || undefined } });
          return;
        }
        const { object, gone } = api.delete(rt.key, ns, route.name, del);
        if (gone && rt.kind !== 'Pod') {
          this.send(res, 200, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', details: { name: route.name, group: rt.group || undefined, kind: rt.plural, uid: object.metadata.uid } });
        } else this.send(res, 200, object);
        return;
      }
      default:
        req.resume();
        this.send(res, 405, status(405, 'MethodNotAllowed', `the server does not allow this method on the requested resource`));
    }
  }

  private staticDocument(req: IncomingMessage, path: string): { body: unknown; contentType: string } | undefined {
    const accept = req.headers.accept ?? '';
    const aggregated = accept.includes('as=APIGroupDiscoveryList') && accept.includes('g=apidiscovery.k8s.io') && accept.includes('v=v2');
    switch (path) {
      case '/version':
        return { body: SERVER_VERSION, contentType: 'application/json' };
      case '/api':
        return aggregated ? { body: aggregatedDiscovery(true), contentType: AGGREGATED_CONTENT_TYPE } : { body: apiVersions(`127.0.0.1:${this.port}`), contentType: 'application/json' };
      case '/apis':
        return aggregated ? { body: aggregatedDiscovery(false), contentType: AGGREGATED_CONTENT_TYPE } : { body: apiGroupList(), contentType: 'application/json' };
      case '/api/v1': {
        const l = apiResourceList('', 'v1');
        return l && { body: l, contentType: 'application/json' };
      }
      case '/openapi/v3':
        return { body: openApiV3Root(), contentType: 'application/json' };
    }
    if (path.startsWith('/openapi/v3/')) {
      const doc = openApiV3Document(path);
      return doc && { body: doc, contentType: 'application/json' };
    }
    let m = path.match(/^\/apis\/([^/]+)$/);
    if (m) {
      const g = apiGroup(m[1]);
      return g && { body: g, contentType: 'application/json' };
    }
    m = path.match(/^\/apis\/([^/]+)\/([^/]+)$/);
    if (m) {
      const l = apiResourceList(m[1], m[2]);
      return l && { body: l, contentType: 'application/json' };
    }
    return undefined;
  }

  private parseRoute(path: string): Route | undefined {
    const seg = path.split('/').filter(Boolean).map(decodeURIComponent);
    let group: string;
    let version: string;
    let rest: string[];
    if (seg[0] === 'api' && seg.length >= 2) {
      group = '';
      version = seg[1];
      rest = seg.slice(2);
    } else if (seg[0] === 'apis' && seg.length >= 3) {
      group = seg[1];
      version = seg[2];
      rest = seg.slice(3);
    } else return undefined;
    let watchPrefix = false;
    if (rest[0] === 'watch') {
      watchPrefix = true;
      rest = rest.slice(1);
    }
    if (rest.length === 0) return undefined;
    let namespace: string | undefined;
    if (rest[0] === 'namespaces' && rest.length >= 3 && !(rest.length === 3 && (rest[2] === 'status' || rest[2] === 'finalize'))) {
      namespace = rest[1];
      rest = rest.slice(2);
    }
    const [plural, name, subresource, ...more] = rest;
    if (more.length) return undefined;
    const rt = findResource(group, version, plural);
    return { group, version, rt, namespace, name, subresource, watchPrefix, unknownResource: rt ? undefined : group ? `${plural}.${group}/${version}` : `${plural}/${version}` };
  }

  private readRaw(req: IncomingMessage): Promise<Buffer> {
    return new Promise((resolve, reject) => {
      const chunks: Buffer[] = [];
      let size = 0;
      req.on('data', (c: Buffer) => {
        size += c.length;
        if (size > MAX_BODY) {
          reject(new ApiError(413, 'RequestEntityTooLarge', `the request body is larger than ${MAX_BODY} bytes`));
          req.destroy();
          return;
        }
        chunks.push(c);
      });
      req.on('end', () => resolve(Buffer.concat(chunks)));
      req.on('error', reject);
    });
  }

  private async readBody(req: IncomingMessage): Promise<unknown> {
    const raw = await this.readRaw(req);
    const ct = (req.headers['content-type'] ?? 'application/json').split(';')[0].trim().toLowerCase();
    if (isKubernetesProtobuf(ct)) {
      try {
        return decodeKubernetesProtobuf(raw);
      } catch (e) {
        throw new ApiError(400, 'BadRequest', e instanceof Error ? e.message : String(e));
      }
    }
    if (raw.length === 0) return {};
    const text = raw.toString('utf8');
    try {
      if (ct === 'application/json' || ct === '') return JSON.parse(text);
      if (ct === 'application/yaml' || ct === 'application/x-yaml') return parseYaml(text);
    } catch (e) {
      throw new ApiError(400, 'BadRequest', `couldn't get version/kind; json parse error: ${e instanceof Error ? e.message : String(e)}`);
    }
    throw new ApiError(415, 'UnsupportedMediaType', `the body of the request was in an unknown format - accepted media types include: application/json, application/yaml, application/vnd.kubernetes.protobuf`);
  }

  /**
   * fieldValidation: Strict refuses unknown fields (400), Warn (the default) answers with a
   * Warning header for each, Ignore drops them silently.
   */
  private checkFields(rt: ResourceType, body: unknown, q: URLSearchParams, res: ServerResponse): void {
    const mode = q.get('fieldValidation') ?? 'Warn';
    if (mode !== 'Strict' && mode !== 'Warn' && mode !== 'Ignore') {
      throw new ApiError(400, 'BadRequest', `fieldValidation: Unsupported value: "${mode}": supported values: "Ignore", "Strict", "Warn"`);
    }
    if (mode === 'Ignore') return;
    const unknown = unknownFields(rt, body);
    if (!unknown.length) return;
    if (mode === 'Strict') throw new ApiError(400, 'BadRequest', `strict decoding error: ${unknown.map((f) => `unknown field "${f}"`).join(', ')}`);
    res.setHeader('Warning', unknown.map((f) => `299 - "unknown field \\"${f}\\""`));
  }

  /** A resourceVersion this server has not reached (a client that talked to another cluster). */
  private checkNotFromTheFuture(rv: string | null): void {
    if (rv && /^\d+$/.test(rv) && Number(rv) > this.opts.api.store.resourceVersion) {
      throw new ApiError(504, 'Timeout', `Timeout: Too large resource version: ${rv}, current: ${this.opts.api.store.resourceVersion}`, {
        causes: [{ reason: 'ResourceVersionTooLarge', message: 'Too large resource version' }],
        retryAfterSeconds: 1,
      });
    }
  }

  private intParam(q: URLSearchParams, name: string): number | undefined {
    const v = q.get(name);
    if (v === null || v === '') return undefined;
    if (!/^-?\d+$/.test(v)) throw new ApiError(400, 'BadRequest', `${name}: Invalid value: "${v}": must be an integer`);
    return Number(v);
  }

  private includeObject(q: URLSearchParams): IncludeObject {
    const v = q.get('includeObject');
    if (v === 'None' || v === 'Object' || v === 'Metadata') return v;
    if (v) throw new ApiError(400, 'BadRequest', `includeObject must be one of None, Metadata, Object (got ${JSON.stringify(v)})`);
    return 'Metadata';
  }

  private renderOne(rt: ResourceType, o: KubeObject, render: Render, q: URLSearchParams): unknown {
    if (render.kind === 'table') {
      return { ...table(rt, [o], this.includeObject(q), { resourceVersion: o.metadata.resourceVersion }), apiVersion: `meta.k8s.io/${render.version}` };
    }
    if (render.kind === 'partial') return { kind: 'PartialObjectMetadata', apiVersion: `meta.k8s.io/${render.version}`, metadata: o.metadata };
    return o;
  }

  private renderList(rt: ResourceType, items: KubeObject[], meta: Record<string, unknown>, render: Render, q: URLSearchParams): unknown {
    if (render.kind === 'table') return { ...table(rt, items, this.includeObject(q), meta), apiVersion: `meta.k8s.io/${render.version}` };
    if (render.kind === 'partial') {
      return {
        kind: 'PartialObjectMetadataList',
        apiVersion: `meta.k8s.io/${render.version}`,
        metadata: meta,
        items: items.map((o) => ({ kind: 'PartialObjectMetadata', apiVersion: `meta.k8s.io/${render.version}`, metadata: o.metadata })),
      };
    }
    return { kind: `${rt.kind}List`, apiVersion: apiVersionOf(rt), metadata: meta, items };
  }

  private watch(req: IncomingMessage, res: ServerResponse, rt: ResourceType, namespace: string | undefined, q: URLSearchParams, render: Render, fieldSelector: string | undefined): void {
    const api = this.opts.api;
    const matcher: Matcher | undefined = api.matcher(rt.key, { labelSelector: q.get('labelSelector') ?? undefined, fieldSelector });
    const bookmarks = q.get('allowWatchBookmarks') === 'true';
    const sendInitial = q.get('sendInitialEvents') === 'true';
    const rvParam = q.get('resourceVersion') ?? '';
    if (sendInitial) {
      if (q.get('resourceVersionMatch') !== 'NotOlderThan') {
        throw new ApiError(422, 'Invalid', 'ListOptions.meta.k8s.io "" is invalid: resourceVersionMatch: Forbidden: sendInitialEvents requires setting resourceVersionMatch to NotOlderThan');
      }
      if (!bookmarks) throw new ApiError(422, 'Invalid', 'ListOptions.meta.k8s.io "" is invalid: allowWatchBookmarks: Forbidden: sendInitialEvents requires setting allowWatchBookmarks to true');
    }
    if (rvParam !== '' && !/^\d+$/.test(rvParam)) throw new ApiError(400, 'BadRequest', `resourceVersion: Invalid value: "${rvParam}": must be a non-negative integer`);
    this.checkNotFromTheFuture(rvParam);
    const include = render.kind === 'table' ? this.includeObject(q) : 'Metadata';
    // Without timeoutSeconds the API server ends a watch after a random 30-60 minutes.
    const timeoutSeconds = this.intParam(q, 'timeoutSeconds');
    const timeoutMs = timeoutSeconds !== undefined ? Math.max(0, timeoutSeconds) * 1000 : (1800 + Math.random() * 1800) * 1000;

    res.writeHead(200, { 'Content-Type': contentTypeOf(render, false), 'Cache-Control': 'no-cache, private', 'Transfer-Encoding': 'chunked' });
    res.flushHeaders();
    const stream = new Stream(res, 'watch');
    this.streams.add(stream);
    let firstTable = true;
    const inNamespace = (o: KubeObject) => namespace === undefined || o.metadata.namespace === namespace;
    const matches = (o: KubeObject | undefined) => o !== undefined && inNamespace(o) && (!matcher || matcher(o));
    const tableCache = new WeakMap<StoreEvent, string>();

    const line = (type: string, object: KubeObject, e?: StoreEvent): string => {
      if (render.kind === 'json') {
        if (e && e.type === type) return eventLine(e);
        return `{"type":"${type}","object":${JSON.stringify(object)}}\n`;
      }
      if (render.kind === 'partial') {
        return `{"type":"${type}","object":${JSON.stringify({ kind: 'PartialObjectMetadata', apiVersion: `meta.k8s.io/${render.version}`, metadata: object.metadata })}}\n`;
      }
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
        stream.write(`${JSON.stringify({ type: 'ERROR', object: status(410, 'Expired', e.message) })}\n`);
        stream.end();
        this.streams.delete(stream);
        return;
      }
      stream.end();
      this.streams.delete(stream);
      throw e;
    }
    stream.onClose(unsubscribe);
    const timeout = setTimeout(() => {
      if (stream.stalled) return;
      if (bookmarks) stream.write(bookmarkLine(lastRv));
      stream.end();
      this.streams.delete(stream);
    }, timeoutMs);
    stream.onClose(() => clearTimeout(timeout));
    if (bookmarks) {
      const iv = setInterval(() => stream.write(bookmarkLine(Math.max(lastRv, api.store.resourceVersion))), this.opts.bookmarkIntervalMs);
      stream.onClose(() => clearInterval(iv));
    }
    const gone = () => {
      stream.end();
      this.streams.delete(stream);
    };
    req.on('close', gone);
    res.on('close', gone);
  }

  private podLog(req: IncomingMessage, res: ServerResponse, namespace: string, name: string, q: URLSearchParams): void {
    const api = this.opts.api;
    const pod = api.get(RESOURCE.pods, namespace, name) as Any;
    const containers: string[] = (pod.spec?.containers ?? []).map((c: Any) => c.name);
    const container = q.get('container') ?? (containers.length === 1 ? containers[0] : undefined);
    if (!container) {
      throw new ApiError(400, 'BadRequest', `a container name must be specified for pod ${name}, choose one of: [${containers.join(' ')}]`);
    }
    if (!containers.includes(container)) throw new ApiError(400, 'BadRequest', `container ${container} is not valid for pod ${name}`);
    const uid = pod.metadata.uid;
    const cs = (pod.status?.containerStatuses ?? []).find((c: Any) => c.name === container);
    const previous = q.get('previous') === 'true';
    const started = cs?.state?.running?.startedAt ?? cs?.state?.terminated?.startedAt ?? cs?.lastState?.terminated?.startedAt;
    if (previous && !cs?.lastState?.terminated) {
      throw new ApiError(400, 'BadRequest', `previous terminated container "${container}" in pod "${name}" not found`);
    }
    if (!started) {
      const reason = cs?.state?.waiting?.reason ?? 'ContainerCreating';
      throw new ApiError(400, 'BadRequest', `container "${container}" in pod "${name}" is waiting to start: ${reason}`);
    }
    const spec = pod.spec.containers.find((c: Any) => c.name === container) ?? {};
    // Containers running a program (curl loops, sleeps…) have what they printed; servers get
    // their image's startup banner.
    const printed = api.logs.get(uid, container, previous);
    const program = printed !== undefined || api.logs.has(uid, container) || programOf(spec) !== undefined;
    const timestamps = q.get('timestamps') === 'true';
    let lines: string[] = program
      ? (printed ?? []).map((l) => `${l.time} ${l.text}`)
      : simulatedLog(String(spec.image ?? ''), started, pod.status?.podIP);
    if (!timestamps) lines = lines.map((l) => l.replace(/^\S+ /, ''));
    const tail = q.get('tailLines');
    if (tail !== null && /^\d+$/.test(tail)) lines = lines.slice(Math.max(0, lines.length - Number(tail)));
    const text = lines.map((l) => `${l}\n`).join('');
    if (q.get('follow') !== 'true' || previous || !cs?.state?.running) {
      this.send(res, 200, text, 'text/plain');
      return;
    }
    res.writeHead(200, { 'Content-Type': 'text/plain', 'Transfer-Encoding': 'chunked' });
    res.write(text);
    const stream = new Stream(res, 'log');
    this.streams.add(stream);
    const gone = () => {
      stream.end();
      this.streams.delete(stream);
    };
    stream.onClose(api.logs.onAppend((u, c, line) => {
      if (u === uid && c === container) stream.write(`${timestamps ? `${line.time} ` : ''}${line.text}\n`);
    }));
    // Follow ends when the container stops running (exit, restart, Pod deleted), like the kubelet's.
    stream.onClose(
      api.store.watch(RESOURCE.pods, api.store.resourceVersion, (e) => {
        if (e.object.metadata.uid !== uid) return;
        const now = ((e.object as Any).status?.containerStatuses ?? []).find((c: Any) => c.name === container);
        if (e.type === 'DELETED' || !now?.state?.running) gone();
      }),
    );
    req.on('close', gone);
  }

}

/** What the container would have printed: the image's startup banner (nginx for nginx images). */
function simulatedLog(image: string, startedAt: string, podIp?: string): string[] {
  const t = Date.parse(startedAt);
  const ts = (ms: number) => new Date(t + ms).toISOString().replace('Z', '000000Z');
  const nginxTime = (ms: number) => new Date(t + ms).toISOString().slice(0, 19).replace('T', ' ').replace(/-/g, '/');
  if (/(^|\/)nginx(:|@|$)/.test(image)) {
    const version = image.includes(':') ? image.split(':').pop() : '1.27';
    return [
      `${ts(0)} /docker-entrypoint.sh: /docker-entrypoint.d/ is not empty, will attempt to perform configuration`,
      `${ts(1)} /docker-entrypoint.sh: Looking for shell scripts in /docker-entrypoint.d/`,
      `${ts(2)} /docker-entrypoint.sh: Launching /docker-entrypoint.d/10-listen-on-ipv6-by-default.sh`,
      `${ts(5)} 10-listen-on-ipv6-by-default.sh: info: Getting the checksum of /etc/nginx/conf.d/default.conf`,
      `${ts(9)} 10-listen-on-ipv6-by-default.sh: info: Enabled listen on IPv6 in /etc/nginx/conf.d/default.conf`,
      `${ts(10)} /docker-entrypoint.sh: Sourcing /docker-entrypoint.d/15-local-resolvers.envsh`,
      `${ts(11)} /docker-entrypoint.sh: Launching /docker-entrypoint.d/20-envsubst-on-templates.sh`,
      `${ts(14)} /docker-entrypoint.sh: Launching /docker-entrypoint.d/30-tune-worker-processes.sh`,
      `${ts(16)} /docker-entrypoint.sh: Configuration complete; ready for start up`,
      `${ts(20)} ${nginxTime(20)} [notice] 1#1: using the "epoll" event method`,
      `${ts(20)} ${nginxTime(20)} [notice] 1#1: nginx/${version}`,
      `${ts(21)} ${nginxTime(21)} [notice] 1#1: OS: Linux 6.8.0-pod-ip-lens`,
      `${ts(22)} ${nginxTime(22)} [notice] 1#1: start worker processes`,
      `${ts(22)} ${nginxTime(22)} [notice] 1#1: start worker process 29`,
    ];
  }
  return [`${ts(0)} container started from ${image}${podIp ? ` on ${podIp}` : ''} (simulated by the Pod IP Lens demo cluster)`];
}
