// The Job controller: runs Pods to completion. Keeps min(parallelism, completions − succeeded)
// Pods active, counts Succeeded and Failed Pods (and, with restartPolicy OnFailure, container
// restarts) against backoffLimit, waits longer before each replacement of a failed Pod, and ends
// the Job Complete (SuccessCriteriaMet, Complete) or Failed (BackoffLimitExceeded,
// DeadlineExceeded). ttlSecondsAfterFinished deletes a finished Job.
import { StoreEvent, nowTimestamp } from '../store';
import { RESOURCE } from '../resources';
import { ControllerContext } from './context';
import { WorkQueue } from './queue';
import { isReady } from './kubelet';
import { controllerOf, podFromTemplate } from './replicaset';

/* eslint-disable @typescript-eslint/no-explicit-any */
type Any = any;

const SOURCE = { component: 'job-controller' };
const BACKOFF_BASE_MS = 10_000;
const BACKOFF_MAX_MS = 360_000;

export function jobFinished(job: Any): 'Complete' | 'Failed' | undefined {
  for (const c of job.status?.conditions ?? []) if ((c.type === 'Complete' || c.type === 'Failed') && c.status === 'True') return c.type;
  return undefined;
}

function condition(type: string, reason?: string, message?: string): Any {
  const now = nowTimestamp();
  return { type, status: 'True', lastProbeTime: now, lastTransitionTime: now, ...(reason ? { reason } : {}), ...(message ? { message } : {}) };
}

export class JobController {
  private readonly queue: WorkQueue;
  /** When a Job may create its next Pod after a failure (exponential back-off), by uid. */
  private readonly notBefore = new Map<string, number>();

  constructor(private readonly ctx: ControllerContext) {
    this.queue = new WorkQueue(ctx.timers, 'job', (k) => this.sync(k), ctx.log);
  }

  resume(): void {
    for (const j of this.ctx.api.store.list(RESOURCE.jobs).items) this.queue.add(`${j.metadata.namespace}/${j.metadata.name}`);
  }

  handle(e: StoreEvent): void {
    if (e.resource === RESOURCE.jobs) {
      if (e.type === 'DELETED') {
        this.notBefore.delete(e.object.metadata.uid!);
        this.failuresSeen.delete(e.object.metadata.uid!);
      }
      else this.queue.add(`${e.object.metadata.namespace}/${e.object.metadata.name}`);
    } else if (e.resource === RESOURCE.pods) {
      const owner = controllerOf(e.object) ?? (e.previous && controllerOf(e.previous));
      if (owner?.kind === 'Job') this.queue.add(`${e.object.metadata.namespace}/${owner.name}`);
    }
  }

  private sync(key: string): void {
    const [ns, name] = key.split('/');
    const { api } = this.ctx;
    const job = api.store.get(RESOURCE.jobs, ns, name) as Any;
    if (!job || job.metadata.deletionTimestamp) return;
    const pods = (api.store.list(RESOURCE.pods, ns).items as Any[]).filter((p) => controllerOf(p)?.uid === job.metadata.uid);
    const active = pods.filter((p) => !p.metadata.deletionTimestamp && p.status?.phase !== 'Succeeded' && p.status?.phase !== 'Failed');
    const succeeded = pods.filter((p) => p.status?.phase === 'Succeeded').length;
    const failedPods = pods.filter((p) => p.status?.phase === 'Failed').length;
    const restarts = job.spec.template?.spec?.restartPolicy === 'OnFailure' ? active.reduce((n, p) => n + (p.status?.containerStatuses ?? []).reduce((m: number, c: Any) => m + (c.restartCount ?? 0), 0), 0) : 0;
    const status: Any = structuredClone(job.status ?? {});
    const finished = jobFinished(job);
    const now = Date.now();

    if (finished) {
      this.expire(job, key, now);
      return;
    }
    if (!status.startTime && !job.spec.suspend) status.startTime = nowTimestamp(now);
    const deleteActive = () => {
      for (const p of active) {
        api.delete(RESOURCE.pods, ns, p.metadata.name, {});
        api.recordEvent(job, 'Normal', 'SuccessfulDelete', `Deleted pod: ${p.metadata.name}`, SOURCE);
      }
    };
    const completions: number | null = job.spec.completions ?? null;
    const fail = (reason: string, message: string) => {
      deleteActive();
      status.conditions = [...(status.conditions ?? []).filter((c: Any) => c.type !== 'FailureTarget' && c.type !== 'Failed'), condition('FailureTarget', reason, message), condition('Failed', reason, message)];
      api.recordEvent(job, 'Warning', reason, message, SOURCE);
    };
    const deadline = job.spec.activeDeadlineSeconds;
    if (failedPods + restarts > job.spec.backoffLimit) fail('BackoffLimitExceeded', 'Job has reached the specified backoff limit');
    else if (deadline != null && status.startTime && now - Date.parse(status.startTime) >= deadline * 1000) fail('DeadlineExceeded', 'Job was active longer than specified deadline');
    else if ((completions !== null && succeeded >= completions) || (completions === null && succeeded > 0 && active.length === 0)) {
      deleteActive();
      status.conditions = [...(status.conditions ?? []), condition('SuccessCriteriaMet', 'CompletionsReached', 'Reached expected number of succeeded pods'), condition('Complete', 'CompletionsReached', 'Reached expected number of succeeded pods')];
      status.completionTime = nowTimestamp(now);
      api.recordEvent(job, 'Normal', 'Completed', 'Job completed', SOURCE);
    } else if (job.spec.suspend) {
      deleteActive();
      if (!(status.conditions ?? []).some((c: Any) => c.type === 'Suspended')) {
        status.conditions = [...(status.conditions ?? []), { ...condition('Suspended', 'JobSuspended', 'Job suspended') }];
        api.recordEvent(job, 'Normal', 'Suspended', 'Job suspended', SOURCE);
      }
      delete status.startTime;
    } else {
      if ((status.conditions ?? []).some((c: Any) => c.type === 'Suspended')) status.conditions = status.conditions.filter((c: Any) => c.type !== 'Suspended');
      const want = completions === null ? (succeeded > 0 ? 0 : job.spec.parallelism) : Math.min(job.spec.parallelism, completions - succeeded);
      if (active.length < want) {
        const wait = (this.notBefore.get(job.metadata.uid) ?? 0) - now;
        if (wait > 0) this.queue.add(key, wait * this.speedFactor());
        else {
          for (let i = active.length; i < want; i++) {
            const pod = api.create(RESOURCE.pods, ns, podFromTemplate(job, 'Job', { generateName: `${name}-` }));
            active.push(pod);
            api.recordEvent(job, 'Normal', 'SuccessfulCreate', `Created pod: ${pod.metadata.name}`, SOURCE);
          }
        }
      } else if (active.length > want) {
        for (const p of active.slice(want)) {
          api.delete(RESOURCE.pods, ns, p.metadata.name, {});
          api.recordEvent(job, 'Normal', 'SuccessfulDelete', `Deleted pod: ${p.metadata.name}`, SOURCE);
        }
      }
      if (deadline != null && status.startTime) this.queue.add(key, Math.max(0, Date.parse(status.startTime) + deadline * 1000 - now) * this.speedFactor() + 1);
    }
    // A failure delays the next Pod: 10 s, 20 s, 40 s… (at most 6 min), like the real controller.
    const failures = failedPods + restarts;
    if (failures > (this.failuresSeen.get(job.metadata.uid) ?? 0)) {
      this.failuresSeen.set(job.metadata.uid, failures);
      this.notBefore.set(job.metadata.uid, now + Math.min(BACKOFF_MAX_MS, BACKOFF_BASE_MS * 2 ** (failures - 1)) / this.speedFactor());
    }
    const nowActive = jobFinished({ status }) ? 0 : active.filter((p) => api.store.get(RESOURCE.pods, ns, p.metadata.name) && !p.metadata.deletionTimestamp).length;
    status.active = nowActive || undefined;
    status.succeeded = succeeded || undefined;
    status.failed = failedPods || undefined;
    status.ready = active.filter(isReady).length;
    status.terminating = 0;
    status.uncountedTerminatedPods = {};
    for (const k of Object.keys(status)) if (status[k] === undefined) delete status[k];
    const latest = api.store.get(RESOURCE.jobs, ns, name) as Any;
    if (latest && JSON.stringify(latest.status ?? {}) !== JSON.stringify(status)) api.store.update(RESOURCE.jobs, { ...latest, status });
    if (jobFinished({ status })) this.expire({ ...job, status }, key, now);
  }

  /** Failures already answered with a back-off, by Job uid. */
  private readonly failuresSeen = new Map<string, number>();

  /** Queue delays are in simulated time: a wall-clock wait of X ms is X × speed of them. */
  private speedFactor(): number {
    return this.ctx.timers.speedFactor;
  }

  private expire(job: Any, key: string, now: number): void {
    const ttl = job.spec.ttlSecondsAfterFinished;
    if (ttl == null) return;
    const done = Date.parse(job.status?.completionTime ?? (job.status?.conditions ?? []).find((c: Any) => c.type === 'Complete' || c.type === 'Failed')?.lastTransitionTime ?? '');
    const left = (Number.isFinite(done) ? done : now) + ttl * 1000 - now;
    if (left > 0) {
      this.queue.add(key, left * this.speedFactor());
      return;
    }
    const [ns, name] = key.split('/');
    if (this.ctx.api.store.get(RESOURCE.jobs, ns, name)) this.ctx.api.delete(RESOURCE.jobs, ns, name, { propagationPolicy: 'Background' });
  }
}
