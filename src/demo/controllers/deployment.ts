// The Deployment controller: one ReplicaSet per Pod template (named by pod-template-hash,
// numbered by revision), RollingUpdate within maxSurge/maxUnavailable or Recreate, scaling,
// history cleanup, and the status and conditions `kubectl rollout status` reads.
import { StoreEvent, nowTimestamp } from '../store';
import { RESOURCE } from '../resources';
import { ControllerContext } from './context';
import { WorkQueue } from './queue';
import { controllerOf } from './replicaset';
import { intOrPercent } from '../defaults';
import type { DeploymentCondition, DeploymentStatus } from 'kubernetes-types/apps/v1';
import type { Deployment, Pod, PodTemplateSpec, ReplicaSet } from '../objects';

const SOURCE = { component: 'deployment-controller' };
const REVISION = 'deployment.kubernetes.io/revision';
const DESIRED = 'deployment.kubernetes.io/desired-replicas';
const MAX = 'deployment.kubernetes.io/max-replicas';
const HASH_LABEL = 'pod-template-hash';

/** JSON with sorted keys, so two equal templates compare equal whatever their key order. */
export function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (v && typeof v === 'object') {
    return `{${Object.keys(v)
      .filter((k) => (v as Record<string, unknown>)[k] !== undefined)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical((v as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(v);
}

/** FNV-32a of the template, rendered with the API machinery's SafeEncodeString alphabet. */
export function podTemplateHash(template: unknown, collisionCount = 0): string {
  let h = 0x811c9dc5;
  const s = canonical(template) + (collisionCount ? String(collisionCount) : '');
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193) >>> 0;
  const alphabet = 'bcdfghjklmnpqrstvwxz2456789';
  return [...String(h)].map((d) => alphabet[d.charCodeAt(0) % alphabet.length]).join('');
}

function templateWithoutHash(t: PodTemplateSpec | undefined): PodTemplateSpec {
  const c: PodTemplateSpec = structuredClone(t ?? {});
  if (c.metadata?.labels) {
    delete c.metadata.labels[HASH_LABEL];
  }
  return c;
}

function revisionOf(rs: ReplicaSet): number {
  return Number(rs.metadata.annotations?.[REVISION] ?? 0);
}

export function maxSurge(d: Deployment): number {
  if (d.spec.strategy?.type !== 'RollingUpdate') return 0;
  return intOrPercent(d.spec.strategy.rollingUpdate?.maxSurge ?? '25%', d.spec.replicas, true);
}

export function maxUnavailable(d: Deployment): number {
  if (d.spec.strategy?.type !== 'RollingUpdate' || d.spec.replicas === 0) return 0;
  const surge = maxSurge(d);
  let u = intOrPercent(d.spec.strategy.rollingUpdate?.maxUnavailable ?? '25%', d.spec.replicas, false);
  if (surge === 0 && u === 0) u = 1;
  return Math.min(u, d.spec.replicas);
}

export class DeploymentController {
  private readonly queue: WorkQueue;
  private readonly rechecks = new Set<string>();

  constructor(private readonly ctx: ControllerContext) {
    this.queue = new WorkQueue(ctx.timers, 'deployment', (k) => this.sync(k), ctx.log);
  }

  resume(): void {
    for (const d of this.ctx.api.store.list(RESOURCE.deployments).items) this.queue.add(`${d.metadata.namespace}/${d.metadata.name}`);
  }

  handle(e: StoreEvent): void {
    if (e.resource === RESOURCE.deployments) {
      this.queue.add(`${e.object.metadata.namespace}/${e.object.metadata.name}`);
    } else if (e.resource === RESOURCE.replicasets) {
      const owner = controllerOf(e.object);
      if (owner?.kind === 'Deployment') this.queue.add(`${e.object.metadata.namespace}/${owner.name}`);
    }
  }

  private ownedReplicaSets(d: Deployment): ReplicaSet[] {
    return this.ctx.api.store.list(RESOURCE.replicasets, d.metadata.namespace).items.filter((rs) => controllerOf(rs)?.uid === d.metadata.uid) as ReplicaSet[];
  }

  private scaleRs(d: Deployment, rs: ReplicaSet, replicas: number): ReplicaSet {
    const { api } = this.ctx;
    const cur = api.store.get(RESOURCE.replicasets, rs.metadata.namespace, rs.metadata.name) as ReplicaSet | undefined;
    if (!cur) return rs;
    const annotations = { ...cur.metadata.annotations, [DESIRED]: String(d.spec.replicas), [MAX]: String(d.spec.replicas + maxSurge(d)) };
    if (cur.spec.replicas === replicas && cur.metadata.annotations?.[DESIRED] === annotations[DESIRED] && cur.metadata.annotations?.[MAX] === annotations[MAX]) return cur;
    const from = cur.spec.replicas;
    const updated = api.update(RESOURCE.replicasets, cur.metadata.namespace, cur.metadata.name, { ...cur, metadata: { ...cur.metadata, annotations }, spec: { ...cur.spec, replicas } }) as ReplicaSet;
    if (from !== replicas) {
      api.recordEvent(d, 'Normal', 'ScalingReplicaSet', `Scaled ${replicas > from ? 'up' : 'down'} replica set ${cur.metadata.name} from ${from} to ${replicas}`, SOURCE);
    }
    return updated;
  }

  private sync(key: string): void {
    const [ns, name] = key.split('/');
    const { api } = this.ctx;
    let d = api.store.get(RESOURCE.deployments, ns, name) as Deployment | undefined;
    if (!d || d.metadata.deletionTimestamp) return;
    let all = this.ownedReplicaSets(d);
    const wanted = canonical(templateWithoutHash(d.spec.template));
    let newRs = all.find((rs) => canonical(templateWithoutHash(rs.spec.template)) === wanted);
    const maxRevision = Math.max(0, ...all.map(revisionOf));
    let createdNew = false;

    if (!d.spec.paused) {
      if (!newRs) {
        const hash = podTemplateHash(templateWithoutHash(d.spec.template), d.status?.collisionCount ?? 0);
        const template = structuredClone(d.spec.template);
        template.metadata = { ...template.metadata, labels: { ...template.metadata?.labels, [HASH_LABEL]: hash } };
        const annotations: Record<string, string> = {};
        for (const [k, v] of Object.entries(d.metadata.annotations ?? {})) {
          if (k !== REVISION && k !== 'kubectl.kubernetes.io/last-applied-configuration') annotations[k] = v as string;
        }
        annotations[REVISION] = String(maxRevision + 1);
        annotations[DESIRED] = String(d.spec.replicas);
        annotations[MAX] = String(d.spec.replicas + maxSurge(d));
        newRs = api.create(RESOURCE.replicasets, ns, {
          apiVersion: 'apps/v1',
          kind: 'ReplicaSet',
          metadata: {
            name: `${name}-${hash}`,
            namespace: ns,
            labels: { ...template.metadata.labels },
            annotations,
            ownerReferences: [{ apiVersion: 'apps/v1', kind: 'Deployment', name, uid: d.metadata.uid, controller: true, blockOwnerDeletion: true }],
          },
          spec: {
            replicas: 0,
            minReadySeconds: d.spec.minReadySeconds ?? 0,
            selector: { ...d.spec.selector, matchLabels: { ...d.spec.selector.matchLabels, [HASH_LABEL]: hash } },
            template,
          },
        }) as ReplicaSet;
        createdNew = true;
        all = [...all, newRs];
      } else if (revisionOf(newRs) < maxRevision) {
        // Rolling back to an older template makes its ReplicaSet the newest revision again.
        const old = revisionOf(newRs);
        const annotations: Record<string, string> = { ...newRs.metadata.annotations, [REVISION]: String(maxRevision + 1) };
        const history = newRs.metadata.annotations?.['deployment.kubernetes.io/revision-history'];
        annotations['deployment.kubernetes.io/revision-history'] = history ? `${history},${old}` : String(old);
        for (const k of ['kubernetes.io/change-cause']) {
          if (d.metadata.annotations?.[k]) annotations[k] = d.metadata.annotations[k];
        }
        newRs = api.update(RESOURCE.replicasets, ns, newRs.metadata.name, { ...newRs, metadata: { ...newRs.metadata, annotations } }) as ReplicaSet;
        all = this.ownedReplicaSets(d);
      }
      if (newRs && d.metadata.annotations?.[REVISION] !== newRs.metadata.annotations?.[REVISION]) {
        const revision = newRs.metadata.annotations?.[REVISION];
        const annotations: Record<string, string> = { ...d.metadata.annotations, ...(revision !== undefined ? { [REVISION]: revision } : {}) };
        d = api.store.update(RESOURCE.deployments, { ...d, metadata: { ...d.metadata, annotations } }) as Deployment;
      }
      const old = all.filter((rs) => rs !== newRs && rs.metadata.uid !== newRs?.metadata.uid);
      if (d.spec.strategy?.type === 'Recreate') this.recreate(d, newRs, old);
      else this.rolling(d, newRs, old);
      this.cleanup(d, newRs);
    } else {
      // Paused: no rollout, but scaling still applies (to the one active ReplicaSet, or the newest).
      const active = all.filter((rs) => rs.spec.replicas > 0);
      const target = active.length === 1 ? active[0] : active.length === 0 ? all.sort((a, b) => revisionOf(b) - revisionOf(a))[0] : undefined;
      if (target && target.spec.replicas !== d.spec.replicas) this.scaleRs(d, target, d.spec.replicas);
    }
    this.updateStatus(key, createdNew);
  }

  private activeOld(old: ReplicaSet[]): ReplicaSet[] {
    return old.filter((rs) => (rs.spec.replicas ?? 0) > 0);
  }

  private rolling(d: Deployment, newRs: ReplicaSet, oldAll: ReplicaSet[]): void {
    const replicas = d.spec.replicas;
    const surge = maxSurge(d);
    const unavailable = maxUnavailable(d);
    const old = this.activeOld(oldAll);
    const current = (rs: ReplicaSet) => this.ctx.api.store.get(RESOURCE.replicasets, rs.metadata.namespace, rs.metadata.name) as ReplicaSet | undefined;

    // A scaling event with the rollout done (or nothing old left): the new ReplicaSet follows.
    if (old.length === 0) {
      if (newRs.spec.replicas !== replicas || newRs.metadata.annotations?.[DESIRED] !== String(replicas)) this.scaleRs(d, newRs, replicas);
      return;
    }
    // Scale up the new ReplicaSet within maxSurge.
    const totalSpec = newRs.spec.replicas + old.reduce((n, rs) => n + rs.spec.replicas, 0);
    const maxTotal = replicas + surge;
    if (totalSpec < maxTotal && newRs.spec.replicas < replicas) {
      const up = Math.min(maxTotal - totalSpec, replicas - newRs.spec.replicas);
      newRs = this.scaleRs(d, newRs, newRs.spec.replicas + up);
    } else if (newRs.spec.replicas > replicas) {
      newRs = this.scaleRs(d, newRs, replicas);
    }
    // Scale down old ReplicaSets while keeping replicas - maxUnavailable available.
    const minAvailable = replicas - unavailable;
    const olds = old.map(current).filter((rs): rs is ReplicaSet => !!rs);
    const nrs = current(newRs) ?? newRs;
    const allPods = nrs.spec.replicas + olds.reduce((n, rs) => n + rs.spec.replicas, 0);
    const newUnavailable = nrs.spec.replicas - (nrs.status?.availableReplicas ?? 0);
    // First old replicas that are not available at all: removing them costs no availability.
    let cleanupBudget = allPods - minAvailable - newUnavailable;
    const byAge = [...olds].sort((a, b) => String(a.metadata.creationTimestamp).localeCompare(String(b.metadata.creationTimestamp)) || revisionOf(a) - revisionOf(b));
    for (const rs of byAge) {
      if (cleanupBudget <= 0) break;
      const unhealthy = rs.spec.replicas - (rs.status?.availableReplicas ?? 0);
      if (unhealthy <= 0) continue;
      const down = Math.min(unhealthy, cleanupBudget);
      this.scaleRs(d, rs, rs.spec.replicas - down);
      cleanupBudget -= down;
    }
    const refreshed = byAge.map(current).filter((rs): rs is ReplicaSet => !!rs);
    const available = (nrs.status?.availableReplicas ?? 0) + refreshed.reduce((n, rs) => n + Math.min(rs.spec.replicas, rs.status?.availableReplicas ?? 0), 0);
    let budget = available - minAvailable;
    for (const rs of refreshed) {
      if (budget <= 0) break;
      if (rs.spec.replicas === 0) continue;
      const down = Math.min(rs.spec.replicas, budget);
      this.scaleRs(d, rs, rs.spec.replicas - down);
      budget -= down;
    }
  }

  private recreate(d: Deployment, newRs: ReplicaSet, old: ReplicaSet[]): void {
    for (const rs of this.activeOld(old)) this.scaleRs(d, rs, 0);
    // Wait until no Pod of an old ReplicaSet is left running (terminating ones included).
    const oldUids = new Set(old.map((rs) => rs.metadata.uid));
    const running = (this.ctx.api.store.list(RESOURCE.pods, d.metadata.namespace).items as Pod[]).some((p) => oldUids.has(controllerOf(p)?.uid ?? '') && p.status?.phase !== 'Succeeded' && p.status?.phase !== 'Failed');
    if (running) return;
    if (newRs.spec.replicas !== d.spec.replicas) this.scaleRs(d, newRs, d.spec.replicas);
  }

  private cleanup(d: Deployment, newRs: ReplicaSet | undefined): void {
    const limit = d.spec.revisionHistoryLimit ?? 10;
    const candidates = this.ownedReplicaSets(d)
      .filter((rs) => rs.metadata.uid !== newRs?.metadata.uid && rs.spec.replicas === 0 && (rs.status?.replicas ?? 0) === 0 && !rs.metadata.deletionTimestamp)
      .sort((a, b) => revisionOf(a) - revisionOf(b));
    for (const rs of candidates.slice(0, Math.max(0, candidates.length - limit))) {
      this.ctx.api.delete(RESOURCE.replicasets, rs.metadata.namespace, rs.metadata.name, { propagationPolicy: 'Background' });
    }
  }

  private updateStatus(key: string, createdNew: boolean): void {
    const [ns, name] = key.split('/');
    const { api } = this.ctx;
    const d = api.store.get(RESOURCE.deployments, ns, name) as Deployment | undefined;
    if (!d) return;
    const all = this.ownedReplicaSets(d);
    const wanted = canonical(templateWithoutHash(d.spec.template));
    const newRs = all.find((rs) => canonical(templateWithoutHash(rs.spec.template)) === wanted);
    const sum = (f: (rs: ReplicaSet) => number) => all.reduce((n, rs) => n + (f(rs) ?? 0), 0);
    const replicas = sum((rs) => rs.status?.replicas ?? 0);
    const updated = newRs?.status?.replicas ?? 0;
    const ready = sum((rs) => rs.status?.readyReplicas ?? 0);
    const available = sum((rs) => rs.status?.availableReplicas ?? 0);
    const desired = d.spec.replicas;
    const prev: DeploymentCondition[] = d.status?.conditions ?? [];
    const now = nowTimestamp();
    const cond = (type: string, status: string, reason: string, message: string): DeploymentCondition => {
      const p = prev.find((c) => c.type === type);
      const same = p && p.status === status && p.reason === reason && p.message === message;
      return {
        type,
        status,
        lastUpdateTime: same ? p.lastUpdateTime : now,
        lastTransitionTime: p && p.status === status ? p.lastTransitionTime : now,
        reason,
        message,
      };
    };
    const minAvailable = desired - maxUnavailable(d);
    const availableCond =
      available >= minAvailable
        ? cond('Available', 'True', 'MinimumReplicasAvailable', 'Deployment has minimum availability.')
        : cond('Available', 'False', 'MinimumReplicasUnavailable', 'Deployment does not have minimum availability.');
    const complete = newRs && updated === desired && replicas === desired && available === desired && (newRs.status?.availableReplicas ?? 0) === desired;
    let progressing: DeploymentCondition | undefined;
    const prevProgress = prev.find((c) => c.type === 'Progressing');
    if (d.spec.paused) progressing = cond('Progressing', 'Unknown', 'DeploymentPaused', 'Deployment is paused');
    else if (!newRs) progressing = prevProgress;
    else if (complete) progressing = cond('Progressing', 'True', 'NewReplicaSetAvailable', `ReplicaSet "${newRs.metadata.name}" has successfully progressed.`);
    else if (createdNew) progressing = cond('Progressing', 'True', 'NewReplicaSetCreated', `Created new replica set "${newRs.metadata.name}"`);
    else {
      const moved = JSON.stringify([d.status?.updatedReplicas, d.status?.availableReplicas, d.status?.replicas]) !== JSON.stringify([updated, available, replicas]);
      const deadlineMs = (d.spec.progressDeadlineSeconds ?? 600) * 1000;
      const since = prevProgress?.lastUpdateTime ? Date.parse(prevProgress.lastUpdateTime) : Date.now();
      if (prevProgress?.reason === 'ProgressDeadlineExceeded' && !moved) progressing = prevProgress;
      else if (!moved && Date.now() - since > deadlineMs && prevProgress?.reason !== 'NewReplicaSetAvailable') {
        progressing = cond('Progressing', 'False', 'ProgressDeadlineExceeded', `ReplicaSet "${newRs.metadata.name}" has timed out progressing.`);
      } else if (moved || prevProgress?.reason === 'NewReplicaSetAvailable') {
        progressing = cond('Progressing', 'True', 'ReplicaSetUpdated', `ReplicaSet "${newRs.metadata.name}" is progressing.`);
        progressing.lastUpdateTime = now;
      } else progressing = prevProgress ?? cond('Progressing', 'True', 'ReplicaSetUpdated', `ReplicaSet "${newRs.metadata.name}" is progressing.`);
      // Re-check the progress deadline later even if nothing else happens (one pending re-check per Deployment).
      if (!this.rechecks.has(key)) {
        this.rechecks.add(key);
        this.ctx.timers.after(Math.min(deadlineMs, 5000), () => {
          this.rechecks.delete(key);
          this.queue.add(key);
        }, true);
      }
    }
    const status: DeploymentStatus = {
      observedGeneration: d.metadata.generation,
      replicas,
      updatedReplicas: updated,
      readyReplicas: ready,
      availableReplicas: available,
      unavailableReplicas: Math.max(0, desired - available),
      conditions: [availableCond, progressing].filter((c): c is DeploymentCondition => !!c),
    };
    for (const k of ['replicas', 'updatedReplicas', 'readyReplicas', 'availableReplicas', 'unavailableReplicas'] as const) if (!status[k]) delete status[k];
    if (d.status?.collisionCount) status.collisionCount = d.status.collisionCount;
    if (canonical(d.status ?? {}) !== canonical(status)) {
      api.store.update(RESOURCE.deployments, { ...d, status });
    }
  }
}
