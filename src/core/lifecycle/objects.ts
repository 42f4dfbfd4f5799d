// The parts of Kubernetes objects the lifecycle model reads. Structural and partial on purpose:
// the model is fed by client-node, by kubectl's JSON output and by hand-written tests, and must not
// depend on any of them. Every field is optional because real streams do omit them.
import type { OwnerRef } from '../events';

export interface ObjectMeta {
  uid?: string;
  name?: string;
  namespace?: string;
  resourceVersion?: string;
  creationTimestamp?: string | Date;
  deletionTimestamp?: string | Date;
  deletionGracePeriodSeconds?: number;
  labels?: Record<string, string>;
  ownerReferences?: { kind?: string; name?: string; controller?: boolean; uid?: string }[];
  managedFields?: { time?: string | Date }[];
}

export interface PodCondition {
  type?: string;
  status?: string;
  lastTransitionTime?: string | Date;
  /** e.g. `EvictionByEvictionAPI` on a DisruptionTarget condition. */
  reason?: string;
}

export interface PodObject {
  kind?: string;
  metadata?: ObjectMeta;
  spec?: { nodeName?: string; hostNetwork?: boolean };
  status?: {
    phase?: string;
    podIP?: string;
    podIPs?: { ip?: string }[];
    hostIP?: string;
    startTime?: string | Date;
    conditions?: PodCondition[];
  };
}

export interface ServiceObject {
  kind?: string;
  metadata?: ObjectMeta;
  spec?: {
    selector?: Record<string, string>;
    clusterIP?: string;
    clusterIPs?: string[];
    ports?: { name?: string; port?: number; targetPort?: number | string; protocol?: string }[];
  };
}

export interface EndpointSliceObject {
  kind?: string;
  metadata?: ObjectMeta;
  addressType?: string;
  endpoints?: {
    addresses?: string[];
    conditions?: { ready?: boolean; serving?: boolean; terminating?: boolean };
    targetRef?: { kind?: string; name?: string; namespace?: string; uid?: string };
  }[];
}

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED';

/** Kubernetes serialises times as RFC 3339 strings; client-node turns some into Date objects. */
export function toIso(t: string | Date | undefined): string | undefined {
  if (t === undefined || t === null) return undefined;
  if (typeof t === 'string') {
    // The same few timestamps recur across a Pod's updates and a rollout's Pods: remembered.
    const known = isoCache.get(t);
    if (known !== undefined || isoCache.has(t)) return known;
    const d = new Date(t);
    const iso = Number.isNaN(d.getTime()) ? undefined : d.toISOString();
    if (isoCache.size >= 4096) isoCache.clear();
    isoCache.set(t, iso);
    return iso;
  }
  const d = t instanceof Date ? t : new Date(t);
  return Number.isNaN(d.getTime()) ? undefined : d.toISOString();
}
const isoCache = new Map<string, string | undefined>();

export function podKey(meta: ObjectMeta | undefined): string {
  return `${meta?.namespace ?? ''}/${meta?.name ?? ''}`;
}

/** Does a Service selector match these labels? An empty selector selects nothing (Kubernetes: no endpoints managed). */
export function selectorMatches(selector: Record<string, string> | undefined, labels: Record<string, string> | undefined): boolean {
  if (!selector) return false;
  const keys = Object.keys(selector);
  if (keys.length === 0) return false;
  return keys.every((k) => labels?.[k] === selector[k]);
}

/** The controller owner, resolved to the Deployment when it is a ReplicaSet named `<deployment>-<pod-template-hash>`. */
export function ownerOf(refs: { kind?: string; name?: string; controller?: boolean }[] | undefined, labels: Record<string, string>): OwnerRef | undefined {
  const ref = refs?.find((r) => r?.controller) ?? refs?.[0];
  if (!ref?.kind || !ref.name) return undefined;
  const hash = labels['pod-template-hash'];
  if (ref.kind === 'ReplicaSet' && hash && ref.name.endsWith(`-${hash}`)) {
    return { kind: 'Deployment', name: ref.name.slice(0, -hash.length - 1) };
  }
  return { kind: ref.kind, name: ref.name };
}
