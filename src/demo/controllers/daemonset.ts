// The DaemonSet controller: one Pod per node the template fits (taints, nodeSelector), bound to
// its node directly, replaced one node at a time when the template changes (RollingUpdate with
// maxUnavailable 1), and the status `kubectl get ds` and `kubectl drain` read.
import { StoreEvent } from '../store';
import { RESOURCE } from '../resources';
import { ControllerContext } from './context';
import { WorkQueue } from './queue';
import { controllerOf, isActivePod, podFromTemplate } from './replicaset';
import { fits, isReady } from './kubelet';
import { NodeInfo } from './nodes';
import { canonical, podTemplateHash } from './deployment';

/* eslint-disable @typescript-eslint/no-explicit-any */
type Any = any;

const SOURCE = { component: 'daemonset-controller' };
const HASH_LABEL = 'controller-revision-hash';

export class DaemonSetController {
  private readonly queue: WorkQueue;

  constructor(
    private readonly ctx: ControllerContext,
    private readonly nodes: NodeInfo[],
  ) {
    this.queue = new WorkQueue(ctx.timers, 'daemonset', (k) => this.sync(k), ctx.log);
  }

  resume(): void {
    for (const d of this.ctx.api.store.list(RESOURCE.daemonsets).items) this.queue.add(`${d.metadata.namespace}/${d.metadata.name}`);
  }

  handle(e: StoreEvent): void {
    if (e.resource === RESOURCE.daemonsets) this.queue.add(`${e.object.metadata.namespace}/${e.object.metadata.name}`);
    else if (e.resource === RESOURCE.pods) {
      const owner = controllerOf(e.object) ?? (e.previous && controllerOf(e.previous));
      if (owner?.kind === 'DaemonSet') this.queue.add(`${e.object.metadata.namespace}/${owner.name}`);
    } else if (e.resource === RESOURCE.nodes) {
      for (const d of this.ctx.api.store.list(RESOURCE.daemonsets).items) this.queue.add(`${d.metadata.namespace}/${d.metadata.name}`);
    }
  }

  private sync(key: string): void {
    const [ns, name] = key.split('/');
    const { api } = this.ctx;
    const ds = api.store.get(RESOURCE.daemonsets, ns, name) as Any;
    if (!ds || ds.metadata.deletionTimestamp) return;
    const hash = podTemplateHash(canonical(ds.spec.template)).slice(0, 10);
    const owned = (api.store.list(RESOURCE.pods, ns).items as Any[]).filter((p) => controllerOf(p)?.uid === ds.metadata.uid);
    const probe = { spec: ds.spec.template.spec };
    const wanted = this.nodes.filter((n) => {
      const node = api.store.get(RESOURCE.nodes, undefined, n.name) as Any;
      // DaemonSet Pods tolerate a cordon (node.kubernetes.io/unschedulable), so only taints and selectors count.
      const taints = (node?.spec?.taints ?? []).filter((t: Any) => t.key !== 'node.kubernetes.io/unschedulable');
      return node && fits(probe, n, { ...node, spec: { ...node.spec, unschedulable: false, taints } });
    });
    for (const n of wanted) {
      const here = owned.filter((p) => p.spec.nodeName === n.name && isActivePod(p));
      if (here.length === 0 && !owned.some((p) => p.spec.nodeName === n.name && p.metadata.deletionTimestamp)) {
        const pod = api.create(
          RESOURCE.pods,
          ns,
          podFromTemplate(ds, 'DaemonSet', { generateName: `${name}-` }, { [HASH_LABEL]: hash, 'pod-template-generation': String(ds.metadata.generation ?? 1) }, { nodeName: n.name }),
        );
        api.recordEvent(ds, 'Normal', 'SuccessfulCreate', `Created pod: ${pod.metadata.name}`, SOURCE);
      }
    }
    // Pods on nodes the DaemonSet no longer targets go away.
    for (const p of owned) {
      if (!p.metadata.deletionTimestamp && !wanted.some((n) => n.name === p.spec.nodeName)) {
        api.delete(RESOURCE.pods, ns, p.metadata.name, {});
        api.recordEvent(ds, 'Normal', 'SuccessfulDelete', `Deleted pod: ${p.metadata.name}`, SOURCE);
      }
    }
    // Rolling update: replace one outdated Pod at a time, once every other Pod is ready.
    const active = owned.filter(isActivePod);
    const outdated = active.filter((p) => p.metadata.labels?.[HASH_LABEL] !== hash);
    const unavailable = wanted.length - active.filter(isReady).length;
    if (outdated.length && unavailable <= 0 && ds.spec.updateStrategy?.type !== 'OnDelete') {
      api.delete(RESOURCE.pods, ns, outdated[0].metadata.name, {});
      api.recordEvent(ds, 'Normal', 'SuccessfulDelete', `Deleted pod: ${outdated[0].metadata.name}`, SOURCE);
    }
    const now = (api.store.list(RESOURCE.pods, ns).items as Any[]).filter((p) => controllerOf(p)?.uid === ds.metadata.uid && isActivePod(p));
    const status: Any = {
      currentNumberScheduled: now.filter((p) => wanted.some((n) => n.name === p.spec.nodeName)).length,
      numberMisscheduled: now.filter((p) => !wanted.some((n) => n.name === p.spec.nodeName)).length,
      desiredNumberScheduled: wanted.length,
      numberReady: now.filter(isReady).length,
      observedGeneration: ds.metadata.generation,
      updatedNumberScheduled: now.filter((p) => p.metadata.labels?.[HASH_LABEL] === hash).length,
      numberAvailable: now.filter(isReady).length,
    };
    if (status.desiredNumberScheduled > status.numberAvailable) status.numberUnavailable = status.desiredNumberScheduled - status.numberAvailable;
    for (const k of ['updatedNumberScheduled', 'numberAvailable']) if (!status[k]) delete status[k];
    const latest = api.store.get(RESOURCE.daemonsets, ns, name) as Any;
    if (latest && canonical(latest.status ?? {}) !== canonical(status)) api.store.update(RESOURCE.daemonsets, { ...latest, status });
  }
}
