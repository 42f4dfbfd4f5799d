// Content negotiation: which representation a GET asked for (plain JSON, a meta.k8s.io Table,
// PartialObjectMetadata), and rendering objects and lists in it.
import { ApiError, KubeObject } from '../store';
import { ResourceType, apiVersionOf } from '../resources';
import { IncludeObject, table } from '../tables';

export type Render = { kind: 'json' } | { kind: 'table'; version: string; include: IncludeObject } | { kind: 'partial'; version: string };

export const ACCEPTED_MEDIA_TYPES = 'application/json, application/json;as=Table;v=v1;g=meta.k8s.io, application/json;as=PartialObjectMetadata;v=v1;g=meta.k8s.io';

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

export function contentTypeOf(render: Render, list: boolean): string {
  if (render.kind === 'table') return `application/json;as=Table;v=${render.version};g=meta.k8s.io`;
  if (render.kind === 'partial') return `application/json;as=PartialObjectMetadata${list ? 'List' : ''};v=${render.version};g=meta.k8s.io`;
  return 'application/json';
}

export function includeObject(q: URLSearchParams): IncludeObject {
  const v = q.get('includeObject');
  if (v === 'None' || v === 'Object' || v === 'Metadata') return v;
  if (v) throw new ApiError(400, 'BadRequest', `includeObject must be one of None, Metadata, Object (got ${JSON.stringify(v)})`);
  return 'Metadata';
}

export function partialOf(o: KubeObject, version: string): Record<string, unknown> {
  return { kind: 'PartialObjectMetadata', apiVersion: `meta.k8s.io/${version}`, metadata: o.metadata };
}

export function renderOne(rt: ResourceType, o: KubeObject, render: Render, q: URLSearchParams): unknown {
  if (render.kind === 'table') {
    return { ...table(rt, [o], includeObject(q), { resourceVersion: o.metadata.resourceVersion }), apiVersion: `meta.k8s.io/${render.version}` };
  }
  if (render.kind === 'partial') return partialOf(o, render.version);
  return o;
}

export function renderList(rt: ResourceType, items: KubeObject[], meta: Record<string, unknown>, render: Render, q: URLSearchParams): unknown {
  if (render.kind === 'table') return { ...table(rt, items, includeObject(q), meta), apiVersion: `meta.k8s.io/${render.version}` };
  if (render.kind === 'partial') {
    return { kind: 'PartialObjectMetadataList', apiVersion: `meta.k8s.io/${render.version}`, metadata: meta, items: items.map((o) => partialOf(o, render.version)) };
  }
  return { kind: `${rt.kind}List`, apiVersion: apiVersionOf(rt), metadata: meta, items };
}
