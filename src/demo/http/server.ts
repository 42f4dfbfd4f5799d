// The demo cluster's HTTPS server: TLS (and the API server's answer to plain HTTP on its port),
// bearer-token auth, fault injection hooks, and the open streams that faults and stop() reach.
// What a request means is decided in rest.ts; connections to containers in connect.ts.
import * as https from 'node:https';
import * as net from 'node:net';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { timingSafeEqual } from 'node:crypto';
import type { DemoApi } from '../api';
import { Faults } from '../faults';
import { send, sendError, status } from './respond';
import { HttpContext, StreamSet } from './streams';
import { serveRest } from './rest';
import { ConnectServer } from './connect';
import { expiredLine } from './watch';

export interface HttpServerOptions {
  api: DemoApi;
  token: string;
  cert: string;
  key: string;
  caCert: string;
  faults: () => Faults | undefined;
  /** How often watches that asked for bookmarks get one (the real server: about a minute). */
  bookmarkIntervalMs: number;
  log: (line: string) => void;
  verbose: boolean;
}

/** What Go's net/http answers when a TLS port receives plain HTTP. */
const PLAIN_HTTP_ANSWER = 'HTTP/1.0 400 Bad Request\r\n\r\nClient sent an HTTP request to an HTTPS server.\n';
const TLS_HANDSHAKE = 0x16;

export class ApiHttpServer {
  private front?: net.Server;
  private tls?: https.Server;
  private readonly sockets = new Set<net.Socket>();
  private readonly streams = new StreamSet();
  private readonly tokenBuf: Buffer;
  private readonly ctx: HttpContext;
  private readonly connect: ConnectServer;
  port = 0;
  requestCount = 0;

  constructor(private readonly opts: HttpServerOptions) {
    this.tokenBuf = Buffer.from(`Bearer ${opts.token}`);
    this.ctx = {
      api: opts.api,
      streams: this.streams,
      bookmarkIntervalMs: opts.bookmarkIntervalMs,
      log: opts.log,
      port: () => this.port,
      caCert: opts.caCert,
    };
    this.connect = new ConnectServer(this.ctx);
  }

  get openWatches(): number {
    return this.streams.count('watch');
  }

  listen(port: number, host = '127.0.0.1'): Promise<number> {
    const tls = https.createServer({ cert: this.opts.cert, key: this.opts.key }, (req, res) => this.handle(req, res));
    tls.keepAliveTimeout = 60_000;
    tls.on('secureConnection', (s) => s.setNoDelay(true));
    tls.on('tlsClientError', () => {
      // A client that rejects our certificate (wrong CA) closes the handshake; nothing to do.
    });
    tls.on('upgrade', (req: IncomingMessage, socket: net.Socket, head: Buffer) => this.upgrade(req, socket, head));
    // The first byte tells a TLS handshake from plain HTTP, which gets the API server's 400
    // instead of a connection closed without a word.
    const front = net.createServer((s) => {
      s.setNoDelay(true);
      this.sockets.add(s);
      s.on('close', () => this.sockets.delete(s));
      s.on('error', () => s.destroy());
      s.once('data', (chunk: Buffer) => {
        s.pause();
        s.unshift(chunk);
        if (chunk[0] === TLS_HANDSHAKE) {
          tls.emit('connection', s);
          process.nextTick(() => s.resume());
        } else if (/^[A-Z]{3,8} /.test(chunk.subarray(0, 9).toString('latin1'))) {
          s.end(PLAIN_HTTP_ANSWER);
        } else s.destroy();
      });
    });
    this.front = front;
    this.tls = tls;
    return new Promise((resolve, reject) => {
      front.once('error', reject);
      front.listen(port, host, () => {
        front.off('error', reject);
        this.port = (front.address() as net.AddressInfo).port;
        resolve(this.port);
      });
    });
  }

  /** Stops listening and closes every connection, streams included. */
  async close(): Promise<void> {
    for (const s of [...this.streams]) s.end();
    this.streams.clear();
    this.connect.close();
    const front = this.front;
    this.front = undefined;
    this.tls?.close();
    this.tls = undefined;
    if (!front) return;
    const closed = new Promise<void>((resolve) => front.close(() => resolve()));
    for (const s of this.sockets) s.destroy();
    this.sockets.clear();
    await closed;
  }

  cutWatches(abrupt: boolean): number {
    let n = 0;
    for (const s of [...this.streams]) {
      if (s.closed || s.kind === 'exec' || s.kind === 'portforward') continue;
      n++;
      if (abrupt) s.destroy();
      else s.end();
      this.streams.delete(s);
    }
    return n;
  }

  stallWatches(): number {
    let n = 0;
    for (const s of this.streams) {
      if (s.closed || s.stalled || s.kind !== 'watch') continue;
      s.stalled = true;
      n++;
    }
    return n;
  }

  /** Sends every open watch an ERROR 410, as a server whose watch cache fell behind does, and ends it. */
  expireWatches(oldest: number): number {
    let n = 0;
    for (const s of [...this.streams]) {
      if (s.closed || s.kind !== 'watch' || s.stalled || !('write' in s)) continue;
      (s as { write(d: string): void }).write(expiredLine(`too old resource version: ${oldest} (${oldest + 1})`));
      s.end();
      this.streams.delete(s);
      n++;
    }
    return n;
  }

  private authorized(req: IncomingMessage): boolean {
    const h = Buffer.from(req.headers.authorization ?? '');
    return h.length === this.tokenBuf.length && timingSafeEqual(h, this.tokenBuf);
  }

  private url(req: IncomingMessage): URL {
    // Prefixing the origin keeps paths such as `//x` from being read as a host name.
    return new URL(`https://demo${(req.url ?? '/').startsWith('/') ? req.url : `/${req.url}`}`);
  }

  private upgrade(req: IncomingMessage, socket: net.Socket, head: Buffer): void {
    this.requestCount++;
    try {
      const url = this.url(req);
      if (this.opts.verbose) this.opts.log(`${req.method} ${url.pathname}${url.search} (upgrade: ${req.headers.upgrade})`);
      if (!this.authorized(req)) {
        this.connect.refuse(socket, 401, status(401, 'Unauthorized', 'Unauthorized'));
        return;
      }
      this.connect.upgrade(req, socket, head, url);
    } catch (e) {
      this.connect.refuse(socket, 400, status(400, 'BadRequest', e instanceof Error ? e.message : String(e)));
    }
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    this.requestCount++;
    const fail = (e: unknown) => {
      req.resume();
      if (!res.headersSent) sendError(res, e, this.opts.log);
      else res.end();
      // A body over the limit is not read further: the 413 goes out, then the connection closes.
      if ((req as IncomingMessage & { tooLarge?: boolean }).tooLarge) res.on('finish', () => setTimeout(() => req.socket.destroy(), 100).unref());
    };
    try {
      const url = this.url(req);
      if (this.opts.verbose) res.on('finish', () => this.opts.log(`${req.method} ${url.pathname}${url.search} ${res.statusCode}`));
      const path = url.pathname.replace(/\/+$/, '') || '/';
      if (['/healthz', '/livez', '/readyz'].includes(path)) {
        send(res, 200, 'ok', 'text/plain; charset=utf-8');
        return;
      }
      if (!this.authorized(req)) {
        req.resume();
        send(res, 401, status(401, 'Unauthorized', 'Unauthorized'));
        return;
      }
      const failure = this.opts.faults()?.takeFailure();
      if (failure) {
        req.resume();
        if (failure.status === 429) {
          send(res, 429, status(429, 'TooManyRequests', 'The server has received too many requests and has asked us to try again later', { retryAfterSeconds: failure.retryAfterSeconds }), 'application/json', {
            'Retry-After': String(failure.retryAfterSeconds ?? 1),
          });
        } else {
          send(res, 500, status(500, 'InternalError', 'Internal error occurred: injected by the demo cluster fault injection'));
        }
        return;
      }
      serveRest(this.ctx, req, res, url, path, (rq, rs, route, q) => this.connect.plain(rq, rs, route, q)).catch(fail);
    } catch (e) {
      // Whatever a request contains, it gets an answer and the server keeps running.
      fail(e);
    }
  }
}
