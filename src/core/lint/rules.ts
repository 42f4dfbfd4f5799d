// Rule ids, messages, default severities, and where Pod specs and host ports live.
// The ids are public: tools, suppression comments and settings refer to them.

export const RULE_IDS = ['ip-literal', 'host-network', 'host-port', 'load-balancer-ip'] as const;
export type RuleId = (typeof RULE_IDS)[number];

export type Severity = 'error' | 'warning' | 'info' | 'hint';
export type RuleSetting = Severity | 'off';

export const DEFAULT_SEVERITY: Record<RuleId, Severity> = {
  'ip-literal': 'warning',
  'host-network': 'warning',
  'host-port': 'warning',
  'load-balancer-ip': 'hint',
};

/** Where the README documents each rule; diagnostics link here. */
export const README_URL = 'https://github.com/pod-ip-lens/pod-ip-lens#';
export function ruleDocUrl(rule: RuleId): string {
  return README_URL + rule;
}

export function isRuleId(s: string): s is RuleId {
  return (RULE_IDS as readonly string[]).includes(s);
}

/** A private address a client is pinned to: it could be a Pod's, a node's or a Service's. */
export function ipLiteralMessage(literal: string): string {
  return `Hard-coded IP ${literal} — Pod IPs change whenever a Pod is replaced (rollout, crash, eviction), node IPs when a node is; address a Service instead.`;
}
/** A public address a client is pinned to: a host outside the cluster. */
export function externalIpMessage(literal: string): string {
  return `Hard-coded external address ${literal} — it breaks when that host is moved or re-provisioned; use its DNS name (or an ExternalName Service for clients in the cluster).`;
}
export const HOST_NETWORK_MESSAGE =
  'hostNetwork: true puts the Pod on its Node’s IP, which changes whenever the Pod is rescheduled to another Node; expose it through a Service instead.';
export function hostPortMessage(port: string): string {
  return `hostPort ${port} ties clients to the IP of whichever Node the Pod lands on (and to one replica per Node); expose the port through a Service instead.`;
}

export const LOAD_BALANCER_IP_MESSAGE =
  'spec.loadBalancerIP is deprecated since Kubernetes 1.24 and ignored by some providers; request the address with your load balancer’s annotation instead (e.g. metallb.universe.tf/loadBalancerIPs).';

export type PathSegment = string | number;

/** Where each workload kind keeps its Pod spec (the map that holds `containers`). */
const POD_SPEC_PATHS: Record<string, string> = {
  Pod: 'spec',
  PodTemplate: 'template.spec',
  Deployment: 'spec.template.spec',
  ReplicaSet: 'spec.template.spec',
  StatefulSet: 'spec.template.spec',
  DaemonSet: 'spec.template.spec',
  Job: 'spec.template.spec',
  ReplicationController: 'spec.template.spec',
  CronJob: 'spec.jobTemplate.spec.template.spec',
};

/**
 * Whether `path` (keys, with or without indices) is the Pod spec of a workload of this kind;
 * undefined for other kinds (a custom resource that embeds a Pod template), where the caller
 * looks at the map itself: a Pod spec is the map that has `containers`.
 */
export function isPodSpecPath(kind: string | undefined, path: readonly PathSegment[]): boolean | undefined {
  const want = kind !== undefined ? POD_SPEC_PATHS[kind] : undefined;
  if (want === undefined) return undefined;
  return path.filter((p) => typeof p === 'string').join('.') === want;
}

const CONTAINER_LISTS = new Set(['containers', 'initContainers', 'ephemeralContainers']);

/** `containers[i].ports[j].hostPort` (in the line-scan fallback indices are unknown). */
export function isHostPortPath(path: readonly PathSegment[]): boolean {
  const keys = path.filter((p) => typeof p === 'string');
  const n = keys.length;
  return n >= 3 && keys[n - 1] === 'hostPort' && keys[n - 2] === 'ports' && CONTAINER_LISTS.has(keys[n - 3] as string);
}

export function formatPath(path: readonly PathSegment[]): string {
  let out = '';
  for (const p of path) {
    if (typeof p === 'number') out += `[${p}]`;
    else out += out === '' ? p : `.${p}`;
  }
  return out;
}
