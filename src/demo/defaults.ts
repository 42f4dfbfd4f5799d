// Defaulting and validation, as the API server applies them before storing an object: what a
// user omits (`kubectl create deployment` sends very little) comes back filled in like on a real
// cluster, and objects no real cluster would accept are refused with the same kind of message.
import { ApiError, KubeObject } from './store';
import { LabelSelector, labelSelectorMatches } from './selectors';
import { ResourceType } from './resources';
import { isIP } from 'node:net';
import { parseSchedule } from './cron';

/* eslint-disable @typescript-eslint/no-explicit-any */
type Any = any;

export interface FieldCause {
  field: string;
  message: string;
  reason?: string;
}

export function invalid(rt: ResourceType, name: string, causes: FieldCause[]): ApiError {
  const kind = rt.group ? `${rt.kind}.${rt.group}` : rt.kind;
  const msg = causes.map((c) => `${c.field}: ${c.message}`).join(', ');
  return new ApiError(422, 'Invalid', `${kind} "${name}" is invalid: ${causes.length > 1 ? `[${msg}]` : msg}`, {
    name,
    group: rt.group || undefined,
    kind: rt.kind,
    causes: causes.map((c) => ({ reason: c.reason ?? 'FieldValueInvalid', message: c.message, field: c.field })),
  });
}

const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const DNS1035_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;

export function validateName(rt: ResourceType, name: string): FieldCause[] {
  if (rt.kind === 'Event') return [];
  if (rt.kind === 'Namespace' || rt.kind === 'Service') {
    const re = rt.kind === 'Service' ? DNS1035_LABEL : DNS1123_LABEL;
    if (!re.test(name) || name.length > 63) {
      return [
        {
          field: 'metadata.name',
          message: `Invalid value: "${name}": a ${rt.kind === 'Service' ? 'DNS-1035' : 'lowercase RFC 1123'} label must consist of lower case alphanumeric characters or '-', ${rt.kind === 'Service' ? "start with an alphabetic character" : 'start with an alphanumeric character'}, and end with an alphanumeric character`,
        },
      ];
    }
    return [];
  }
  if (!DNS1123_SUBDOMAIN.test(name) || name.length > 253) {
    return [
      {
        field: 'metadata.name',
        message: `Invalid value: "${name}": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character`,
      },
    ];
  }
  return [];
}

function defaultContainer(c: Any): void {
  if (!c.imagePullPolicy) {
    const tag = /:[^/]+$/.test(c.image ?? '') ? c.image.slice(c.image.lastIndexOf(':') + 1) : 'latest';
    c.imagePullPolicy = tag === 'latest' && !String(c.image ?? '').includes('@') ? 'Always' : 'IfNotPresent';
  }
  c.terminationMessagePath ??= '/dev/termination-log';
  c.terminationMessagePolicy ??= 'File';
  c.resources ??= {};
  for (const p of c.ports ?? []) p.protocol ??= 'TCP';
}

export function defaultPodSpec(spec: Any): void {
  spec.containers ??= [];
  for (const c of spec.containers) defaultContainer(c);
  for (const c of spec.initContainers ?? []) defaultContainer(c);
  spec.restartPolicy ??= 'Always';
  spec.terminationGracePeriodSeconds ??= 30;
  spec.dnsPolicy ??= 'ClusterFirst';
  spec.securityContext ??= {};
  spec.schedulerName ??= 'default-scheduler';
}

function validatePodSpec(spec: Any, prefix: string): FieldCause[] {
  const causes: FieldCause[] = [];
  if (!Array.isArray(spec?.containers) || spec.containers.length === 0) {
    causes.push({ field: `${prefix}.containers`, message: 'Required value', reason: 'FieldValueRequired' });
    return causes;
  }
  const names = new Set<string>();
  spec.containers.forEach((c: Any, i: number) => {
    if (!c?.name) causes.push({ field: `${prefix}.containers[${i}].name`, message: 'Required value', reason: 'FieldValueRequired' });
    else if (names.has(c.name)) causes.push({ field: `${prefix}.containers[${i}].name`, message: `Duplicate value: "${c.name}"`, reason: 'FieldValueDuplicate' });
    else if (!DNS1123_LABEL.test(c.name)) causes.push({ field: `${prefix}.containers[${i}].name`, message: `Invalid value: "${c.name}": a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-'` });
    names.add(c?.name);
    if (!c?.image) causes.push({ field: `${prefix}.containers[${i}].image`, message: 'Required value', reason: 'FieldValueRequired' });
  });
  return causes;
}


/**
 * podIP and podIPs as the API server keeps them in step (v1 conversion): podIP is
 * authoritative when both are set and differ, and fills podIPs when only it is set; podIPs[0]
 * fills podIP otherwise. The same for hostIP/hostIPs.
 */
export function normalizePodIps(pod: Any): void {
  const st = pod.status;
  if (!st) return;
  for (const [one, many] of [['podIP', 'podIPs'], ['hostIP', 'hostIPs']] as const) {
    const list = Array.isArray(st[many]) ? st[many] : undefined;
    if (st[one] && list?.length && list[0]?.ip !== st[one]) st[many] = [{ ip: st[one] }];
    else if (st[one] && !list?.length) st[many] = [{ ip: st[one] }];
    else if (!st[one] && list?.length && typeof list[0]?.ip === 'string') st[one] = list[0].ip;
  }
}

function validatePodIps(st: Any): FieldCause[] {
  const causes: FieldCause[] = [];
  for (const many of ['podIPs', 'hostIPs']) {
    const list = st?.[many];
    if (list === undefined || list === null) continue;
    if (!Array.isArray(list)) {
      causes.push({ field: `status.${many}`, message: 'Invalid value: must be a list' });
      continue;
    }
    if (list.length > 2) causes.push({ field: `status.${many}`, message: `Too many: ${list.length}: must have at most 2 items`, reason: 'FieldValueTooMany' });
    const families = new Set<number>();
    list.forEach((p: Any, i: number) => {
      const family = typeof p?.ip === 'string' ? isIP(p.ip) : 0;
      if (!family) causes.push({ field: `status.${many}[${i}].ip`, message: `Invalid value: ${JSON.stringify(p?.ip ?? null)}: must be a valid IP address` });
      else if (families.has(family)) causes.push({ field: `status.${many}`, message: `Invalid value: ${JSON.stringify(list.map((x: Any) => x?.ip))}: may specify no more than one IP for each IP family` });
      families.add(family);
    });
  }
  return causes;
}

/**
 * A Job's selector and Pod labels, as the API server generates them (unless manualSelector):
 * the Job's uid, under the batch.kubernetes.io/ and legacy keys.
 */
export function selectJobPods(job: Any, uid: string): void {
  if (job.spec?.manualSelector === true) return;
  job.spec ??= {};
  job.spec.selector = { matchLabels: { 'batch.kubernetes.io/controller-uid': uid } };
  job.spec.template ??= {};
  job.spec.template.metadata ??= {};
  job.spec.template.metadata.labels = {
    ...(job.spec.template.metadata.labels ?? {}),
    'batch.kubernetes.io/controller-uid': uid,
    'batch.kubernetes.io/job-name': job.metadata.name ?? '',
    'controller-uid': uid,
    'job-name': job.metadata.name ?? '',
  };
}

function defaultJobSpec(spec: Any): void {
  if (spec.completions === undefined && spec.parallelism === undefined) {
    spec.completions = 1;
    spec.parallelism = 1;
  }
  spec.parallelism ??= 1;
  spec.backoffLimit ??= 6;
  spec.completionMode ??= 'NonIndexed';
  spec.suspend ??= false;
  spec.manualSelector ??= undefined;
  if (spec.manualSelector === undefined) delete spec.manualSelector;
  spec.podReplacementPolicy ??= 'TerminatingOrFailed';
  spec.template ??= {};
  spec.template.metadata ??= {};
  spec.template.metadata.creationTimestamp ??= null;
  spec.template.spec ??= {};
  defaultPodSpec(spec.template.spec);
}

function validateJobSpec(spec: Any, prefix: string): FieldCause[] {
  const causes: FieldCause[] = [];
  const rp = spec?.template?.spec?.restartPolicy;
  if (rp !== 'Never' && rp !== 'OnFailure') {
    causes.push({ field: `${prefix}.template.spec.restartPolicy`, message: `Unsupported value: "${rp}": supported values: "OnFailure", "Never"`, reason: 'FieldValueNotSupported' });
  }
  for (const k of ['parallelism', 'completions', 'backoffLimit', 'activeDeadlineSeconds', 'ttlSecondsAfterFinished']) {
    const v = spec?.[k];
    if (v !== undefined && v !== null && (!Number.isInteger(v) || v < 0)) causes.push({ field: `${prefix}.${k}`, message: `Invalid value: ${JSON.stringify(v)}: must be greater than or equal to 0` });
  }
  causes.push(...validatePodSpec(spec?.template?.spec, `${prefix}.template.spec`));
  return causes;
}

function defaultPod(o: Any): void {
  o.spec ??= {};
  defaultPodSpec(o.spec);
  o.spec.serviceAccountName ??= 'default';
  o.spec.serviceAccount ??= o.spec.serviceAccountName;
  o.spec.enableServiceLinks ??= true;
  o.spec.priority ??= 0;
  o.spec.preemptionPolicy ??= 'PreemptLowerPriority';
  o.spec.tolerations ??= [
    { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
    { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
  ];
  const hasResources = (o.spec.containers as Any[]).some((c) => Object.keys(c.resources?.requests ?? {}).length || Object.keys(c.resources?.limits ?? {}).length);
  o.status = { phase: 'Pending', qosClass: hasResources ? 'Burstable' : 'BestEffort' };
}

function defaultDeployment(o: Any): void {
  o.spec ??= {};
  o.spec.replicas ??= 1;
  o.spec.revisionHistoryLimit ??= 10;
  o.spec.progressDeadlineSeconds ??= 600;
  o.spec.strategy ??= {};
  o.spec.strategy.type ??= 'RollingUpdate';
  if (o.spec.strategy.type === 'RollingUpdate') {
    o.spec.strategy.rollingUpdate ??= {};
    o.spec.strategy.rollingUpdate.maxUnavailable ??= '25%';
    o.spec.strategy.rollingUpdate.maxSurge ??= '25%';
  }
  o.spec.template ??= {};
  o.spec.template.metadata ??= {};
  o.spec.template.metadata.creationTimestamp ??= null;
  o.spec.template.spec ??= {};
  defaultPodSpec(o.spec.template.spec);
  o.status ??= {};
}

function defaultStatefulSet(o: Any): void {
  o.spec ??= {};
  o.spec.replicas ??= 1;
  o.spec.podManagementPolicy ??= 'OrderedReady';
  o.spec.revisionHistoryLimit ??= 10;
  o.spec.updateStrategy ??= {};
  o.spec.updateStrategy.type ??= 'RollingUpdate';
  if (o.spec.updateStrategy.type === 'RollingUpdate') {
    o.spec.updateStrategy.rollingUpdate ??= {};
    o.spec.updateStrategy.rollingUpdate.partition ??= 0;
  }
  o.spec.persistentVolumeClaimRetentionPolicy ??= { whenDeleted: 'Retain', whenScaled: 'Retain' };
  o.spec.template ??= {};
  o.spec.template.metadata ??= {};
  o.spec.template.metadata.creationTimestamp ??= null;
  o.spec.template.spec ??= {};
  defaultPodSpec(o.spec.template.spec);
  o.status ??= { replicas: 0, availableReplicas: 0 };
}

function defaultDaemonSet(o: Any): void {
  o.spec ??= {};
  o.spec.revisionHistoryLimit ??= 10;
  o.spec.updateStrategy ??= {};
  o.spec.updateStrategy.type ??= 'RollingUpdate';
  if (o.spec.updateStrategy.type === 'RollingUpdate') {
    o.spec.updateStrategy.rollingUpdate ??= {};
    o.spec.updateStrategy.rollingUpdate.maxUnavailable ??= 1;
    o.spec.updateStrategy.rollingUpdate.maxSurge ??= 0;
  }
  o.spec.template ??= {};
  o.spec.template.metadata ??= {};
  o.spec.template.metadata.creationTimestamp ??= null;
  o.spec.template.spec ??= {};
  defaultPodSpec(o.spec.template.spec);
  o.status ??= { currentNumberScheduled: 0, numberMisscheduled: 0, desiredNumberScheduled: 0, numberReady: 0 };
}

function defaultReplicaSet(o: Any): void {
  o.spec ??= {};
  o.spec.replicas ??= 1;
  o.spec.template ??= {};
  o.spec.template.metadata ??= {};
  o.spec.template.spec ??= {};
  defaultPodSpec(o.spec.template.spec);
  o.status ??= { replicas: 0 };
}

function defaultService(o: Any): void {
  o.spec ??= {};
  o.spec.type ??= 'ClusterIP';
  o.spec.sessionAffinity ??= 'None';
  o.spec.internalTrafficPolicy ??= 'Cluster';
  if (o.spec.type === 'NodePort' || o.spec.type === 'LoadBalancer') o.spec.externalTrafficPolicy ??= 'Cluster';
  for (const p of o.spec.ports ?? []) {
    p.protocol ??= 'TCP';
    p.targetPort ??= p.port;
  }
  o.status ??= { loadBalancer: {} };
}

export function applyDefaults(rt: ResourceType, o: KubeObject): void {
  switch (rt.kind) {
    case 'Pod':
      defaultPod(o);
      break;
    case 'Deployment':
      defaultDeployment(o);
      break;
    case 'ReplicaSet':
      defaultReplicaSet(o);
      break;
    case 'DaemonSet':
      defaultDaemonSet(o);
      break;
    case 'StatefulSet':
      defaultStatefulSet(o);
      break;
    case 'Service':
      defaultService(o);
      break;
    case 'Job':
      (o as Any).spec ??= {};
      defaultJobSpec((o as Any).spec);
      (o as Any).status ??= {};
      break;
    case 'CronJob': {
      const spec = ((o as Any).spec ??= {});
      spec.concurrencyPolicy ??= 'Allow';
      spec.suspend ??= false;
      spec.successfulJobsHistoryLimit ??= 3;
      spec.failedJobsHistoryLimit ??= 1;
      spec.jobTemplate ??= {};
      spec.jobTemplate.metadata ??= {};
      spec.jobTemplate.metadata.creationTimestamp ??= null;
      spec.jobTemplate.spec ??= {};
      spec.jobTemplate.spec.template ??= {};
      spec.jobTemplate.spec.template.metadata ??= {};
      spec.jobTemplate.spec.template.metadata.creationTimestamp ??= null;
      spec.jobTemplate.spec.template.spec ??= {};
      defaultPodSpec(spec.jobTemplate.spec.template.spec);
      (o as Any).status ??= {};
      break;
    }
    case 'Ingress':
      (o as Any).spec ??= {};
      (o as Any).status ??= { loadBalancer: {} };
      break;
    case 'HorizontalPodAutoscaler':
      (o as Any).spec ??= {};
      (o as Any).spec.minReplicas ??= 1;
      (o as Any).status ??= { currentReplicas: 0, desiredReplicas: 0 };
      break;
    case 'Namespace':
      (o as Any).spec = { finalizers: ['kubernetes'] };
      (o as Any).status = { phase: 'Active' };
      o.metadata.labels = { ...o.metadata.labels, 'kubernetes.io/metadata.name': o.metadata.name! };
      break;
  }
}

export function validate(rt: ResourceType, o: Any): void {
  const name = o.metadata?.name ?? '';
  const causes = name ? validateName(rt, name) : [];
  for (const [k, v] of Object.entries(o.metadata?.labels ?? {})) {
    if (typeof v !== 'string' || v.length > 63 || !/^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/.test(v)) {
      causes.push({ field: 'metadata.labels', message: `Invalid value: "${String(v)}": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.'` });
    } else if (!k) causes.push({ field: 'metadata.labels', message: 'Invalid value: "": name part must be non-empty' });
  }
  switch (rt.kind) {
    case 'Pod':
      causes.push(...validatePodSpec(o.spec, 'spec'));
      causes.push(...validatePodIps(o.status));
      break;
    case 'Job':
      causes.push(...validateJobSpec(o.spec, 'spec'));
      break;
    case 'CronJob': {
      try {
        parseSchedule(String(o.spec?.schedule ?? ''));
      } catch (e) {
        causes.push({ field: 'spec.schedule', message: `Invalid value: ${JSON.stringify(o.spec?.schedule ?? '')}: ${(e as Error).message}` });
      }
      if (!['Allow', 'Forbid', 'Replace'].includes(o.spec?.concurrencyPolicy)) {
        causes.push({ field: 'spec.concurrencyPolicy', message: `Unsupported value: "${o.spec?.concurrencyPolicy}": supported values: "Allow", "Forbid", "Replace"`, reason: 'FieldValueNotSupported' });
      }
      causes.push(...validateJobSpec(o.spec?.jobTemplate?.spec, 'spec.jobTemplate.spec'));
      break;
    }
    case 'Ingress':
      (o.spec?.rules ?? []).forEach((r: Any, i: number) =>
        (r?.http?.paths ?? []).forEach((p: Any, j: number) => {
          const f = `spec.rules[${i}].http.paths[${j}]`;
          if (!p?.pathType) causes.push({ field: `${f}.pathType`, message: 'Required value: pathType must be specified', reason: 'FieldValueRequired' });
          else if (!['Exact', 'Prefix', 'ImplementationSpecific'].includes(p.pathType)) {
            causes.push({ field: `${f}.pathType`, message: `Unsupported value: "${p.pathType}": supported values: "Exact", "ImplementationSpecific", "Prefix"`, reason: 'FieldValueNotSupported' });
          }
          if (!p?.backend?.service && !p?.backend?.resource) causes.push({ field: `${f}.backend`, message: 'Invalid value: "": resource or service backend is required', reason: 'FieldValueInvalid' });
        }),
      );
      break;
    case 'HorizontalPodAutoscaler': {
      const ref = o.spec?.scaleTargetRef;
      if (!ref?.kind) causes.push({ field: 'spec.scaleTargetRef.kind', message: 'Required value', reason: 'FieldValueRequired' });
      if (!ref?.name) causes.push({ field: 'spec.scaleTargetRef.name', message: 'Required value', reason: 'FieldValueRequired' });
      if (!Number.isInteger(o.spec?.maxReplicas) || o.spec.maxReplicas < 1) causes.push({ field: 'spec.maxReplicas', message: `Invalid value: ${JSON.stringify(o.spec?.maxReplicas ?? 0)}: must be greater than or equal to 1` });
      else if (o.spec.minReplicas > o.spec.maxReplicas) causes.push({ field: 'spec.maxReplicas', message: `Invalid value: ${o.spec.maxReplicas}: must be greater than or equal to \`minReplicas\`` });
      break;
    }
    case 'Deployment':
    case 'ReplicaSet':
    case 'DaemonSet':
    case 'StatefulSet': {
      const sel: LabelSelector | undefined = o.spec?.selector;
      if (!sel || (!Object.keys(sel.matchLabels ?? {}).length && !(sel.matchExpressions ?? []).length)) {
        causes.push({ field: 'spec.selector', message: 'Required value', reason: 'FieldValueRequired' });
      } else if (!labelSelectorMatches(sel, o.spec?.template?.metadata?.labels)) {
        causes.push({
          field: 'spec.template.metadata.labels',
          message: `Invalid value: ${JSON.stringify(o.spec?.template?.metadata?.labels ?? {})}: \`selector\` does not match template \`labels\``,
        });
      }
      if (rt.kind !== 'DaemonSet' && (typeof o.spec?.replicas !== 'number' || o.spec.replicas < 0 || !Number.isInteger(o.spec.replicas))) {
        causes.push({ field: 'spec.replicas', message: `Invalid value: ${JSON.stringify(o.spec?.replicas)}: must be greater than or equal to 0` });
      }
      causes.push(...validatePodSpec(o.spec?.template?.spec, 'spec.template.spec'));
      if (rt.kind === 'Deployment' && o.spec?.strategy?.type === 'RollingUpdate') {
        const ru = o.spec.strategy.rollingUpdate ?? {};
        const zero = (v: unknown) => v === 0 || v === '0%';
        if (zero(ru.maxSurge) && zero(ru.maxUnavailable)) {
          causes.push({ field: 'spec.strategy.rollingUpdate.maxUnavailable', message: 'Invalid value: 0: may not be 0 when `maxSurge` is 0' });
        }
      }
      if (rt.kind === 'Deployment' && !['RollingUpdate', 'Recreate'].includes(o.spec?.strategy?.type)) {
        causes.push({ field: 'spec.strategy.type', message: `Unsupported value: "${o.spec?.strategy?.type}": supported values: "Recreate", "RollingUpdate"`, reason: 'FieldValueNotSupported' });
      }
      break;
    }
    case 'Service': {
      const type = o.spec?.type;
      if (!['ClusterIP', 'NodePort', 'LoadBalancer', 'ExternalName'].includes(type)) {
        causes.push({ field: 'spec.type', message: `Unsupported value: "${type}": supported values: "ClusterIP", "ExternalName", "LoadBalancer", "NodePort"`, reason: 'FieldValueNotSupported' });
      }
      const ports: Any[] = o.spec?.ports ?? [];
      if (type !== 'ExternalName' && o.spec?.clusterIP !== 'None' && ports.length === 0) {
        causes.push({ field: 'spec.ports', message: 'Required value', reason: 'FieldValueRequired' });
      }
      ports.forEach((p, i) => {
        if (!Number.isInteger(p.port) || p.port < 1 || p.port > 65535) {
          causes.push({ field: `spec.ports[${i}].port`, message: `Invalid value: ${JSON.stringify(p.port)}: must be between 1 and 65535, inclusive` });
        }
        if (ports.length > 1 && !p.name) causes.push({ field: `spec.ports[${i}].name`, message: 'Required value', reason: 'FieldValueRequired' });
      });
      break;
    }
  }
  if (causes.length) throw invalid(rt, name, causes);
}

/** Parses an IntOrString percentage/absolute (maxSurge, maxUnavailable) against a total. */
export function intOrPercent(v: unknown, total: number, roundUp: boolean): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'string' && /^\d+%$/.test(v)) {
    const x = (Number(v.slice(0, -1)) * total) / 100;
    return roundUp ? Math.ceil(x) : Math.floor(x);
  }
  if (typeof v === 'string' && /^\d+$/.test(v)) return Number(v);
  return 0;
}
