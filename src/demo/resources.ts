// The resource types the demo cluster serves, with what discovery says about each.
import { Conversion, HPA_V1 } from './conversion';

export interface ResourceType {
  /** Storage key: `pods`, `apps/deployments`. */
  key: string;
  group: string;
  version: string;
  kind: string;
  plural: string;
  singular: string;
  namespaced: boolean;
  shortNames?: string[];
  categories?: string[];
  subresources: string[];
  /** Whether metadata.generation is bumped on spec changes (controllers report observedGeneration). */
  generation: boolean;
  /** A review (SelfSubjectAccessReview…): only POSTed, answered, never stored. */
  createOnly?: boolean;
  /** Served by conversion from another stored version (see conversion.ts). */
  conversion?: Conversion;
}

const rt = (r: Omit<ResourceType, 'key' | 'subresources' | 'generation'> & Partial<ResourceType>): ResourceType => ({
  key: r.group ? `${r.group}/${r.plural}` : r.plural,
  subresources: [],
  generation: false,
  ...r,
});

export const RESOURCE_TYPES: ResourceType[] = [
  rt({ group: '', version: 'v1', kind: 'Namespace', plural: 'namespaces', singular: 'namespace', namespaced: false, shortNames: ['ns'], subresources: ['status', 'finalize'] }),
  rt({ group: '', version: 'v1', kind: 'Node', plural: 'nodes', singular: 'node', namespaced: false, shortNames: ['no'], subresources: ['status'] }),
  rt({ group: '', version: 'v1', kind: 'Pod', plural: 'pods', singular: 'pod', namespaced: true, shortNames: ['po'], categories: ['all'], subresources: ['status', 'log'] }),
  rt({ group: '', version: 'v1', kind: 'Service', plural: 'services', singular: 'service', namespaced: true, shortNames: ['svc'], categories: ['all'], subresources: ['status'] }),
  rt({ group: '', version: 'v1', kind: 'Endpoints', plural: 'endpoints', singular: 'endpoints', namespaced: true, shortNames: ['ep'] }),
  rt({ group: '', version: 'v1', kind: 'ConfigMap', plural: 'configmaps', singular: 'configmap', namespaced: true, shortNames: ['cm'] }),
  rt({ group: '', version: 'v1', kind: 'Secret', plural: 'secrets', singular: 'secret', namespaced: true }),
  rt({ group: '', version: 'v1', kind: 'Event', plural: 'events', singular: 'event', namespaced: true, shortNames: ['ev'] }),
  rt({ group: 'apps', version: 'v1', kind: 'Deployment', plural: 'deployments', singular: 'deployment', namespaced: true, shortNames: ['deploy'], categories: ['all'], subresources: ['status', 'scale'], generation: true }),
  rt({ group: 'apps', version: 'v1', kind: 'StatefulSet', plural: 'statefulsets', singular: 'statefulset', namespaced: true, shortNames: ['sts'], categories: ['all'], subresources: ['status', 'scale'], generation: true }),
  rt({ group: 'apps', version: 'v1', kind: 'DaemonSet', plural: 'daemonsets', singular: 'daemonset', namespaced: true, shortNames: ['ds'], categories: ['all'], subresources: ['status'], generation: true }),
  rt({ group: 'apps', version: 'v1', kind: 'ReplicaSet', plural: 'replicasets', singular: 'replicaset', namespaced: true, shortNames: ['rs'], categories: ['all'], subresources: ['status', 'scale'], generation: true }),
  rt({ group: '', version: 'v1', kind: 'ServiceAccount', plural: 'serviceaccounts', singular: 'serviceaccount', namespaced: true, shortNames: ['sa'], subresources: ['token'] }),
  rt({ group: 'batch', version: 'v1', kind: 'Job', plural: 'jobs', singular: 'job', namespaced: true, categories: ['all'], subresources: ['status'], generation: true }),
  rt({ group: 'batch', version: 'v1', kind: 'CronJob', plural: 'cronjobs', singular: 'cronjob', namespaced: true, shortNames: ['cj'], categories: ['all'], subresources: ['status'], generation: true }),
  rt({ group: 'networking.k8s.io', version: 'v1', kind: 'Ingress', plural: 'ingresses', singular: 'ingress', namespaced: true, shortNames: ['ing'], subresources: ['status'], generation: true }),
  rt({ group: 'networking.k8s.io', version: 'v1', kind: 'IngressClass', plural: 'ingressclasses', singular: 'ingressclass', namespaced: false, generation: true }),
  rt({ group: 'autoscaling', version: 'v2', kind: 'HorizontalPodAutoscaler', plural: 'horizontalpodautoscalers', singular: 'horizontalpodautoscaler', namespaced: true, shortNames: ['hpa'], categories: ['all'], subresources: ['status'] }),
  rt({ key: 'autoscaling/v1/horizontalpodautoscalers', group: 'autoscaling', version: 'v1', kind: 'HorizontalPodAutoscaler', plural: 'horizontalpodautoscalers', singular: 'horizontalpodautoscaler', namespaced: true, shortNames: ['hpa'], subresources: [], conversion: HPA_V1 }),
  rt({ group: 'authorization.k8s.io', version: 'v1', kind: 'SelfSubjectAccessReview', plural: 'selfsubjectaccessreviews', singular: 'selfsubjectaccessreview', namespaced: false, createOnly: true }),
  rt({ group: 'authorization.k8s.io', version: 'v1', kind: 'SelfSubjectRulesReview', plural: 'selfsubjectrulesreviews', singular: 'selfsubjectrulesreview', namespaced: false, createOnly: true }),
  rt({ group: 'authentication.k8s.io', version: 'v1', kind: 'SelfSubjectReview', plural: 'selfsubjectreviews', singular: 'selfsubjectreview', namespaced: false, createOnly: true }),
  rt({ group: 'coordination.k8s.io', version: 'v1', kind: 'Lease', plural: 'leases', singular: 'lease', namespaced: true }),
  rt({ group: 'discovery.k8s.io', version: 'v1', kind: 'EndpointSlice', plural: 'endpointslices', singular: 'endpointslice', namespaced: true }),
];

export const RESOURCE_BY_KEY = new Map(RESOURCE_TYPES.map((r) => [r.key, r]));

export function apiVersionOf(r: ResourceType): string {
  return r.group ? `${r.group}/${r.version}` : r.version;
}

export function findResource(group: string, version: string, plural: string): ResourceType | undefined {
  return RESOURCE_TYPES.find((r) => r.group === group && r.version === version && r.plural === plural);
}

/** Kubernetes' version priority: GA before beta before alpha, higher numbers first (v2 over v1). */
export function compareVersions(a: string, b: string): number {
  const rank = (v: string) => {
    const m = v.match(/^v(\d+)(?:(alpha|beta)(\d+))?$/);
    if (!m) return [0, 0, 0];
    return [m[2] === undefined ? 3 : m[2] === 'beta' ? 2 : 1, Number(m[1]), Number(m[3] ?? 0)];
  };
  const ra = rank(a);
  const rb = rank(b);
  for (let i = 0; i < 3; i++) if (ra[i] !== rb[i]) return rb[i] - ra[i];
  return 0;
}

/** Each API group with its versions, preferred first. */
export function apiGroups(): { group: string; versions: string[] }[] {
  const out = new Map<string, string[]>();
  for (const { group, version } of groupVersions()) out.set(group, [...(out.get(group) ?? []), version]);
  return [...out].map(([group, versions]) => ({ group, versions: versions.sort(compareVersions) }));
}

export function groupVersions(): { group: string; version: string }[] {
  const seen = new Map<string, { group: string; version: string }>();
  for (const r of RESOURCE_TYPES) if (r.group) seen.set(`${r.group}/${r.version}`, { group: r.group, version: r.version });
  return [...seen.values()];
}

export const RESOURCE = {
  namespaces: 'namespaces',
  nodes: 'nodes',
  pods: 'pods',
  services: 'services',
  endpoints: 'endpoints',
  events: 'events',
  configmaps: 'configmaps',
  secrets: 'secrets',
  deployments: 'apps/deployments',
  replicasets: 'apps/replicasets',
  daemonsets: 'apps/daemonsets',
  statefulsets: 'apps/statefulsets',
  endpointslices: 'discovery.k8s.io/endpointslices',
  leases: 'coordination.k8s.io/leases',
  serviceaccounts: 'serviceaccounts',
  jobs: 'batch/jobs',
  cronjobs: 'batch/cronjobs',
  ingresses: 'networking.k8s.io/ingresses',
  ingressclasses: 'networking.k8s.io/ingressclasses',
  horizontalpodautoscalers: 'autoscaling/horizontalpodautoscalers',
} as const;
