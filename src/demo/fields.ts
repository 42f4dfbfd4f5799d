// Unknown-field detection for `fieldValidation` (kubectl sends Strict by default): the field
// names of the parts of the built-in types users write by hand, so a typo such as `imagee` or
// `replica` is refused like on a real API server instead of silently dropped. Fields below the
// listed levels are not checked.
import { ResourceType } from './resources';

type Shape = { fields: string[]; children?: Record<string, Shape>; list?: Record<string, Shape> };

const METADATA: Shape = {
  fields: ['name', 'generateName', 'namespace', 'selfLink', 'uid', 'resourceVersion', 'generation', 'creationTimestamp', 'deletionTimestamp', 'deletionGracePeriodSeconds', 'labels', 'annotations', 'ownerReferences', 'finalizers', 'managedFields'],
};

const CONTAINER: Shape = {
  fields: ['name', 'image', 'command', 'args', 'workingDir', 'ports', 'envFrom', 'env', 'resources', 'resizePolicy', 'restartPolicy', 'volumeMounts', 'volumeDevices', 'livenessProbe', 'readinessProbe', 'startupProbe', 'lifecycle', 'terminationMessagePath', 'terminationMessagePolicy', 'imagePullPolicy', 'securityContext', 'stdin', 'stdinOnce', 'tty'],
  list: { ports: { fields: ['name', 'hostPort', 'containerPort', 'protocol', 'hostIP'] }, env: { fields: ['name', 'value', 'valueFrom'] } },
};

const POD_SPEC: Shape = {
  fields: ['volumes', 'initContainers', 'containers', 'ephemeralContainers', 'restartPolicy', 'terminationGracePeriodSeconds', 'activeDeadlineSeconds', 'dnsPolicy', 'nodeSelector', 'serviceAccountName', 'serviceAccount', 'automountServiceAccountToken', 'nodeName', 'hostNetwork', 'hostPID', 'hostIPC', 'shareProcessNamespace', 'securityContext', 'imagePullSecrets', 'hostname', 'subdomain', 'affinity', 'schedulerName', 'tolerations', 'hostAliases', 'priorityClassName', 'priority', 'dnsConfig', 'readinessGates', 'runtimeClassName', 'enableServiceLinks', 'preemptionPolicy', 'overhead', 'topologySpreadConstraints', 'setHostnameAsFQDN', 'os', 'hostUsers', 'schedulingGates', 'resourceClaims', 'resources'],
  list: { containers: CONTAINER, initContainers: CONTAINER },
};

const TEMPLATE: Shape = { fields: ['metadata', 'spec'], children: { metadata: METADATA, spec: POD_SPEC } };

const SHAPES: Record<string, Shape> = {
  Pod: { fields: ['apiVersion', 'kind', 'metadata', 'spec', 'status'], children: { metadata: METADATA, spec: POD_SPEC } },
  Deployment: {
    fields: ['apiVersion', 'kind', 'metadata', 'spec', 'status'],
    children: {
      metadata: METADATA,
      spec: {
        fields: ['replicas', 'selector', 'template', 'strategy', 'minReadySeconds', 'revisionHistoryLimit', 'paused', 'progressDeadlineSeconds'],
        children: { template: TEMPLATE, strategy: { fields: ['type', 'rollingUpdate'], children: { rollingUpdate: { fields: ['maxUnavailable', 'maxSurge'] } } }, selector: { fields: ['matchLabels', 'matchExpressions'] } },
      },
    },
  },
  StatefulSet: {
    fields: ['apiVersion', 'kind', 'metadata', 'spec', 'status'],
    children: {
      metadata: METADATA,
      spec: {
        fields: ['replicas', 'selector', 'template', 'volumeClaimTemplates', 'serviceName', 'podManagementPolicy', 'updateStrategy', 'revisionHistoryLimit', 'minReadySeconds', 'persistentVolumeClaimRetentionPolicy', 'ordinals'],
        children: { template: TEMPLATE, selector: { fields: ['matchLabels', 'matchExpressions'] } },
      },
    },
  },
  DaemonSet: {
    fields: ['apiVersion', 'kind', 'metadata', 'spec', 'status'],
    children: {
      metadata: METADATA,
      spec: {
        fields: ['selector', 'template', 'updateStrategy', 'minReadySeconds', 'revisionHistoryLimit'],
        children: { template: TEMPLATE, selector: { fields: ['matchLabels', 'matchExpressions'] } },
      },
    },
  },
  ReplicaSet: {
    fields: ['apiVersion', 'kind', 'metadata', 'spec', 'status'],
    children: { metadata: METADATA, spec: { fields: ['replicas', 'minReadySeconds', 'selector', 'template'], children: { template: TEMPLATE } } },
  },
  Service: {
    fields: ['apiVersion', 'kind', 'metadata', 'spec', 'status'],
    children: {
      metadata: METADATA,
      spec: {
        fields: ['ports', 'selector', 'clusterIP', 'clusterIPs', 'type', 'externalIPs', 'sessionAffinity', 'loadBalancerIP', 'loadBalancerSourceRanges', 'externalName', 'externalTrafficPolicy', 'healthCheckNodePort', 'publishNotReadyAddresses', 'sessionAffinityConfig', 'ipFamilies', 'ipFamilyPolicy', 'allocateLoadBalancerNodePorts', 'loadBalancerClass', 'internalTrafficPolicy', 'trafficDistribution'],
        list: { ports: { fields: ['name', 'protocol', 'appProtocol', 'port', 'targetPort', 'nodePort'] } },
      },
    },
  },
  ConfigMap: { fields: ['apiVersion', 'kind', 'metadata', 'data', 'binaryData', 'immutable'], children: { metadata: METADATA } },
  Secret: { fields: ['apiVersion', 'kind', 'metadata', 'data', 'stringData', 'type', 'immutable'], children: { metadata: METADATA } },
  Namespace: { fields: ['apiVersion', 'kind', 'metadata', 'spec', 'status'], children: { metadata: METADATA } },
};

function walk(value: unknown, shape: Shape, path: string, out: string[]): void {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return;
  const v = value as Record<string, unknown>;
  for (const k of Object.keys(v)) {
    if (k.startsWith('$')) continue; // strategic merge patch directives
    const p = path ? `${path}.${k}` : k;
    if (!shape.fields.includes(k)) {
      out.push(p);
      continue;
    }
    const child = shape.children?.[k];
    if (child) walk(v[k], child, p, out);
    const item = shape.list?.[k];
    const list = v[k];
    if (item && Array.isArray(list)) list.forEach((x: unknown, i: number) => walk(x, item, `${p}[${i}]`, out));
  }
}

/** Paths of fields the type does not have, e.g. `spec.template.spec.containers[0].imagee`. */
export function unknownFields(rt: ResourceType, obj: unknown): string[] {
  const shape = SHAPES[rt.kind];
  if (!shape) return [];
  const out: string[] = [];
  walk(obj, shape, '', out);
  return out;
}
