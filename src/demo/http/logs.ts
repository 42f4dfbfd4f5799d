// pods/log: what a simulated container printed (`--previous`, `--timestamps`, `--tail`, `-f`).
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ApiError } from '../store';
import { RESOURCE } from '../resources';
import { programOf } from '../controllers/programs';
import { boolParam } from './query';
import { send } from './respond';
import { HttpContext, Stream } from './streams';

/* eslint-disable @typescript-eslint/no-explicit-any */
type Any = any;

/** The container of a Pod a request names (`container=`), or its only one; 400 otherwise. */
export function pickContainer(pod: Any, requested: string | null): string {
  const name = pod.metadata.name;
  const containers: string[] = (pod.spec?.containers ?? []).map((c: Any) => c.name);
  const container = requested ?? (containers.length === 1 ? containers[0] : undefined);
  if (!container) throw new ApiError(400, 'BadRequest', `a container name must be specified for pod ${name}, choose one of: [${containers.join(' ')}]`);
  if (!containers.includes(container)) throw new ApiError(400, 'BadRequest', `container ${container} is not valid for pod ${name}`);
  return container;
}

export function servePodLog(ctx: HttpContext, req: IncomingMessage, res: ServerResponse, namespace: string, name: string, q: URLSearchParams): void {
  const api = ctx.api;
  const pod = api.get(RESOURCE.pods, namespace, name) as Any;
  const container = pickContainer(pod, q.get('container'));
  const uid = pod.metadata.uid;
  const cs = (pod.status?.containerStatuses ?? []).find((c: Any) => c.name === container);
  const previous = boolParam(q, 'previous');
  const started = cs?.state?.running?.startedAt ?? cs?.state?.terminated?.startedAt ?? cs?.lastState?.terminated?.startedAt;
  if (previous && !cs?.lastState?.terminated) {
    throw new ApiError(400, 'BadRequest', `previous terminated container "${container}" in pod "${name}" not found`);
  }
  if (!started) {
    const reason = cs?.state?.waiting?.reason ?? 'ContainerCreating';
    throw new ApiError(400, 'BadRequest', `container "${container}" in pod "${name}" is waiting to start: ${reason}`);
  }
  const spec = pod.spec.containers.find((c: Any) => c.name === container) ?? {};
  // Containers running a program (curl loops, sleeps…) have what they printed; servers get
  // their image's startup banner.
  const printed = api.logs.get(uid, container, previous);
  const program = printed !== undefined || api.logs.has(uid, container) || programOf(spec) !== undefined;
  const timestamps = boolParam(q, 'timestamps');
  let lines: string[] = program ? (printed ?? []).map((l) => `${l.time} ${l.text}`) : simulatedLog(String(spec.image ?? ''), started, pod.status?.podIP);
  if (!timestamps) lines = lines.map((l) => l.replace(/^\S+ /, ''));
  const tail = q.get('tailLines');
  if (tail !== null && /^\d+$/.test(tail)) lines = lines.slice(Math.max(0, lines.length - Number(tail)));
  const text = lines.map((l) => `${l}\n`).join('');
  if (!boolParam(q, 'follow') || previous || !cs?.state?.running) {
    send(res, 200, text, 'text/plain');
    return;
  }
  res.writeHead(200, { 'Content-Type': 'text/plain', 'Transfer-Encoding': 'chunked' });
  res.write(text);
  const stream = new Stream(res, 'log');
  ctx.streams.add(stream);
  const gone = () => {
    stream.end();
    ctx.streams.delete(stream);
  };
  stream.onClose(
    api.logs.onAppend((u, c, line) => {
      if (u === uid && c === container) stream.write(`${timestamps ? `${line.time} ` : ''}${line.text}\n`);
    }),
  );
  // Follow ends when the container stops running (exit, restart, Pod deleted), like the kubelet's.
  stream.onClose(
    api.store.watch(RESOURCE.pods, api.store.resourceVersion, (e) => {
      if (e.object.metadata.uid !== uid) return;
      const now = ((e.object as Any).status?.containerStatuses ?? []).find((c: Any) => c.name === container);
      if (e.type === 'DELETED' || !now?.state?.running) gone();
    }),
  );
  req.on('close', gone);
}

/** What the container would have printed: the image's startup banner (nginx for nginx images). */
function simulatedLog(image: string, startedAt: string, podIp?: string): string[] {
  const t = Date.parse(startedAt);
  const ts = (ms: number) => new Date(t + ms).toISOString().replace('Z', '000000Z');
  const nginxTime = (ms: number) => new Date(t + ms).toISOString().slice(0, 19).replace('T', ' ').replace(/-/g, '/');
  if (/(^|\/)nginx(:|@|$)/.test(image)) {
    const version = image.includes(':') ? image.split(':').pop() : '1.27';
    return [
      `${ts(0)} /docker-entrypoint.sh: /docker-entrypoint.d/ is not empty, will attempt to perform configuration`,
      `${ts(1)} /docker-entrypoint.sh: Looking for shell scripts in /docker-entrypoint.d/`,
      `${ts(2)} /docker-entrypoint.sh: Launching /docker-entrypoint.d/10-listen-on-ipv6-by-default.sh`,
      `${ts(5)} 10-listen-on-ipv6-by-default.sh: info: Getting the checksum of /etc/nginx/conf.d/default.conf`,
      `${ts(9)} 10-listen-on-ipv6-by-default.sh: info: Enabled listen on IPv6 in /etc/nginx/conf.d/default.conf`,
      `${ts(10)} /docker-entrypoint.sh: Sourcing /docker-entrypoint.d/15-local-resolvers.envsh`,
      `${ts(11)} /docker-entrypoint.sh: Launching /docker-entrypoint.d/20-envsubst-on-templates.sh`,
      `${ts(14)} /docker-entrypoint.sh: Launching /docker-entrypoint.d/30-tune-worker-processes.sh`,
      `${ts(16)} /docker-entrypoint.sh: Configuration complete; ready for start up`,
      `${ts(20)} ${nginxTime(20)} [notice] 1#1: using the "epoll" event method`,
      `${ts(20)} ${nginxTime(20)} [notice] 1#1: nginx/${version}`,
      `${ts(21)} ${nginxTime(21)} [notice] 1#1: OS: Linux 6.8.0-pod-ip-lens`,
      `${ts(22)} ${nginxTime(22)} [notice] 1#1: start worker processes`,
      `${ts(22)} ${nginxTime(22)} [notice] 1#1: start worker process 29`,
    ];
  }
  return [`${ts(0)} container started from ${image}${podIp ? ` on ${podIp}` : ''} (simulated by the Pod IP Lens demo cluster)`];
}
