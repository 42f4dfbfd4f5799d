// Watch pipeline benchmark, on the demo cluster (in this process, real HTTPS):
// 1. Latency: one 1,000-Pod rollout watched at once by our feed and by `kubectl get pods -w`; for
//    each Pod change, the time from the store committing it to (a) our model having applied it and
//    (b) kubectl having printed it. p50/p99 side by side, and their ratio (the machine is shared and
//    noisy, so only same-run comparisons mean anything).
// 2. Chaos: 1,000-Pod rollouts back to back with a fault every few seconds (cut, reset, 410, 500,
//    429, stall, restart). Afterwards: divergences between the model and the server (goal 0).
//    Baseline under the same faults: client-node's own informer, restarted on error as its README
//    advises; its cache is compared with the server the same way.
// Environment: WATCH_BENCH_PODS (default 1000), WATCH_BENCH_CHAOS_SECONDS (default 60).
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { LifecycleEvent } from '../../src/core/events';
import { LifecycleModel, type PodObject, type WatchEventType } from '../../src/core/lifecycle';
import { type DemoCluster, startDemoCluster } from '../../src/demo';
import { CoreV1Api, KubeConfig, makeInformer } from '@kubernetes/client-node';
import { KubeClient, loadKubeConfig, PodWatchFeed } from '../../src/kube';

const PODS = Number(process.env.WATCH_BENCH_PODS ?? 1000);
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

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'pil-watch-bench-'));
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
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
