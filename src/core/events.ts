// The vocabulary shared by the lifecycle model, the CLI replay, the host and the webview.
// Pure data: no vscode, no I/O.

export const LIFECYCLE_EVENT_TYPES = [
  'created',
  'scheduled',
  'ip-assigned',
  'ready',
  'unready',
  'terminating',
  'ip-released',
  'deleted',
  'ip-reused',
  'gap',
  'endpoint-added',
  'endpoint-removed',
] as const;

export type LifecycleEventType = (typeof LIFECYCLE_EVENT_TYPES)[number];

/** Where an event's time came from: a timestamp in the object, or the moment we saw the change. */
export type TimeSource = 'object' | 'arrival';

export interface OwnerRef {
  kind: string;
  name: string;
}

export interface LifecycleEvent {
  /** Increasing within one model; lets consumers de-duplicate and order. */
  seq: number;
  type: LifecycleEventType;
  /** ISO 8601. */
  time: string;
  timeSource: TimeSource;
  /** Pod UID (absent for `gap`, and for endpoint events whose Pod is unknown). */
  uid?: string;
  /** `namespace/name` of the Pod. */
  pod?: string;
  ip?: string;
  node?: string;
  /** Controller owner of the Pod, resolved to the Deployment when the ReplicaSet is owned by one. */
  owner?: OwnerRef;
  /** pod-template-hash label (the ReplicaSet revision) when present. */
  revision?: string;
  /** `ip-reused`: the previous holder of `ip`. */
  previousUid?: string;
  previousPod?: string;
  /** `ip-reused`: the previous holder was still terminating when the new one got the IP. */
  overlap?: boolean;
  /** `deleted` / `ip-released` found by a relist after the watch was down, not by a DELETED event. */
  seenOnRelist?: boolean;
  /** `ip-assigned` for a hostNetwork Pod: the IP is the node's, shared, not allocated to the Pod. */
  hostNetwork?: boolean;
  /** `gap`: the interval the watch was down (ISO 8601). */
  from?: string;
  to?: string;
  reason?: string;
  /** Endpoint events: `namespace/name` of the Service. */
  service?: string;
}
