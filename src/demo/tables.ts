// Server-side printing: the `meta.k8s.io/v1` Table that `kubectl get` renders, with the columns
// and cell formats of the API server's printers (pkg/printers/internalversion), `-o wide`
// columns marked priority 1.
import { humanDuration } from '../core/protocol/duration';
import { KubeObject } from './store';
import { ResourceType } from './resources';
import { labelSelectorString } from './selectors';

/* eslint-disable @typescript-eslint/no-explicit-any */
type Any = any;

export interface TableColumn {
  name: string;
  type: string;
  format: string;
  description: string;
  priority: number;
}

export type IncludeObject = 'None' | 'Metadata' | 'Object';

interface Printer {
  columns: TableColumn[];
  cells: (o: Any, now: number) => unknown[];
}

const col = (name: string, description: string, priority = 0, type = 'string', format = ''): TableColumn => ({ name, type, format, description, priority });
const NAME = col('Name', "Name must be unique within a namespace. Is required when creating resources, although some resources may allow a client to request the generation of an appropriate name automatically. Name is primarily intended for creation idempotence and configuration definition. Cannot be updated. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/names#names", 0, 'string', 'name');
const AGE = col('Age', 'CreationTimestamp is a timestamp representing the server time when this object was created. It is not guaranteed to be set in happens-before order across separate operations. Clients may not set this value. It is represented in RFC3339 form and is in UTC.\n\nPopulated by the system. Read-only. Null for lists. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata');

export { humanDuration };

function since(ts: string | undefined | null, now: number): string {
  if (!ts) return '<unknown>';
  return humanDuration(now - Date.parse(ts));
}

/** The STATUS column of `kubectl get pods` (printPod). */
export function podStatusReason(pod: Any): { reason: string; ready: number; total: number; restarts: number; lastRestart?: string } {
  let reason: string = pod.status?.reason || pod.status?.phase || 'Unknown';
  const total = pod.spec?.containers?.length ?? 0;
  let ready = 0;
  let restarts = 0;
  let lastRestart: string | undefined;
  let hasRunning = false;
  const statuses: Any[] = [...(pod.status?.containerStatuses ?? [])].reverse();
  for (const c of statuses) {
    restarts += c.restartCount ?? 0;
    const fin = c.lastState?.terminated?.finishedAt;
    if (fin && (!lastRestart || fin > lastRestart)) lastRestart = fin;
    if (c.state?.waiting?.reason) reason = c.state.waiting.reason;
    else if (c.state?.terminated?.reason) reason = c.state.terminated.reason;
    else if (c.state?.terminated) reason = c.state.terminated.signal ? `Signal:${c.state.terminated.signal}` : `ExitCode:${c.state.terminated.exitCode}`;
    else if (c.ready && c.state?.running) {
      hasRunning = true;
      ready++;
    }
  }
  if (reason === 'Completed' && hasRunning) {
    reason = (pod.status?.conditions ?? []).some((c: Any) => c.type === 'Ready' && c.status === 'True') ? 'Running' : 'NotReady';
  }
  if (pod.metadata.deletionTimestamp && pod.status?.reason === 'NodeLost') reason = 'Unknown';
  else if (pod.metadata.deletionTimestamp) reason = 'Terminating';
  return { reason, ready, total, restarts, lastRestart };
}

/** The -o wide columns of workloads: their template's containers and images. */
const TEMPLATE_COLUMNS = [col('Containers', 'Names of each container in the template.', 1), col('Images', 'Images referenced by each container in the template.', 1)];

const containersCells = (spec: Any) => [
  (spec?.containers ?? []).map((c: Any) => c.name).join(','),
  (spec?.containers ?? []).map((c: Any) => c.image).join(','),
];

const PRINTERS: Record<string, Printer> = {
  Pod: {
    columns: [
      NAME,
      col('Ready', 'The aggregate readiness state of this pod for accepting traffic.'),
      col('Status', 'The aggregate status of the containers in this pod.'),
      col('Restarts', 'The number of times the containers in this pod have been restarted and when the last container in this pod has restarted.'),
      AGE,
      col('IP', 'podIP is the IP address allocated to the pod. Routable at least within the cluster. Empty if not yet allocated.', 1),
      col('Node', 'NodeName indicates in which node this pod is scheduled. If empty, this pod is a candidate for scheduling by the scheduler defined in schedulerName.', 1),
      col('Nominated Node', 'nominatedNodeName is set only when this pod preempts other pods on the node, but it cannot be scheduled right away as preemption victims receive their graceful termination periods.', 1),
      col('Readiness Gates', 'If specified, all readiness gates will be evaluated for pod readiness.', 1),
    ],
    cells: (p, now) => {
      const s = podStatusReason(p);
      const gates: Any[] = p.spec?.readinessGates ?? [];
      const gatesTrue = gates.filter((g) => (p.status?.conditions ?? []).some((c: Any) => c.type === g.conditionType && c.status === 'True')).length;
      return [
        p.metadata.name,
        `${s.ready}/${s.total}`,
        s.reason,
        s.lastRestart ? `${s.restarts} (${since(s.lastRestart, now)} ago)` : String(s.restarts),
        since(p.metadata.creationTimestamp, now),
        p.status?.podIP || '<none>',
        p.spec?.nodeName || '<none>',
        p.status?.nominatedNodeName || '<none>',
        gates.length ? `${gatesTrue}/${gates.length}` : '<none>',
      ];
    },
  },
  Deployment: {
    columns: [
      NAME,
      col('Ready', 'Number of the pod with ready state'),
      col('Up-to-date', 'Total number of non-terminated pods targeted by this deployment that have the desired template spec.', 0, 'integer'),
      col('Available', 'Total number of available pods (ready for at least minReadySeconds) targeted by this deployment.', 0, 'integer'),
      AGE,
      ...TEMPLATE_COLUMNS,
      col('Selector', 'Label selector for pods. Existing ReplicaSets whose pods are selected by this will be the ones affected by this deployment.', 1),
    ],
    cells: (d, now) => [
      d.metadata.name,
      `${d.status?.readyReplicas ?? 0}/${d.spec?.replicas ?? 0}`,
      d.status?.updatedReplicas ?? 0,
      d.status?.availableReplicas ?? 0,
      since(d.metadata.creationTimestamp, now),
      ...containersCells(d.spec?.template?.spec),
      labelSelectorString(d.spec?.selector),
    ],
  },
  ReplicaSet: {
    columns: [
      NAME,
      col('Desired', 'Number of desired pods.', 0, 'integer'),
      col('Current', 'Number of actual replicas.', 0, 'integer'),
      col('Ready', 'The number of ready replicas for this replica set.', 0, 'integer'),
      AGE,
      ...TEMPLATE_COLUMNS,
      col('Selector', 'Selector that the pods must match to be counted by this replica set.', 1),
    ],
    cells: (r, now) => [
      r.metadata.name,
      r.spec?.replicas ?? 0,
      r.status?.replicas ?? 0,
      r.status?.readyReplicas ?? 0,
      since(r.metadata.creationTimestamp, now),
      ...containersCells(r.spec?.template?.spec),
      labelSelectorString(r.spec?.selector),
    ],
  },
  StatefulSet: {
    columns: [
      NAME,
      col('Ready', 'Number of the pod with ready state'),
      AGE,
      ...TEMPLATE_COLUMNS,
    ],
    cells: (s, now) => [s.metadata.name, `${s.status?.readyReplicas ?? 0}/${s.spec?.replicas ?? 0}`, since(s.metadata.creationTimestamp, now), ...containersCells(s.spec?.template?.spec)],
  },
  DaemonSet: {
    columns: [
      NAME,
      col('Desired', 'The desired number of pods.', 0, 'integer'),
      col('Current', 'The current number of pods.', 0, 'integer'),
      col('Ready', 'The number of pods ready.', 0, 'integer'),
      col('Up-to-date', 'The number of pods updated.', 0, 'integer'),
      col('Available', 'The number of pods available.', 0, 'integer'),
      col('Node Selector', 'Which nodes will run the pods of this daemon set.'),
      AGE,
      ...TEMPLATE_COLUMNS,
      col('Selector', 'Label selector for pods.', 1),
    ],
    cells: (d, now) => [
      d.metadata.name,
      d.status?.desiredNumberScheduled ?? 0,
      d.status?.currentNumberScheduled ?? 0,
      d.status?.numberReady ?? 0,
      d.status?.updatedNumberScheduled ?? 0,
      d.status?.numberAvailable ?? 0,
      Object.entries(d.spec?.template?.spec?.nodeSelector ?? {}).map(([k, v]) => `${k}=${v}`).join(',') || '<none>',
      since(d.metadata.creationTimestamp, now),
      ...containersCells(d.spec?.template?.spec),
      labelSelectorString(d.spec?.selector),
    ],
  },
  Service: {
    columns: [
      NAME,
      col('Type', 'The type of the service.'),
      col('Cluster-IP', 'The cluster ip of the service.'),
      col('External-IP', 'The external ip of the service.'),
      col('Port(s)', 'The ports of the service.'),
      AGE,
      col('Selector', 'The label selector of the service.', 1),
    ],
    cells: (s, now) => {
      const type = s.spec?.type ?? 'ClusterIP';
      let external = '<none>';
      if (type === 'LoadBalancer') {
        const ing = (s.status?.loadBalancer?.ingress ?? []).map((i: Any) => i.ip || i.hostname);
        external = ing.length ? ing.join(',') : '<pending>';
      } else if (type === 'ExternalName') external = s.spec?.externalName ?? '<none>';
      else if ((s.spec?.externalIPs ?? []).length) external = s.spec.externalIPs.join(',');
      const ports = (s.spec?.ports ?? []).map((p: Any) => (p.nodePort ? `${p.port}:${p.nodePort}/${p.protocol}` : `${p.port}/${p.protocol}`)).join(',') || '<none>';
      const sel = Object.entries(s.spec?.selector ?? {}).map(([k, v]) => `${k}=${v}`).join(',') || '<none>';
      return [s.metadata.name, type, s.spec?.clusterIP || '<none>', external, ports, since(s.metadata.creationTimestamp, now), sel];
    },
  },
  Endpoints: {
    columns: [NAME, col('Endpoints', 'Endpoints of the service.'), AGE],
    cells: (e, now) => {
      const list: string[] = [];
      for (const s of e.subsets ?? []) for (const a of s.addresses ?? []) for (const p of s.ports ?? [{ port: undefined }]) list.push(p.port ? `${a.ip}:${p.port}` : a.ip);
      const shown = list.length > 3 ? `${list.slice(0, 3).join(',')} + ${list.length - 3} more...` : list.join(',') || '<none>';
      return [e.metadata.name, shown, since(e.metadata.creationTimestamp, now)];
    },
  },
  EndpointSlice: {
    columns: [
      NAME,
      col('AddressType', 'The IP protocol for this slice'),
      col('Ports', 'The ports of this slice'),
      col('Endpoints', 'The IP addresses of the endpoints in this slice'),
      AGE,
    ],
    cells: (s, now) => {
      const ports = (s.ports ?? []).map((p: Any) => (p.port === null || p.port === undefined ? '<unset>' : String(p.port)));
      const addrs: string[] = [];
      for (const e of s.endpoints ?? []) addrs.push(...(e.addresses ?? []));
      const shown = addrs.length > 3 ? `${addrs.slice(0, 3).join(',')} + ${addrs.length - 3} more...` : addrs.join(',') || '<unset>';
      return [s.metadata.name, s.addressType, ports.length ? ports.join(',') : '<unset>', shown, since(s.metadata.creationTimestamp, now)];
    },
  },
  Node: {
    columns: [
      NAME,
      col('Status', 'The status of the node'),
      col('Roles', 'The roles of the node'),
      AGE,
      col('Version', 'Kubelet Version reported by the node.'),
      col('Internal-IP', 'List of addresses reachable to the node. Queried from cloud provider, if available.', 1),
      col('External-IP', 'List of addresses reachable to the node. Queried from cloud provider, if available.', 1),
      col('OS-Image', 'OS Image reported by the node from /etc/os-release (e.g. Debian GNU/Linux 7 (wheezy)).', 1),
      col('Kernel-Version', 'Kernel Version reported by the node from \'uname -r\' (e.g. 3.16.0-0.bpo.4-amd64).', 1),
      col('Container-Runtime', 'Container runtime version reported by the node through runtime remote API (e.g. containerd://1.4.2).', 1),
    ],
    cells: (n, now) => {
      const ready = (n.status?.conditions ?? []).find((c: Any) => c.type === 'Ready');
      let status = ready?.status === 'True' ? 'Ready' : ready ? 'NotReady' : 'Unknown';
      if (n.spec?.unschedulable) status += ',SchedulingDisabled';
      const roles = Object.keys(n.metadata.labels ?? {})
        .filter((k) => k.startsWith('node-role.kubernetes.io/'))
        .map((k) => k.slice('node-role.kubernetes.io/'.length))
        .sort();
      const addr = (t: string) => (n.status?.addresses ?? []).find((a: Any) => a.type === t)?.address ?? '<none>';
      return [
        n.metadata.name,
        status,
        roles.length ? roles.join(',') : '<none>',
        since(n.metadata.creationTimestamp, now),
        n.status?.nodeInfo?.kubeletVersion ?? '',
        addr('InternalIP'),
        addr('ExternalIP'),
        n.status?.nodeInfo?.osImage ?? '',
        n.status?.nodeInfo?.kernelVersion ?? '',
        n.status?.nodeInfo?.containerRuntimeVersion ?? '',
      ];
    },
  },
  Namespace: {
    columns: [NAME, col('Status', 'The status of the namespace'), AGE],
    cells: (n, now) => [n.metadata.name, n.status?.phase ?? 'Active', since(n.metadata.creationTimestamp, now)],
  },
  Event: {
    columns: [
      col('Last Seen', 'Time when last event occurred'),
      col('Type', 'Type of this event (Normal, Warning), new types could be added in the future.'),
      col('Reason', 'Reason is why the action was taken. It is human-readable. This field cannot be empty for new Events and it can have at most 128 characters.'),
      col('Object', 'The object that this event is about. Mapped from Event.involvedObject.'),
      col('Subobject', 'Subobject of the object that this event is about', 1),
      col('Source', 'Component from which the event is generated.', 1),
      col('Message', 'A human-readable description of the status of this operation.'),
      col('First Seen', 'Time when first event occurred', 1),
      col('Count', 'Number of times the event occurred', 1, 'integer'),
      col('Name', 'Name of the event', 1, 'string', 'name'),
    ],
    cells: (e, now) => [
      since(e.lastTimestamp ?? e.eventTime, now),
      e.type,
      e.reason,
      `${String(e.involvedObject?.kind ?? '').toLowerCase()}/${e.involvedObject?.name ?? ''}`,
      e.involvedObject?.fieldPath ?? '',
      e.source?.host ? `${e.source.component}, ${e.source.host}` : e.source?.component ?? '',
      String(e.message ?? '').trim(),
      since(e.firstTimestamp ?? e.eventTime, now),
      e.count ?? 1,
      e.metadata.name,
    ],
  },
  ConfigMap: {
    columns: [NAME, col('Data', 'Number of data entries', 0, 'integer'), AGE],
    cells: (c, now) => [c.metadata.name, Object.keys(c.data ?? {}).length + Object.keys(c.binaryData ?? {}).length, since(c.metadata.creationTimestamp, now)],
  },
  Secret: {
    columns: [NAME, col('Type', 'The type of the secret'), col('Data', 'Number of data entries', 0, 'integer'), AGE],
    cells: (s, now) => [s.metadata.name, s.type ?? 'Opaque', Object.keys(s.data ?? {}).length, since(s.metadata.creationTimestamp, now)],
  },
  ServiceAccount: {
    columns: [NAME, col('Secrets', 'Secrets is a list of the secrets in the same namespace that pods running using this ServiceAccount are allowed to use.', 0, 'string'), AGE],
    cells: (s, now) => [s.metadata.name, (s.secrets ?? []).length, since(s.metadata.creationTimestamp, now)],
  },
  Job: {
    columns: [
      NAME,
      col('Status', 'Status of the job.'),
      col('Completions', 'The completion status of the job.'),
      col('Duration', 'Time required to complete the job.'),
      AGE,
      ...TEMPLATE_COLUMNS,
      col('Selector', 'Selector that selects the pods of this job.', 1),
    ],
    cells: (j, now) => [
      j.metadata.name,
      jobStatus(j),
      j.spec?.completions != null ? `${j.status?.succeeded ?? 0}/${j.spec.completions}` : `${j.status?.succeeded ?? 0}/1 of ${j.spec?.parallelism ?? 1}`,
      j.status?.startTime ? humanDuration((j.status.completionTime ? Date.parse(j.status.completionTime) : now) - Date.parse(j.status.startTime)) : '',
      since(j.metadata.creationTimestamp, now),
      ...containersCells(j.spec?.template?.spec),
      labelSelectorString(j.spec?.selector),
    ],
  },
  CronJob: {
    columns: [
      NAME,
      col('Schedule', 'The schedule in Cron format.'),
      col('Timezone', 'The time zone name for the given schedule.'),
      col('Suspend', 'Whether subsequent executions are suspended.', 0, 'boolean'),
      col('Active', 'The number of currently running jobs.', 0, 'integer'),
      col('Last Schedule', 'When the job was last scheduled.'),
      AGE,
      ...TEMPLATE_COLUMNS,
      col('Selector', 'Selector that selects the pods of the jobs.', 1),
    ],
    cells: (c, now) => [
      c.metadata.name,
      c.spec?.schedule ?? '',
      c.spec?.timeZone ?? '<none>',
      c.spec?.suspend === true,
      (c.status?.active ?? []).length,
      c.status?.lastScheduleTime ? since(c.status.lastScheduleTime, now) : '<none>',
      since(c.metadata.creationTimestamp, now),
      ...containersCells(c.spec?.jobTemplate?.spec?.template?.spec),
      c.spec?.jobTemplate?.spec?.selector ? labelSelectorString(c.spec.jobTemplate.spec.selector) : '<none>',
    ],
  },
  Ingress: {
    columns: [NAME, col('Class', 'The name of the IngressClass resource.'), col('Hosts', 'Hosts that incoming requests are matched against.'), col('Address', 'Address is a list containing ingress points for the load-balancer.'), col('Ports', 'Ports of TLS configurations that open.'), AGE],
    cells: (i, now) => {
      const hosts = [...new Set((i.spec?.rules ?? []).map((r: Any) => r.host || '*'))];
      const lb = (i.status?.loadBalancer?.ingress ?? []).map((x: Any) => x.ip ?? x.hostname).filter(Boolean);
      return [i.metadata.name, i.spec?.ingressClassName ?? '<none>', hosts.length ? hosts.join(',') : '*', lb.join(','), (i.spec?.tls ?? []).length ? '80, 443' : '80', since(i.metadata.creationTimestamp, now)];
    },
  },
  IngressClass: {
    columns: [NAME, col('Controller', 'Controller that is in charge of handling this class.'), col('Parameters', 'A reference to a resource with additional parameters.'), AGE],
    cells: (c, now) => [c.metadata.name, c.spec?.controller ?? '', c.spec?.parameters ? `${c.spec.parameters.kind}/${c.spec.parameters.name}` : '<none>', since(c.metadata.creationTimestamp, now)],
  },
  HorizontalPodAutoscaler: {
    columns: [
      NAME,
      col('Reference', 'The reference to the resource being scaled.'),
      col('Targets', 'The target metrics and their current values.'),
      col('MinPods', 'The lower limit for the number of replicas.', 0, 'string'),
      col('MaxPods', 'The upper limit for the number of replicas.', 0, 'integer'),
      col('Replicas', 'Current number of replicas.', 0, 'integer'),
      AGE,
    ],
    cells: (h, now) => [
      h.metadata.name,
      `${h.spec?.scaleTargetRef?.kind ?? ''}/${h.spec?.scaleTargetRef?.name ?? ''}`,
      hpaTargets(h),
      h.spec?.minReplicas ?? 1,
      h.spec?.maxReplicas ?? 0,
      h.status?.currentReplicas ?? 0,
      since(h.metadata.creationTimestamp, now),
    ],
  },
};

/** The STATUS column of `kubectl get jobs` (1.32): the job's terminal or current condition. */
function jobStatus(j: Any): string {
  const cond = (t: string) => (j.status?.conditions ?? []).some((c: Any) => c.type === t && c.status === 'True');
  if (cond('Complete')) return 'Complete';
  if (cond('Failed')) return 'Failed';
  if (j.metadata?.deletionTimestamp) return 'Terminating';
  if (cond('SuccessCriteriaMet')) return 'SuccessCriteriaMet';
  if (cond('FailureTarget')) return 'FailureTarget';
  if (cond('Suspended')) return 'Suspended';
  return 'Running';
}

/** TARGETS of `kubectl get hpa`: no metrics server in the demo, so every current value is unknown. */
function hpaTargets(h: Any): string {
  const metrics: Any[] = h.spec?.metrics ?? [];
  if (!metrics.length) return '<none>';
  return metrics
    .map((m) => {
      const t = m.resource?.target ?? m.pods?.target ?? m.object?.target ?? m.external?.target ?? m.containerResource?.target ?? {};
      const want = t.averageUtilization !== undefined ? `${t.averageUtilization}%` : (t.averageValue ?? t.value ?? '');
      return `${m.resource?.name ? `${m.resource.name}: ` : ''}<unknown>/${want}`;
    })
    .join(', ');
}

/** The default table of resources without a printer: name and creation time. */
const GENERIC: Printer = {
  columns: [NAME, col('Created At', 'CreationTimestamp is a timestamp representing the server time when this object was created.', 0, 'date')],
  cells: (o) => [o.metadata.name, o.metadata.creationTimestamp],
};

export function printerFor(rt: ResourceType): Printer {
  return PRINTERS[rt.kind] ?? GENERIC;
}

export function tableRow(rt: ResourceType, o: KubeObject, include: IncludeObject, now = Date.now()): Record<string, unknown> {
  const row: Record<string, unknown> = { cells: printerFor(rt).cells(o, now) };
  if (include === 'Object') row.object = o;
  else if (include === 'Metadata') row.object = { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: o.metadata };
  return row;
}

export function table(rt: ResourceType, items: KubeObject[], include: IncludeObject, listMeta: Record<string, unknown>, withColumns = true): Record<string, unknown> {
  const now = Date.now();
  return {
    kind: 'Table',
    apiVersion: 'meta.k8s.io/v1',
    metadata: listMeta,
    ...(withColumns ? { columnDefinitions: printerFor(rt).columns } : {}),
    rows: items.map((o) => tableRow(rt, o, include, now)),
  };
}
