// The cluster's network as containers see it, read from the store: who holds a Pod IP now,
// Services by name and ClusterIP, their ready endpoints, node addresses. Shared by the kubelet
// simulation (container programs) and by `kubectl exec` / `port-forward`.
import type { Store } from './store';
import { RESOURCE } from './resources';
import type { NetworkView } from './controllers/programs';
import { labelSelectorMatches } from './selectors';
import type { Node, Pod, Service } from './objects';

const running = (p: Pod) => p.status?.phase === 'Running' && (p.status.containerStatuses ?? []).some((cs) => cs.state?.running);
const isReady = (p: Pod) => (p.status?.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True');
/** A finished Pod's sandbox is gone and its IP back in the pool, though its status still shows it. */
const hasSandbox = (p: Pod) => p.status?.phase !== 'Succeeded' && p.status?.phase !== 'Failed';

export function clusterNetwork(store: Store): NetworkView {
  return {
    podByIp: (ip) => {
      for (const p of store.list(RESOURCE.pods).items as Pod[]) {
        if (p.spec?.hostNetwork || !hasSandbox(p)) continue;
        if ((p.status?.podIPs ?? []).some((x) => x.ip === ip) || p.status?.podIP === ip) return { pod: p, ready: running(p) };
      }
      return undefined;
    },
    serviceByIp: (ip) => (store.list(RESOURCE.services).items as Service[]).find((x) => (x.spec?.clusterIPs ?? []).includes(ip)),
    serviceByName: (name, ns) => store.get(RESOURCE.services, ns, name) as Service | undefined,
    podByHostname: (hostname, subdomain, ns) => {
      const p = (store.list(RESOURCE.pods, ns).items as Pod[]).find((x) => x.spec?.hostname === hostname && x.spec?.subdomain === subdomain && !x.metadata.deletionTimestamp);
      if (!p || !p.status?.podIP) return undefined;
      return { pod: p, ready: running(p) };
    },
    readyEndpoints: (svc) => {
      const selector = svc.spec?.selector;
      return selector ? (store.list(RESOURCE.pods, svc.metadata.namespace).items as Pod[]).filter((p) => !p.metadata.deletionTimestamp && isReady(p) && labelSelectorMatches({ matchLabels: selector }, p.metadata.labels)) : [];
    },
    nodeIps: () =>
      (store.list(RESOURCE.nodes).items as Node[]).flatMap((n) => (n.status?.addresses ?? []).filter((a) => a.type === 'InternalIP').map((a) => a.address)),
  };
}
