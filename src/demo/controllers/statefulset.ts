// The StatefulSet controller: Pods named <set>-0, <set>-1, … created in order (each once the one
// before is Running and Ready, or all at once with podManagementPolicy Parallel), removed from the
// highest ordinal down, replaced under the same name when deleted, and updated from the highest
// ordinal down to the partition. The name and DNS identity stay; the IP does not.
import { StoreEvent } from '../store';
import { RESOURCE } from '../resources';
import { ControllerContext } from './context';
import { WorkQueue } from './queue';
import { controllerOf, isActivePod, podFromTemplate } from './replicaset';
import { isReady } from './kubelet';
import { canonical, podTemplateHash } from './deployment';
import type { StatefulSetStatus } from 'kubernetes-types/apps/v1';
import type { Pod, StatefulSet } from '../objects';

const SOURCE = { component: 'statefulset-controller' };
const REVISION_LABEL = 'controller-revision-hash';

export class StatefulSetController {
  private readonly queue: WorkQueue;

  constructor(private readonly ctx: ControllerContext) {
    this.queue = new WorkQueue(ctx.timers, 'statefulset', (k) => this.sync(k), ctx.log);
  }

  resume(): void {
    for (const s of this.ctx.api.store.list(RESOURCE.statefulsets).items) this.queue.add(`${s.metadata.namespace}/${s.metadata.name}`);
  }

  handle(e: StoreEvent): void {
    if (e.resource === RESOURCE.statefulsets) this.queue.add(`${e.object.metadata.namespace}/${e.object.metadata.name}`);
    else if (e.resource === RESOURCE.pods) {
      const owner = controllerOf(e.object) ?? (e.previous && controllerOf(e.previous));
      if (owner?.kind === 'StatefulSet') this.queue.add(`${e.object.metadata.namespace}/${owner.name}`);
    }
  }

  private sync(key: string): void {
    const [ns, name] = key.split('/');
    const { api } = this.ctx;
    const sts = api.store.get(RESOURCE.statefulsets, ns, name) as StatefulSet | undefined;
    if (!sts || sts.metadata.deletionTimestamp) return;
    const revision = `${name}-${podTemplateHash(canonical(sts.spec.template)).slice(0, 10)}`;
    const owned = new Map<number, Pod>();
    for (const p of api.store.list(RESOURCE.pods, ns).items as Pod[]) {
      if (controllerOf(p)?.uid !== sts.metadata.uid) continue;
      const m = String(p.metadata.name).match(/-(\d+)$/);
      if (m && p.metadata.name === `${name}-${m[1]}`) owned.set(Number(m[1]), p);
    }
    const replicas = sts.spec.replicas;
    const ordered = sts.spec.podManagementPolicy !== 'Parallel';
    const healthy = (p: Pod | undefined) => p && isActivePod(p) && p.status?.phase === 'Running' && isReady(p);

    // Create missing Pods, in order unless Parallel.
    for (let i = 0; i < replicas; i++) {
      const p = owned.get(i);
      if (p) {
        if (ordered && !healthy(p)) break;
        continue;
      }
      this.createPod(sts, i, revision);
      if (ordered) break;
    }
    // Remove Pods beyond the replica count, highest ordinal first.
    const extra = [...owned.keys()].filter((i) => i >= replicas).sort((a, b) => b - a);
    for (const i of extra) {
      const p = owned.get(i)!;
      if (!p.metadata.deletionTimestamp) {
        api.delete(RESOURCE.pods, ns, p.metadata.name, {});
        api.recordEvent(sts, 'Normal', 'SuccessfulDelete', `delete Pod ${p.metadata.name} in StatefulSet ${name} successful`, SOURCE);
      }
      if (ordered) break;
    }
    // Rolling update, highest ordinal first, down to the partition, one Pod at a time.
    if (sts.spec.updateStrategy?.type !== 'OnDelete' && extra.length === 0) {
      const partition = sts.spec.updateStrategy?.rollingUpdate?.partition ?? 0;
      const allHealthy = [...Array(replicas).keys()].every((i) => healthy(owned.get(i)));
      if (allHealthy) {
        for (let i = replicas - 1; i >= partition; i--) {
          const p = owned.get(i)!;
          if (p.metadata.labels?.[REVISION_LABEL] !== revision) {
            api.delete(RESOURCE.pods, ns, p.metadata.name, {});
            api.recordEvent(sts, 'Normal', 'SuccessfulDelete', `delete Pod ${p.metadata.name} in StatefulSet ${name} successful`, SOURCE);
            break;
          }
        }
      }
    }
    this.updateStatus(key, revision);
  }

  private createPod(sts: StatefulSet, ordinal: number, revision: string): void {
    const { api } = this.ctx;
    const name = `${sts.metadata.name}-${ordinal}`;
    const ns = sts.metadata.namespace;
    // The previous Pod of this name may still be terminating: its replacement waits for the name.
    if (api.store.get(RESOURCE.pods, ns, name)) return;
    api.create(
      RESOURCE.pods,
      ns,
      podFromTemplate(
        sts,
        'StatefulSet',
        { name },
        { [REVISION_LABEL]: revision, 'statefulset.kubernetes.io/pod-name': name, 'apps.kubernetes.io/pod-index': String(ordinal) },
        { hostname: name, ...(sts.spec.serviceName ? { subdomain: sts.spec.serviceName } : {}) },
      ),
    );
    api.recordEvent(sts, 'Normal', 'SuccessfulCreate', `create Pod ${name} in StatefulSet ${sts.metadata.name} successful`, SOURCE);
  }

  private updateStatus(key: string, revision: string): void {
    const [ns, name] = key.split('/');
    const { api } = this.ctx;
    const sts = api.store.get(RESOURCE.statefulsets, ns, name) as StatefulSet | undefined;
    if (!sts) return;
    const pods = (api.store.list(RESOURCE.pods, ns).items as Pod[]).filter((p) => controllerOf(p)?.uid === sts.metadata.uid && isActivePod(p));
    const updated = pods.filter((p) => p.metadata.labels?.[REVISION_LABEL] === revision).length;
    const ready = pods.filter(isReady).length;
    const prevCurrent = sts.status?.currentRevision ?? revision;
    const current = updated === sts.spec.replicas && pods.length === sts.spec.replicas ? revision : prevCurrent;
    const status: StatefulSetStatus = {
      observedGeneration: sts.metadata.generation,
      replicas: pods.length,
      readyReplicas: ready,
      currentReplicas: current === revision ? updated : pods.length - updated,
      updatedReplicas: updated,
      currentRevision: current,
      updateRevision: revision,
      collisionCount: 0,
      availableReplicas: ready,
    };
    for (const k of ['readyReplicas', 'currentReplicas', 'updatedReplicas'] as const) if (!status[k]) delete status[k];
    if (canonical(sts.status ?? {}) !== canonical(status)) api.store.update(RESOURCE.statefulsets, { ...sts, status });
  }
}
