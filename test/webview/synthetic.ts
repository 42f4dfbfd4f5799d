// Synthetic lifecycle data for the webview tests and the timeline bench: a Deployment rolling
// from one revision to the next, and large histories shaped like a busy cluster.
import type { LifecycleEvent, PodSummary, ServiceSummary, TimelineSnapshot } from '../../src/core/events';
import { seededRandom as mulberry32 } from '../seededRandom';

export class EventWriter {
  seq = 0;
  readonly events: LifecycleEvent[] = [];
  add(e: Omit<LifecycleEvent, 'seq' | 'timeSource' | 'time'> & { t: number }): LifecycleEvent {
    const { t, ...rest } = e;
    const ev: LifecycleEvent = { seq: ++this.seq, timeSource: 'object', ...rest, time: new Date(t).toISOString() };
    this.events.push(ev);
    return ev;
  }
}

export function pod(uid: string, name: string, ip: string | undefined, extra: Partial<PodSummary> = {}): PodSummary {
  return {
    uid,
    namespace: 'demo',
    name,
    phase: 'Running',
    node: 'node-a',
    ips: ip ? [ip] : [],
    ready: true,
    terminating: false,
    deleted: false,
    hostNetwork: false,
    labels: { app: 'web' },
    owner: { kind: 'Deployment', name: 'web' },
    ...extra,
  };
}

export const WEB_SERVICE: ServiceSummary = {
  namespace: 'demo',
  name: 'web',
  clusterIPs: ['10.96.0.50'],
  selector: { app: 'web' },
  ports: [{ name: 'http', port: 80, targetPort: 8080, protocol: 'TCP' }],
  endpoints: ['10.244.0.11', '10.244.0.12', '10.244.0.13'],
};

/**
 * Three Pods of revision "aaa111" running behind Service demo/web (the snapshot), then a rollout
 * to "bbb222" (the live events): each new Pod comes up, then one old Pod goes; the third new Pod
 * gets the first old Pod's IP back.
 */
export function rolloutScenario(start: number): { snapshot: TimelineSnapshot; rollout: LifecycleEvent[]; finalPods: PodSummary[]; finalService: ServiceSummary } {
  const w = new EventWriter();
  const owner = { kind: 'Deployment', name: 'web' };
  const oldPods: PodSummary[] = [];
  for (let i = 1; i <= 3; i++) {
    const uid = `old-${i}`;
    const p = `demo/web-aaa111-${i}`;
    const ip = `10.244.0.${10 + i}`;
    const t = start + i * 1000;
    w.add({ type: 'created', t, uid, pod: p, owner, revision: 'aaa111' });
    w.add({ type: 'scheduled', t: t + 100, uid, pod: p, node: 'node-a', owner, revision: 'aaa111' });
    w.add({ type: 'ip-assigned', t: t + 400, uid, pod: p, ip, node: 'node-a', owner, revision: 'aaa111' });
    w.add({ type: 'ready', t: t + 1500, uid, pod: p, ip, owner, revision: 'aaa111' });
    w.add({ type: 'endpoint-added', t: t + 1600, uid, pod: p, ip, service: 'demo/web' });
    oldPods.push(pod(uid, `web-aaa111-${i}`, ip, { revision: 'aaa111', createdAt: new Date(t).toISOString() }));
  }
  const snapshot: TimelineSnapshot = {
    scope: { context: 'pod-ip-lens-demo', namespace: 'demo', labelSelector: 'app=web' },
    connection: 'live',
    events: [...w.events],
    pods: oldPods,
    services: [WEB_SERVICE],
  };
  const before = w.events.length;
  const newPods: PodSummary[] = [];
  let t = start + 10_000;
  const newIps = ['10.244.0.21', '10.244.0.22', '10.244.0.11'];
  for (let i = 1; i <= 3; i++) {
    const uid = `new-${i}`;
    const p = `demo/web-bbb222-${i}`;
    const ip = newIps[i - 1];
    w.add({ type: 'created', t, uid, pod: p, owner, revision: 'bbb222' });
    w.add({ type: 'scheduled', t: t + 100, uid, pod: p, node: 'node-b', owner, revision: 'bbb222' });
    if (i === 3) w.add({ type: 'ip-reused', t: t + 400, uid, pod: p, ip, previousUid: 'old-1', previousPod: 'demo/web-aaa111-1', overlap: false });
    w.add({ type: 'ip-assigned', t: t + 400, uid, pod: p, ip, node: 'node-b', owner, revision: 'bbb222' });
    w.add({ type: 'ready', t: t + 1400, uid, pod: p, ip, owner, revision: 'bbb222' });
    w.add({ type: 'endpoint-added', t: t + 1500, uid, pod: p, ip, service: 'demo/web' });
    newPods.push(pod(uid, `web-bbb222-${i}`, ip, { node: 'node-b', revision: 'bbb222', createdAt: new Date(t).toISOString() }));
    const old = `old-${i}`;
    const oldName = `demo/web-aaa111-${i}`;
    const oldIp = `10.244.0.${10 + i}`;
    w.add({ type: 'terminating', t: t + 1600, uid: old, pod: oldName, ip: oldIp });
    w.add({ type: 'unready', t: t + 1700, uid: old, pod: oldName, ip: oldIp });
    w.add({ type: 'endpoint-removed', t: t + 1700, uid: old, pod: oldName, ip: oldIp, service: 'demo/web' });
    w.add({ type: 'ip-released', t: t + 2600, uid: old, pod: oldName, ip: oldIp });
    w.add({ type: 'deleted', t: t + 2700, uid: old, pod: oldName });
    // The third new Pod reuses the first old Pod's IP, so the old one must be gone before it starts.
    t += i === 1 ? 3000 : 4000;
  }
  const finalPods = [...oldPods.map((p) => ({ ...p, ready: false, terminating: true, deleted: true, ips: [] })), ...newPods];
  const finalService = { ...WEB_SERVICE, endpoints: newIps };
  return { snapshot, rollout: w.events.slice(before), finalPods, finalService };
}


/**
 * A long history: `lives` Pod lives over `spanMs`, drawing IPs from a pool of `ipPool` addresses
 * (so IPs are reused, as in a real /24 per node), each with created/ready/terminating/deleted.
 * `deletedSummaries` bounds the summaries of deleted Pods, as the host does (its default keeps
 * the 2,000 most recently deleted); by default every life has one.
 */
export function bigHistory(lives: number, ipPool: number, start: number, spanMs: number, seed = 1, deletedSummaries = Infinity): TimelineSnapshot {
  // Lifetimes sized so the pool can hold every life: about 70% of an IP's share of the span.
  const meanLife = ((ipPool * spanMs) / lives) * 0.7;
  const rnd = mulberry32(seed);
  const events: LifecycleEvent[] = [];
  // Sort keys: whole milliseconds since `start`, then creation order (2^22 events at most per ms bucket key).
  const keys: number[] = [];
  const add = (e: Omit<LifecycleEvent, 'seq' | 'timeSource' | 'time'> & { t: number }) => {
    const { t, ...rest } = e;
    keys.push(Math.floor(t - start + 1000) * 4_194_304 + events.length);
    events.push({ seq: 0, timeSource: 'object', ...rest, time: new Date(t).toISOString() });
  };
  const pods: PodSummary[] = [];
  const deleted: { end: number; p: PodSummary }[] = [];
  const freeAt = new Array<number>(ipPool).fill(start);
  const deployments = 40;
  // Lives are spread evenly over the span; each takes the IP that has been free longest (of a few probed).
  for (let i = 0; i < lives; i++) {
    const t0 = start + (i / lives) * spanMs * 0.9;
    let best = Math.floor(rnd() * ipPool);
    for (let k = 0, probes = Math.min(ipPool, 8); k < probes; k++) {
      const c = Math.floor(rnd() * ipPool);
      if (freeAt[c] < freeAt[best]) best = c;
    }
    if (freeAt[best] === Infinity) best = freeAt.indexOf(Math.min(...freeAt));
    if (freeAt[best] === Infinity) continue; // every IP is held until the end: this life does not fit
    const t = Math.max(t0, freeAt[best] + 50);
    const ip = `10.${(best >> 16) & 255}.${(best >> 8) & 255}.${best & 255}`;
    const dep = `app-${i % deployments}`;
    const rev = `r${Math.floor((t - start) / (spanMs / 4))}`;
    const uid = `uid-${i}`;
    const name = `${dep}-${rev}-${i.toString(36)}`;
    const p = `ns-${i % 7}/${name}`;
    const owner = { kind: 'Deployment', name: dep };
    const life = meanLife * (0.3 + rnd() * 1.4);
    const end = t + life;
    add({ type: 'created', t: t - 300, uid, pod: p, owner, revision: rev });
    add({ type: 'ip-assigned', t, uid, pod: p, ip, node: `node-${best % 50}`, owner, revision: rev });
    add({ type: 'ready', t: t + 800, uid, pod: p, owner, revision: rev });
    const ended = end < start + spanMs;
    if (ended) {
      add({ type: 'terminating', t: end - 500, uid, pod: p });
      add({ type: 'ip-released', t: end, uid, pod: p, ip });
      add({ type: 'deleted', t: end + 100, uid, pod: p });
      freeAt[best] = end + 100;
    } else freeAt[best] = Infinity;
    const summary: PodSummary = {
      uid,
      namespace: `ns-${i % 7}`,
      name,
      ips: ended ? [] : [ip],
      ready: !ended,
      terminating: false,
      deleted: ended,
      hostNetwork: false,
      labels: { app: dep },
      owner,
      revision: rev,
      node: `node-${best % 50}`,
      phase: 'Running',
    };
    if (ended) deleted.push({ end, p: summary });
    else pods.push(summary);
  }
  if (deletedSummaries < deleted.length) deleted.sort((a, b) => b.end - a.end);
  for (const d of deleted.slice(0, Math.min(deleted.length, deletedSummaries))) pods.push(d.p);
  // In time order (the order a watch reports them), numbered as the host would.
  const order = Float64Array.from(keys).sort();
  const sorted: LifecycleEvent[] = new Array(order.length);
  for (let i = 0; i < order.length; i++) {
    const e = events[order[i] % 4_194_304];
    e.seq = i + 1;
    sorted[i] = e;
  }
  return { scope: { context: 'bench', labelSelector: '' }, connection: 'live', events: sorted, pods, services: [] };
}
