// HTTP to the API server for one kubeconfig context. Authentication, TLS and proxies come from
// client-node (`applyToHTTPSOptions`, which also runs exec credential plugins and refreshes their
// tokens before each request). The requests themselves are plain node:http(s), because the watch
// loop needs what client-node's `Watch` does not give (see dist/watch.js in 1.4.0):
// - a way to abort while waiting for response headers (`Watch` only hands back its AbortController
//   after the headers arrive, and its 30 s timeout signal is overwritten), so a server that stalls
//   before answering would hang the watch forever;
// - the status body and headers of a failed watch (Retry-After on 429, the RBAC message on 403);
// - not dropping lines that fail to parse (a silently skipped event is a missed event).
import * as http from 'node:http';
import * as https from 'node:https';
import type { KubeConfig } from '@kubernetes/client-node';
import { type RequestContext, fromHttpStatus, fromNetworkError, KubeError } from './errors';
import { forContext } from './config';
import { applyCredentials } from './credentials';

export interface JsonResponse<T = unknown> {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: T;
}

export interface StreamHandlers {
  /** A complete line of the response body (one watch event). */
  line(text: string): void;
  /** Any bytes arrived (for the inactivity timer). */
  activity(): void;
}

export interface OpenStream {
  /** Resolves when the stream ends: null for a clean end, an Error otherwise. */
  ended: Promise<Error | null>;
  abort(reason?: Error): void;
}

export class KubeClient {
  readonly context: string;
  readonly server: string;
  /** The context's default namespace (kubectl's, 'default' when unset). */
  readonly namespace: string;
  readonly user?: string;
  private kc: KubeConfig;

  constructor(
    private readonly source: KubeConfig,
    context?: string,
  ) {
    const c = forContext(source, context);
    this.kc = c.kc;
    this.context = c.context;
    this.server = c.server.replace(/\/+$/, '');
    this.namespace = c.namespace;
    this.user = c.user;
  }

  requestContext(verb: RequestContext['verb'], resource: string, group: string | undefined, namespace: string | undefined, labelSelector?: string): RequestContext {
    return { verb, resource, group, namespace, labelSelector, server: this.server, context: this.context, user: this.user };
  }

  private async prepare(path: string, query: Record<string, string | number | boolean | undefined>, signal?: AbortSignal, accept = 'application/json'): Promise<http.ClientRequest> {
    const url = new URL(this.server + path);
    for (const [k, v] of Object.entries(query)) if (v !== undefined) url.searchParams.set(k, String(v));
    const opts: https.RequestOptions & { headers: Record<string, string> } = { headers: {} };
    // Exec plugins and token files run here; their failures are rewritten to quote no secret.
    await applyCredentials(this.kc, opts, this.context);
    const mod = url.protocol === 'http:' ? http : https;
    const req = mod.request(url, {
      method: 'GET',
      agent: opts.agent,
      auth: opts.auth,
      headers: { ...opts.headers, Accept: accept, 'User-Agent': 'pod-ip-lens' },
      signal,
    });
    return req;
  }

  /**
   * A 401 may mean a cached credential went stale before its stated expiry (revoked, rotated). Like
   * kubectl, get fresh credentials next time: a new KubeConfig copy has empty exec-plugin token caches.
   */
  private rejected(status: number, body: string, headers: http.IncomingHttpHeaders, ctx: RequestContext): KubeError {
    if (status === 401) this.kc = forContext(this.source, this.context).kc;
    return fromHttpStatus(status, body, headers, ctx);
  }

  /** GET a JSON document. HTTP errors become KubeErrors that say what to do. */
  /** `accept`: e.g. a Table (`application/json;as=Table;v=v1;g=meta.k8s.io`), when the full objects are not needed. */
  async getJson<T>(path: string, query: Record<string, string | number | boolean | undefined>, ctx: RequestContext, timeoutMs = 60000, accept?: string): Promise<JsonResponse<T>> {
    const ac = new AbortController();
    const timer = setTimeout(() => ac.abort(new KubeError('timeout', `No answer from ${this.server} within ${Math.round(timeoutMs / 1000)}s to ${ctx.verb} ${ctx.resource}.`)), timeoutMs);
    try {
      const req = await this.prepare(path, query, ac.signal, accept);
      const res = await new Promise<http.IncomingMessage>((resolve, reject) => {
        req.on('response', resolve);
        req.on('error', reject);
        req.end();
      });
      const body = await new Promise<string>((resolve, reject) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
        res.on('error', reject);
        // 'close' without 'end': the connection dropped (or we aborted) mid-body.
        res.on('close', () => {
          if (!res.complete) reject(Object.assign(new Error('the connection closed before the response was complete'), { code: 'ECONNRESET' }));
        });
      });
      const status = res.statusCode ?? 0;
      if (status < 200 || status >= 300) throw this.rejected(status, body, res.headers, ctx);
      try {
        return { status, headers: res.headers, body: JSON.parse(body) as T };
      } catch {
        throw new KubeError('protocol', `The API server sent a response that is not JSON to ${ctx.verb} ${ctx.resource} (${body.slice(0, 80)}…).`);
      }
    } catch (e) {
      throw toKubeError(ac.signal.reason ?? e, ctx, ac.signal.aborted);
    } finally {
      clearTimeout(timer);
    }
  }

  /**
   * Open a streaming GET (a watch). Resolves once the response headers arrive with 200; rejects with a
   * KubeError for HTTP errors (reading the Status body) and network failures. `signal` can abort at any
   * point, including before the headers.
   */
  async stream(path: string, query: Record<string, string | number | boolean | undefined>, ctx: RequestContext, handlers: StreamHandlers, signal: AbortSignal): Promise<OpenStream> {
    let req: http.ClientRequest;
    try {
      req = await this.prepare(path, query, signal);
    } catch (e) {
      throw toKubeError(e, ctx, signal.aborted);
    }
    const res = await new Promise<http.IncomingMessage>((resolve, reject) => {
      req.on('response', resolve);
      req.on('error', (e) => reject(toKubeError(signal.aborted ? (signal.reason ?? e) : e, ctx, signal.aborted)));
      req.end();
    });
    const status = res.statusCode ?? 0;
    if (status !== 200) {
      const body = await new Promise<string>((resolve) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
        res.on('error', () => resolve(Buffer.concat(chunks).toString('utf8')));
        res.on('close', () => resolve(Buffer.concat(chunks).toString('utf8')));
      });
      throw this.rejected(status, body, res.headers, ctx);
    }
    let resolveEnded!: (e: Error | null) => void;
    const ended = new Promise<Error | null>((r) => (resolveEnded = r));
    let done = false;
    const finish = (e: Error | null): void => {
      if (done) return;
      done = true;
      resolveEnded(e);
    };
    let pending = '';
    let draining = false;
    let ending = false;
    // Lines are handled in slices of about SLICE_MS: a burst (a rollout in a big cluster sends
    // thousands of events at once) must not hold the event loop (in VS Code: the extension host)
    // for longer than that. While a slice is deferred the response is paused, so order is kept and
    // the socket applies backpressure.
    const drain = (): void => {
      let from = 0;
      let nl: number;
      while (!done && (nl = pending.indexOf('\n', from)) >= 0) {
        // The budget is per turn of the event loop, not per chunk: one poll phase hands over many
        // chunks (of this watch and of others) before any timer or other work gets a turn.
        if (turnElapsed() > SLICE_MS) {
          pending = pending.slice(from);
          if (!draining) {
            draining = true;
            res.pause();
          }
          setImmediate(drain);
          return;
        }
        const line = pending.slice(from, nl);
        from = nl + 1;
        if (line.trim()) handlers.line(line);
      }
      pending = pending.slice(from);
      if (draining) {
        draining = false;
        res.resume();
      }
      if (ending) end();
    };
    const end = (): void => {
      if (!done && pending.trim()) handlers.line(pending);
      pending = '';
      finish(null);
    };
    res.setEncoding('utf8');
    res.on('data', (chunk: string) => {
      if (done) return;
      handlers.activity();
      pending += chunk;
      if (!draining) drain();
    });
    res.on('end', () => {
      if (draining) ending = true;
      else end();
    });
    res.on('aborted', () => finish(Object.assign(new Error('the server closed the watch mid-response'), { code: 'ECONNRESET' })));
    res.on('error', (e) => finish(signal.aborted ? toKubeError(signal.reason ?? e, ctx, true) : e));
    // 'close' without a complete body means the connection dropped mid-stream, not a clean end.
    res.on('close', () => {
      const e = signal.aborted ? toKubeError(signal.reason, ctx, true) : res.complete ? null : Object.assign(new Error('the connection closed mid-stream'), { code: 'ECONNRESET' });
      // A clean end with lines still to handle ends when they are (see drain).
      if (e === null && draining) ending = true;
      else finish(e);
    });
    return {
      ended,
      abort: (reason?: Error) => {
        finish(reason ?? new Error('aborted'));
        res.destroy();
        req.destroy();
      },
    };
  }
}

/** Longest stretch of watch lines handled in one turn of the event loop (ms). */
const SLICE_MS = 5;

let turnStart = -1;
/** Time spent handling watch lines in this turn of the event loop, by every watch of the process. */
function turnElapsed(): number {
  const now = performance.now();
  if (turnStart < 0) {
    turnStart = now;
    setImmediate(() => (turnStart = -1));
  }
  return now - turnStart;
}

function toKubeError(e: unknown, ctx: RequestContext, aborted: boolean): KubeError {
  if (e instanceof KubeError) return e;
  if (aborted && e instanceof Error && e.name === 'AbortError') return new KubeError('timeout', `The request to ${ctx.verb} ${ctx.resource} was aborted.`);
  return fromNetworkError(e, ctx);
}
