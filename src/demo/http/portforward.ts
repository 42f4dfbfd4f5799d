// `kubectl port-forward`: SPDY streams (tunneled over WebSocket, or after an SPDY upgrade) to
// the simulated servers of a Pod. Each forwarded connection is a pair of streams (error and
// data) sharing a requestID; the data stream is fed to a real HTTP parser that answers like the
// container's server (nginx's welcome page), so `curl http://127.0.0.1:8080` gets a real response.
import * as http from 'node:http';
import type { IncomingMessage } from 'node:http';
import { Duplex } from 'node:stream';
import type { WebSocket } from 'ws';
import { NGINX_PAGE, serve } from '../controllers/programs';
import { RESOURCE } from '../resources';
import {
  FLAG_FIN,
  FrameReader,
  GOAWAY,
  HeaderDeflater,
  HeaderInflater,
  PING,
  RST_STREAM,
  SYN_REPLY,
  SYN_STREAM,
  controlFrame,
  dataFrames,
  decodeHeaderBlock,
  encodeHeaderBlock,
} from './spdy';
import { Closable, HttpContext } from './streams';

/* eslint-disable @typescript-eslint/no-explicit-any */
type Any = any;

export const PORTFORWARD_PROTOCOLS = ['SPDY/3.1+portforward.k8s.io'];
export const SPDY_UPGRADE = 'SPDY/3.1';
const STREAM_PROTOCOL = 'portforward.k8s.io';

const NOT_FOUND_PAGE = '<html>\r\n<head><title>404 Not Found</title></head>\r\n<body>\r\n<center><h1>404 Not Found</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n';

interface Pair {
  error?: number;
  data?: number;
  port: number;
  conn?: Duplex;
}

/** The byte stream of one forwarded TCP connection, as the HTTP server sees it. */
class ForwardedConnection extends Duplex {
  constructor(private readonly sendData: (b: Buffer) => void, private readonly sendFin: () => void) {
    super({ allowHalfOpen: false });
  }
  override _read(): void {}
  override _write(chunk: Buffer, _enc: BufferEncoding, cb: (e?: Error | null) => void): void {
    this.sendData(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk));
    cb();
  }
  override _final(cb: (e?: Error | null) => void): void {
    this.sendFin();
    cb();
  }
  override _destroy(err: Error | null, cb: (e?: Error | null) => void): void {
    this.sendFin();
    cb(err);
  }
  // What net.Socket offers and http.Server calls.
  setTimeout(): this {
    return this;
  }
  setNoDelay(): this {
    return this;
  }
  setKeepAlive(): this {
    return this;
  }
}

export class PortForwardSession implements Closable {
  readonly kind = 'portforward' as const;
  stalled = false;
  closed = false;
  private readonly reader = new FrameReader();
  private readonly inflater = new HeaderInflater();
  private readonly deflater = new HeaderDeflater();
  private readonly pairs = new Map<string, Pair>();
  private readonly streamPair = new Map<number, Pair>();
  private readonly finished = new Set<number>();
  private out: Promise<void> = Promise.resolve();
  private readonly server: http.Server;

  private constructor(
    private readonly ctx: HttpContext,
    private readonly pod: Any,
    private readonly write: (b: Buffer) => void,
    private readonly hangUp: () => void,
  ) {
    const version = String(pod.spec?.containers?.find((c: Any) => /nginx/.test(c.image ?? ''))?.image ?? 'nginx:1.27').split(':')[1] ?? '1.27';
    this.server = http.createServer((req, res) => {
      const port = Number((req.socket as unknown as { forwardedPort?: number }).forwardedPort);
      const body = serve(this.currentPod() ?? pod, port);
      const nginx = body === NGINX_PAGE;
      const headers: Record<string, string> = { Server: nginx ? `nginx/${version}` : 'pod-ip-lens-demo', Date: new Date().toUTCString() };
      if (nginx && req.url !== '/' && req.url !== '/index.html') {
        res.writeHead(404, { ...headers, 'Content-Type': 'text/html' });
        res.end(NOT_FOUND_PAGE);
        return;
      }
      res.writeHead(200, { ...headers, 'Content-Type': nginx ? 'text/html' : 'text/plain', 'Last-Modified': 'Tue, 16 Apr 2024 14:29:59 GMT', 'Accept-Ranges': 'bytes' });
      res.end(nginx ? `${body}\n` : `${body}\n`);
    });
    ctx.streams.add(this);
  }

  private currentPod(): Any | undefined {
    return this.ctx.api.store.get(RESOURCE.pods, this.pod.metadata.namespace, this.pod.metadata.name);
  }

  static overWebSocket(ctx: HttpContext, ws: WebSocket, pod: Any, _q: URLSearchParams): void {
    const s = new PortForwardSession(ctx, pod, (b) => ws.readyState === ws.OPEN && ws.send(b), () => ws.close(1000));
    ws.on('message', (data: Buffer, isBinary: boolean) => {
      if (isBinary) s.feed(Buffer.isBuffer(data) ? data : Buffer.from(data as unknown as ArrayBuffer));
    });
    ws.on('close', () => s.teardown());
    ws.on('error', () => ws.terminate());
  }

  static overSpdy(ctx: HttpContext, req: IncomingMessage, socket: Duplex, pod: Any, _q: URLSearchParams): void {
    const offered = String(req.headers['x-stream-protocol-version'] ?? '').split(',').map((s) => s.trim());
    if (!offered.includes(STREAM_PROTOCOL)) {
      const text = JSON.stringify({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: `port-forward needs the stream protocol ${STREAM_PROTOCOL}`, reason: 'BadRequest', code: 400 });
      socket.end(`HTTP/1.1 400 Bad Request\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(text)}\r\n\r\n${text}`);
      return;
    }
    socket.write(`HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: ${SPDY_UPGRADE}\r\nX-Stream-Protocol-Version: ${STREAM_PROTOCOL}\r\n\r\n`);
    const s = new PortForwardSession(ctx, pod, (b) => !socket.destroyed && socket.write(b), () => socket.end());
    socket.on('data', (d: Buffer) => s.feed(d));
    socket.on('close', () => s.teardown());
  }

  end(): void {
    if (this.closed) return;
    this.send(() => controlFrame(GOAWAY, 0, Buffer.alloc(8)));
    this.out.then(() => this.hangUp());
    this.teardown();
  }

  destroy(): void {
    this.teardown();
    this.hangUp();
  }

  private teardown(): void {
    if (this.closed) return;
    this.closed = true;
    for (const p of this.pairs.values()) p.conn?.destroy();
    this.pairs.clear();
    this.deflater.close();
    this.ctx.streams.delete(this);
  }

  /** Frames go out in order, SYN_REPLY (whose headers compress asynchronously) included. */
  private send(make: () => Buffer | Buffer[] | Promise<Buffer>): void {
    this.out = this.out.then(async () => {
      const b = await make();
      for (const f of Array.isArray(b) ? b : [b]) this.write(f);
    }).catch(() => {});
  }

  private feed(chunk: Buffer): void {
    if (this.closed) return;
    let frames;
    try {
      frames = this.reader.push(chunk);
    } catch {
      return this.destroy();
    }
    for (const f of frames) {
      if (!f.control) {
        this.onData(f.streamId, f.data, (f.flags & FLAG_FIN) !== 0);
        continue;
      }
      if (f.type === SYN_STREAM) this.onSynStream(f.data, f.flags);
      else if (f.type === PING) this.send(() => controlFrame(PING, 0, f.data));
      else if (f.type === RST_STREAM) this.onReset(f.data.readUInt32BE(0) & 0x7fffffff);
      else if (f.type === GOAWAY) this.destroy();
      // SETTINGS, WINDOW_UPDATE, HEADERS: nothing to do for streams this short.
    }
  }

  private onSynStream(data: Buffer, flags: number): void {
    const id = data.readUInt32BE(0) & 0x7fffffff;
    let headers: Record<string, string>;
    try {
      headers = decodeHeaderBlock(this.inflater.inflate(data.subarray(10)));
    } catch (e) {
      this.ctx.log(`port-forward: bad SPDY header block: ${e instanceof Error ? e.message : String(e)}`);
      return this.destroy();
    }
    this.send(async () => {
      const block = await this.deflater.deflate(encodeHeaderBlock({}));
      const body = Buffer.alloc(4);
      body.writeUInt32BE(id);
      return controlFrame(SYN_REPLY, 0, Buffer.concat([body, block]));
    });
    const requestId = headers.requestid ?? String(id);
    const port = Number(headers.port);
    let pair = this.pairs.get(requestId);
    if (!pair) this.pairs.set(requestId, (pair = { port }));
    this.streamPair.set(id, pair);
    if (headers.streamtype === 'error') pair.error = id;
    else if (headers.streamtype === 'data') {
      pair.data = id;
      this.open(pair);
    }
    if (flags & FLAG_FIN) this.onData(id, Buffer.alloc(0), true);
  }

  private fin(id: number | undefined): void {
    if (id === undefined || this.finished.has(id)) return;
    this.finished.add(id);
    this.send(() => dataFrames(id, Buffer.alloc(0), true));
  }

  private open(pair: Pair): void {
    const pod = this.currentPod();
    const holder = pod && pod.metadata.uid === this.pod.metadata.uid ? pod : undefined;
    const port = pair.port;
    if (!holder || serve(holder, port) === undefined || !holder.status?.podIP) {
      const msg = !holder
        ? `pod ${this.pod.metadata.name} (uid ${this.pod.metadata.uid}) is gone`
        : `error forwarding port ${port} to pod ${holder.metadata.uid}: failed to connect to localhost:${port} inside the Pod: connect: connection refused (nothing listens on port ${port} in the simulated containers)`;
      const errId = pair.error;
      if (errId !== undefined) this.send(() => dataFrames(errId, Buffer.from(msg), false));
      this.fin(pair.error);
      this.fin(pair.data);
      return;
    }
    const dataId = pair.data!;
    const conn = new ForwardedConnection(
      (b) => this.send(() => dataFrames(dataId, b, false)),
      () => {
        this.fin(dataId);
        this.fin(pair.error);
      },
    );
    (conn as unknown as { forwardedPort: number }).forwardedPort = port;
    pair.conn = conn;
    this.server.emit('connection', conn);
  }

  private onData(id: number, data: Buffer, fin: boolean): void {
    const pair = this.streamPair.get(id);
    if (!pair || id !== pair.data || !pair.conn) return;
    if (data.length) pair.conn.push(data);
    if (fin) pair.conn.push(null);
  }

  private onReset(id: number): void {
    const pair = this.streamPair.get(id);
    if (pair?.conn && id === pair.data) pair.conn.destroy();
  }
}
