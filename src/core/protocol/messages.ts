// The messages between the extension host and the timeline webview: their shapes only.
import type { ConnectionState, LifecycleEvent, PodSummary, ServiceSummary, TimelineSnapshot, WatchScope } from '../events';
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

export type HostMessage = SnapshotMessage | EventsMessage | YamlErrorMessage;

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
export type WebviewMessage = ReadyMessage | OpenPodMessage | ExportMessage | RequestSnapshotMessage | DrawnMessage | WebviewLogMessage;

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
