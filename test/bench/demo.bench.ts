// Demo cluster throughput: 10,000 Pods started by one Deployment while 10 clients watch all
// Pods over HTTPS. Measures watch events delivered per second (sustained, per watcher and in
// total) and the CPU the demo cluster used, and compares with a baseline measured in the same
// run on the same events: serialising each event with JSON.stringify once per watcher (what a
// server without a shared encoding would do), without any HTTP, TLS or controllers.
// The watchers run in a child process so the CPU figure is the cluster's own.
// DEMO_BENCH_PODS overrides the Pod count (e.g. 2000 for a quick run).
import { spawn } from 'node:child_process';
import { startDemoCluster, RESOURCE, StoreEvent } from '../../src/demo';

const PODS = Number(process.env.DEMO_BENCH_PODS ?? 10_000);
const WATCHERS = 10;
// Each node's /24 holds 253 Pods: enough workers for every Pod, plus the tainted control plane.
const NODES = Math.ceil(PODS / 250) + 1;

const WATCHER_SCRIPT = `
const https = require('node:https');
const { URL, TOKEN, CA, RV, N } = process.env;
const counts = new Array(Number(N)).fill(0);
const maxRv = new Array(Number(N)).fill(0);
let open = 0;
for (let i = 0; i < Number(N); i++) {
  const req = https.request(URL + '/api/v1/pods?watch=true&resourceVersion=' + RV, { headers: { authorization: 'Bearer ' + TOKEN }, ca: CA }, (res) => {
    open++;
    if (open === Number(N)) process.stdout.write(JSON.stringify({ open }) + '\\n');
    let buf = '';
    res.on('end', () => process.stdout.write(JSON.stringify({ ended: i }) + '\\n'));
    res.setEncoding('utf8');
    res.on('data', (d) => {
      buf += d;
      let j;
      while ((j = buf.indexOf('\\n')) >= 0) {
        const line = buf.slice(0, j);
        buf = buf.slice(j + 1);
        counts[i]++;
        // The resourceVersion is in the object's metadata; find it without parsing the whole line.
        const m = line.match(/"resourceVersion":"(\\d+)"/);
        if (m) maxRv[i] = Math.max(maxRv[i], Number(m[1]));
      }
    });
  });
  req.on('error', (e) => { process.stderr.write('watch error ' + e.message + '\\n'); process.exit(1); });
  req.end();
}
setInterval(() => process.stdout.write(JSON.stringify({ counts, maxRv, cpu: process.cpuUsage() }) + '\\n'), 100);
process.stdin.on('close', () => process.exit(0));
process.stdin.resume();
`;

interface WatcherReport {
  counts: number[];
  maxRv: number[];
  cpu: NodeJS.CpuUsage;
}

function fmt(n: number, digits = 0): string {
  return n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
}

async function main(): Promise<void> {
  const cluster = await startDemoCluster({ nodes: NODES, speed: 1000, systemWorkloads: false, recordEvents: false, historySize: PODS * 12 });
  const podEvents: StoreEvent[] = [];
  cluster.store.subscribe((e) => {
    if (e.resource === RESOURCE.pods) podEvents.push(e);
  });
  const startRv = cluster.store.resourceVersion;
  const child = spawn(process.execPath, ['-e', WATCHER_SCRIPT], {
    env: { ...process.env, URL: cluster.url, TOKEN: cluster.token, CA: cluster.caCert, RV: String(startRv), N: String(WATCHERS) },
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  let last: WatcherReport | undefined;
  let opened = false;
  let dropped: number | undefined;
  let childExit: number | null | undefined;
  child.on('exit', (code) => (childExit = code));
  let buf = '';
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (d: string) => {
    buf += d;
    let i: number;
    while ((i = buf.indexOf('\n')) >= 0) {
      const msg = JSON.parse(buf.slice(0, i));
      buf = buf.slice(i + 1);
      if (msg.open) opened = true;
      else if (msg.ended !== undefined) dropped = msg.ended;
      else last = msg;
    }
  });
  const deadline = Date.now() + 300_000;
  const until = async (what: string, fn: () => boolean) => {
    while (!fn()) {
      if (Date.now() > deadline) throw new Error(`benchmark timed out waiting for ${what}`);
      if (dropped !== undefined) throw new Error(`watcher ${dropped} was ended by the server while waiting for ${what}: it fell more than 32 MiB behind (the machine is too busy for this run)`);
      if (childExit !== undefined) throw new Error(`the watcher process exited (${childExit}) while waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  };
  try {
    await until('watchers', () => opened && cluster.openWatches() === WATCHERS);
    global.gc?.();
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    cluster.api.create(RESOURCE.deployments, 'default', {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'load' },
      spec: {
        replicas: PODS,
        selector: { matchLabels: { app: 'load' } },
        template: { metadata: { labels: { app: 'load' } }, spec: { containers: [{ name: 'nginx', image: 'nginx:1.28', ports: [{ containerPort: 80 }] }] } },
      },
    });
    let ready = 0;
    await until('all Pods ready', () => {
      const d = cluster.store.get(RESOURCE.deployments, 'default', 'load') as { status?: { readyReplicas?: number } };
      ready = d.status?.readyReplicas ?? 0;
      return ready === PODS;
    });
    const tReady = performance.now();
    const finalRv = podEvents[podEvents.length - 1].rv;
    const childCpu0 = last?.cpu;
    await until('watchers caught up', () => !!last && last.maxRv.every((rv) => rv >= finalRv));
    const t1 = performance.now();
    const cpu = process.cpuUsage(cpu0);
    const seconds = (t1 - t0) / 1000;
    const delivered = last!.counts.reduce((a, b) => a + b, 0);
    const perWatcher = delivered / WATCHERS;
    const cpuSeconds = (cpu.user + cpu.system) / 1e6;
    const childCpuSeconds = last && childCpu0 ? (last.cpu.user + last.cpu.system) / 1e6 : NaN;
    const heapMb = process.memoryUsage().heapUsed / 2 ** 20;

    // Baseline on the same events, same process: JSON.stringify per watcher, no HTTP/TLS/controllers.
    const events = podEvents.filter((e) => e.rv > startRv).map((e) => ({ type: e.type, object: e.object }));
    global.gc?.();
    let sink = 0;
    const b0 = performance.now();
    for (const e of events) for (let w = 0; w < WATCHERS; w++) sink += JSON.stringify(e).length;
    const baselineSeconds = (performance.now() - b0) / 1000;
    const baselinePerWatcher = events.length / baselineSeconds;

    console.log(`demo cluster: ${fmt(PODS)} Pods on ${NODES} nodes, ${WATCHERS} HTTPS watchers of all Pods (speed 1000, Events off)`);
    console.log(`  Pod events stored            ${fmt(events.length)}  (${fmt(events.length / PODS, 1)} per Pod: created, scheduled, hostIP, IP, running, ready)`);
    console.log(`  all Pods ready after         ${fmt((tReady - t0) / 1000, 2)} s; every watcher caught up after ${fmt(seconds, 2)} s`);
    console.log(`  delivered                    ${fmt(delivered)} events (${fmt(perWatcher)} per watcher)`);
    console.log(`  sustained per watcher        ${fmt(perWatcher / seconds)} events/s`);
    console.log(`  sustained, all watchers      ${fmt(delivered / seconds)} events/s`);
    console.log(`  cluster CPU                  ${fmt(cpuSeconds, 2)} s = ${fmt((100 * cpuSeconds) / seconds)}% of one core (${fmt((cpuSeconds * 1e6) / delivered, 1)} µs per delivered event)`);
    console.log(`  watcher process CPU          ${fmt(childCpuSeconds, 2)} s (parsing TLS + lines, not counted above)`);
    console.log(`  heap after                   ${fmt(heapMb)} MiB`);
    console.log(`  baseline: JSON.stringify per watcher, same events: ${fmt(baselinePerWatcher)} events/s per watcher (${fmt(baselineSeconds, 2)} s; ${sink > 0 ? 'ok' : ''})`);
    console.log(`  ratio demo cluster / baseline (per watcher, events/s): ${fmt(perWatcher / seconds / baselinePerWatcher, 3)}`);
    if (perWatcher < events.length) throw new Error(`watchers got ${perWatcher} events each, expected ${events.length}`);

    // Phase 2: an update storm (every Pod relabelled, 500 per tick) shows the fan-out capacity
    // when events come faster than the simulated kubelets produce them.
    const pods = cluster.store.list(RESOURCE.pods, 'default').items;
    const before = last!.counts.reduce((a, b) => a + b, 0);
    const firstStormRv = cluster.store.resourceVersion + 1;
    global.gc?.();
    const cpu2 = process.cpuUsage();
    const s0 = performance.now();
    for (let i = 0; i < pods.length; i += 500) {
      for (const p of pods.slice(i, i + 500)) {
        const cur = cluster.store.get(RESOURCE.pods, 'default', p.metadata.name!)!;
        cluster.store.update(RESOURCE.pods, { ...cur, metadata: { ...cur.metadata, labels: { ...cur.metadata.labels, storm: '1' } } });
      }
      await new Promise((r) => setImmediate(r));
    }
    const stormRv = cluster.store.resourceVersion;
    await until('watchers caught up with the storm', () => !!last && last.maxRv.every((rv) => rv >= stormRv));
    const s1 = performance.now();
    const stormCpu = process.cpuUsage(cpu2);
    const stormDelivered = last!.counts.reduce((a, b) => a + b, 0) - before;
    const stormSeconds = (s1 - s0) / 1000;
    const stormEvents = podEvents.filter((e) => e.rv >= firstStormRv).map((e) => ({ type: e.type, object: e.object }));
    const sb0 = performance.now();
    for (const e of stormEvents) for (let w = 0; w < WATCHERS; w++) sink += JSON.stringify(e).length;
    const stormBaseline = stormEvents.length / ((performance.now() - sb0) / 1000);
    console.log(`  update storm: ${fmt(stormEvents.length)} MODIFIED events, all watchers caught up after ${fmt(stormSeconds, 2)} s`);
    console.log(`    sustained per watcher      ${fmt(stormDelivered / WATCHERS / stormSeconds)} events/s (all watchers: ${fmt(stormDelivered / stormSeconds)} events/s)`);
    console.log(`    cluster CPU                ${fmt((stormCpu.user + stormCpu.system) / 1e6, 2)} s = ${fmt((100 * (stormCpu.user + stormCpu.system)) / 1e6 / stormSeconds)}% of one core`);
    console.log(`    baseline JSON.stringify per watcher: ${fmt(stormBaseline)} events/s per watcher; ratio ${fmt(stormDelivered / WATCHERS / stormSeconds / stormBaseline, 3)}`);
  } finally {
    child.stdin.end();
    child.kill();
    await cluster.stop();
  }
}

main().catch((e) => {
  console.error(e instanceof Error ? e.stack ?? e.message : e);
  process.exitCode = 1;
});
