// Discovery documents (`/api`, `/apis`, both legacy and aggregated), `/version`, and the OpenAPI
// v3 documents: the schemas `kubectl explain` reads, and what `kubectl apply` needs (see
// test/fixtures/kubectl-wire/README.md: one PATCH operation per kind with its group-version-kind
// and a fieldValidation parameter).
import { createHash } from 'node:crypto';
import { RESOURCE_TYPES, ResourceType, apiGroups, apiVersionOf, groupVersions } from './resources';
import { schemaSet, schemasFor } from './openapi';

export const SERVER_VERSION = {
  major: '1',
  minor: '32',
  gitVersion: 'v1.32.2',
  gitCommit: '67a30c0adcf52bd3f56ff0893ce19966be12991f',
  gitTreeState: 'clean',
  buildDate: '2025-02-12T21:19:47Z',
  goVersion: 'go1.23.6',
  compiler: 'gc',
  platform: 'linux/amd64',
};

const VERBS = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];

function subresourceKind(rt: ResourceType, sub: string): { group: string; version: string; kind: string } {
  if (sub === 'scale') return { group: 'autoscaling', version: 'v1', kind: 'Scale' };
  if (sub === 'eviction') return { group: 'policy', version: 'v1', kind: 'Eviction' };
  if (sub === 'exec') return { group: '', version: 'v1', kind: 'PodExecOptions' };
  if (sub === 'attach') return { group: '', version: 'v1', kind: 'PodAttachOptions' };
  if (sub === 'portforward') return { group: '', version: 'v1', kind: 'PodPortForwardOptions' };
  if (sub === 'token') return { group: 'authentication.k8s.io', version: 'v1', kind: 'TokenRequest' };
  return { group: rt.group, version: rt.version, kind: rt.kind };
}

function subresourceVerbs(sub: string): string[] {
  if (sub === 'log') return ['get'];
  if (sub === 'token') return ['create'];
  if (sub === 'exec' || sub === 'attach' || sub === 'portforward') return ['create', 'get'];
  if (sub === 'eviction') return ['create'];
  if (sub === 'finalize') return ['update'];
  return ['get', 'patch', 'update'];
}

const POD_CONNECT = ['eviction', 'exec', 'attach', 'portforward'];
const verbsOf = (rt: ResourceType): string[] => (rt.createOnly ? ['create'] : VERBS);

function typesOf(group: string, version: string): ResourceType[] {
  return RESOURCE_TYPES.filter((r) => r.group === group && r.version === version);
}

export function apiVersions(serverAddress: string): Record<string, unknown> {
  return { kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress }] };
}

export function apiGroupList(): Record<string, unknown> {
  return {
    kind: 'APIGroupList',
    apiVersion: 'v1',
    groups: apiGroups().map(({ group, versions }) => ({
      name: group,
      versions: versions.map((version) => ({ groupVersion: `${group}/${version}`, version })),
      preferredVersion: { groupVersion: `${group}/${versions[0]}`, version: versions[0] },
    })),
  };
}

export function apiGroup(group: string): Record<string, unknown> | undefined {
  const g = apiGroups().find((x) => x.group === group);
  if (!g) return undefined;
  return {
    kind: 'APIGroup',
    apiVersion: 'v1',
    name: group,
    versions: g.versions.map((version) => ({ groupVersion: `${group}/${version}`, version })),
    preferredVersion: { groupVersion: `${group}/${g.versions[0]}`, version: g.versions[0] },
  };
}

export function apiResourceList(group: string, version: string): Record<string, unknown> | undefined {
  const types = typesOf(group, version);
  if (!types.length) return undefined;
  const resources: Record<string, unknown>[] = [];
  for (const rt of types) {
    resources.push({
      name: rt.plural,
      singularName: rt.singular,
      namespaced: rt.namespaced,
      kind: rt.kind,
      verbs: verbsOf(rt),
      ...(rt.shortNames ? { shortNames: rt.shortNames } : {}),
      ...(rt.categories ? { categories: rt.categories } : {}),
    });
    for (const sub of [...rt.subresources, ...(rt.kind === 'Pod' ? POD_CONNECT : [])]) {
      const k = subresourceKind(rt, sub);
      resources.push({
        name: `${rt.plural}/${sub}`,
        singularName: '',
        namespaced: rt.namespaced,
        ...(k.group !== rt.group || k.version !== rt.version ? { group: k.group, version: k.version } : {}),
        kind: k.kind,
        verbs: subresourceVerbs(sub),
      });
    }
  }
  return { kind: 'APIResourceList', apiVersion: 'v1', groupVersion: group ? `${group}/${version}` : version, resources };
}

export const AGGREGATED_CONTENT_TYPE = 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList';

function aggregatedGroup(group: string, versions: string[]): Record<string, unknown> {
  return {
    metadata: { name: group, creationTimestamp: null },
    versions: versions.map((version) => ({
        version,
        resources: typesOf(group, version).map((rt) => ({
          resource: rt.plural,
          responseKind: { group: rt.group, version: rt.version, kind: rt.kind },
          scope: rt.namespaced ? 'Namespaced' : 'Cluster',
          singularResource: rt.singular,
          verbs: verbsOf(rt),
          ...(rt.shortNames ? { shortNames: rt.shortNames } : {}),
          ...(rt.categories ? { categories: rt.categories } : {}),
          ...(rt.subresources.length || rt.kind === 'Pod'
            ? {
                subresources: [...rt.subresources, ...(rt.kind === 'Pod' ? POD_CONNECT : [])].map((sub) => ({
                  subresource: sub,
                  responseKind: subresourceKind(rt, sub),
                  verbs: subresourceVerbs(sub),
                })),
              }
            : {}),
        })),
        freshness: 'Current',
      })),
  };
}

/** Aggregated discovery (apidiscovery.k8s.io/v2): `/api` holds the core group, `/apis` the others. */
export function aggregatedDiscovery(legacy: boolean): Record<string, unknown> {
  const items = legacy ? [aggregatedGroup('', ['v1'])] : apiGroups().map((g) => aggregatedGroup(g.group, g.versions));
  return { kind: 'APIGroupDiscoveryList', apiVersion: 'apidiscovery.k8s.io/v2', metadata: {}, items };
}

/** The documents, built once: real schemas (see openapi/) and one PATCH operation per kind, which `kubectl apply` reads for its group-version-kind and the fieldValidation parameter. */
const documents = new Map<string, { doc: Record<string, unknown>; hash: string }>();

function documentFor(group: string, version: string): { doc: Record<string, unknown>; hash: string } | undefined {
  const key = `${group}/${version}`;
  const hit = documents.get(key);
  if (hit) return hit;
  const types = typesOf(group, version);
  if (!types.length) return undefined;
  const paths: Record<string, unknown> = {};
  for (const rt of types) {
    if (rt.createOnly) {
      paths[`/apis/${apiVersionOf(rt)}/${rt.plural}`] = { post: { 'x-kubernetes-group-version-kind': { group: rt.group, version: rt.version, kind: rt.kind }, parameters: [{ name: 'fieldValidation', in: 'query', schema: { type: 'string', uniqueItems: true } }], responses: {} } };
      continue;
    }
    const prefix = rt.group ? `/apis/${apiVersionOf(rt)}` : `/api/${rt.version}`;
    const p = rt.namespaced ? `${prefix}/namespaces/{namespace}/${rt.plural}/{name}` : `${prefix}/${rt.plural}/{name}`;
    paths[p] = {
      patch: {
        'x-kubernetes-group-version-kind': { group: rt.group, version: rt.version, kind: rt.kind },
        parameters: [{ name: 'fieldValidation', in: 'query', schema: { type: 'string', uniqueItems: true } }],
        responses: {},
      },
    };
  }
  const set = schemaSet();
  const schemas = set ? schemasFor(set, group, version) : {};
  const doc = { openapi: '3.0.0', info: { title: 'Kubernetes', version: SERVER_VERSION.gitVersion }, components: { schemas }, paths };
  // kubectl caches documents by this hash: it must change when the content does.
  const entry = { doc, hash: createHash('sha512').update(JSON.stringify(doc)).digest('hex').slice(0, 128).toUpperCase() };
  documents.set(key, entry);
  return entry;
}

export function openApiV3Root(): Record<string, unknown> {
  const paths: Record<string, unknown> = {};
  for (const { group, version } of [{ group: '', version: 'v1' }, ...groupVersions()]) {
    const d = documentFor(group, version);
    if (d) paths[group ? `apis/${group}/${version}` : `api/${version}`] = { serverRelativeURL: `/openapi/v3/${group ? `apis/${group}/${version}` : `api/${version}`}?hash=${d.hash}` };
  }
  return { paths };
}

/** `/openapi/v3/api/v1` or `/openapi/v3/apis/<group>/<version>`; undefined for unknown ones. */
export function openApiV3Document(path: string): Record<string, unknown> | undefined {
  const m = path.match(/^\/openapi\/v3\/(?:api\/(v1)|apis\/([^/]+)\/([^/]+))$/);
  if (!m) return undefined;
  return documentFor(m[1] ? '' : m[2], m[1] ?? m[3])?.doc;
}
