// Rule ids, messages, default severities and the table of fields where an IP is legitimate.
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

export function ipLiteralMessage(literal: string): string {
  return `Hard-coded IP ${literal}: Pod IPs change whenever a Pod is replaced (rollout, crash, eviction); address a Service instead.`;
}
export const HOST_NETWORK_MESSAGE =
  'hostNetwork: true puts the Pod on its Node’s IP, which changes whenever the Pod is rescheduled to another Node; expose it through a Service instead.';
export function hostPortMessage(port: string): string {
  return `hostPort ${port} ties clients to the IP of whichever Node the Pod lands on (and to one replica per Node); expose the port through a Service instead.`;
}

export const LOAD_BALANCER_IP_MESSAGE =
  'spec.loadBalancerIP is deprecated since Kubernetes 1.24 and ignored by some providers; request the address with your load balancer’s annotation instead (e.g. metallb.universe.tf/loadBalancerIPs).';

export type PathSegment = string | number;

const SERVICE_IP_FIELDS = new Set(['clusterIP', 'clusterIPs', 'externalIPs', 'loadBalancerSourceRanges', 'loadBalancerIP']);

/**
 * True when an IP in this field is configuration of the network itself rather than a client
 * addressing a Pod: Service IPs, policy ranges, endpoint records, host aliases, DNS servers,
 * anything the cluster reports under `status`. `path` is relative to the resource (the document,
 * or one item of a `List`).
 */
export function isLegitimateIpField(kind: string | undefined, path: readonly PathSegment[]): boolean {
  if (path[0] === 'status') return true;
  const last = lastKey(path);
  // Values that only look like addresses: image references and version fields.
  if (last !== undefined && (last === 'image' || /version$/i.test(last))) return true;
  // kubectl's copy of the applied object: its IPs are the object's own fields, linted where they are.
  if (last === 'kubectl.kubernetes.io/last-applied-configuration' || path.includes('managedFields')) return true;
  switch (kind) {
    case 'Service':
      if (path[0] === 'spec' && typeof path[1] === 'string' && SERVICE_IP_FIELDS.has(path[1])) return true;
      break;
    case 'NetworkPolicy':
      if (path.includes('ipBlock')) return true;
      break;
    case 'EndpointSlice':
      if (path[0] === 'endpoints') return true;
      break;
    case 'Endpoints':
      if (path[0] === 'subsets') return true;
      break;
    case 'Node':
      if (path[0] === 'spec' && (path[1] === 'podCIDR' || path[1] === 'podCIDRs')) return true;
      break;
    case 'IPAddressPool': // MetalLB: the pool a load balancer hands addresses out of
    case 'Gateway': // Gateway API: the address the Gateway asks for
      if (path[0] === 'spec' && path[1] === 'addresses') return true;
      break;
  }
  if (last === 'ip' && path.includes('hostAliases')) return true;
  const dns = path.indexOf('dnsConfig');
  if (dns >= 0 && path[dns + 1] === 'nameservers') return true;
  return false;
}

function lastKey(path: readonly PathSegment[]): string | undefined {
  for (let i = path.length - 1; i >= 0; i--) {
    const p = path[i];
    if (typeof p === 'string') return p;
  }
  return undefined;
}

/** `ports[n].hostPort` (in the line-scan fallback indices are unknown, so any `ports` ancestor). */
export function isHostPortPath(path: readonly PathSegment[]): boolean {
  return path[path.length - 1] === 'hostPort' && path.includes('ports');
}

export function formatPath(path: readonly PathSegment[]): string {
  let out = '';
  for (const p of path) {
    if (typeof p === 'number') out += `[${p}]`;
    else out += out === '' ? p : `.${p}`;
  }
  return out;
}
