// What the live-cluster audit reads: paged lists (`limit`/`continue`, so memory stays bounded on
// big clusters) of the workloads and ConfigMaps (Secrets when asked), and the facts that classify
// an IP (Pods' IPs and owners, node addresses and Pod ranges, Service ClusterIPs and ranges). A
// resource the credentials may not list (RBAC) is reported and skipped; the rest goes on.
import { coveringRange, type ClusterFacts, type PodHolder, type ServiceHolder } from '../core/clusterClass';
import { ownerOf, toIso, type PodObject, type ServiceObject } from '../core/lifecycle';
import { parseCidr, type Cidr } from '../core/lint';
import type { KubeObject } from '../core/audit';
import type { KubeClient } from './client';
import { KubeError } from './errors';

export interface ApiResource {
  /** Kind of the items, for messages and reports. */
  kind: string;
  /** Plural resource name, e.g. `deployments`. */
  resource: string;
  /** API group and version path prefix: `/api/v1` or `/apis/apps/v1`. */
  prefix: string;
  group?: string;
}

export const AUDITED: readonly ApiResource[] = [
  { kind: 'Deployment', resource: 'deployments', prefix: '/apis/apps/v1', group: 'apps' },
  { kind: 'StatefulSet', resource: 'statefulsets', prefix: '/apis/apps/v1', group: 'apps' },
  { kind: 'DaemonSet', resource: 'daemonsets', prefix: '/apis/apps/v1', group: 'apps' },
  { kind: 'ReplicaSet', resource: 'replicasets', prefix: '/apis/apps/v1', group: 'apps' },
  { kind: 'CronJob', resource: 'cronjobs', prefix: '/apis/batch/v1', group: 'batch' },
  { kind: 'Job', resource: 'jobs', prefix: '/apis/batch/v1', group: 'batch' },
  { kind: 'Pod', resource: 'pods', prefix: '/api/v1' },
  { kind: 'ConfigMap', resource: 'configmaps', prefix: '/api/v1' },
];
export const SECRETS: ApiResource = { kind: 'Secret', resource: 'secrets', prefix: '/api/v1' };

function collectionPath(r: ApiResource, namespace: string | undefined): string {
  return namespace ? `${r.prefix}/namespaces/${encodeURIComponent(namespace)}/${r.resource}` : `${r.prefix}/${r.resource}`;
}

/**
 * Every item of a collection, a page at a time. A `continue` token that expired mid-way (410)
 * cannot be resumed consistently, so the error says so rather than restarting silently.
 */
export async function* listPaged<T>(client: KubeClient, r: ApiResource, namespace: string | undefined, limit = 500): AsyncGenerator<T[]> {
  let token: string | undefined;
  const get = (continueToken: string | undefined) =>
    client.getJson<{ items?: T[]; metadata?: { continue?: string } }>(collectionPath(r, namespace), { limit, continue: continueToken }, client.requestContext('list', r.resource, r.group, namespace));
  // The next page is on its way while the caller works through this one.
  let next = get(undefined);
  do {
    const res = await next;
    token = res.body.metadata?.continue || undefined;
    if (token) {
      next = get(token);
      next.catch(() => {}); // surfaced by the await above on the next turn
    }
    const items = res.body.items ?? [];
    // Lists leave out each item's kind; put it back so the linter sees the resource kind.
    const apiVersion = r.prefix === '/api/v1' ? 'v1' : r.prefix.replace(/^\/apis\//, '');
    for (const it of items as unknown as KubeObject[]) {
      it.kind ??= r.kind;
      it.apiVersion ??= apiVersion;
    }
    yield items;
  } while (token);
}

const TABLE = 'application/json;as=Table;v=v1;g=meta.k8s.io';

interface PodRow {
  cells: unknown[];
  object?: { metadata?: PodObject['metadata'] };
}

/** Phases (the Table's Status column) in which a Pod no longer holds its IP. */
const DONE = new Set(['Completed', 'Succeeded', 'Failed', 'Error', 'Evicted']);

export interface FactsResult {
  facts: ClusterFacts;
  /** What could not be read, and so is not known (e.g. Pods of other namespaces under RBAC). */
  notes: string[];
  counts: { pods: number; nodes: number; services: number };
  /** Pods that no controller owns (audited themselves), as `namespace/name`. */
  barePods: { namespace: string; name: string }[];
}
interface NodeObject {
  metadata?: { name?: string };
  spec?: { podCIDR?: string; podCIDRs?: string[] };
  status?: { addresses?: { type?: string; address?: string }[] };
}

/** Reads the cluster's Pods, nodes and Services once and answers the classifier's questions from them. */
export async function readClusterFacts(client: KubeClient, namespace: string | undefined): Promise<FactsResult> {
  const notes: string[] = [];
  const pods = new Map<string, PodHolder>();
  const counts = { pods: 0, nodes: 0, services: 0 };
  const networkRead = readNetworkFacts(client, namespace);
  networkRead.catch(() => {}); // awaited below

  // Pods as a Table with their metadata: the IP and node columns and the owners, a quarter of the
  // bytes of the full objects (kubectl get -o wide reads the same).
  const barePods: { namespace: string; name: string }[] = [];
  const podRows = async (ns: string | undefined): Promise<void> => {
    let token: string | undefined;
    do {
      const res = await client.getJson<{ kind?: string; columnDefinitions?: { name: string }[]; rows?: PodRow[]; items?: PodObject[]; metadata?: { continue?: string } }>(
        collectionPath({ kind: 'Pod', resource: 'pods', prefix: '/api/v1' }, ns),
        { limit: 500, continue: token, includeObject: 'Metadata' },
        client.requestContext('list', 'pods', undefined, ns),
        60_000,
        TABLE,
      );
      const body = res.body;
      // A server that answers with a plain PodList (no Table support) is read the same way.
      const rows: { meta?: PodObject['metadata']; ip?: string; node?: string; done: boolean; hostNetwork?: boolean }[] = [];
      if (body.kind === 'Table') {
        const col = (name: string) => (body.columnDefinitions ?? []).findIndex((c) => c.name === name);
        const [ipAt, nodeAt, statusAt] = [col('IP'), col('Node'), col('Status')];
        for (const r of body.rows ?? []) rows.push({ meta: r.object?.metadata, ip: cell(r.cells[ipAt]), node: cell(r.cells[nodeAt]), done: DONE.has(cell(r.cells[statusAt]) ?? '') });
      } else {
        for (const p of body.items ?? []) rows.push({ meta: p.metadata, ip: p.status?.podIP, node: p.spec?.nodeName, done: p.status?.phase === 'Succeeded' || p.status?.phase === 'Failed', hostNetwork: p.spec?.hostNetwork });
      }
      for (const r of rows) {
        counts.pods++;
        const namespace = r.meta?.namespace ?? '';
        const name = r.meta?.name ?? '';
        if (!(r.meta?.ownerReferences ?? []).some((o) => o.controller)) barePods.push({ namespace, name });
        if (!r.ip || r.done || r.hostNetwork) continue;
        pods.set(r.ip, { pod: `${namespace}/${name}`, owner: ownerOf(r.meta?.ownerReferences, r.meta?.labels ?? {}), node: r.node, since: toIso(r.meta?.creationTimestamp) });
      }
      token = body.metadata?.continue || undefined;
    } while (token);
  };
  try {
    await podRows(undefined);
  } catch (e) {
    if (!(e instanceof KubeError && e.kind === 'forbidden') || !namespace) notes.push(`pods: ${(e as Error).message}`);
    else {
      notes.push(`pods: only namespace ${namespace} could be read (${e.message})`);
      try {
        await podRows(namespace);
      } catch (e2) {
        notes.push(`pods: ${(e2 as Error).message}`);
      }
    }
  }
  const net = await networkRead;
  notes.push(...net.notes);
  counts.nodes = net.nodeCount;
  counts.services = net.serviceCount;
  const { nodes, services, podRanges, serviceRanges } = net;
  // A hostNetwork Pod's IP column shows its node's address: that address is the node's, not a Pod's.
  for (const ip of nodes.keys()) pods.delete(ip);

  return {
    facts: {
      podByIp: (ip) => pods.get(ip),
      pastHolders: () => [],
      nodeByIp: (ip) => nodes.get(ip),
      serviceByIp: (ip) => services.get(ip),
      podRanges,
      serviceRanges,
    },
    notes,
    counts,
    barePods,
  };
}

function cell(v: unknown): string | undefined {
  return typeof v === 'string' && v !== '<none>' && v !== '' ? v : undefined;
}

export interface NetworkFacts {
  /** Node addresses (not Hostname) → node and address type. */
  nodes: Map<string, { node: string; type: string }>;
  nodeCount: number;
  /** Service ClusterIPs → the Service. */
  services: Map<string, ServiceHolder>;
  serviceCount: number;
  podRanges: { cidr: Cidr; node?: string }[];
  serviceRanges: Cidr[];
  notes: string[];
}

/**
 * Nodes (addresses, Pod ranges) and Services (ClusterIPs, the Service range: ServiceCIDR objects
 * where served, else the range covering the ClusterIPs). Cluster-wide; when RBAC allows only
 * `namespace`, Services of that namespace, said in a note.
 */
export async function readNetworkFacts(client: KubeClient, namespace?: string): Promise<NetworkFacts> {
  const notes: string[] = [];
  const nodes = new Map<string, { node: string; type: string }>();
  const services = new Map<string, ServiceHolder>();
  const podRanges: { cidr: Cidr; node?: string }[] = [];
  let serviceRanges: Cidr[] = [];
  const counts = { nodes: 0, services: 0 };
  /** Cluster-wide first; when RBAC allows only the namespace, fall back to it and say so. */
  const each = async <T>(r: ApiResource, f: (item: T) => void): Promise<void> => {
    try {
      for await (const page of listPaged<T>(client, r, undefined)) page.forEach(f);
    } catch (e) {
      if (!(e instanceof KubeError && e.kind === 'forbidden') || !namespace) {
        notes.push(`${r.resource}: ${(e as Error).message}`);
        return;
      }
      notes.push(`${r.resource}: only namespace ${namespace} could be read (${e.message})`);
      try {
        for await (const page of listPaged<T>(client, r, namespace)) page.forEach(f);
      } catch (e2) {
        notes.push(`${r.resource}: ${(e2 as Error).message}`);
      }
    }
  };

  await each<NodeObject>({ kind: 'Node', resource: 'nodes', prefix: '/api/v1' }, (n) => {
    counts.nodes++;
    const name = n.metadata?.name ?? '?';
    for (const a of n.status?.addresses ?? []) if (a.address && a.type !== 'Hostname') nodes.set(a.address, { node: name, type: a.type ?? 'address' });
    for (const c of n.spec?.podCIDRs ?? (n.spec?.podCIDR ? [n.spec.podCIDR] : [])) {
      const cidr = parseCidr(c);
      if (cidr) podRanges.push({ cidr, node: name });
    }
  });
  const clusterIPs: string[] = [];
  await each<ServiceObject>({ kind: 'Service', resource: 'services', prefix: '/api/v1' }, (s) => {
    counts.services++;
    const holder: ServiceHolder = {
      namespace: s.metadata?.namespace ?? 'default',
      name: s.metadata?.name ?? '?',
      ports: (s.spec?.ports ?? []).map((p) => ({ name: p.name, port: p.port ?? 0, targetPort: p.targetPort })),
    };
    for (const ip of s.spec?.clusterIPs ?? (s.spec?.clusterIP ? [s.spec.clusterIP] : [])) {
      if (ip === 'None' || ip === '') continue;
      services.set(ip, holder);
      clusterIPs.push(ip);
    }
  });
  // ServiceCIDR objects (Kubernetes 1.31+) say the range; otherwise the range that covers the ClusterIPs.
  try {
    const res = await client.getJson<{ items?: { spec?: { cidrs?: string[] } }[] }>('/apis/networking.k8s.io/v1/servicecidrs', {}, client.requestContext('list', 'servicecidrs', 'networking.k8s.io', undefined));
    serviceRanges = (res.body.items ?? []).flatMap((i) => i.spec?.cidrs ?? []).map((c) => parseCidr(c)).filter((c): c is Cidr => c !== undefined);
  } catch {
    // Not served (or not allowed): derived from the ClusterIPs below.
  }
  if (serviceRanges.length === 0) serviceRanges = coveringRange(clusterIPs);
  return { nodes, nodeCount: counts.nodes, services, serviceCount: counts.services, podRanges, serviceRanges, notes };
}
