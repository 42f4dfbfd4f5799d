// What a hard-coded IP is in a live cluster: a Pod's IP now (which Pod, which workload), an IP a
// Pod held before and nobody holds now, an IP now held by a different workload than before (the
// config reaches the wrong service), a node's address, a Service's ClusterIP, an address inside the
// cluster's Pod or Service ranges that nothing holds, or an address outside the cluster. Pure: the
// facts come from a cluster (src/kube) or a watch's history (the lifecycle model); nothing is
// guessed when there are none.
import type { OwnerRef } from './events';
import { cidrContains, formatIp, parseIp, type Cidr } from './lint/ip';
import type { Severity } from './lint/rules';

export const CLUSTER_CLASSES = ['reused', 'pod', 'past-pod', 'node', 'service', 'pod-range', 'service-range', 'outside'] as const;
export type ClusterClass = (typeof CLUSTER_CLASSES)[number];

/** Default severity per class: reuse is the most dangerous (traffic reaches the wrong workload). */
export const CLUSTER_CLASS_SEVERITY: Record<Exclude<ClusterClass, 'outside'>, Severity> = {
  reused: 'error',
  pod: 'warning',
  'past-pod': 'warning',
  node: 'warning',
  service: 'info',
  'pod-range': 'warning',
  'service-range': 'warning',
};

export interface PodHolder {
  /** `namespace/name`. */
  pod: string;
  owner?: OwnerRef;
  node?: string;
  /** ISO 8601: when it got the IP (or was created). */
  since?: string;
  /** ISO 8601: when it let the IP go (past holders). */
  until?: string;
}

export interface ServiceHolder {
  namespace: string;
  name: string;
  ports: { name?: string; port: number; targetPort?: number | string }[];
}

/** What the cluster knows; each question may be unanswerable (undefined / empty). */
export interface ClusterFacts {
  /** The live Pod holding the IP now (not hostNetwork Pods, which share their node's). */
  podByIp(ip: string): PodHolder | undefined;
  /** Earlier holders of the IP from a watch's history, oldest first; empty without history. */
  pastHolders(ip: string): PodHolder[];
  nodeByIp(ip: string): { node: string; type: string } | undefined;
  serviceByIp(ip: string): ServiceHolder | undefined;
  /** Node `podCIDR(s)`. */
  podRanges: readonly { cidr: Cidr; node?: string }[];
  /** Service ranges: ServiceCIDR objects, or the range that covers the Services' ClusterIPs. */
  serviceRanges: readonly Cidr[];
}

export interface ClusterVerdict {
  class: ClusterClass;
  /** Plain text (escape it before it goes into Markdown). */
  message: string;
  /** undefined for `outside`: the linter's own severity stands. */
  severity?: Severity;
  holder?: PodHolder;
  previous?: PodHolder;
  node?: { node: string; type: string };
  service?: ServiceHolder;
  range?: string;
}

/** A workload's name for messages: `Deployment backend`, or the Pod itself when it has no owner. */
export function workloadOf(h: PodHolder): string {
  return h.owner ? `${h.owner.kind} ${h.owner.name}` : `Pod ${h.pod}`;
}

function sameWorkload(a: PodHolder, b: PodHolder): boolean {
  const ns = (p: PodHolder) => p.pod.split('/')[0];
  if (ns(a) !== ns(b)) return false;
  if (a.owner && b.owner) return a.owner.kind === b.owner.kind && a.owner.name === b.owner.name;
  return !a.owner && !b.owner && a.pod === b.pod;
}

function clock(iso: string | undefined): string {
  return iso ? iso.replace('T', ' ').replace(/\.\d+Z$|Z$/, ' UTC') : 'an unknown time';
}

export function classifyAgainstCluster(literal: string, ip: string, facts: ClusterFacts, severity: Partial<Record<ClusterClass, Severity>> = {}): ClusterVerdict {
  const sev = (c: Exclude<ClusterClass, 'outside'>): Severity => severity[c] ?? CLUSTER_CLASS_SEVERITY[c];
  const holder = facts.podByIp(ip);
  const past = facts.pastHolders(ip).filter((p) => p.until !== undefined && (!holder || p.pod !== holder.pod));
  if (holder) {
    const before = [...past].reverse().find((p) => !sameWorkload(p, holder));
    if (before) {
      return {
        class: 'reused',
        severity: sev('reused'),
        holder,
        previous: before,
        message: `${literal} now belongs to Pod ${holder.pod} (${workloadOf(holder)}), but until ${clock(before.until)} it was ${before.pod}'s (${workloadOf(before)}): this config now reaches a different workload. Address a Service instead.`,
      };
    }
    return {
      class: 'pod',
      severity: sev('pod'),
      holder,
      message: `${literal} is the IP of Pod ${holder.pod} (${workloadOf(holder)}${holder.node ? `, on node ${holder.node}` : ''}) now: it changes the next time that Pod is replaced (rollout, crash, eviction). Address a Service instead.`,
    };
  }
  const node = facts.nodeByIp(ip);
  if (node) {
    return { class: 'node', severity: sev('node'), node, message: `${literal} targets node ${node.node} (its ${node.type}): nodes are drained, upgraded and scaled away, and what runs there moves. Address a Service instead.` };
  }
  const svc = facts.serviceByIp(ip);
  if (svc) {
    return {
      class: 'service',
      severity: sev('service'),
      service: svc,
      message: `${literal} is the ClusterIP of Service ${svc.namespace}/${svc.name}: stable only while that Service exists. Use its name, ${svc.name}.${svc.namespace}.svc.cluster.local.`,
    };
  }
  if (past.length > 0) {
    const last = past[past.length - 1];
    return {
      class: 'past-pod',
      severity: sev('past-pod'),
      previous: last,
      message: `${literal} was the IP of Pod ${last.pod} (${workloadOf(last)}) until ${clock(last.until)}; no Pod holds it now, so this config reaches nothing. Address a Service instead.`,
    };
  }
  const parsed = parseIp(ip);
  if (parsed) {
    const pr = facts.podRanges.find((r) => cidrContains(r.cidr, parsed));
    if (pr) {
      return {
        class: 'pod-range',
        severity: sev('pod-range'),
        range: pr.cidr.text,
        message: `${literal} is in the cluster's Pod range (${pr.cidr.text}${pr.node ? ` of node ${pr.node}` : ''}) but no Pod holds it now: a Pod's IP, gone or yet to come. Address a Service instead.`,
      };
    }
    const sr = facts.serviceRanges.find((r) => cidrContains(r, parsed));
    if (sr) {
      return { class: 'service-range', severity: sev('service-range'), range: sr.text, message: `${literal} is in the cluster's Service range (${sr.text}) but no Service has it: a deleted Service's ClusterIP? Use a Service name instead.` };
    }
  }
  return { class: 'outside', message: `${literal} is not a Pod, node or Service address of this cluster, nor in its Pod or Service ranges.` };
}

/**
 * The range that covers a set of ClusterIPs (the API server hands them out of one service CIDR),
 * for clusters that do not serve ServiceCIDR objects. At least a /24 (IPv4) or /120 (IPv6).
 */
export function coveringRange(ips: readonly string[]): Cidr[] {
  const out: Cidr[] = [];
  for (const version of [4, 6] as const) {
    const parsed = ips.map(parseIp).filter((p): p is NonNullable<typeof p> => p !== undefined && p.version === version);
    if (parsed.length === 0) continue;
    const bits = version === 4 ? 32 : 128;
    let prefix = version === 4 ? 24 : 120;
    const first = parsed[0].bytes;
    const common = (p: number) => parsed.every((x) => {
      for (let b = 0; b < p; b++) if (((x.bytes[b >> 3] >> (7 - (b & 7))) & 1) !== ((first[b >> 3] >> (7 - (b & 7))) & 1)) return false;
      return true;
    });
    while (prefix > 0 && !common(prefix)) prefix--;
    const bytes = first.map((byte, i) => {
      const keep = Math.max(0, Math.min(8, prefix - i * 8));
      return keep === 0 ? 0 : byte & ((0xff << (8 - keep)) & 0xff);
    });
    if (prefix <= bits) out.push({ version, bytes, prefix, text: `${formatIp({ version, bytes })}/${prefix}` });
  }
  return out;
}
