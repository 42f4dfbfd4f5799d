// The cluster's network as containers see it, read from the store: who holds a Pod IP now,
// Services by name and ClusterIP, their ready endpoints, node addresses. Shared by the kubelet
// simulation (container programs) and by `kubectl exec` / `port-forward`.
import type { Store } from './store';
import { RESOURCE } from './resources';
import type { NetworkView } from './controllers/programs';
import { labelSelectorMatches } from './selectors';

/* eslint-disable @typescript-eslint/no-explicit-any */
type Any = any;

const running = (p: Any) => p.status?.phase === 'Running' && (p.status.containerStatuses ?? []).some((cs: Any) => cs.state?.running);
const isReady = (p: Any) => (p.status?.conditions ?? []).some((c: Any) => c.type === 'Ready' && c.status === 'True');
/** A finished Pod's sandbox is gone and its IP back in the pool, though its status still shows it. */
const hasSandbox = (p: Any) => p.status?.phase !== 'Succeeded' && p.status?.phase !== 'Failed';

export function clusterNetwork(store: Store): NetworkView {
  return {
    podByIp: (ip) => {
      for (const p of store.list(RESOURCE.pods).items as Any[]) {
        if (p.spec?.hostNetwork || !hasSandbox(p)) continue;
        if ((p.status?.podIPs ?? []).some((x: Any) => x.ip === ip) || p.status?.podIP === ip) return { pod: p, ready: running(p) };
      }
      return undefined;
    },
    serviceByIp: (ip) => store.list(RESOURCE.services).items.find((x: Any) => (x.spec?.clusterIPs ?? []).includes(ip)),
    serviceByName: (name, ns) => store.get(RESOURCE.services, ns, name),
    podByHostname: (hostname, subdomain, ns) => {
      const p = (store.list(RESOURCE.pods, ns).items as Any[]).find((x) => x.spec?.hostname === hostname && x.spec?.subdomain === subdomain && !x.metadata.deletionTimestamp);
      if (!p || !p.status?.podIP) return undefined;
      return { pod: p, ready: running(p) };
    },
    readyEndpoints: (svc) =>
      svc.spec?.selector
        ? store.list(RESOURCE.pods, svc.metadata.namespace).items.filter((p: Any) => !p.metadata.deletionTimestamp && isReady(p) && labelSelectorMatches({ matchLabels: svc.spec.selector }, p.metadata.labels))
        : [],
    nodeIps: () =>
      (store.list(RESOURCE.nodes).items as Any[]).flatMap((n) => (n.status?.addresses ?? []).filter((a: Any) => a.type === 'InternalIP').map((a: Any) => a.address)),
  };
}
