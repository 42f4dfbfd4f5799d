// The CronJob controller: at each scheduled minute (UTC, wall-clock time whatever the demo's
// speed) creates a Job from jobTemplate named <cronjob>-<minutes since epoch>, honours
// concurrencyPolicy (Allow, Forbid, Replace), suspend and startingDeadlineSeconds, tracks the
// active Jobs and lastScheduleTime/lastSuccessfulTime, and keeps only the last
// successfulJobsHistoryLimit / failedJobsHistoryLimit finished Jobs.
import { KubeObject, StoreEvent, nowTimestamp } from '../store';
import { RESOURCE } from '../resources';
import { ControllerContext } from './context';
import { WorkQueue } from './queue';
import { controllerOf } from './replicaset';
import { jobFinished } from './job';
import { parseSchedule, runsBetween } from '../cron';

/* eslint-disable @typescript-eslint/no-explicit-any */
type Any = any;

const SOURCE = { component: 'cronjob-controller' };

/** The Job a CronJob runs at `scheduled` (also what `kubectl create job --from=cronjob/…` builds, client-side). */
export function jobFromCronJob(cj: Any, name: string, scheduled?: number): KubeObject {
  const tpl = cj.spec.jobTemplate ?? {};
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: {
      name,
      namespace: cj.metadata.namespace,
      labels: { ...(tpl.metadata?.labels ?? {}) },
      annotations: { ...(tpl.metadata?.annotations ?? {}), ...(scheduled !== undefined ? { 'batch.kubernetes.io/cronjob-scheduled-timestamp': new Date(scheduled).toISOString().replace('.000Z', 'Z') } : {}) },
      ownerReferences: [{ apiVersion: 'batch/v1', kind: 'CronJob', name: cj.metadata.name, uid: cj.metadata.uid, controller: true, blockOwnerDeletion: true }],
    },
    spec: structuredClone(tpl.spec ?? {}),
  };
}

export class CronJobController {
  private readonly queue: WorkQueue;
  /** The wall clock; tests move it. */
  now: () => number = () => Date.now();

  constructor(private readonly ctx: ControllerContext) {
    this.queue = new WorkQueue(ctx.timers, 'cronjob', (k) => this.sync(k), ctx.log);
  }

  resume(): void {
    // Schedules are minutes of wall-clock time: look every second, whatever the speed.
    this.ctx.timers.every(1000, () => this.tick());
    this.tick();
  }

  tick(): void {
    for (const cj of this.ctx.api.store.list(RESOURCE.cronjobs).items) this.queue.add(`${cj.metadata.namespace}/${cj.metadata.name}`);
  }

  handle(e: StoreEvent): void {
    if (e.resource === RESOURCE.cronjobs && e.type !== 'DELETED') this.queue.add(`${e.object.metadata.namespace}/${e.object.metadata.name}`);
    else if (e.resource === RESOURCE.jobs) {
      const owner = controllerOf(e.object);
      if (owner?.kind === 'CronJob') this.queue.add(`${e.object.metadata.namespace}/${owner.name}`);
    }
  }

  /** Runs one reconcile now (tests). */
  syncNow(namespace: string, name: string): void {
    this.sync(`${namespace}/${name}`);
  }

  private sync(key: string): void {
    const [ns, name] = key.split('/');
    const { api } = this.ctx;
    const cj = api.store.get(RESOURCE.cronjobs, ns, name) as Any;
    if (!cj || cj.metadata.deletionTimestamp) return;
    const jobs = (api.store.list(RESOURCE.jobs, ns).items as Any[]).filter((j) => controllerOf(j)?.uid === cj.metadata.uid);
    const status: Any = structuredClone(cj.status ?? {});
    const activeJobs = jobs.filter((j) => !jobFinished(j) && !j.metadata.deletionTimestamp);
    const now = this.now();

    for (const j of jobs) {
      const done = jobFinished(j);
      const wasActive = (status.active ?? []).some((r: Any) => r.uid === j.metadata.uid);
      if (done && wasActive) {
        api.recordEvent(cj, 'Normal', 'SawCompletedJob', `Saw completed job: ${j.metadata.name}, condition: ${done}`, SOURCE);
        if (done === 'Complete') status.lastSuccessfulTime = j.status?.completionTime ?? nowTimestamp(now);
      }
    }

    let schedule;
    try {
      schedule = parseSchedule(cj.spec.schedule);
    } catch {
      return;
    }
    const since = Date.parse(status.lastScheduleTime ?? cj.metadata.creationTimestamp);
    const due = cj.spec.suspend ? [] : runsBetween(schedule, since, now);
    const scheduled = due[due.length - 1];
    const deadline = cj.spec.startingDeadlineSeconds;
    if (scheduled !== undefined && !(deadline != null && now - scheduled > deadline * 1000)) {
      const policy = cj.spec.concurrencyPolicy ?? 'Allow';
      if (policy === 'Forbid' && activeJobs.length) {
        api.recordEvent(cj, 'Normal', 'JobAlreadyActive', 'Not starting job because prior execution is running and concurrency policy is Forbid', SOURCE);
      } else {
        if (policy === 'Replace') {
          for (const j of activeJobs) {
            api.delete(RESOURCE.jobs, ns, j.metadata.name, { propagationPolicy: 'Background' });
            api.recordEvent(cj, 'Normal', 'SuccessfulDelete', `Deleted job ${j.metadata.name}`, SOURCE);
          }
          activeJobs.length = 0;
        }
        const jobName = `${name}-${Math.floor(scheduled / 60_000)}`;
        if (!api.store.get(RESOURCE.jobs, ns, jobName)) {
          const job = api.create(RESOURCE.jobs, ns, jobFromCronJob(cj, jobName, scheduled));
          activeJobs.push(job);
          api.recordEvent(cj, 'Normal', 'SuccessfulCreate', `Created job ${jobName}`, SOURCE);
        }
      }
      status.lastScheduleTime = nowTimestamp(scheduled);
    }
    const active = activeJobs.filter((j) => api.store.get(RESOURCE.jobs, ns, j.metadata.name)).map((j) => ({ kind: 'Job', namespace: ns, name: j.metadata.name, uid: j.metadata.uid, apiVersion: 'batch/v1', resourceVersion: j.metadata.resourceVersion }));
    if (active.length) status.active = active;
    else delete status.active;

    // History limits: the oldest finished Jobs go first.
    for (const [kind, limit] of [['Complete', cj.spec.successfulJobsHistoryLimit ?? 3], ['Failed', cj.spec.failedJobsHistoryLimit ?? 1]] as const) {
      const finished = jobs.filter((j) => jobFinished(j) === kind && !j.metadata.deletionTimestamp).sort((a, b) => String(a.metadata.creationTimestamp).localeCompare(String(b.metadata.creationTimestamp)));
      for (const j of finished.slice(0, Math.max(0, finished.length - limit))) {
        api.delete(RESOURCE.jobs, ns, j.metadata.name, { propagationPolicy: 'Background' });
        api.recordEvent(cj, 'Normal', 'SuccessfulDelete', `Deleted job ${j.metadata.name}`, SOURCE);
      }
    }
    const latest = api.store.get(RESOURCE.cronjobs, ns, name) as Any;
    if (latest && JSON.stringify(latest.status ?? {}) !== JSON.stringify(status)) api.store.update(RESOURCE.cronjobs, { ...latest, status });
  }
}
