// The EndpointSlice controller (and the legacy Endpoints one): each Service with a selector gets
// a slice listing the Pods it selects that have an IP, with ready/serving/terminating conditions.
import { KubeObject, StoreEvent, nowTimestamp, randomSuffix } from '../store';
import { RESOURCE } from '../resources';
import { ControllerContext } from './context';
import { WorkQueue } from './queue';
import { isReady } from './kubelet';
import { canonical } from './deployment';
import type { EndpointSlice, Endpoints, Pod, Service, ServicePort } from '../objects';

const MANAGED_BY = 'endpointslice.kubernetes.io/managed-by';
const CONTROLLER = 'endpointslice-controller.k8s.io';
const SERVICE_NAME = 'kubernetes.io/service-name';

function selects(svc: Service, pod: KubeObject): boolean {
  const sel = svc.spec?.selector;
  if (!sel || !Object.keys(sel).length) return false;
  return Object.entries(sel).every(([k, v]) => pod.metadata.labels?.[k] === v);
}

function resolvePort(svcPort: ServicePort, pod: Pod): number | undefined {
  const tp = svcPort.targetPort ?? svcPort.port;
  if (typeof tp === 'number') return tp;
  if (/^\d+$/.test(String(tp))) return Number(tp);
  for (const c of pod.spec?.containers ?? []) for (const p of c.ports ?? []) if (p.name === tp) return p.containerPort;
  return undefined;
}

export class EndpointsController {
  private readonly queue: WorkQueue;

  constructor(private readonly ctx: ControllerContext) {
    this.queue = new WorkQueue(ctx.timers, 'endpointslice', (k) => this.sync(k), ctx.log);
  }

  resume(): void {
    for (const s of this.ctx.api.store.list(RESOURCE.services).items) this.queue.add(`${s.metadata.namespace}/${s.metadata.name}`);
  }

  handle(e: StoreEvent): void {
    const { store } = this.ctx.api;
    if (e.resource === RESOURCE.services) {
      this.queue.add(`${e.object.metadata.namespace}/${e.object.metadata.name}`);
    } else if (e.resource === RESOURCE.pods) {
      const pod = e.object;
      for (const svc of store.list(RESOURCE.services, pod.metadata.namespace).items as Service[]) {
        if (selects(svc, pod) || (e.previous && selects(svc, e.previous))) this.queue.add(`${svc.metadata.namespace}/${svc.metadata.name}`);
      }
    } else if (e.resource === RESOURCE.endpointslices && e.type === 'DELETED') {
      const svc = e.object.metadata.labels?.[SERVICE_NAME];
      if (svc && e.object.metadata.labels?.[MANAGED_BY] === CONTROLLER) this.queue.add(`${e.object.metadata.namespace}/${svc}`);
    }
  }

  private sync(key: string): void {
    const [ns, name] = key.split('/');
    const { api } = this.ctx;
    const svc = api.store.get(RESOURCE.services, ns, name) as Service | undefined;
    const slices = (api.store.list(RESOURCE.endpointslices, ns).items as EndpointSlice[]).filter(
      (s) => s.metadata.labels?.[SERVICE_NAME] === name && s.metadata.labels?.[MANAGED_BY] === CONTROLLER,
    );
    if (!svc || !svc.spec?.selector || svc.spec.type === 'ExternalName') {
      // The garbage collector removes slices of deleted Services through their ownerReference.
      return;
    }
    const pods = (api.store.list(RESOURCE.pods, ns).items as Pod[]).filter((p) => selects(svc, p) && p.status?.podIP && p.status?.phase !== 'Succeeded' && p.status?.phase !== 'Failed');
    const svcPorts: ServicePort[] = svc.spec.ports ?? [];
    // Like the EndpointSlice controller, a Service selecting no Pod gets a slice without ports.
    const ports = pods.length ? svcPorts.map((sp) => ({ name: sp.name ?? '', port: resolvePort(sp, pods[0]) ?? null, protocol: sp.protocol ?? 'TCP' })) : [];
    const endpoints = pods
      .sort((a, b) => a.metadata.name.localeCompare(b.metadata.name))
      .map((p) => {
        const terminating = !!p.metadata.deletionTimestamp;
        const ready = isReady(p);
        return {
          addresses: [p.status!.podIP!], // selected above: Pods with an IP
          conditions: { ready: ready && !terminating, serving: ready, terminating },
          nodeName: p.spec.nodeName,
          targetRef: { kind: 'Pod', namespace: ns, name: p.metadata.name, uid: p.metadata.uid },
        };
      });
    const owner = [{ apiVersion: 'v1', kind: 'Service', name, uid: svc.metadata.uid, controller: true, blockOwnerDeletion: true }];
    const desired = { addressType: 'IPv4', endpoints, ports };
    const existing = slices[0];
    if (!existing) {
      api.create(RESOURCE.endpointslices, ns, {
        apiVersion: 'discovery.k8s.io/v1',
        kind: 'EndpointSlice',
        metadata: {
          name: `${name}-${randomSuffix()}`,
          namespace: ns,
          labels: { [SERVICE_NAME]: name, [MANAGED_BY]: CONTROLLER, ...(svc.metadata.labels ?? {}) },
          annotations: { 'endpoints.kubernetes.io/last-change-trigger-time': nowTimestamp() },
          generateName: `${name}-`,
          ownerReferences: owner,
        },
        ...desired,
      });
    } else if (canonical({ a: existing.addressType, e: existing.endpoints ?? [], p: existing.ports }) !== canonical({ a: desired.addressType, e: desired.endpoints, p: desired.ports })) {
      api.store.update(RESOURCE.endpointslices, {
        ...existing,
        metadata: { ...existing.metadata, annotations: { ...existing.metadata.annotations, 'endpoints.kubernetes.io/last-change-trigger-time': nowTimestamp() } },
        endpoints: desired.endpoints.length ? desired.endpoints : undefined,
        ports: desired.ports,
      });
    }
    for (const extra of slices.slice(1)) api.store.delete(RESOURCE.endpointslices, ns, extra.metadata.name);
    this.syncEndpoints(svc, pods, svcPorts);
  }

  private syncEndpoints(svc: Service, pods: Pod[], svcPorts: ServicePort[]): void {
    const { api } = this.ctx;
    const ns = svc.metadata.namespace;
    const name = svc.metadata.name;
    const addr = (p: Pod) => ({ ip: p.status!.podIP!, nodeName: p.spec.nodeName, targetRef: { kind: 'Pod', namespace: ns, name: p.metadata.name, uid: p.metadata.uid } });
    const live = pods.filter((p) => !p.metadata.deletionTimestamp);
    const ready = live.filter(isReady).map(addr);
    const notReady = live.filter((p) => !isReady(p)).map(addr);
    const ports = svcPorts.map((sp) => ({ ...(sp.name ? { name: sp.name } : {}), port: live.length ? resolvePort(sp, live[0]) ?? sp.port : sp.port, protocol: sp.protocol ?? 'TCP' }));
    const subsets = ready.length || notReady.length ? [{ ...(ready.length ? { addresses: ready } : {}), ...(notReady.length ? { notReadyAddresses: notReady } : {}), ports }] : undefined;
    const cur = api.store.get(RESOURCE.endpoints, ns, name) as Endpoints | undefined;
    const body = {
      apiVersion: 'v1',
      kind: 'Endpoints',
      metadata: { name, namespace: ns, labels: { ...(svc.metadata.labels ?? {}) }, annotations: { 'endpoints.kubernetes.io/last-change-trigger-time': nowTimestamp() } },
      ...(subsets ? { subsets } : {}),
    };
    if (!cur) api.create(RESOURCE.endpoints, ns, body);
    else if (canonical(cur.subsets ?? null) !== canonical(body.subsets ?? null)) api.store.update(RESOURCE.endpoints, { ...body, metadata: { ...cur.metadata, annotations: body.metadata.annotations } });
  }
}
