import * as assert from 'node:assert/strict';
import type { LifecycleEvent } from '../../src/core/events';
import { type DemoCluster, startDemoCluster } from '../../src/demo';
import { ClusterLookup, KubeClient, loadKubeConfig, PodWatchFeed } from '../../src/kube';
import { until } from '../until';

// The watch pipeline against the demo cluster (real HTTPS, real watch protocol), with faults injected
// during Deployment rollouts. After things settle the model must equal the server: same live Pods,
// same IPs; no duplicate events; no Pod that never existed; every outage a gap.

interface PodLike {
  metadata: { uid: string; name: string; deletionTimestamp?: string; labels?: Record<string, string> };
  status?: { podIP?: string; podIPs?: { ip: string }[]; conditions?: { type: string; status: string }[] };
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));


function serverPods(c: DemoCluster, selector: Record<string, string>): PodLike[] {
  return (c.api.list('pods', 'default').items as unknown as PodLike[]).filter((p) => Object.entries(selector).every(([k, v]) => p.metadata.labels?.[k] === v));
}

function ipsOf(p: PodLike): string[] {
  const ips = (p.status?.podIPs ?? []).map((x) => x.ip);
  if (p.status?.podIP && !ips.includes(p.status.podIP)) ips.unshift(p.status.podIP);
  return ips;
}

/** uid=ip,ip for every live Pod, sorted: the thing the model and the server must agree on. */
function serverView(c: DemoCluster): string[] {
  return serverPods(c, { app: 'web' })
    .map((p) => `${p.metadata.uid}=${ipsOf(p).join(',')}`)
    .sort();
}

function modelView(feed: PodWatchFeed): string[] {
  return feed.model
    .livePods()
    .map((p) => `${p.uid}=${p.ips.join(',')}`)
    .sort();
}

function settled(c: DemoCluster, replicas: number): boolean {
  const pods = serverPods(c, { app: 'web' });
  return pods.length === replicas && pods.every((p) => !p.metadata.deletionTimestamp && ipsOf(p).length > 0 && p.status?.conditions?.some((x) => x.type === 'Ready' && x.status === 'True'));
}

/** Duplicate or contradictory events, described; empty when the stream is clean. */
function duplicates(events: LifecycleEvent[]): string[] {
  const problems: string[] = [];
  const count = new Map<string, number>();
  const once = ['created', 'scheduled', 'terminating', 'deleted'];
  for (const e of events) {
    let k: string | undefined;
    if (once.includes(e.type)) k = `${e.type} ${e.uid}`;
    else if (e.type === 'ip-assigned' || e.type === 'ip-released' || e.type === 'ip-reused') k = `${e.type} ${e.uid} ${e.ip}`;
    if (k) count.set(k, (count.get(k) ?? 0) + 1);
  }
  for (const [k, n] of count) if (n > 1) problems.push(`${k} ×${n}`);
  // Readiness and endpoints must alternate.
  const lastReady = new Map<string, string>();
  const lastEndpoint = new Map<string, string>();
  for (const e of events) {
    if (e.type === 'ready' || e.type === 'unready') {
      if (lastReady.get(e.uid!) === e.type) problems.push(`${e.type} twice in a row for ${e.pod}`);
      lastReady.set(e.uid!, e.type);
    }
    if (e.type === 'endpoint-added' || e.type === 'endpoint-removed') {
      const k = `${e.service} ${e.ip}`;
      if (lastEndpoint.get(k) === e.type) problems.push(`${e.type} twice in a row for ${k}`);
      lastEndpoint.set(k, e.type);
    }
  }
  return problems;
}

describe('kube: watch pipeline against the demo cluster under faults', function () {
  this.timeout(180_000);
  let cluster: DemoCluster | undefined;
  let feed: PodWatchFeed | undefined;
  afterEach(async () => {
    await feed?.dispose();
    await cluster?.stop();
    feed = undefined;
    cluster = undefined;
  });

  it('follows rollouts through cut, reset, 410, 500, 429, stall and restart: model equals server, nothing duplicated or invented, every outage a gap', async () => {
    const c = (cluster = await startDemoCluster({ speed: 10, systemWorkloads: false, bookmarkIntervalMs: 250, recordEvents: false }));
    const everUids = new Set<string>();
    c.store.subscribe((e) => {
      if (e.resource === 'pods') everUids.add((e.object as unknown as PodLike).metadata.uid);
    });
    const replicas = 6;
    c.api.create('apps/deployments', 'default', {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web' },
      spec: { replicas, selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image: 'nginx:1.27' }] } } },
    } as never);
    c.api.create('services', 'default', { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web' }, spec: { selector: { app: 'web' }, ports: [{ port: 80 }] } } as never);

    const client = new KubeClient(loadKubeConfig({ text: c.kubeconfig }));
    const f = (feed = new PodWatchFeed(
      client,
      { context: c.contextName, namespace: 'default', labelSelector: 'app=web' },
      { reflector: { inactivityMs: 1000, backoffInitialMs: 50, backoffMaxMs: 400, timeoutSeconds: [3, 6] } },
    ).start());
    const events: LifecycleEvent[] = [];
    f.subscribe((evs) => events.push(...evs));
    await f.whenLive();

    const faults: { name: string; inject: () => Promise<unknown> | unknown }[] = [
      { name: 'cut', inject: () => c.faults.cutWatches() },
      { name: 'reset', inject: () => c.faults.cutWatches({ abrupt: true }) },
      { name: '410', inject: () => c.faults.expireResourceVersions() },
      { name: '500', inject: () => (c.faults.failNextRequests(4, 500), c.faults.cutWatches()) },
      { name: '429', inject: () => (c.faults.failNextRequests(3, 429, 1), c.faults.cutWatches()) },
      { name: 'stall', inject: () => c.faults.stallWatches() },
      { name: 'restart', inject: () => c.faults.restart({ downtimeMs: 500 }) },
    ];
    const injected: { name: string; at: number }[] = [];
    let rev = 0;
    for (const fault of faults) {
      c.api.patch('apps/deployments', 'default', 'web', 'merge', { spec: { template: { metadata: { annotations: { rev: String(++rev) } } } } });
      await sleep(150 + Math.floor(Math.random() * 200));
      const at = Date.now();
      injected.push({ name: fault.name, at });
      await fault.inject();
      await until(`the gap after the ${fault.name} fault`, () => events.some((e) => e.type === 'gap' && Date.parse(e.to!) >= at), 20_000);
      await until(`live again after ${fault.name}`, () => f.snapshot().connection === 'live', 20_000);
    }

    await until('the model to equal the server', () => settled(c, replicas) && JSON.stringify(modelView(f)) === JSON.stringify(serverView(c)), 30_000);
    assert.deepEqual(modelView(f), serverView(c));
    assert.equal(f.model.livePods().length, replicas);

    assert.deepEqual(duplicates(events), []);
    const invented = events.filter((e) => e.uid && !everUids.has(e.uid));
    assert.deepEqual(invented, [], 'every Pod in the story existed on the server');

    const gaps = events.filter((e) => e.type === 'gap');
    for (const fi of injected) {
      const g = gaps.find((x) => Date.parse(x.to!) >= fi.at && Date.parse(x.from!) >= fi.at - 1500 && Date.parse(x.from!) <= fi.at + 3000);
      assert.ok(g, `a gap for the ${fi.name} fault at ${new Date(fi.at).toISOString()}; gaps: ${JSON.stringify(gaps.map((x) => [x.from, x.to, x.reason]))}`);
    }
    // Each fault cut the Pod, Service and EndpointSlice watches at once: one outage, one gap each.
    assert.equal(gaps.length, injected.length, JSON.stringify(gaps.map((x) => x.reason)));
    assert.ok(gaps.some((g) => /410/.test(g.reason!)), 'the 410 fault led to a relist');
    assert.ok(gaps.some((g) => /Pods.*: no data on the watch/.test(g.reason!)), 'the stall was detected as silence');
    // The Service's endpoints in the model are the server's ready Pod IPs.
    const svc = f.model.serviceSummaries().find((s) => s.name === 'web')!;
    assert.deepEqual(svc.endpoints, serverPods(c, { app: 'web' }).flatMap(ipsOf).sort());
    assert.ok(svc.clusterIPs.length === 1);
    // What happened to each Pod is queryable, and every IP the server shows has its current holder.
    for (const p of serverPods(c, { app: 'web' })) {
      for (const ip of ipsOf(p)) assert.equal(f.model.podByIp(ip)?.uid, p.metadata.uid);
      assert.ok(f.model.historyOf(p.metadata.uid).some((e) => e.type === 'created'));
    }
  });

  it('marks Pods deleted while the watch was down and expired as seen on relist', async () => {
    const c = (cluster = await startDemoCluster({ speed: 10, systemWorkloads: false, bookmarkIntervalMs: 250, recordEvents: false }));
    c.api.create('apps/deployments', 'default', {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web' },
      spec: { replicas: 3, selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image: 'nginx:1.27' }] } } },
    } as never);
    await until('three ready Pods', () => settled(c, 3), 20_000);
    const f = (feed = new PodWatchFeed(new KubeClient(loadKubeConfig({ text: c.kubeconfig })), { context: c.contextName, namespace: 'default', labelSelector: 'app=web' }, {
      services: false,
      reflector: { inactivityMs: 1000, backoffInitialMs: 50, backoffMaxMs: 400, timeoutSeconds: [3, 6] },
    }).start());
    const events: LifecycleEvent[] = [];
    f.subscribe((evs) => events.push(...evs));
    await f.whenLive();
    const before = serverPods(c, { app: 'web' }).map((p) => p.metadata.uid);
    // Keep the watch down (every request fails for a while), replace all Pods, forget history.
    c.faults.failNextRequests(1000, 500);
    c.faults.cutWatches({ abrupt: true });
    c.api.patch('apps/deployments', 'default', 'web', 'merge', { spec: { template: { metadata: { annotations: { rev: 'new' } } } } });
    await until('the rollout to finish', () => settled(c, 3) && serverPods(c, { app: 'web' }).every((p) => !before.includes(p.metadata.uid)), 30_000);
    c.faults.expireResourceVersions();
    c.faults.clear();
    await until('the model to catch up', () => JSON.stringify(modelView(f)) === JSON.stringify(serverView(c)), 20_000);
    for (const uid of before) {
      const deleted = events.find((e) => e.uid === uid && e.type === 'deleted')!;
      assert.ok(deleted, `deletion of ${uid}`);
      assert.equal(deleted.seenOnRelist, true);
    }
    const gap = events.find((e) => e.type === 'gap')!;
    assert.ok(events.indexOf(gap) < events.findIndex((e) => e.seenOnRelist), 'the gap is told before what the relist found');
    assert.deepEqual(duplicates(events), []);
  });
});

describe('kube: lookups for hovers, on the demo cluster', function () {
  this.timeout(60_000);
  let cluster: DemoCluster | undefined;
  after(async () => cluster?.stop());

  it('finds the Pod and the node behind an IP, and the Services selecting a Pod', async () => {
    const c = (cluster = await startDemoCluster({ speed: 10, systemWorkloads: false, recordEvents: false }));
    c.api.create('apps/deployments', 'default', {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web' },
      spec: { replicas: 2, selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web', tier: 'fe' } }, spec: { containers: [{ name: 'web', image: 'nginx:1.27' }] } } },
    } as never);
    c.api.create('services', 'default', { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web' }, spec: { selector: { app: 'web' }, ports: [{ port: 80, targetPort: 8080 }] } } as never);
    c.api.create('services', 'default', { apiVersion: 'v1', kind: 'Service', metadata: { name: 'db' }, spec: { selector: { app: 'db' }, ports: [{ port: 5432 }] } } as never);
    await until('two ready Pods', () => settled(c, 2), 20_000);
    const lookup = new ClusterLookup(new KubeClient(loadKubeConfig({ text: c.kubeconfig })));
    const pod = serverPods(c, { app: 'web' })[0];
    const found = await lookup.findPodByIp(ipsOf(pod)[0]);
    assert.equal(found?.uid, pod.metadata.uid);
    assert.equal(found?.name, pod.metadata.name);
    assert.deepEqual(found?.owner, { kind: 'Deployment', name: 'web' });
    assert.equal(await lookup.findPodByIp('10.99.99.99'), undefined);
    const nodes = c.api.list('nodes', undefined).items as unknown as { metadata: { name: string }; status: { addresses: { type: string; address: string }[] } }[];
    const nodeIp = nodes[0].status.addresses.find((a) => a.type === 'InternalIP')!.address;
    const node = await lookup.findNodeByIp(nodeIp);
    assert.equal(node?.name, nodes[0].metadata.name);
    assert.ok(node!.podCIDRs.length >= 1);
    const svcs = await lookup.servicesSelecting({ namespace: 'default', labels: found!.labels });
    assert.deepEqual(
      svcs.map((s) => [s.name, s.ports[0].port, s.clusterIPs.length]),
      [['web', 80, 1]],
    );
  });
});

describe('kube: errors from the demo cluster', function () {
  this.timeout(30_000);
  it('rejects an invalid label selector with the server’s reason, and does not retry it forever in silence', async () => {
    const c = await startDemoCluster({ systemWorkloads: false, recordEvents: false });
    const f = new PodWatchFeed(new KubeClient(loadKubeConfig({ text: c.kubeconfig })), { context: c.contextName, namespace: 'default', labelSelector: 'app in (web' }, { reflector: { backoffInitialMs: 50, backoffMaxMs: 200 } }).start();
    try {
      await assert.rejects(f.whenLive(), /Invalid label selector 'app in \(web'\. The server said: .+/);
      assert.equal(f.snapshot().connection, 'error');
      assert.match(f.snapshot().connectionMessage!, /Invalid label selector/);
    } finally {
      await f.dispose();
      await c.stop();
    }
  });
});
