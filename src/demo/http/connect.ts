// Connections to containers: `kubectl exec` and `attach` over WebSocket (v5.channel.k8s.io,
// v4.channel.k8s.io), running the simulated shell; `kubectl port-forward` (see portforward.ts).
// A request these cannot serve gets a Status that says what is not simulated.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, WebSocket } from 'ws';
import { ApiError } from '../store';
import { RESOURCE } from '../resources';
import { programOf } from '../controllers/programs';
import { clusterNetwork } from '../network';
import { InteractiveShell, ScriptRunner, ShellContext, ShellOutput, scriptOf } from '../shell';
import { podFiles, podEnv } from '../podfs';
import { CLOSE, ERROR, RESIZE, STDERR, STDIN, STDOUT, V5, exitStatus, frame, parseFrame, parseResize, pickProtocol } from './channels';
import { boolParam } from './query';
import { send, status } from './respond';
import { Closable, HttpContext } from './streams';
import { parseRoute, Route } from './rest';
import { pickContainer } from './logs';
import { PortForwardSession, PORTFORWARD_PROTOCOLS, SPDY_UPGRADE } from './portforward';

/* eslint-disable @typescript-eslint/no-explicit-any */
type Any = any;

type ConnectRoute = Route & { namespace: string; name: string; subresource: string };

/** An exec or attach session, closable by stop() and faults. */
class Session implements Closable {
  readonly kind = 'exec' as const;
  stalled = false;
  closed = false;
  constructor(
    private readonly ws: WebSocket,
    private readonly onEnd: () => void,
  ) {}
  end(): void {
    if (this.closed) return;
    this.closed = true;
    this.onEnd();
    this.ws.close(1000);
  }
  destroy(): void {
    this.closed = true;
    this.onEnd();
    this.ws.terminate();
  }
}

export class ConnectServer {
  private readonly execWss = new WebSocketServer({ noServer: true, perMessageDeflate: false, handleProtocols: (offered) => pickProtocol(offered) ?? false });
  private readonly forwardWss = new WebSocketServer({ noServer: true, perMessageDeflate: false });

  constructor(private readonly ctx: HttpContext) {
    this.forwardWss.on('headers', (headers: string[], req: IncomingMessage & { tunnelProtocol?: string }) => {
      if (req.tunnelProtocol) headers.push(`Sec-WebSocket-Protocol: ${req.tunnelProtocol}`);
    });
  }

  close(): void {
    for (const c of [...this.execWss.clients, ...this.forwardWss.clients]) c.terminate();
  }

  /** A plain (not upgraded) request to a connect subresource. */
  plain(req: IncomingMessage, res: ServerResponse, route: Route, _q: URLSearchParams): void {
    req.resume();
    const sub = route.subresource;
    const message =
      sub === 'proxy'
        ? 'pods/proxy is not simulated by the Pod IP Lens demo cluster; use kubectl port-forward, or kubectl exec … -- wget -qO- http://<pod IP>'
        : `pods/${sub} needs a connection upgrade: ${sub === 'portforward' ? `WebSocket (${PORTFORWARD_PROTOCOLS.join(', ')}) or ${SPDY_UPGRADE}` : 'WebSocket (v5.channel.k8s.io or v4.channel.k8s.io)'}`;
    send(res, 400, status(400, 'BadRequest', message));
  }

  /** Answers an upgrade request with an HTTP error instead of switching protocols. */
  refuse(socket: Duplex, code: number, body: Record<string, unknown>): void {
    const text = JSON.stringify(body);
    socket.end(`HTTP/1.1 ${code} ${STATUS_CODES[code] ?? ''}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(text)}\r\nConnection: close\r\n\r\n${text}`);
  }

  upgrade(req: IncomingMessage, socket: Duplex, head: Buffer, url: URL): void {
    socket.on('error', () => socket.destroy());
    const route = parseRoute(url.pathname.replace(/\/+$/, ''));
    const sub = route?.subresource;
    if (!route || route.rt?.kind !== 'Pod' || !route.name || !route.namespace || !sub || !['exec', 'attach', 'portforward'].includes(sub)) {
      this.refuse(socket, 400, status(400, 'BadRequest', 'connection upgrades are served for pods/exec, pods/attach and pods/portforward only'));
      return;
    }
    const r = route as ConnectRoute;
    const q = url.searchParams;
    const upgrade = String(req.headers.upgrade ?? '').toLowerCase();
    try {
      const pod = this.ctx.api.get(RESOURCE.pods, r.namespace, r.name) as Any;
      if (pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed') {
        throw new ApiError(400, 'BadRequest', `cannot ${sub === 'portforward' ? 'port-forward to' : 'exec into'} a container in a completed pod; current phase is ${pod.status.phase}`);
      }
      if (sub === 'portforward') {
        if (upgrade === SPDY_UPGRADE.toLowerCase()) return PortForwardSession.overSpdy(this.ctx, req, socket, pod, q);
        if (upgrade !== 'websocket') throw new ApiError(400, 'BadRequest', `unsupported upgrade ${JSON.stringify(req.headers.upgrade)}: port-forward takes WebSocket or ${SPDY_UPGRADE}`);
        const chosen = pickProtocol(String(req.headers['sec-websocket-protocol'] ?? '').split(','), PORTFORWARD_PROTOCOLS);
        if (!chosen) throw new ApiError(400, 'BadRequest', `port-forward over WebSocket needs the sub-protocol ${PORTFORWARD_PROTOCOLS.join(' or ')}`);
        // `SPDY/3.1+portforward.k8s.io` is not an RFC 6455 token, which ws refuses to parse:
        // the protocol is chosen here and put back into the 101 answer (see forwardWss).
        delete req.headers['sec-websocket-protocol'];
        (req as IncomingMessage & { tunnelProtocol?: string }).tunnelProtocol = chosen;
        this.forwardWss.handleUpgrade(req, socket, head, (ws) => PortForwardSession.overWebSocket(this.ctx, ws, pod, q));
        return;
      }
      // Checked before the protocol: kubectl retries a refused WebSocket upgrade over SPDY and
      // reports that second answer, which must say what is wrong with the request.
      const container = pickContainer(pod, q.get('container'));
      const cs = (pod.status?.containerStatuses ?? []).find((c: Any) => c.name === container);
      if (!cs?.state?.running) throw new ApiError(400, 'BadRequest', `container ${container} is not running in pod ${r.name} (state: ${Object.keys(cs?.state ?? { waiting: 1 })[0]})`);
      const argv = q.getAll('command');
      if (sub === 'exec' && argv.length === 0) throw new ApiError(400, 'BadRequest', 'you must specify at least one command for the container');
      if (upgrade !== 'websocket') {
        throw new ApiError(400, 'BadRequest', `exec and attach are served over WebSocket (v5.channel.k8s.io, v4.channel.k8s.io); ${req.headers.upgrade ?? 'this upgrade'} is not simulated by the Pod IP Lens demo cluster`);
      }
      if (!pickProtocol(String(req.headers['sec-websocket-protocol'] ?? '').split(','))) {
        throw new ApiError(400, 'BadRequest', 'exec over WebSocket needs the sub-protocol v5.channel.k8s.io or v4.channel.k8s.io (v1-v3 and base64 channels are not simulated)');
      }
      this.execWss.handleUpgrade(req, socket, head, (ws) => this.session(ws, pod, container, sub as 'exec' | 'attach', argv, q));
    } catch (e) {
      if (e instanceof ApiError) this.refuse(socket, e.code, status(e.code, e.reason, e.message, e.details));
      else this.refuse(socket, 500, status(500, 'InternalError', `Internal error occurred: ${e instanceof Error ? e.message : String(e)}`));
    }
  }

  private shellContext(pod: Any, container: string): ShellContext {
    const spec = (pod.spec.containers ?? []).find((c: Any) => c.name === container) ?? {};
    return {
      net: () => clusterNetwork(this.ctx.api.store),
      namespace: pod.metadata.namespace,
      podName: pod.spec.hostname ?? pod.metadata.name,
      extras: { files: podFiles(this.ctx, pod), env: podEnv(this.ctx, pod, spec) },
      prompt: /(^|\/)(busybox|alpine)(:|@|$)/.test(spec.image ?? '') ? '/ # ' : '# ',
    };
  }

  private session(ws: WebSocket, pod: Any, container: string, sub: 'exec' | 'attach', argv: string[], q: URLSearchParams): void {
    const v5 = ws.protocol === V5;
    const tty = boolParam(q, 'tty');
    const wantStdin = boolParam(q, 'stdin');
    const wantStdout = boolParam(q, 'stdout');
    const wantStderr = boolParam(q, 'stderr') && !tty;
    const ctx = this.shellContext(pod, container);
    const out: ShellOutput = {
      stdout: (t) => wantStdout && ws.readyState === WebSocket.OPEN && ws.send(frame(STDOUT, t)),
      // With a terminal, errors go to the same stream as the output, as on a real TTY.
      stderr: (t) => ws.readyState === WebSocket.OPEN && (wantStderr ? ws.send(frame(STDERR, t)) : tty && wantStdout && ws.send(frame(STDOUT, t))),
    };
    let finished = false;
    const cleanups: (() => void)[] = [];
    const finish = (code: number, command: string[]) => {
      if (finished) return;
      finished = true;
      for (const c of cleanups.splice(0)) c();
      if (ws.readyState === WebSocket.OPEN) {
        ws.send(frame(ERROR, JSON.stringify(exitStatus(code, command))));
        ws.close(1000);
      }
      this.ctx.streams.delete(closable);
    };
    const closable = new Session(ws, () => finish(137, argv));
    this.ctx.streams.add(closable);

    let onInput: (data: Buffer) => void = () => {};
    let onStdinClosed: () => void = () => {};
    let onGone: () => void = () => {};
    ws.on('message', (raw: Buffer, isBinary: boolean) => {
      if (!isBinary) return;
      const f = parseFrame(Buffer.isBuffer(raw) ? raw : Buffer.from(raw));
      if (!f) return;
      if (f.channel === STDIN) onInput(f.data);
      else if (f.channel === RESIZE) parseResize(f.data);
      else if (f.channel === CLOSE && v5 && f.data[0] === STDIN) onStdinClosed();
    });
    ws.on('close', () => {
      onGone();
      finished = true;
      for (const c of cleanups.splice(0)) c();
      this.ctx.streams.delete(closable);
    });
    ws.on('error', () => ws.terminate());

    const spec = (pod.spec.containers ?? []).find((c: Any) => c.name === container) ?? {};
    const script = sub === 'exec' ? scriptOf(argv) : undefined;
    const interactive = sub === 'exec' ? script === undefined : wantStdin && programOf(spec) === undefined && (spec.stdin === true || spec.tty === true);
    if (sub === 'attach' && !interactive) {
      // Attached to a program or a server: what it prints from now on, until the client leaves
      // or the container stops.
      const uid = pod.metadata.uid;
      cleanups.push(
        this.ctx.api.logs.onAppend((u, c, line) => {
          if (u === uid && c === container) out.stdout(`${line.text}${tty ? '\r\n' : '\n'}`);
        }),
      );
      cleanups.push(
        this.ctx.api.store.watch(RESOURCE.pods, this.ctx.api.store.resourceVersion, (e) => {
          if (e.object.metadata.uid !== uid) return;
          const now = ((e.object as Any).status?.containerStatuses ?? []).find((c: Any) => c.name === container);
          if (e.type === 'DELETED' || !now?.state?.running) finish(0, argv);
        }),
      );
      if (tty) onInput = (d) => d.includes(3) && finish(0, argv);
      return;
    }
    if (!interactive) {
      const runner = new ScriptRunner(ctx, out, tty);
      onGone = () => runner.interrupt();
      if (tty) onInput = (d) => d.includes(3) && runner.interrupt();
      runner.run(script!).then(
        (code) => finish(code, argv),
        (e) => {
          out.stderr(`${e instanceof Error ? e.message : String(e)}\n`);
          finish(126, argv);
        },
      );
      return;
    }
    const shell = new InteractiveShell(ctx, out, tty);
    onInput = (d) => shell.input(d.toString('utf8'));
    onStdinClosed = () => shell.endOfInput();
    onGone = () => shell.kill();
    shell.done.then((code) => {
      // Attach streams end with Success however the process ended; its exit code is in the Pod's status.
      finish(sub === 'exec' ? code : 0, argv);
      // An attached shell is the container's main process: when it ends, so does the container
      // (`kubectl run -i --rm` waits for that, then deletes the Pod).
      if (sub === 'attach' && code !== 137) this.ctx.api.containerExited(pod.metadata.uid, container, code);
    });
    shell.start();
    if (!wantStdin) shell.endOfInput();
  }
}
