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
  do {
    const res = await client.getJson<{ items?: T[]; metadata?: { continue?: string } }>(
      collectionPath(r, namespace),
      { limit, continue: token },
      client.requestContext('list', r.resource, r.group, namespace),
    );
    const items = res.body.items ?? [];
    // Lists leave out each item's kind; put it back so the linter sees the resource kind.
    const apiVersion = r.prefix === '/api/v1' ? 'v1' : r.prefix.replace(/^\/apis\//, '');
    for (const it of items as unknown as KubeObject[]) {
      it.kind ??= r.kind;
      it.apiVersion ??= apiVersion;
    }
    yield items;
    token = res.body.metadata?.continue || undefined;
  } while (token);
}

export interface FactsResult {
  facts: ClusterFacts;
  /** What could not be read, and so is not known (e.g. Pods of other namespaces under RBAC). */
  notes: string[];
  counts: { pods: number; nodes: number; services: number };
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
  const nodes = new Map<string, { node: string; type: string }>();
  const services = new Map<string, ServiceHolder>();
  const podRanges: { cidr: Cidr; node?: string }[] = [];
  let serviceRanges: Cidr[] = [];
  const counts = { pods: 0, nodes: 0, services: 0 };

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

  await each<PodObject>({ kind: 'Pod', resource: 'pods', prefix: '/api/v1' }, (p) => {
    counts.pods++;
    const phase = p.status?.phase;
    if (p.spec?.hostNetwork || phase === 'Succeeded' || phase === 'Failed') return;
    const ips = new Set([...(p.status?.podIPs ?? []).map((x) => x.ip), p.status?.podIP].filter((x): x is string => !!x));
    const labels = p.metadata?.labels ?? {};
    const holder: PodHolder = { pod: `${p.metadata?.namespace ?? ''}/${p.metadata?.name ?? ''}`, owner: ownerOf(p.metadata?.ownerReferences, labels), node: p.spec?.nodeName, since: toIso(p.status?.startTime ?? p.metadata?.creationTimestamp) };
    for (const ip of ips) pods.set(ip, holder);
  });
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
  };
}
