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

/** What the model knows of one Pod life (one UID) now; enough for tooltips and lanes. */
export interface PodSummary {
  uid: string;
  namespace: string;
  name: string;
  phase?: string;
  node?: string;
  hostIP?: string;
  ips: string[];
  ready: boolean;
  terminating: boolean;
  /** Set once the Pod is gone (DELETED seen, or missing on relist). */
  deleted: boolean;
  hostNetwork: boolean;
  labels: Record<string, string>;
  owner?: OwnerRef;
  revision?: string;
  createdAt?: string;
}

/** A Service whose selector matches watched Pods: its stable address and the endpoints behind it. */
export interface ServiceSummary {
  namespace: string;
  name: string;
  clusterIPs: string[];
  selector: Record<string, string>;
  ports: { name?: string; port: number; targetPort?: number | string; protocol?: string }[];
  /** Ready endpoint IPs now, from its EndpointSlices. */
  endpoints: string[];
}

/** Which watch a stream of events belongs to. `namespace` undefined means all namespaces. */
export interface WatchScope {
  context: string;
  namespace?: string;
  labelSelector: string;
  /**
   * The API server the context pointed at when the watch started (`https://host:port`). Two
   * kubeconfigs may both call a context `default`; a watch (and the panel showing it) is bound to
   * a server, not to a name.
   */
  server?: string;
}

export type ConnectionState = 'connecting' | 'live' | 'reconnecting' | 'error' | 'stopped';

/** Everything a late subscriber (a panel opened or shown again) needs to draw the present. */
export interface TimelineSnapshot {
  scope: WatchScope;
  connection: ConnectionState;
  /** Human-readable reason when connection is 'error' or 'reconnecting'. */
  connectionMessage?: string;
  events: LifecycleEvent[];
  pods: PodSummary[];
  services: ServiceSummary[];
}

/** A live source of lifecycle events for one scope (implemented in src/kube, consumed by the panel). */
export interface TimelineFeed {
  readonly scope: WatchScope;
  /** Everything, for a subscriber that starts from scratch (costs a copy of the history). */
  snapshot(): TimelineSnapshot;
  /** The seq of the newest event produced; a snapshot taken now ends there. */
  lastSeq(): number;
  /** The current summaries of these Pods (those a batch of events touched); cheap, unlike `snapshot`. */
  podSummaries(uids: Iterable<string>): PodSummary[];
  serviceSummaries(): ServiceSummary[];
  /** Changes whenever a Service or its endpoints do, so a subscriber can resend them only then. */
  servicesVersion(): number;
  connection(): { state: ConnectionState; message?: string };
  /** Called with each batch of new events (empty when only the connection changed). */
  subscribe(listener: (events: LifecycleEvent[]) => void): { dispose(): void };
}
