// Routing: the REST paths of the Kubernetes API (`/api/v1/namespaces/x/pods/y/status`), the
// static documents (discovery, /version, OpenAPI), and the verbs on a resource. Parsing and
// rendering happen here; what a verb does is DemoApi's business.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ApiError, KubeObject } from '../store';
import { RESOURCE_BY_KEY, ResourceType, findResource } from '../resources';
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
} from '../discovery';
import { unknownFields } from '../fields';
import { decodeDeleteOptions, decodeObject, decodePatch, readRaw } from './body';
import { ACCEPTED_MEDIA_TYPES, contentTypeOf, negotiate, renderList, renderOne } from './negotiate';
import { boolParam, dryRunParam, intParam } from './query';
import { send, status, success } from './respond';
import { HttpContext } from './streams';
import { checkNotFromTheFuture, serveWatch } from './watch';
import { servePodLog } from './logs';

/* eslint-disable @typescript-eslint/no-explicit-any */
type Any = any;

export interface Route {
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

/** Pod subresources that are connections to a container rather than objects. */
export const POD_CONNECT_SUBRESOURCES = ['exec', 'attach', 'portforward', 'proxy'];
const POD_EXTRA_SUBRESOURCES = ['eviction', 'binding', 'ephemeralcontainers', ...POD_CONNECT_SUBRESOURCES];

export function parseRoute(path: string): Route | undefined {
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

export function staticDocument(ctx: HttpContext, req: IncomingMessage, path: string): { body: unknown; contentType: string } | undefined {
  const accept = req.headers.accept ?? '';
  const aggregated = accept.includes('as=APIGroupDiscoveryList') && accept.includes('g=apidiscovery.k8s.io') && accept.includes('v=v2');
  switch (path) {
    case '/version':
      return { body: SERVER_VERSION, contentType: 'application/json' };
    case '/api':
      return aggregated ? { body: aggregatedDiscovery(true), contentType: AGGREGATED_CONTENT_TYPE } : { body: apiVersions(`127.0.0.1:${ctx.port()}`), contentType: 'application/json' };
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

const NOT_FOUND = 'the server could not find the requested resource';

/**
 * fieldValidation: Strict refuses unknown fields (400), Warn (the default) answers with a
 * Warning header for each, Ignore drops them silently.
 */
function checkFields(rt: ResourceType, body: unknown, q: URLSearchParams, res: ServerResponse): void {
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

/** Handlers for the Pod subresources that connect to a container (exec, attach, portforward). */
export type ConnectHandler = (req: IncomingMessage, res: ServerResponse, route: Route & { rt: ResourceType; namespace: string; name: string; subresource: string }, q: URLSearchParams) => void;

export async function serveRest(ctx: HttpContext, req: IncomingMessage, res: ServerResponse, url: URL, path: string, connect: ConnectHandler): Promise<void> {
  const method = req.method ?? 'GET';
  if (method === 'GET') {
    const doc = staticDocument(ctx, req, path);
    if (doc) {
      send(res, 200, doc.body, doc.contentType);
      return;
    }
  }
  const route = parseRoute(path);
  if (!route || !route.rt) {
    req.resume();
    send(res, 404, status(404, 'NotFound', `${NOT_FOUND}${route?.unknownResource ? ` (${route.unknownResource} is not served by the Pod IP Lens demo cluster)` : ''}`));
    return;
  }
  const q = url.searchParams;
  const rt = route.rt;
  const api = ctx.api;
  const ns = rt.namespaced ? route.namespace : undefined;
  const sub = route.subresource;
  if ((rt.namespaced && route.name && !route.namespace) || (sub && !(rt.subresources.includes(sub) || (rt.kind === 'Pod' && POD_EXTRA_SUBRESOURCES.includes(sub))))) {
    req.resume();
    send(res, 404, status(404, 'NotFound', NOT_FOUND));
    return;
  }
  if (rt.kind === 'Pod' && sub && POD_CONNECT_SUBRESOURCES.includes(sub)) {
    connect(req, res, { ...route, rt, namespace: route.namespace!, name: route.name!, subresource: sub }, q);
    return;
  }
  if (rt.kind === 'Pod' && sub === 'ephemeralcontainers') {
    req.resume();
    send(res, 400, status(400, 'BadRequest', 'pods/ephemeralcontainers (kubectl debug) is not simulated by the Pod IP Lens demo cluster'));
    return;
  }
  if (rt.createOnly && method !== 'POST') {
    req.resume();
    send(res, 405, status(405, 'MethodNotAllowed', `the server does not allow this method on the requested resource`));
    return;
  }
  const dryRun = dryRunParam(q);
  if (rt.conversion) return serveConverted(ctx, req, res, route, rt, q, dryRun);

  switch (method) {
    case 'GET': {
      const render = negotiate(req.headers.accept);
      if (!render) {
        send(res, 406, status(406, 'NotAcceptable', `only the following media types are accepted: ${ACCEPTED_MEDIA_TYPES}`));
        return;
      }
      if (sub === 'log') return servePodLog(ctx, req, res, ns!, route.name!, q);
      if (sub === 'scale') {
        send(res, 200, api.getScale(rt.key, ns!, route.name!));
        return;
      }
      if (route.watchPrefix || boolParam(q, 'watch')) {
        let fieldSelector = q.get('fieldSelector') ?? undefined;
        if (route.name) fieldSelector = [fieldSelector, `metadata.name=${route.name}`].filter(Boolean).join(',');
        serveWatch(ctx, req, res, rt, route.namespace, q, render, fieldSelector);
        return;
      }
      if (route.name) {
        send(res, 200, renderOne(rt, api.get(rt.key, ns, route.name), render, q), contentTypeOf(render, false));
        return;
      }
      checkNotFromTheFuture(ctx, q.get('resourceVersion'));
      const list = api.list(rt.key, route.namespace, {
        labelSelector: q.get('labelSelector') ?? undefined,
        fieldSelector: q.get('fieldSelector') ?? undefined,
        limit: intParam(q, 'limit'),
        continue: q.get('continue') ?? undefined,
      });
      const meta: Record<string, unknown> = { resourceVersion: list.resourceVersion };
      if (list.continue) {
        meta.continue = list.continue;
        meta.remainingItemCount = list.remainingItemCount;
      }
      send(res, 200, renderList(rt, list.items, meta, render, q), contentTypeOf(render, true));
      return;
    }
    case 'POST': {
      const body = decodeObject(req.headers['content-type'], await readRaw(req)) as Any;
      if (route.name && sub === 'eviction') {
        api.evict(ns!, route.name, { gracePeriodSeconds: body?.deleteOptions?.gracePeriodSeconds, dryRun });
        send(res, 201, success(201));
        return;
      }
      if (route.name && sub === 'token' && rt.kind === 'ServiceAccount') {
        send(res, 201, api.createToken(ns!, route.name, body));
        return;
      }
      if (route.name && sub === 'binding') {
        api.bind(ns!, route.name, body?.target?.name);
        send(res, 201, success(201));
        return;
      }
      if (route.name) throw new ApiError(405, 'MethodNotAllowed', `POST is not supported on a single ${rt.singular}`);
      checkFields(rt, body, q, res);
      if (rt.createOnly) {
        send(res, 201, api.review(rt.key, body as KubeObject));
        return;
      }
      send(res, 201, api.create(rt.key, ns, body as KubeObject, { dryRun, fieldManager: q.get('fieldManager') ?? undefined }));
      return;
    }
    case 'PUT': {
      const body = decodeObject(req.headers['content-type'], await readRaw(req)) as Any;
      if (!route.name) throw new ApiError(405, 'MethodNotAllowed', `PUT needs an object name`);
      if (sub === 'scale') {
        send(res, 200, api.updateScale(rt.key, ns!, route.name, body, { dryRun }));
        return;
      }
      if (sub === 'finalize' && rt.kind === 'Namespace') {
        send(res, 200, api.finalizeNamespace(route.name, body?.spec?.finalizers));
        return;
      }
      if (!sub) checkFields(rt, body, q, res);
      send(res, 200, api.update(rt.key, ns, route.name, body, { dryRun, subresource: sub }));
      return;
    }
    case 'PATCH': {
      if (!route.name) throw new ApiError(405, 'MethodNotAllowed', `PATCH needs an object name`);
      const { type, patch } = decodePatch(req.headers['content-type'], await readRaw(req));
      if (type !== 'json' && !sub) checkFields(rt, patch, q, res);
      if (sub === 'scale') {
        send(res, 200, api.patchScale(rt.key, ns!, route.name, type, patch, { dryRun }));
        return;
      }
      if (type === 'apply') {
        const { object, created } = api.apply(rt.key, ns, route.name, patch, { dryRun, subresource: sub });
        send(res, created ? 201 : 200, object);
        return;
      }
      send(res, 200, api.patch(rt.key, ns, route.name, type, patch, { dryRun, subresource: sub }));
      return;
    }
    case 'DELETE': {
      const opts: Any = decodeDeleteOptions(req.headers['content-type'], await readRaw(req));
      if (q.get('gracePeriodSeconds') !== null) opts.gracePeriodSeconds = intParam(q, 'gracePeriodSeconds');
      if (q.get('propagationPolicy')) opts.propagationPolicy = q.get('propagationPolicy');
      const del = {
        gracePeriodSeconds: opts.gracePeriodSeconds,
        propagationPolicy: opts.propagationPolicy ?? (opts.orphanDependents ? 'Orphan' : undefined),
        preconditions: opts.preconditions,
        dryRun: dryRun || (Array.isArray(opts.dryRun) && opts.dryRun.includes('All')),
      };
      if (!route.name) {
        api.deleteCollection(rt.key, route.namespace, { labelSelector: q.get('labelSelector') ?? undefined, fieldSelector: q.get('fieldSelector') ?? undefined }, del);
        send(res, 200, { ...success(200, { kind: rt.plural, group: rt.group || undefined }), code: undefined });
        return;
      }
      const { object, gone } = api.delete(rt.key, ns, route.name, del);
      if (gone && rt.kind !== 'Pod') {
        send(res, 200, { ...success(200, { name: route.name, group: rt.group || undefined, kind: rt.plural, uid: object.metadata.uid }), code: undefined });
      } else send(res, 200, object);
      return;
    }
    default:
      req.resume();
      send(res, 405, status(405, 'MethodNotAllowed', `the server does not allow this method on the requested resource`));
  }
}

/**
 * A version served by conversion (autoscaling/v1 HorizontalPodAutoscalers): created, read and
 * deleted through the stored version; changing or watching them is left to the stored one.
 */
async function serveConverted(ctx: HttpContext, req: IncomingMessage, res: ServerResponse, route: Route, rt: ResourceType, q: URLSearchParams, dryRun: boolean): Promise<void> {
  const conv = rt.conversion!;
  const storage = RESOURCE_BY_KEY.get(conv.storage)!;
  const api = ctx.api;
  const ns = route.namespace;
  const method = req.method ?? 'GET';
  const watching = route.watchPrefix || boolParam(q, 'watch');
  if (method === 'GET' && !route.subresource && !watching) {
    const render = negotiate(req.headers.accept);
    if (!render) {
      send(res, 406, status(406, 'NotAcceptable', `only the following media types are accepted: ${ACCEPTED_MEDIA_TYPES}`));
      return;
    }
    // Table cells come from the stored version; objects in rows are converted like the rest.
    const rows = (t: unknown): unknown => {
      for (const r of (t as { rows?: { object?: KubeObject }[] }).rows ?? []) if (r.object?.kind === rt.kind) r.object = conv.fromStorage(r.object);
      return t;
    };
    if (route.name) {
      const o = api.get(conv.storage, ns, route.name);
      send(res, 200, render.kind === 'json' ? conv.fromStorage(o) : rows(renderOne(storage, o, render, q)), contentTypeOf(render, false));
      return;
    }
    const list = api.list(conv.storage, ns, { labelSelector: q.get('labelSelector') ?? undefined, fieldSelector: q.get('fieldSelector') ?? undefined });
    const meta = { resourceVersion: list.resourceVersion };
    send(res, 200, render.kind === 'json' ? renderList(rt, list.items.map(conv.fromStorage), meta, render, q) : rows(renderList(storage, list.items, meta, render, q)), contentTypeOf(render, true));
    return;
  }
  if (method === 'POST' && !route.name) {
    const body = decodeObject(req.headers['content-type'], await readRaw(req)) as KubeObject;
    if (!body || typeof body !== 'object' || Array.isArray(body)) throw new ApiError(400, 'BadRequest', 'the request body must be an object');
    const created = api.create(conv.storage, ns, conv.toStorage({ ...body, apiVersion: body.apiVersion ?? `${rt.group}/${rt.version}` }), { dryRun, fieldManager: q.get('fieldManager') ?? undefined });
    send(res, 201, conv.fromStorage(created));
    return;
  }
  if (method === 'DELETE' && route.name) {
    req.resume();
    const { object } = api.delete(conv.storage, ns, route.name, { dryRun });
    send(res, 200, { ...success(200, { name: route.name, group: rt.group, kind: rt.plural, uid: object.metadata.uid }), code: undefined });
    return;
  }
  req.resume();
  const stored = `${storage.group}/${storage.version}`;
  send(res, 405, status(405, 'MethodNotAllowed', `${rt.plural}.${rt.group}/${rt.version} can be created, read and deleted in the Pod IP Lens demo cluster; ${watching ? 'watch' : 'change'} them through ${stored}`));
}
