// Long-lived answers (watches, log follows, exec sessions, port forwards), tracked so faults
// and stop() can reach them.
import type { ServerResponse } from 'node:http';
import type { DemoApi } from '../api';

/** A watcher this far behind is dropped, as the API server drops watchers that cannot keep up. */
export const MAX_WATCH_BACKLOG = 32 * 1024 * 1024;

export type StreamKind = 'watch' | 'log' | 'exec' | 'portforward';

/** What every handler gets from the server. */
export interface HttpContext {
  api: DemoApi;
  streams: StreamSet;
  bookmarkIntervalMs: number;
  log: (line: string) => void;
  /** The port the server listens on (discovery's serverAddress). */
  port(): number;
  /** The CA certificate of the cluster (kube-root-ca.crt, in-Pod service account files). */
  caCert: string;
}

export interface Closable {
  readonly kind: StreamKind;
  readonly closed: boolean;
  stalled: boolean;
  /** Ends cleanly (a watch: its response ends). */
  end(): void;
  /** Cuts the connection. */
  destroy(): void;
}

export class StreamSet extends Set<Closable> {
  count(kind: StreamKind): number {
    let n = 0;
    for (const s of this) if (s.kind === kind && !s.closed) n++;
    return n;
  }
}

/** An HTTP response streamed line by line (a watch or a log follow). */
export class Stream implements Closable {
  stalled = false;
  closed = false;
  private pending = '';
  private cleanups: (() => void)[] = [];

  constructor(
    readonly res: ServerResponse,
    readonly kind: 'watch' | 'log',
  ) {}

  onClose(fn: () => void): void {
    this.cleanups.push(fn);
  }

  /**
   * Queues one event line. Lines queued in the same tick (a controller creating 500 Pods in one
   * go) go out in one write; every line is on the wire as soon as the current tick ends.
   */
  write(data: string): void {
    if (this.closed || this.stalled) return;
    if (this.pending === '') process.nextTick(() => this.flush());
    this.pending += data;
  }

  private flush(): void {
    const data = this.pending;
    this.pending = '';
    if (this.closed || this.stalled || data === '') return;
    this.res.write(data);
    if (this.res.writableLength > MAX_WATCH_BACKLOG) this.end();
  }

  end(): void {
    if (this.closed) return;
    this.flush();
    this.closed = true;
    for (const c of this.cleanups.splice(0)) c();
    if (!this.res.writableEnded) this.res.end();
  }

  destroy(): void {
    this.closed = true;
    for (const c of this.cleanups.splice(0)) c();
    this.res.socket?.destroy();
  }
}
