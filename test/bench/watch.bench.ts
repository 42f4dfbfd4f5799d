// Watch pipeline benchmark, on the demo cluster (in this process, real HTTPS):
// 1. Latency: one 1,000-Pod rollout watched at once by our feed and by `kubectl get pods -w`; for
//    each Pod change, the time from the store committing it to (a) our model having applied it and
//    (b) kubectl having printed it. p50/p99 side by side, and their ratio (the machine is shared and
//    noisy, so only same-run comparisons mean anything).
// 2. Chaos: 1,000-Pod rollouts back to back with a fault every few seconds (cut, reset, 410, 500,
//    429, stall, restart). Afterwards: divergences between the model and the server (goal 0).
//    Baseline under the same faults: client-node's own informer, restarted on error as its README
//    advises; its cache is compared with the server the same way.
// 0. Cluster scale (first, on a quiet machine), each next to kubectl in the same run:
//    - a 2,000-Pod rollout in a 20,000-Pod cluster (120 nodes): our model converged vs `kubectl
//      rollout status`, and the longest event-loop stall of the process holding the feed and the
//      panel's stream (test/bench/host-probe.ts: the extension host, apart from the cluster);
//    - `pod-ip-lens timeline` replaying a capture of such a rollout (`kubectl get pods -A -w -o json
//      --output-watch-events`): wall time and peak memory; and its parser next to JSON.parse of the
//      same bytes;
//    - 100,000 Pods: the feed's time to live and heap per Pod vs `kubectl get pods -A -o json`.
//    The 18,000 (and 100,000) Pods that do not roll are created Ready directly through the API
//    (bare Pods with addresses outside the node ranges), so building the cluster takes seconds.
// Environment: WATCH_BENCH_PODS (default 1000), WATCH_BENCH_CHAOS_SECONDS (default 60),
// HOST_BENCH_CLUSTER (default 20000; 0 skips the cluster-scale part), HOST_BENCH_ROLLOUT (default
// 2000), HOST_BENCH_BIG (default 100000; 0 skips it), HOST_BENCH_CAPTURE (keep the capture there).
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { LifecycleEvent } from '../../src/core/events';
import { LifecycleModel, parseConcatenatedJson, type PodObject, type WatchEventType } from '../../src/core/lifecycle';
import { type DemoCluster, startDemoCluster } from '../../src/demo';
import { CoreV1Api, KubeConfig, makeInformer } from '@kubernetes/client-node';
import { KubeClient, loadKubeConfig, PodWatchFeed } from '../../src/kube';

const PODS = Number(process.env.WATCH_BENCH_PODS ?? 1000);
const CLUSTER = Number(process.env.HOST_BENCH_CLUSTER ?? 20_000);
const ROLLOUT = Number(process.env.HOST_BENCH_ROLLOUT ?? 2_000);
const BIG = Number(process.env.HOST_BENCH_BIG ?? 100_000);
const ROOT = join(__dirname, '..', '..');
const CHAOS_SECONDS = Number(process.env.WATCH_BENCH_CHAOS_SECONDS ?? 60);
const FAULT_EVERY_MS = 4000;
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function until(cond: () => boolean, what: string, ms: number): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await sleep(50);
  }
}

function pct(xs: number[], p: number): number {
  if (!xs.length) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
}

interface PodLike {
  metadata: { uid: string; resourceVersion?: string; deletionTimestamp?: string; labels?: Record<string, string> };
  status?: { podIP?: string; podIPs?: { ip: string }[]; conditions?: { type: string; status: string }[] };
}

function webPods(c: DemoCluster): PodLike[] {
  return (c.api.list('pods', 'default').items as unknown as PodLike[]).filter((p) => p.metadata.labels?.app === 'web');
}

function ipsOf(p: PodLike): string[] {
  const ips = (p.status?.podIPs ?? []).map((x) => x.ip);
  if (p.status?.podIP && !ips.includes(p.status.podIP)) ips.unshift(p.status.podIP);
  return ips;
}

function rolledOut(c: DemoCluster, replicas: number, rev: string): boolean {
  const pods = webPods(c);
  if (pods.length !== replicas) return false;
  const rs = (c.api.list('apps/replicasets', 'default').items as unknown as { metadata: { annotations?: Record<string, string>; labels?: Record<string, string> }; spec: { template?: { metadata?: { annotations?: Record<string, string> } } } }[]).find(
    (r) => r.spec.template?.metadata?.annotations?.rev === rev,
  );
  const hash = rs?.metadata.labels?.['pod-template-hash'];
  return !!hash && pods.every((p) => p.metadata.labels?.['pod-template-hash'] === hash && !p.metadata.deletionTimestamp && ipsOf(p).length > 0 && p.status?.conditions?.some((x) => x.type === 'Ready' && x.status === 'True'));
}

/** Reads kubectl's concatenated pretty JSON as it arrives and reports each object's resourceVersion. */
function kubectlWatcher(kubeconfigPath: string, onObject: (rv: string, at: number) => void): { stop(): void; exited: Promise<string>; bytes(): number } {
  const k = spawn('kubectl', ['--kubeconfig', kubeconfigPath, 'get', 'pods', '-n', 'default', '-l', 'app=web', '-w', '-o', 'json', '--output-watch-events'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let buf = '';
  let depth = 0;
  let inStr = false;
  let esc = false;
  let start = -1;
  let err = '';
  k.stderr.on('data', (d: Buffer) => (err += d.toString()));
  k.stdout.setEncoding('utf8');
  let bytes = 0;
  k.stdout.on('data', (chunk: string) => {
    bytes += chunk.length;
    const at = performance.now();
    const base = buf.length;
    buf += chunk;
    for (let i = base; i < buf.length; i++) {
      const ch = buf[i];
      if (inStr) {
        if (esc) esc = false;
        else if (ch === '\\') esc = true;
        else if (ch === '"') inStr = false;
        continue;
      }
      if (ch === '"') inStr = true;
      else if (ch === '{') {
        if (depth++ === 0) start = i;
      } else if (ch === '}' && --depth === 0) {
        const obj = JSON.parse(buf.slice(start, i + 1)) as { object?: PodLike & { items?: PodLike[] } };
        // A chunked initial list arrives as one event wrapping the PodList.
        for (const o of obj.object?.items ?? [obj.object]) {
          const rv = o?.metadata.resourceVersion;
          if (rv) onObject(rv, at);
        }
        buf = buf.slice(i + 1);
        i = -1;
      }
    }
  });
  const exited = new Promise<string>((r) => k.on('exit', (code, sig) => r(`kubectl exited (${code ?? sig}) ${err.trim()}`)));
  return { stop: () => k.kill(), exited, bytes: () => bytes };
}

function divergences(c: DemoCluster, feed: PodWatchFeed, events: LifecycleEvent[], everUids: Set<string>): string[] {
  const out: string[] = [];
  const server = new Map(webPods(c).map((p) => [p.metadata.uid, ipsOf(p).join(',')]));
  const model = new Map(feed.model.livePods().map((p) => [p.uid, p.ips.join(',')]));
  for (const [uid, ips] of server) {
    if (!model.has(uid)) out.push(`missing in model: ${uid}`);
    else if (model.get(uid) !== ips) out.push(`IPs differ for ${uid}: server ${ips}, model ${model.get(uid)}`);
  }
  for (const uid of model.keys()) if (!server.has(uid)) out.push(`model has a Pod the server does not: ${uid}`);
  for (const e of events) if (e.uid && !everUids.has(e.uid)) out.push(`invented Pod ${e.uid}`);
  const seen = new Map<string, number>();
  for (const e of events) {
    const k = ['created', 'scheduled', 'terminating', 'deleted'].includes(e.type) ? `${e.type} ${e.uid}` : e.type.startsWith('ip-') ? `${e.type} ${e.uid} ${e.ip}` : undefined;
    if (k) seen.set(k, (seen.get(k) ?? 0) + 1);
  }
  for (const [k, n] of seen) if (n > 1) out.push(`duplicate: ${k} ×${n}`);
  return out;
}

// ---------------------------------------------------------------- 0. cluster scale

/** Ready bare Pods, straight into the store through the API: a big cluster in seconds. */
function addReadyPods(c: DemoCluster, n: number, prefix: string, namespaces: number): void {
  const nodes = (c.api.list('nodes', undefined).items as unknown as { metadata: { name: string }; status?: { addresses?: { address: string }[] } }[]).filter((x) => !x.metadata.name.endsWith('control-plane'));
  for (let k = 0; k < namespaces; k++) {
    const name = `${prefix}-${k}`;
    if (!c.api.store.get('namespaces', undefined, name)) c.api.create('namespaces', undefined, { apiVersion: 'v1', kind: 'Namespace', metadata: { name } } as never);
  }
  const at = new Date().toISOString();
  for (let i = 0; i < n; i++) {
    const node = nodes[i % nodes.length];
    // 10.128.0.0/9: outside the nodes' 10.244.N.0/24, so the kubelets never hand these out again.
    const ip = `10.${128 + ((i >> 16) & 127)}.${(i >> 8) & 255}.${i & 255}`;
    const cond = (type: string) => ({ type, status: 'True', lastTransitionTime: at });
    c.api.create('pods', `${prefix}-${i % namespaces}`, {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: `${prefix}-${i}`, labels: { app: `${prefix}-${i % 200}`, tier: i % 2 ? 'backend' : 'frontend' } },
      spec: { nodeName: node.metadata.name, containers: [{ name: 'app', image: 'nginx:1.28', ports: [{ containerPort: 80 }] }] },
      status: {
        phase: 'Running',
        hostIP: node.status?.addresses?.[0]?.address,
        podIP: ip,
        podIPs: [{ ip }],
        startTime: at,
        conditions: [cond('PodReadyToStartContainers'), cond('Initialized'), cond('ContainersReady'), cond('Ready'), cond('PodScheduled')],
        containerStatuses: [{ name: 'app', ready: true, restartCount: 0, image: 'nginx:1.28', imageID: 'docker.io/library/nginx@sha256:0', started: true, state: { running: { startedAt: at } } }],
      },
    } as never);
  }
}

function newHashFor(c: DemoCluster, ns: string, rev: string): string | undefined {
  const rs = (c.api.list('apps/replicasets', ns).items as unknown as { metadata: { labels?: Record<string, string> }; spec: { template?: { metadata?: { annotations?: Record<string, string> } } } }[]).find(
    (r) => r.spec.template?.metadata?.annotations?.rev === rev,
  );
  return rs?.metadata.labels?.['pod-template-hash'];
}

/** The extension host stand-in (test/bench/host-probe.ts) in its own process. */
class Probe {
  private readonly child: ChildProcess;
  private buf = '';
  private readonly waiters: { test: (o: Record<string, unknown>) => boolean; resolve: (o: Record<string, unknown>) => void }[] = [];
  readonly exited: Promise<number | null>;

  constructor(kubeconfig: string) {
    // HOST_PROBE_PROFILE=DIR writes the probe's CPU profile there (to see what a stall is made of).
    const prof = process.env.HOST_PROBE_PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${process.env.HOST_PROBE_PROFILE}`] : [];
    this.child = spawn(process.execPath, ['--expose-gc', '--max-old-space-size=4096', ...prof, '--import', 'tsx', join(__dirname, 'host-probe.ts')], { env: { ...process.env, KUBECONFIG_TEXT: kubeconfig }, stdio: ['pipe', 'pipe', 'inherit'] });
    this.child.stdout!.setEncoding('utf8');
    this.child.stdout!.on('data', (d: string) => {
      this.buf += d;
      let i: number;
      while ((i = this.buf.indexOf('\n')) >= 0) {
        const o = JSON.parse(this.buf.slice(0, i)) as Record<string, unknown>;
        this.buf = this.buf.slice(i + 1);
        if (o.error) console.log(`probe: ${String(o.error)}`);
        const w = this.waiters.findIndex((x) => x.test(o));
        if (w >= 0) this.waiters.splice(w, 1)[0].resolve(o);
      }
    });
    this.exited = new Promise((r) => this.child.on('exit', (code) => r(code)));
  }
  send(o: object): void {
    this.child.stdin!.write(`${JSON.stringify(o)}\n`);
  }
  wait(key: string, ms: number): Promise<Record<string, unknown>> {
    return new Promise((resolve, reject) => {
      // Cleared when answered: a pending timer would keep this process alive for `ms`.
      const timer = setTimeout(() => reject(new Error(`the probe did not report '${key}' within ${ms / 1000} s`)), ms);
      this.waiters.push({
        test: (o) => key in o,
        resolve: (o) => {
          clearTimeout(timer);
          resolve(o);
        },
      });
    });
  }
  async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    this.send({ cmd: 'stop' });
    const timer = setTimeout(() => this.child.kill(), 10_000);
    await this.exited;
    clearTimeout(timer);
  }
}

/** Runs a command to completion, timing it; stdout to a file or nowhere. */
function timed(cmd: string, args: string[], env: NodeJS.ProcessEnv, stdoutFile?: string): Promise<{ ms: number; code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const fd = openSync(stdoutFile ?? '/dev/null', 'w');
    const t0 = performance.now();
    const k = spawn(cmd, args, { env, stdio: ['ignore', fd, 'pipe'] });
    let stderr = '';
    k.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    k.on('exit', (code) => {
      closeSync(fd);
      resolve({ ms: performance.now() - t0, code, stderr });
    });
  });
}

interface HostRow {
  what: string;
  measured: string;
  goal: string;
  met: boolean;
}

async function clusterScale(dir: string): Promise<HostRow[]> {
  const rows: HostRow[] = [];
  const kubeconfigPath = join(dir, 'scale-config');
  const nodes = Math.ceil(CLUSTER / 170) + 1;
  let c = await startDemoCluster({ speed: 20, nodes, systemWorkloads: false, recordEvents: false, bookmarkIntervalMs: 1000, historySize: 400_000 });
  writeFileSync(kubeconfigPath, c.kubeconfig, { mode: 0o600 });
  const env = { ...process.env, KUBECONFIG: kubeconfigPath };
  const probe = new Probe(c.kubeconfig);
  try {
    let t = performance.now();
    addReadyPods(c, CLUSTER - ROLLOUT, 'bulk', 20);
    c.api.create('apps/deployments', 'default', {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web' },
      spec: {
        replicas: ROLLOUT,
        strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' } },
        selector: { matchLabels: { app: 'web' } },
        template: { metadata: { labels: { app: 'web' }, annotations: { rev: '0' } }, spec: { containers: [{ name: 'web', image: 'nginx:1.27' }] } },
      },
    } as never);
    c.api.create('services', 'default', { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web' }, spec: { selector: { app: 'web' }, ports: [{ port: 80 }] } } as never);
    await until(() => rolledOut(c, ROLLOUT, '0'), `${ROLLOUT} web Pods up`, 600_000);
    console.log(`cluster: ${c.api.store.count('pods')} Pods on ${nodes} nodes (${CLUSTER - ROLLOUT} Ready bare Pods, Deployment web ×${ROLLOUT}) in ${((performance.now() - t) / 1000).toFixed(1)} s`);

    probe.send({ cmd: 'start', scope: { context: c.contextName, labelSelector: '' } });
    const live = await probe.wait('live', 300_000);
    console.log(`feed (all namespaces, every Pod) live in ${Number(live.ms).toFixed(0)} ms with ${String(live.pods)} Pods, heap ${(Number(live.heapBytes) / Number(live.pods)).toFixed(0)} bytes per Pod`);

    // ---- the rollout, with kubectl rollout status started at the same moment
    probe.send({ cmd: 'label', label: 'app=web', count: ROLLOUT });
    await sleep(1000);
    probe.send({ cmd: 'stall-start' });
    await sleep(200);
    const t0 = performance.timeOrigin + performance.now();
    c.api.patch('apps/deployments', 'default', 'web', 'merge', { spec: { template: { metadata: { annotations: { rev: '1' } } } } });
    const kubectl = timed('kubectl', ['rollout', 'status', 'deployment/web', '-n', 'default', '--timeout=10m'], env);
    let hash: string | undefined;
    await until(() => (hash = newHashFor(c, 'default', '1')) !== undefined, 'the new ReplicaSet', 60_000);
    const converged = probe.wait('converged', 600_000);
    probe.send({ cmd: 'converge', hash });
    const [k, m] = await Promise.all([kubectl, converged]);
    await sleep(500);
    probe.send({ cmd: 'stall-stop' });
    const stall = (await probe.wait('stall', 30_000)) as { stall: { max: number; p99: number; mean: number; long: { at: number; ms: number }[] }; messages: number; bytes: number; largest: number };
    const modelMs = Number(m.at) - t0;
    if (k.code !== 0) console.log(`kubectl rollout status exited ${k.code}: ${k.stderr.trim()}`);
    console.log(`rollout of ${ROLLOUT} Pods in a ${CLUSTER}-Pod cluster: model converged after ${(modelMs / 1000).toFixed(2)} s; kubectl rollout status returned after ${(k.ms / 1000).toFixed(2)} s; ratio ${(modelMs / k.ms).toFixed(2)}`);
    console.log(`  extension-host stand-in: event-loop delay max ${stall.stall.max.toFixed(1)} ms, p99 ${stall.stall.p99.toFixed(1)} ms, mean ${stall.stall.mean.toFixed(2)} ms; ${stall.messages} messages to the webview (${(stall.bytes / 2 ** 20).toFixed(1)} MiB of JSON, largest batch ${stall.largest} events)`);
    if (stall.stall.long.length) console.log(`  tasks over 30 ms (start after the patch, length): ${stall.stall.long.map((x) => `${x.at} ms: ${x.ms} ms`).join(', ')}`);
    rows.push({ what: `${ROLLOUT.toLocaleString('en-US')}-Pod rollout in a ${CLUSTER.toLocaleString('en-US')}-Pod cluster: model converged vs kubectl rollout status`, measured: `${(modelMs / 1000).toFixed(2)} s vs ${(k.ms / 1000).toFixed(2)} s (${(modelMs / k.ms).toFixed(2)}×)`, goal: '≤ 1.0×', met: modelMs <= k.ms });
    rows.push({ what: 'longest event-loop stall during that rollout', measured: `${stall.stall.max.toFixed(1)} ms (p99 ${stall.stall.p99.toFixed(1)} ms)`, goal: '≤ 50 ms', met: stall.stall.max <= 50 });
    await until(() => rolledOut(c, ROLLOUT, '1'), 'the rollout', 600_000);
    await probe.stop();

    // ---- a capture of another rollout, as a user would make one, replayed by the CLI
    // HOST_BENCH_CAPTURE=FILE keeps the capture there (to profile the replay on its own).
    const capture = process.env.HOST_BENCH_CAPTURE ?? join(dir, 'rollout-capture.json');
    const captureFd = openSync(capture, 'w');
    const watcher = spawn('kubectl', ['get', 'pods', '-A', '-w', '-o', 'json', '--output-watch-events'], { env, stdio: ['ignore', captureFd, 'pipe'] });
    closeSync(captureFd);
    let watcherErr = '';
    watcher.stderr!.on('data', (d: Buffer) => (watcherErr += d.toString()));
    // Listened to from the start: kubectl may end on its own (the server ends a watch that falls too far behind).
    const watcherExit = new Promise<number | null>((r) => watcher.on('exit', (code) => r(code)));
    let size = -1;
    await until(() => {
      const now = statSync(capture).size;
      const settled = now > 0 && now === size;
      size = now;
      return settled;
    }, 'kubectl to print the current Pods', 300_000).catch(() => undefined);
    c.api.patch('apps/deployments', 'default', 'web', 'merge', { spec: { template: { metadata: { annotations: { rev: '2' } } } } });
    await until(() => rolledOut(c, ROLLOUT, '2'), 'the captured rollout', 600_000);
    await sleep(2000);
    const early = watcher.exitCode !== null || watcher.signalCode !== null;
    watcher.kill();
    await watcherExit;
    if (early) console.log(`note: kubectl's watch ended before the rollout did (${watcherErr.trim() || `exit ${watcher.exitCode}`}): the capture may miss its end`);
    const bytes = statSync(capture).size;
    await c.stop();

    const cli = join(ROOT, 'dist', 'cli.js');
    const replay = spawnSync('/usr/bin/time', ['-f', 'TIME %e %M', process.execPath, cli, 'timeline', capture], { encoding: 'utf8', stdio: ['ignore', 'ignore', 'pipe'], maxBuffer: 64 * 2 ** 20 });
    const tm = /TIME ([\d.]+) (\d+)/.exec(replay.stderr ?? '');
    const secs = tm ? Number(tm[1]) : NaN;
    const rssMb = tm ? Number(tm[2]) / 1024 : NaN;
    console.log(`replay: pod-ip-lens timeline of a ${(bytes / 2 ** 20).toFixed(0)} MiB capture (a ${ROLLOUT}-Pod rollout in the ${CLUSTER}-Pod cluster): ${secs.toFixed(2)} s, peak ${rssMb.toFixed(0)} MiB (exit ${replay.status})`);
    rows.push({ what: `pod-ip-lens timeline replay of a ${CLUSTER.toLocaleString('en-US')}-Pod rollout capture (${(bytes / 2 ** 20).toFixed(0)} MiB)`, measured: `${secs.toFixed(2)} s, ${rssMb.toFixed(0)} MiB`, goal: '≤ 2 s, ≤ 300 MB', met: secs <= 2 && rssMb * 1.048576 <= 300 });
    // The stream parser next to JSON.parse of the same values (what any reader pays just to read them).
    const text = readFileSync(capture, 'utf8');
    const parsed = parseConcatenatedJson(text);
    const slices = parsed.values.map((v, i) => text.slice(v.offset, i + 1 < parsed.values.length ? parsed.values[i + 1].offset : text.length));
    const p0 = performance.now();
    parseConcatenatedJson(text);
    const scan = performance.now() - p0;
    const j0 = performance.now();
    for (const x of slices) JSON.parse(x);
    const plain = performance.now() - j0;
    console.log(`  parseConcatenatedJson: ${scan.toFixed(0)} ms for ${parsed.values.length} values; JSON.parse of the same values: ${plain.toFixed(0)} ms; ratio ${(scan / plain).toFixed(2)}`);
    rows.push({ what: '  its JSON stream parser vs JSON.parse of the same bytes', measured: `${scan.toFixed(0)} ms vs ${plain.toFixed(0)} ms (${(scan / plain).toFixed(2)}×)`, goal: 'measured', met: true });

    // ---- 100,000 Pods: time to live and heap per Pod, next to kubectl get -o json
    if (BIG > 0) {
      t = performance.now();
      c = await startDemoCluster({ nodes: 256, systemWorkloads: false, recordEvents: false, historySize: 1000, podCidr: '10.0.0.0/8' });
      writeFileSync(kubeconfigPath, c.kubeconfig, { mode: 0o600 });
      addReadyPods(c, BIG, 'big', 50);
      console.log(`\ncluster: ${c.api.store.count('pods')} Ready Pods on 256 nodes in ${((performance.now() - t) / 1000).toFixed(1)} s`);
      const kget = await timed('kubectl', ['get', 'pods', '-A', '-o', 'json'], env);
      if (kget.code !== 0) console.log(`kubectl get exited ${kget.code}: ${kget.stderr.trim()}`);
      const big = new Probe(c.kubeconfig);
      big.send({ cmd: 'start', scope: { context: c.contextName, labelSelector: '' } });
      const bl = await big.wait('live', 600_000);
      await big.stop();
      await c.stop();
      const perPod = Number(bl.heapBytes) / Number(bl.pods);
      console.log(`${BIG} Pods: feed live in ${(Number(bl.ms) / 1000).toFixed(2)} s (${String(bl.pods)} Pods), heap ${(perPod / 1024).toFixed(2)} KiB per Pod; kubectl get pods -A -o json ${(kget.ms / 1000).toFixed(2)} s; ratio ${(Number(bl.ms) / kget.ms).toFixed(2)}`);
      rows.push({
        what: `${BIG.toLocaleString('en-US')} Pods (generated): time to live vs kubectl get -o json, heap per Pod`,
        measured: `${(Number(bl.ms) / 1000).toFixed(2)} s vs ${(kget.ms / 1000).toFixed(2)} s (${(Number(bl.ms) / kget.ms).toFixed(2)}×), ${(perPod / 1024).toFixed(2)} KiB`,
        goal: '≤ 0.5×, ≤ 2 KB',
        met: Number(bl.ms) <= 0.5 * kget.ms && perPod <= 2000,
      });
    }
  } finally {
    await probe.stop().catch(() => undefined);
    await c.stop().catch(() => undefined);
  }
  return rows;
}

function printHostRows(rows: HostRow[]): void {
  if (!rows.length) return;
  const w = [Math.max(...rows.map((r) => r.what.length)), Math.max(8, ...rows.map((r) => r.measured.length)), 16];
  console.log('\nhost side, same run as kubectl (goal vs measured)');
  console.log(`| ${'what'.padEnd(w[0])} | ${'measured'.padEnd(w[1])} | ${'goal'.padEnd(w[2])} | met |`);
  console.log(`|${'-'.repeat(w[0] + 2)}|${'-'.repeat(w[1] + 2)}|${'-'.repeat(w[2] + 2)}|-----|`);
  for (const r of rows) console.log(`| ${r.what.padEnd(w[0])} | ${r.measured.padEnd(w[1])} | ${r.goal.padEnd(w[2])} | ${r.goal === 'measured' ? '   ' : r.met ? 'yes' : 'NO '} |`);
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'pil-watch-bench-'));
  const hostRows = CLUSTER > 0 ? await clusterScale(dir) : [];
  const kubeconfigPath = join(dir, 'config');
  const nodes = Math.max(3, Math.ceil((PODS * 1.3) / 200) + 1);
  const c = await startDemoCluster({ speed: 20, nodes, systemWorkloads: false, recordEvents: false, bookmarkIntervalMs: 1000, historySize: 200_000 });
  writeFileSync(kubeconfigPath, c.kubeconfig, { mode: 0o600 });
  const committedAt = new Map<string, number>();
  const everUids = new Set<string>();
  c.store.subscribe((e) => {
    if (e.resource !== 'pods') return;
    committedAt.set(String(e.rv), performance.now());
    everUids.add((e.object as unknown as PodLike).metadata.uid);
  });
  const feed = new PodWatchFeed(new KubeClient(loadKubeConfig({ text: c.kubeconfig })), { context: c.contextName, namespace: 'default', labelSelector: 'app=web' }, {
    model: { maxEvents: 200_000, maxDeletedPods: 20_000 },
    reflector: { inactivityMs: 3000, backoffInitialMs: 100, backoffMaxMs: 2000, timeoutSeconds: [20, 40] },
  });
  // Instrumentation: when did the model finish applying the watch event with this resourceVersion?
  const appliedAt = new Map<string, number>();
  let lastApplied = 0;
  const apply = feed.model.applyPod.bind(feed.model);
  const recorded: { type: WatchEventType; line: string }[] = [];
  let recording = false;
  feed.model.applyPod = (type: WatchEventType, pod: PodObject, at: Date) => {
    if (recording) recorded.push({ type, line: JSON.stringify(pod) });
    const r = apply(type, pod, at);
    const rv = pod.metadata?.resourceVersion;
    if (rv && !appliedAt.has(rv)) appliedAt.set(rv, performance.now());
    lastApplied = performance.now();
    return r;
  };
  const events: LifecycleEvent[] = [];
  feed.subscribe((evs) => events.push(...evs));
  feed.start();
  let rev = 0;
  const rollout = (): string => {
    const r = String(++rev);
    c.api.patch('apps/deployments', 'default', 'web', 'merge', { spec: { template: { metadata: { annotations: { rev: r } } } } });
    return r;
  };
  try {
    let t = performance.now();
    c.api.create('apps/deployments', 'default', {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web', annotations: {} },
      spec: {
        replicas: PODS,
        strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' } },
        selector: { matchLabels: { app: 'web' } },
        template: { metadata: { labels: { app: 'web' }, annotations: { rev: '0' } }, spec: { containers: [{ name: 'web', image: 'nginx:1.27' }] } },
      },
    } as never);
    c.api.create('services', 'default', { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web' }, spec: { selector: { app: 'web' }, ports: [{ port: 80 }] } } as never);
    await feed.whenLive();
    await until(() => rolledOut(c, PODS, '0'), `${PODS} Pods up`, 300_000);
    console.log(`scale-up to ${PODS} Pods on ${nodes} nodes: ${((performance.now() - t) / 1000).toFixed(1)} s`);

    // ---- 1. latency, side by side with kubectl
    const kubectlAt = new Map<string, number>();
    const kubectl = kubectlWatcher(kubeconfigPath, (rv, at) => kubectlAt.has(rv) || kubectlAt.set(rv, at));
    await until(() => kubectlAt.size >= PODS, 'kubectl to print the current Pods', 60_000).catch((e) => {
      throw new Error(`${(e as Error).message}: ${kubectlAt.size} objects, ${kubectl.bytes()} bytes so far`);
    });
    kubectlAt.clear();
    const firstRv = c.store.resourceVersion;
    recording = true;
    t = performance.now();
    const r = rollout();
    await until(() => rolledOut(c, PODS, r), 'the latency rollout', 300_000);
    const lastRv = c.store.resourceVersion;
    await sleep(2000);
    recording = false;
    kubectl.stop();
    const ours: number[] = [];
    const theirs: number[] = [];
    let both = 0;
    for (const [rv, t0] of committedAt) {
      const n = Number(rv);
      if (n <= Number(firstRv) || n > Number(lastRv)) continue;
      const a = appliedAt.get(rv);
      const k = kubectlAt.get(rv);
      if (a === undefined || k === undefined) continue;
      both++;
      ours.push(a - t0);
      theirs.push(k - t0);
    }
    console.log(`latency rollout: ${PODS} Pods replaced in ${((performance.now() - t) / 1000).toFixed(1)} s; ${both} Pod watch events seen by both`);
    console.log(`watch event → model     p50 ${pct(ours, 50).toFixed(1)} ms   p99 ${pct(ours, 99).toFixed(1)} ms`);
    console.log(`watch event → kubectl   p50 ${pct(theirs, 50).toFixed(1)} ms   p99 ${pct(theirs, 99).toFixed(1)} ms   (kubectl get pods -w -o json --output-watch-events)`);
    console.log(`ratio model/kubectl     p50 ${(pct(ours, 50) / pct(theirs, 50)).toFixed(2)}   p99 ${(pct(ours, 99) / pct(theirs, 99)).toFixed(2)}   (< 1: the model is faster)`);

    // ---- model cost alone, on the rollout's own Pod events: replaying them into a fresh model, next to
    // JSON.parse of the same objects (what any watcher pays per event just to read it).
    const lines = recorded.map((r) => r.line);
    const parseOnly = (): number => {
      const t0 = performance.now();
      for (const l of lines) JSON.parse(l);
      return performance.now() - t0;
    };
    const parseAndModel = (): number => {
      const m = new LifecycleModel({ maxEvents: 200_000 });
      const at = new Date();
      const t0 = performance.now();
      for (const r of recorded) m.applyPod(r.type, JSON.parse(r.line) as PodObject, at);
      return performance.now() - t0;
    };
    parseOnly();
    parseAndModel();
    const pOnly: number[] = [];
    const pModel: number[] = [];
    for (let k = 0; k < 5; k++) {
      pOnly.push(parseOnly());
      pModel.push(parseAndModel());
    }
    const mp = pct(pModel, 50);
    const po = pct(pOnly, 50);
    console.log(`model alone: ${recorded.length} Pod watch events parsed and applied in ${mp.toFixed(1)} ms (${Math.round((recorded.length / mp) * 1000)} events/s); JSON.parse alone ${po.toFixed(1)} ms; ratio ${(mp / po).toFixed(2)}`);

    // ---- 2. chaos
    const faults: [string, () => unknown][] = [
      ['cut watches', () => c.faults.cutWatches()],
      ['reset connections', () => c.faults.cutWatches({ abrupt: true })],
      ['expire (410)', () => c.faults.expireResourceVersions()],
      ['3× 500 + cut', () => (c.faults.failNextRequests(3, 500), c.faults.cutWatches())],
      ['2× 429 + cut', () => (c.faults.failNextRequests(2, 429, 1), c.faults.cutWatches())],
      ['stall', () => c.faults.stallWatches()],
      ['restart', () => c.faults.restart({ downtimeMs: 1000 })],
    ];
    // Baseline: client-node's informer under the same chaos.
    const ikc = new KubeConfig();
    ikc.loadFromString(c.kubeconfig);
    const core = ikc.makeApiClient(CoreV1Api);
    let informerErrors = 0;
    const newInformer = () => {
      const inf = makeInformer(ikc, '/api/v1/namespaces/default/pods', () => core.listNamespacedPod({ namespace: 'default', labelSelector: 'app=web' }), 'app=web');
      let stopped = false;
      inf.on('error', () => {
        informerErrors++;
        setTimeout(() => stopped || inf.start().catch(() => undefined), 1000);
      });
      return {
        inf,
        stop: async () => {
          stopped = true;
          await inf.stop();
        },
      };
    };
    let { inf: informer, stop: stopInformer } = newInformer();
    await informer.start();
    const injected = new Map<string, number>();
    const gapsBefore = events.filter((e) => e.type === 'gap').length;
    const chaosEnd = Date.now() + CHAOS_SECONDS * 1000;
    let i = 0;
    let rollouts = 0;
    let nextRollout = 0;
    t = performance.now();
    while (Date.now() < chaosEnd) {
      if (Date.now() >= nextRollout) {
        rollout();
        rollouts++;
        nextRollout = Date.now() + 15_000;
      }
      await sleep(FAULT_EVERY_MS / 2 + Math.random() * FAULT_EVERY_MS);
      const [name, inject] = faults[i++ % faults.length];
      await inject();
      injected.set(name, (injected.get(name) ?? 0) + 1);
    }
    c.faults.clear();
    const last = rollout();
    rollouts++;
    await until(() => rolledOut(c, PODS, last), 'the last rollout', 300_000);
    let settledIn = NaN;
    const settleStart = performance.now();
    try {
      await until(() => divergences(c, feed, events, everUids).length === 0, 'the model to converge', 60_000);
      settledIn = performance.now() - settleStart;
    } catch {
      // Reported below as divergences.
    }
    const div = divergences(c, feed, events, everUids);
    // The informer gets the same chance to catch up (its error handler restarts it after 1 s).
    await until(() => {
      const v = new Map(informer.list().map((p) => [p.metadata!.uid!, ipsOf(p as unknown as PodLike).join(',')]));
      const srv = webPods(c);
      return srv.length === v.size && srv.every((p) => v.get(p.metadata.uid) === ipsOf(p).join(','));
    }, 'the informer', 20_000).catch(() => undefined);
    const informerView = new Map(informer.list().map((p) => [p.metadata!.uid!, ipsOf(p as unknown as PodLike).join(',')]));
    const server = new Map(webPods(c).map((p) => [p.metadata.uid, ipsOf(p).join(',')]));
    let informerDiv = 0;
    for (const [uid, ips] of server) if (informerView.get(uid) !== ips) informerDiv++;
    for (const uid of informerView.keys()) if (!server.has(uid)) informerDiv++;
    const informerCount = informer.list().length;
    const chaosSeconds = (performance.now() - t) / 1000;
    const gaps = events.filter((e) => e.type === 'gap').length - gapsBefore;
    const total = [...injected.values()].reduce((a, b) => a + b, 0);
    console.log(`chaos: ${chaosSeconds.toFixed(0)} s, ${rollouts} rollouts of ${PODS} Pods, ${total} faults injected: ${[...injected].map(([k, v]) => `${k} ×${v}`).join(', ')}`);
    console.log(`chaos: ${gaps} gaps recorded, ${JSON.stringify(feed.stats().Pods)}`);
    console.log(`chaos: divergences after settling: ${div.length}${div.length ? ` (first: ${div.slice(0, 5).join('; ')})` : ''}; converged ${Number.isNaN(settledIn) ? 'never' : `${settledIn.toFixed(0)} ms`} after the last rollout finished`);
    console.log(`baseline: client-node informer (restarted on error), same faults: ${informerDiv} divergences 20 s after ours converged, ${informerErrors} errors reported, ${informerCount} Pods in its cache`);
    console.log(`chaos: ${events.length} lifecycle events, ${everUids.size} Pod lives on the server, ${feed.model.livePods().length} live in the model`);
    if (div.length) {
      const conn = feed.connection();
      console.log(`chaos: feed connection ${conn.state}${conn.message ? ` (${conn.message})` : ''}; server resourceVersion ${c.store.resourceVersion}; open watches on the server ${c.openWatches()}; last Pod event applied ${((performance.now() - lastApplied) / 1000).toFixed(1)} s ago; stats ${JSON.stringify(feed.stats())}`);
      process.exitCode = 1;
    }

    // ---- 3. one fault at a time, then a rollout: does each watcher converge? (the informer restarted
    // fresh before each fault, so one fault's damage does not carry into the next row)
    const informerAgrees = (): boolean => {
      const mine = new Map(informer.list().map((p) => [p.metadata!.uid!, ipsOf(p as unknown as PodLike).join(',')]));
      const srv = webPods(c);
      return srv.length === mine.size && srv.every((p) => mine.get(p.metadata.uid) === ipsOf(p).join(','));
    };
    const within = async (cond: () => boolean, ms: number): Promise<string> => {
      const t0 = performance.now();
      try {
        await until(cond, 'convergence', ms);
        return `${((performance.now() - t0) / 1000).toFixed(1)} s`;
      } catch {
        return `NOT within ${ms / 1000} s`;
      }
    };
    console.log('fault, then a rollout        model converged      client-node informer converged');
    for (const [name, inject] of faults) {
      // A new informer per row: stop() then start() on the same one races with the old watch's done
      // callback (which aborts the new watch and relists), which would hide what the fault does.
      await stopInformer();
      ({ inf: informer, stop: stopInformer } = newInformer());
      await informer.start();
      await until(informerAgrees, 'the informer to start', 60_000);
      await inject();
      const r = rollout();
      await until(() => rolledOut(c, PODS, r), `the rollout after ${name}`, 300_000);
      const [ours, theirs] = await Promise.all([within(() => divergences(c, feed, [], everUids).length === 0, 20_000), within(informerAgrees, 20_000)]);
      console.log(`${name.padEnd(28)} ${ours.padEnd(20)} ${theirs}`);
      c.faults.clear();
    }
    await stopInformer();
  } finally {
    await feed.dispose();
    await c.stop();
    rmSync(dir, { recursive: true, force: true });
  }
  printHostRows(hostRows);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
