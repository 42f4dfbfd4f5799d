// The messages between the extension host and the timeline webview: their shapes only.
import type { ConnectionState, LifecycleEvent, OwnerRef, PodSummary, ServiceSummary, TimelineSnapshot, WatchScope } from '../events';
import type { PackedSnapshot } from './packedSnapshot';

export const PROTOCOL_VERSION = 2;

// ---------------------------------------------------------------- host → webview

/**
 * Everything to draw from scratch: sent when the webview says `ready`, when it becomes visible
 * again and when it asks (it missed a message). The host sends it packed (columns); a recording
 * embedded in an HTML file carries the plain snapshot.
 */
export interface SnapshotMessage {
  type: 'snapshot';
  snapshot: TimelineSnapshot | PackedSnapshot;
  /** The host's last event seq this snapshot includes: the next events message continues from it. */
  seq?: number;
  /** The host clock when the snapshot was taken (ISO 8601), so the "now" line can correct for skew. */
  now: string;
  /** false for a recorded timeline (CLI replay, HTML export): no live "now", nothing more will come. */
  live: boolean;
}

/**
 * New events since the last message, with the current summaries of the Pods they touch. Messages
 * chain by seq: this one covers the host's events after `prevSeq` up to `seq`, so a receiver that
 * last saw another `seq` than `prevSeq` knows it missed one.
 */
export interface EventsMessage {
  type: 'events';
  prevSeq: number;
  seq: number;
  events: LifecycleEvent[];
  pods: PodSummary[];
  /** The Services now; absent when they have not changed since the last message. */
  services?: ServiceSummary[];
  connection: ConnectionState;
  connectionMessage?: string;
  now: string;
}

export interface YamlErrorMessage {
  type: 'notice';
  level: 'info' | 'error';
  message: string;
}

/** What a manifest's hard-coded IP reaches at a time: the Pod it was written for, nothing, or another workload's Pod. */
export const REFERENCE_STATES = ['live', 'dangling', 'reused'] as const;
export type ReferenceState = (typeof REFERENCE_STATES)[number];

/** What released the IP a reference pointed at (from the lifecycle events of the Pod that let it go). */
export const BREAK_CAUSES = ['rollout', 'deletion', 'eviction', 'finished', 'ip-changed', 'watch-gap'] as const;
export type BreakCause = (typeof BREAK_CAUSES)[number];

/** One stretch of a reference's history. `to` is absent for the stretch that lasts until now. */
export interface ReferenceInterval {
  state: ReferenceState;
  /** ISO 8601. */
  from: string;
  to?: string;
  /** live / reused: the Pod holding the IP (`namespace/name`), its UID and owner. */
  pod?: string;
  uid?: string;
  owner?: OwnerRef;
  /** dangling / reused: what broke the reference before this stretch, when, and whose release it was. */
  cause?: BreakCause;
  brokeAt?: string;
  brokenBy?: string;
  /** Facts behind the cause in a few words (a revision change, an eviction reason). */
  causeDetail?: string;
  /** reused: the new holder got the IP while the previous one was still terminating. */
  overlap?: boolean;
}

/** One IP literal in a manifest, where it is. */
export interface IpLiteral {
  /** Where the file is (a URI or a path): what "open" uses. */
  file: string;
  /** How it is shown (relative to the workspace). */
  label: string;
  /** 1-based. */
  line: number;
  column: number;
  ip: string;
  /** The text as written, e.g. `10.244.1.7:8080`. */
  literal: string;
  /** Field path inside the resource, and the resource (`Deployment frontend`), when known. */
  path?: string;
  resource?: string;
}

/** One IP literal of the workspace's manifests whose IP a Pod of the timeline's scope held. */
export interface ReferenceRow extends IpLiteral {
  /** Stable while the literal stays where it is: what a click sends back. */
  id: string;
  /** The workload the literal was written for: the first Pod that held the IP in the history. */
  workload?: string;
  /** The state now (the last interval's). */
  state: ReferenceState;
  /** Oldest first, back to back; the first begins when a Pod of the scope first held the IP. */
  intervals: ReferenceInterval[];
}

/** The references section: all rows, replacing the previous ones (sent after each snapshot and when they change). */
export interface ReferencesMessage {
  type: 'references';
  rows: ReferenceRow[];
  /** Literals the manifests hold in all, of which `rows.length` point at this scope's Pod IPs. */
  literals: number;
  /** Manifest files indexed. */
  files: number;
}

export type HostMessage = SnapshotMessage | EventsMessage | YamlErrorMessage | ReferencesMessage;

// ---------------------------------------------------------------- webview → host

export interface ReadyMessage {
  type: 'ready';
  protocol: number;
}
export interface OpenPodMessage {
  type: 'open-pod';
  uid: string;
  /** `namespace/name`, for the document title when the Pod is already gone. */
  pod?: string;
}
export type ExportFormat = 'svg' | 'png' | 'json';
export interface ExportMessage {
  type: 'export';
  format: ExportFormat;
  /** svg: the SVG text; png: a `data:image/png;base64,` URL; json: ignored (the host writes its own snapshot). */
  data: string;
}
export interface RequestSnapshotMessage {
  type: 'request-snapshot';
  /** Why, for the log (e.g. the seqs it missed). */
  reason?: string;
}
/** The webview has taken in everything up to `seq`: the host may send the next batch (flow control). */
export interface DrawnMessage {
  type: 'drawn';
  seq: number;
}
export interface WebviewLogMessage {
  type: 'log';
  level: 'info' | 'warn' | 'error';
  message: string;
}
/** Open the manifest of a references row at its literal. */
export interface OpenReferenceMessage {
  type: 'open-reference';
  id: string;
}
export type WebviewMessage = ReadyMessage | OpenPodMessage | ExportMessage | RequestSnapshotMessage | DrawnMessage | WebviewLogMessage | OpenReferenceMessage;

/** What the webview keeps with setState, and what the serializer gets back after a reload. */
export interface TimelineViewState {
  scope?: WatchScope;
  groupBy: 'pod' | 'ip';
  filter: string;
  hideDeleted: boolean;
  showTable: boolean;
  /** The visible time window in epoch ms; absent means "follow now". */
  window?: [number, number];
  /** While following now: the window's width (ms), so a view shown again keeps its zoom. */
  span?: number;
  /** How far the lanes are scrolled (px). */
  scrollTop?: number;
  /** The user zoomed or panned on purpose: the view no longer zooms to a rollout by itself. */
  userZoomed?: boolean;
  /** false: lanes that left the window are shown, not folded into one row. */
  foldPast?: boolean;
}

export type Parsed<T> = { ok: true; value: T } | { ok: false; error: string };
