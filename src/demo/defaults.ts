// Defaulting and validation, as the API server applies them before storing an object: what a
// user omits (`kubectl create deployment` sends very little) comes back filled in like on a real
// cluster, and objects no real cluster would accept are refused with the same kind of message.
import { ApiError, KubeObject } from './store';
import { LabelSelector, labelSelectorMatches } from './selectors';
import { ResourceType } from './resources';

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
      break;
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
