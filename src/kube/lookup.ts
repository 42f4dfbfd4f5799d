// Questions a hover asks about an IP: which Pod has it, which node has it, which Services select a
// Pod. Live watches answer first (no request); otherwise one API request, cached briefly.
import type { PodSummary, ServiceSummary } from '../core/events';
import { LifecycleModel, type PodObject, selectorMatches, type ServiceObject } from '../core/lifecycle';
import type { KubeClient } from './client';
import { KubeError } from './errors';
import type { WatchHub } from './hub';

export interface NodeInfo {
  name: string;
  addresses: { type: string; address: string }[];
  podCIDRs: string[];
}

export class ClusterLookup {
  private readonly cache = new Map<string, { at: number; value: Promise<unknown> }>();

  constructor(
    private readonly client: KubeClient,
    private readonly hub?: WatchHub,
    private readonly ttlMs = 5000,
  ) {}

  /** The live Pod holding `ip` now (hostNetwork Pods share their node's IP and are not returned). */
  async findPodByIp(ip: string): Promise<PodSummary | undefined> {
    // A live watch of every Pod (the IP-history watch) knows the answer, "nobody" included.
    let everyPod = false;
    for (const f of this.hub?.feeds() ?? []) {
      if (f.client.server !== this.client.server || f.scope.context !== this.client.context || f.connection().state !== 'live') continue;
      const p = f.model.podByIp(ip);
      if (p) return p;
      if (f.scope.namespace === undefined && f.scope.labelSelector === '') everyPod = true;
    }
    if (everyPod) return undefined;
    return this.cached(`pod:${ip}`, async () => {
      let items: PodObject[];
      try {
        items = (await this.client.getJson<{ items?: PodObject[] }>('/api/v1/pods', { fieldSelector: `status.podIP=${ip}` }, this.client.requestContext('list', 'pods', undefined, undefined))).body.items ?? [];
      } catch (e) {
        // Servers that do not support this field selector: list and filter here.
        if (!(e instanceof KubeError && e.status === 400)) throw e;
        items = (await this.client.getJson<{ items?: PodObject[] }>('/api/v1/pods', {}, this.client.requestContext('list', 'pods', undefined, undefined))).body.items ?? [];
      }
      const live = items.filter((p) => !p.spec?.hostNetwork && (p.status?.podIPs?.some((x) => x.ip === ip) || p.status?.podIP === ip));
      if (!live.length) return undefined;
      // The model turns the object into the same summary a live watch would give.
      const m = new LifecycleModel({ maxEvents: 100 });
      m.replacePods(live, new Date());
      return m.livePods().find((p) => p.ips.includes(ip));
    });
  }

  async findNodeByIp(ip: string): Promise<NodeInfo | undefined> {
    return this.cached(`node:${ip}`, async () => {
      const res = await this.client.getJson<{ items?: { metadata?: { name?: string }; spec?: { podCIDRs?: string[]; podCIDR?: string }; status?: { addresses?: { type?: string; address?: string }[] } }[] }>(
        '/api/v1/nodes',
        {},
        this.client.requestContext('list', 'nodes', undefined, undefined),
      );
      const n = (res.body.items ?? []).find((x) => x.status?.addresses?.some((a) => a.address === ip));
      if (!n) return undefined;
      return {
        name: n.metadata?.name ?? '',
        addresses: (n.status?.addresses ?? []).map((a) => ({ type: a.type ?? '', address: a.address ?? '' })),
        podCIDRs: n.spec?.podCIDRs ?? (n.spec?.podCIDR ? [n.spec.podCIDR] : []),
      };
    });
  }

  /** Services in the Pod's namespace whose selector matches its labels: what to use instead of its IP. */
  async servicesSelecting(pod: { namespace: string; labels: Record<string, string> }): Promise<ServiceSummary[]> {
    const items = await this.cached(`svc:${pod.namespace}`, async () => {
      const res = await this.client.getJson<{ items?: ServiceObject[] }>(
        `/api/v1/namespaces/${encodeURIComponent(pod.namespace)}/services`,
        {},
        this.client.requestContext('list', 'services', undefined, pod.namespace),
      );
      return res.body.items ?? [];
    });
    return items
      .filter((s) => selectorMatches(s.spec?.selector, pod.labels))
      .map((s) => ({
        namespace: s.metadata?.namespace ?? pod.namespace,
        name: s.metadata?.name ?? '',
        clusterIPs: s.spec?.clusterIPs?.length ? [...s.spec.clusterIPs] : s.spec?.clusterIP ? [s.spec.clusterIP] : [],
        selector: { ...(s.spec?.selector ?? {}) },
        ports: (s.spec?.ports ?? []).map((p) => ({ name: p.name, port: p.port ?? 0, targetPort: p.targetPort, protocol: p.protocol })),
        endpoints: [],
      }));
  }

  private cached<T>(key: string, f: () => Promise<T>): Promise<T> {
    const hit = this.cache.get(key);
    if (hit && Date.now() - hit.at < this.ttlMs) return hit.value as Promise<T>;
    const value = f();
    this.cache.set(key, { at: Date.now(), value });
    // A failure is not cached: the next hover asks again.
    value.catch(() => this.cache.delete(key));
    return value;
  }
}
