// The extension host, as far as a timeline is concerned, in a process of its own (spawned by
// test/bench/watch.bench.ts): a PodWatchFeed on a cluster, and the panel's TimelineStream sending
// to a "webview" that costs what VS Code's transport costs (each message serialised as JSON) and
// acks a frame later. Apart from the demo cluster's process, so the event loop measured here is
// only ours, as a frozen extension host would be.
//
// Reads commands as JSON lines on stdin, writes results as JSON lines on stdout:
//   start {scope}                 → {live, ms, heapBytes, pods}       (heap after GC, per the feed)
//   label {label, count}          → (remembers the Pods with that label, before the rollout)
//   converge {hash}               → {converged, at}                   (epoch ms, when the model shows it)
//   stall-start / stall-stop      → {stall: {max, p99, mean}}          (event-loop delay, ms)
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import type { WatchScope } from '../../src/core/events';
import type { HostMessage } from '../../src/core/protocol';
import { TimelineStream } from '../../src/core/protocol/stream';
import { KubeClient, PodWatchFeed, loadKubeConfig } from '../../src/kube';

const kubeconfig = process.env.KUBECONFIG_TEXT;
if (!kubeconfig) throw new Error('KUBECONFIG_TEXT is not set');

const out = (o: object) => process.stdout.write(`${JSON.stringify(o)}\n`);
const now = () => performance.timeOrigin + performance.now();
let feed: PodWatchFeed | undefined;
let stream: TimelineStream | undefined;
let watching: { label: string; hash: string; count: number } | undefined;
let labelled: { label: string; count: number; uids: Set<string> } | undefined;
const histogram = monitorEventLoopDelay({ resolution: 5 });
/** Long tasks while measuring: when each began (ms after stall-start) and how long it took. */
const stalls: { at: number; ms: number }[] = [];
let stallTimer: NodeJS.Timeout | undefined;
let stallStart = 0;
const sent = { messages: 0, bytes: 0 };

function heap(): number {
  global.gc?.();
  global.gc?.();
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
}

/**
 * Whether the model shows the rollout done, as `kubectl rollout status` defines it: `count` Pods
 * of the label that are not terminating, all of the new revision, ready, with an IP (old Pods
 * still terminating do not count, as they do not in the ReplicaSets' status). Kept per Pod from
 * the events' summaries, so the check costs what the events do, not a pass over every Pod.
 */
const state = new Map<string, boolean>();
let good = 0;
function track(uids: Iterable<string>): void {
  if (!feed || !watching) return;
  const [k, v] = watching.label.split('=');
  for (const p of feed.podSummaries(uids)) {
    if (p.labels[k] !== v) continue;
    const was = state.get(p.uid);
    if (was === true) good--;
    if (p.deleted || p.terminating) {
      state.delete(p.uid);
      continue;
    }
    const ok = p.revision === watching.hash && p.ready && p.ips.length > 0;
    state.set(p.uid, ok);
    if (ok) good++;
  }
}
function converged(): boolean {
  return !!watching && good === watching.count && state.size === watching.count;
}

async function start(scope: WatchScope): Promise<void> {
  const before = heap();
  const t0 = performance.now();
  feed = new PodWatchFeed(new KubeClient(loadKubeConfig({ text: kubeconfig })), scope, { reflector: { timeoutSeconds: [300, 600] } });
  feed.start();
  await feed.whenLive();
  const ms = performance.now() - t0;
  const pods = feed.model.stats().livePods;
  const heapBytes = heap() - before;
  // The panel's side: snapshot, then batches, JSON-serialised as VS Code's webview transport does,
  // acked about a frame later.
  stream = new TimelineStream(feed, (m: HostMessage) => {
    const text = JSON.stringify(m);
    sent.messages++;
    sent.bytes += text.length;
    if (m.type === 'events') setTimeout(() => stream?.drawn(m.seq), 16);
  });
  stream.sendSnapshot();
  feed.subscribe((events) => {
    if (labelled && !watching) for (const e of events) if (e.uid) labelled.uids.add(e.uid);
    if (!watching) return;
    const uids = new Set<string>();
    for (const e of events) if (e.uid) uids.add(e.uid);
    track(uids);
    if (converged()) {
      out({ converged: true, at: now(), messages: sent.messages });
      watching = undefined;
    }
  });
  out({ live: true, ms, heapBytes, pods });
}

const rl = createInterface({ input: process.stdin });
rl.on('line', (line) => {
  const cmd = JSON.parse(line) as { cmd: string; scope?: WatchScope; label?: string; hash?: string; count?: number };
  if (cmd.cmd === 'label') {
    const [k, v] = cmd.label!.split('=');
    labelled = { label: cmd.label!, count: cmd.count!, uids: new Set(feed!.model.livePods().filter((p) => p.labels[k] === v).map((p) => p.uid)) };
    return;
  }
  if (cmd.cmd === 'start') void start(cmd.scope!).catch((e: Error) => out({ error: e.message }));
  else if (cmd.cmd === 'converge') {
    watching = { label: labelled!.label, hash: cmd.hash!, count: labelled!.count };
    state.clear();
    good = 0;
    track(labelled!.uids);
    if (converged()) {
      out({ converged: true, at: now(), messages: sent.messages });
      watching = undefined;
    }
  } else if (cmd.cmd === 'stall-start') {
    histogram.reset();
    histogram.enable();
    stalls.length = 0;
    stallStart = performance.now();
    let last = stallStart;
    stallTimer = setInterval(() => {
      const t = performance.now();
      if (t - last > 30) stalls.push({ at: Math.round(last - stallStart), ms: Math.round(t - last - 10) });
      last = t;
    }, 10);
  } else if (cmd.cmd === 'stall-stop') {
    histogram.disable();
    clearInterval(stallTimer);
    out({ stall: { max: histogram.max / 1e6, p99: histogram.percentile(99) / 1e6, mean: histogram.mean / 1e6, long: stalls.slice(0, 12) }, messages: sent.messages, bytes: sent.bytes, largest: stream?.stats.largestBatch });
  } else if (cmd.cmd === 'stop') {
    stream?.dispose();
    void feed?.dispose().then(() => process.exit(0));
  }
});
