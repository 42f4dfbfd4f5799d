// The demo cluster end to end in-process, over real HTTPS: auth, discovery, the Pod lifecycle,
// rolling updates, IP allocation modes, Services and EndpointSlices, cascading deletion, watch
// semantics (bookmarks, timeouts, 410, sendInitialEvents, selector transitions) and faults.
import * as assert from 'node:assert/strict';
import * as http from 'node:http';
import * as https from 'node:https';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startDemoCluster, DemoCluster, RESOURCE, KubeObject, Store, DemoApi } from '../../src/demo';
import { ControlPlane, Timers } from '../../src/demo/controllers';

/* eslint-disable @typescript-eslint/no-explicit-any */
type Any = any;

interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  json: Any;
}

function request(c: DemoCluster, method: string, path: string, opts: { body?: unknown; raw?: Buffer; contentType?: string; accept?: string; token?: string | null } = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const data = opts.raw ?? (opts.body !== undefined ? Buffer.from(JSON.stringify(opts.body)) : undefined);
    const headers: Record<string, string> = {};
    if (opts.token !== null) headers.authorization = `Bearer ${opts.token ?? c.token}`;
    if (data) {
      headers['content-type'] = opts.contentType ?? 'application/json';
      headers['content-length'] = String(data.length);
    }
    if (opts.accept) headers.accept = opts.accept;
    const req = https.request(`${c.url}${path}`, { method, headers, ca: c.caCert }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (d) => chunks.push(d));
      res.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        let json: Any;
        try {
          json = JSON.parse(body);
        } catch {
          json = undefined;
        }
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body, json });
      });
    });
    req.on('error', reject);
    req.setTimeout(10_000, () => req.destroy(new Error(`timeout: ${method} ${path}`)));
    if (data) req.write(data);
    req.end();
  });
}

/** Opens a watch and collects its lines until `until` says so (or the server ends it). */
function watchLines(c: DemoCluster, path: string, until: (lines: Any[]) => boolean, timeoutMs = 8000, accept?: string): Promise<{ lines: Any[]; raw: string[]; ended: boolean }> {
  return new Promise((resolve, reject) => {
    const lines: Any[] = [];
    const raw: string[] = [];
    let buf = '';
    let done = false;
    const finish = (ended: boolean) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      req.destroy();
      resolve({ lines, raw, ended });
    };
    const req = https.request(`${c.url}${path}`, { headers: { authorization: `Bearer ${c.token}`, ...(accept ? { accept } : {}) }, ca: c.caCert }, (res) => {
      if (res.statusCode !== 200) {
        reject(new Error(`watch ${path}: HTTP ${res.statusCode}`));
        return;
      }
      res.setEncoding('utf8');
      res.on('data', (d: string) => {
        buf += d;
        let i: number;
        while ((i = buf.indexOf('\n')) >= 0) {
          const line = buf.slice(0, i);
          buf = buf.slice(i + 1);
          raw.push(line);
          lines.push(JSON.parse(line));
          if (until(lines)) return finish(false);
        }
      });
      res.on('end', () => finish(true));
      res.on('close', () => finish(true));
    });
    req.on('error', (e) => (done ? undefined : reject(e)));
    req.end();
    const timer = setTimeout(() => finish(false), timeoutMs);
  });
}

async function waitFor<T>(what: string, fn: () => T | undefined | false, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = fn();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

async function waitForAsync(what: string, fn: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await fn())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const pods = (c: DemoCluster, label: string) => c.store.list(RESOURCE.pods, 'default').items.filter((p) => p.metadata.labels?.app === label) as Any[];
const readyPods = (c: DemoCluster, label: string) => pods(c, label).filter((p) => !p.metadata.deletionTimestamp && (p.status?.conditions ?? []).some((x: Any) => x.type === 'Ready' && x.status === 'True'));

function deployment(name: string, image: string, replicas: number, extra: Any = {}): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, labels: { app: name } },
    spec: {
      replicas,
      selector: { matchLabels: { app: name } },
      template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'nginx', image }], ...extra } },
    },
  };
}

describe('demo cluster over HTTPS', function () {
  this.timeout(30_000);
  let c: DemoCluster;

  before(async () => {
    c = await startDemoCluster({ speed: 10, bookmarkIntervalMs: 150, systemWorkloads: false });
  });
  after(async () => {
    await c?.stop();
  });

  it('refuses requests without the bearer token (401) and a wrong one', async () => {
    assert.equal((await request(c, 'GET', '/api/v1/pods', { token: null })).status, 401);
    const r = await request(c, 'GET', '/api/v1/pods', { token: 'nope' });
    assert.equal(r.status, 401);
    assert.equal(r.json.kind, 'Status');
    assert.equal(r.json.reason, 'Unauthorized');
  });

  it('answers malformed requests with a Status and keeps running', async () => {
    assert.equal((await request(c, 'GET', '//')).status, 404);
    assert.equal((await request(c, 'GET', '/%zz')).status, 400);
    assert.equal((await request(c, 'GET', '/api/v1/namespaces/%E0%A4%A/pods')).status, 400);
    const bad = await request(c, 'GET', '/api/v1/pods?limit=abc');
    assert.equal(bad.status, 400);
    assert.match(bad.json.message, /limit: Invalid value/);
    assert.equal((await request(c, 'GET', '/api/v1/namespaces/default/pods?labelSelector=a%20in%20(')).status, 400);
    assert.equal((await request(c, 'POST', '/api/v1/namespaces/default/configmaps', { body: [] })).status, 400);
    assert.equal((await request(c, 'GET', '/version')).status, 200, 'still serving');
  });

  it('serves /version and discovery (legacy and aggregated)', async () => {
    assert.equal((await request(c, 'GET', '/version')).json.gitVersion, 'v1.32.2');
    const groups = (await request(c, 'GET', '/apis')).json;
    assert.deepEqual(groups.groups.map((g: Any) => g.name).sort(), ['apps', 'authentication.k8s.io', 'authorization.k8s.io', 'autoscaling', 'batch', 'coordination.k8s.io', 'discovery.k8s.io', 'networking.k8s.io']);
    const core = (await request(c, 'GET', '/api/v1')).json;
    const names = core.resources.map((r: Any) => r.name);
    for (const n of ['pods', 'pods/status', 'pods/log', 'services', 'nodes', 'namespaces', 'events', 'endpoints']) assert.ok(names.includes(n), n);
    const apps = (await request(c, 'GET', '/apis/apps/v1')).json;
    const scale = apps.resources.find((r: Any) => r.name === 'deployments/scale');
    assert.deepEqual([scale.group, scale.version, scale.kind], ['autoscaling', 'v1', 'Scale']);
    const agg = await request(c, 'GET', '/apis', { accept: 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json' });
    assert.match(String(agg.headers['content-type']), /as=APIGroupDiscoveryList/);
    assert.ok(agg.json.items.some((g: Any) => g.metadata.name === 'apps' && g.versions[0].resources.some((r: Any) => r.resource === 'deployments')));
    assert.equal((await request(c, 'GET', '/apis/nope.example.com/v1/things')).status, 404);
  });

  it('takes Kubernetes protobuf bodies (what kubectl create deployment sends)', async () => {
    const raw = readFileSync(join(__dirname, '../fixtures/kubectl-wire/create-deployment.bin'));
    const r = await request(c, 'POST', '/apis/apps/v1/namespaces/default/deployments?fieldManager=kubectl-create&fieldValidation=Strict', {
      raw,
      contentType: 'application/vnd.kubernetes.protobuf',
      accept: 'application/vnd.kubernetes.protobuf,application/json',
    });
    assert.equal(r.status, 201, r.body);
    assert.equal(r.json.metadata.name, 'backend');
    assert.equal(r.json.metadata.namespace, 'default');
    assert.equal(r.json.metadata.generation, 1);
    // Defaults the real API server applies.
    assert.equal(r.json.spec.strategy.type, 'RollingUpdate');
    assert.equal(r.json.spec.revisionHistoryLimit, 10);
    assert.equal(r.json.spec.template.spec.containers[0].imagePullPolicy, 'IfNotPresent');
    const bad = await request(c, 'POST', '/apis/apps/v1/namespaces/default/deployments', { raw: Buffer.from('nope'), contentType: 'application/vnd.kubernetes.protobuf' });
    assert.equal(bad.status, 400);
    assert.match(bad.json.message, /magic/);
    await request(c, 'DELETE', '/apis/apps/v1/namespaces/default/deployments/backend');
  });

  it('rejects invalid objects with 422 and a field cause, and unknown namespaces with 404', async () => {
    const d = deployment('mismatch', 'nginx', 1);
    (d.spec as Any).selector = { matchLabels: { app: 'other' } };
    const r = await request(c, 'POST', '/apis/apps/v1/namespaces/default/deployments', { body: d });
    assert.equal(r.status, 422);
    assert.equal(r.json.reason, 'Invalid');
    assert.equal(r.json.details.causes[0].field, 'spec.template.metadata.labels');
    await request(c, 'POST', '/apis/apps/v1/namespaces/default/deployments', { body: deployment('fixed', 'nginx', 1) });
    const sel = await request(c, 'PATCH', '/apis/apps/v1/namespaces/default/deployments/fixed', { body: { spec: { selector: { matchLabels: { app: 'other' } }, template: { metadata: { labels: { app: 'other' } } } } }, contentType: 'application/merge-patch+json' });
    assert.equal(sel.status, 422);
    assert.match(sel.json.message, /spec.selector: .*field is immutable/);
    await request(c, 'DELETE', '/apis/apps/v1/namespaces/default/deployments/fixed');
    const n = await request(c, 'POST', '/apis/apps/v1/namespaces/nowhere/deployments', { body: deployment('x', 'nginx', 1) });
    assert.equal(n.status, 404);
    assert.match(n.json.message, /namespaces "nowhere" not found/);
    const j = await request(c, 'POST', '/api/v1/namespaces/default/pods', { raw: Buffer.from('{nope'), contentType: 'application/json' });
    assert.equal(j.status, 400);
  });

  it('fieldValidation: Strict refuses unknown fields (400), Warn answers with Warning headers', async () => {
    const d = deployment('typo', 'nginx', 1) as Any;
    d.spec.replica = 2;
    d.spec.template.spec.containers[0].imagee = 'x';
    const strict = await request(c, 'POST', '/apis/apps/v1/namespaces/default/deployments?fieldValidation=Strict', { body: d });
    assert.equal(strict.status, 400);
    // In document order, like the API server's decoder.
    assert.equal(strict.json.message, 'strict decoding error: unknown field "spec.template.spec.containers[0].imagee", unknown field "spec.replica"');
    const warn = await request(c, 'POST', '/apis/apps/v1/namespaces/default/deployments', { body: d });
    assert.equal(warn.status, 201);
    assert.match(String(warn.headers.warning), /299 - "unknown field \\"spec.replica\\""/);
    const patch = await request(c, 'PATCH', '/apis/apps/v1/namespaces/default/deployments/typo?fieldValidation=Strict', { body: { spec: { template: { spec: { '$setElementOrder/containers': [{ name: 'nginx' }], containers: [{ name: 'nginx', image: 'nginx:2' }] } } } }, contentType: 'application/strategic-merge-patch+json' });
    assert.equal(patch.status, 200, 'patch directives are not unknown fields');
    await request(c, 'DELETE', '/apis/apps/v1/namespaces/default/deployments/typo');
  });

  it('takes a Pod through its stages, keeps the IP while terminating, frees it when gone', async () => {
    const seen: string[] = [];
    let lastStage = '';
    const stage = (p: Any): string => {
      if (!p.spec.nodeName) return 'pending';
      if (p.metadata.deletionTimestamp) {
        if (p.status.phase === 'Succeeded' || p.status.phase === 'Failed') return 'terminal';
        return (p.status.conditions ?? []).some((x: Any) => x.type === 'Ready' && x.status === 'True') ? 'terminating' : 'terminating-unready';
      }
      if ((p.status.conditions ?? []).some((x: Any) => x.type === 'Ready' && x.status === 'True')) return 'ready';
      if (p.status.phase === 'Running') return 'running';
      if (p.status.podIP) return 'ip';
      if (p.status.hostIP) return 'host-ip';
      return 'scheduled';
    };
    const ips: (string | undefined)[] = [];
    const unsubscribe = c.store.watch(RESOURCE.pods, c.store.resourceVersion, (e) => {
      if (e.object.metadata.name !== 'solo') return;
      const s = e.type === 'DELETED' ? 'deleted' : stage(e.object);
      ips.push((e.object as Any).status?.podIP);
      if (s !== lastStage) seen.push((lastStage = s));
    });
    try {
      const r = await request(c, 'POST', '/api/v1/namespaces/default/pods', { body: { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'solo', labels: { app: 'solo' } }, spec: { containers: [{ name: 'c', image: 'nginx:1.28' }] } } });
      assert.equal(r.status, 201, r.body);
      await waitFor('solo ready', () => lastStage === 'ready');
      const ip = (c.store.get(RESOURCE.pods, 'default', 'solo') as Any).status.podIP;
      assert.match(ip, /^10\.244\.\d+\.\d+$/);
      const del = await request(c, 'DELETE', '/api/v1/namespaces/default/pods/solo', { body: { propagationPolicy: 'Background' } });
      assert.equal(del.status, 200);
      assert.ok(del.json.metadata.deletionTimestamp, 'graceful deletion returns the Pod with deletionTimestamp');
      await waitFor('solo deleted', () => lastStage === 'deleted');
      assert.deepEqual(seen, ['pending', 'scheduled', 'host-ip', 'ip', 'running', 'ready', 'terminating', 'terminating-unready', 'terminal', 'deleted']);
      // From the first update with an IP to the DELETED event, the IP never changes or disappears.
      const first = ips.findIndex((x) => x !== undefined);
      assert.ok(ips.slice(first).every((x) => x === ip), `IP kept until gone: ${ips.join(',')}`);
    } finally {
      unsubscribe();
    }
  });

  it('rolls a Deployment out within maxSurge/maxUnavailable: new Pods, new IPs, old ones gone', async () => {
    assert.equal((await request(c, 'POST', '/apis/apps/v1/namespaces/default/deployments', { body: deployment('web', 'nginx:1.28', 2) })).status, 201);
    await waitFor('2 ready', () => readyPods(c, 'web').length === 2 && pods(c, 'web').length === 2);
    const before = pods(c, 'web').map((p) => ({ name: p.metadata.name, ip: p.status.podIP }));
    let minReady = Infinity;
    let maxTotal = 0;
    const unsubscribe = c.store.subscribe((e) => {
      if (e.resource !== RESOURCE.pods) return;
      minReady = Math.min(minReady, readyPods(c, 'web').length);
      maxTotal = Math.max(maxTotal, pods(c, 'web').filter((p) => !p.metadata.deletionTimestamp).length);
    });
    try {
      const patch = { spec: { template: { spec: { $setElementOrder: undefined, '$setElementOrder/containers': [{ name: 'nginx' }], containers: [{ image: 'nginx:1.25', name: 'nginx' }] } } } };
      const r = await request(c, 'PATCH', '/apis/apps/v1/namespaces/default/deployments/web?fieldManager=kubectl-set', { body: patch, contentType: 'application/strategic-merge-patch+json' });
      assert.equal(r.status, 200, r.body);
      assert.equal(r.json.metadata.generation, 2);
      const done = await waitFor('rollout done', () => {
        const d = c.store.get(RESOURCE.deployments, 'default', 'web') as Any;
        const s = d.status;
        return d.metadata.generation === s.observedGeneration && s.updatedReplicas === 2 && s.availableReplicas === 2 && s.replicas === 2 && pods(c, 'web').length === 2 && d;
      });
      assert.equal(done.metadata.annotations['deployment.kubernetes.io/revision'], '2');
      assert.equal(done.status.conditions.find((x: Any) => x.type === 'Progressing').reason, 'NewReplicaSetAvailable');
    } finally {
      unsubscribe();
    }
    const after = pods(c, 'web');
    assert.ok(after.every((p) => p.spec.containers[0].image === 'nginx:1.25'));
    for (const b of before) {
      assert.ok(!after.some((p) => p.metadata.name === b.name), `old Pod ${b.name} is gone`);
      assert.ok(!after.some((p) => p.status.podIP === b.ip), `old IP ${b.ip} not reused by sequential allocation`);
    }
    // replicas 2: maxUnavailable 25% → 0, maxSurge 25% → 1.
    assert.equal(minReady >= 2, true, `never fewer than 2 ready during the rollout (saw ${minReady})`);
    assert.equal(maxTotal <= 3, true, `never more than 3 live Pods (saw ${maxTotal})`);
    const rs = c.store.list(RESOURCE.replicasets, 'default').items.filter((x) => x.metadata.labels?.app === 'web') as Any[];
    assert.deepEqual(rs.map((x) => x.spec.replicas).sort(), [0, 2]);
    assert.ok(rs.every((x) => x.metadata.name.startsWith('web-') && x.metadata.labels['pod-template-hash']));
  });

  it('Recreate: every old Pod is gone before a new one is created', async () => {
    const d = deployment('recreate', 'nginx:1.28', 2) as Any;
    d.spec.strategy = { type: 'Recreate' };
    assert.equal((await request(c, 'POST', '/apis/apps/v1/namespaces/default/deployments', { body: d })).status, 201);
    await waitFor('2 ready', () => readyPods(c, 'recreate').length === 2);
    let overlap = false;
    const unsubscribe = c.store.subscribe((e) => {
      if (e.resource !== RESOURCE.pods || e.type !== 'ADDED' || e.object.metadata.labels?.app !== 'recreate') return;
      if (pods(c, 'recreate').some((p) => p.spec.containers[0].image === 'nginx:1.28')) overlap = true;
    });
    try {
      await request(c, 'PATCH', '/apis/apps/v1/namespaces/default/deployments/recreate', { body: { spec: { template: { spec: { containers: [{ name: 'nginx', image: 'nginx:1.25' }] } } } }, contentType: 'application/strategic-merge-patch+json' });
      await waitFor('2 new ready', () => readyPods(c, 'recreate').length === 2 && pods(c, 'recreate').every((p) => p.spec.containers[0].image === 'nginx:1.25'));
    } finally {
      unsubscribe();
    }
    assert.equal(overlap, false, 'no new Pod while an old one existed');
    await request(c, 'DELETE', '/apis/apps/v1/namespaces/default/deployments/recreate');
  });

  it('stores no empty labels/annotations maps (a patch adding {} changes nothing)', async () => {
    const r = await request(c, 'PATCH', '/api/v1/namespaces/default/configmaps/bump-none', { body: {}, contentType: 'application/merge-patch+json' });
    assert.equal(r.status, 404);
    await request(c, 'POST', '/api/v1/namespaces/default/configmaps', { body: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'plain' } } });
    const p = await request(c, 'PATCH', '/api/v1/namespaces/default/configmaps/plain', { body: { metadata: { annotations: {} } }, contentType: 'application/strategic-merge-patch+json' });
    assert.equal(p.status, 200);
    assert.equal('annotations' in p.json.metadata, false);
    await request(c, 'DELETE', '/api/v1/namespaces/default/configmaps/plain');
  });

  it('an image that cannot be pulled stalls the rollout: ImagePullBackOff, then ProgressDeadlineExceeded', async () => {
    const d = deployment('stuck', 'nginx:1.28', 1) as Any;
    d.spec.progressDeadlineSeconds = 1;
    await request(c, 'POST', '/apis/apps/v1/namespaces/default/deployments', { body: d });
    await waitFor('ready', () => readyPods(c, 'stuck').length === 1);
    await request(c, 'PATCH', '/apis/apps/v1/namespaces/default/deployments/stuck', { body: { spec: { template: { spec: { containers: [{ name: 'nginx', image: 'nginx:doesnotexist' }] } } } }, contentType: 'application/strategic-merge-patch+json' });
    await waitFor('ImagePullBackOff', () => pods(c, 'stuck').some((p) => p.status.containerStatuses?.[0]?.state?.waiting?.reason === 'ImagePullBackOff'));
    const cond = await waitFor(
      'deadline exceeded',
      () => ((c.store.get(RESOURCE.deployments, 'default', 'stuck') as Any).status.conditions ?? []).find((x: Any) => x.type === 'Progressing' && x.reason === 'ProgressDeadlineExceeded'),
      8000,
    );
    assert.equal(cond.status, 'False');
    assert.equal(readyPods(c, 'stuck').length, 1, 'the old Pod keeps serving');
    await request(c, 'DELETE', '/apis/apps/v1/namespaces/default/deployments/stuck');
  });

  it('a paused Deployment does not roll out a new template but still scales', async () => {
    await request(c, 'POST', '/apis/apps/v1/namespaces/default/deployments', { body: deployment('paused', 'nginx:1.28', 1) });
    await waitFor('ready', () => readyPods(c, 'paused').length === 1);
    await request(c, 'PATCH', '/apis/apps/v1/namespaces/default/deployments/paused', { body: { spec: { paused: true, replicas: 2, template: { spec: { containers: [{ name: 'nginx', image: 'nginx:1.25' }] } } } }, contentType: 'application/strategic-merge-patch+json' });
    await waitFor('scaled to 2 on the old template', () => readyPods(c, 'paused').length === 2);
    await new Promise((r) => setTimeout(r, 300));
    assert.ok(pods(c, 'paused').every((p) => p.spec.containers[0].image === 'nginx:1.28'), 'no rollout while paused');
    await request(c, 'PATCH', '/apis/apps/v1/namespaces/default/deployments/paused', { body: { spec: { paused: false } }, contentType: 'application/merge-patch+json' });
    await waitFor('rolled out after resume', () => readyPods(c, 'paused').length === 2 && pods(c, 'paused').every((p) => p.spec.containers[0].image === 'nginx:1.25'));
    await request(c, 'DELETE', '/apis/apps/v1/namespaces/default/deployments/paused');
  });

  it('StatefulSet: ordered names, a deleted Pod comes back with its name but a new IP, updates from the top', async () => {
    const sts = { apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: { name: 'db' }, spec: { serviceName: 'db', replicas: 3, selector: { matchLabels: { app: 'db' } }, template: { metadata: { labels: { app: 'db' } }, spec: { containers: [{ name: 'nginx', image: 'nginx:1.28' }] } } } };
    const created: string[] = [];
    const unsubscribe = c.store.subscribe((e) => {
      if (e.resource === RESOURCE.pods && e.type === 'ADDED' && e.object.metadata.labels?.app === 'db') created.push(e.object.metadata.name!);
    });
    try {
      assert.equal((await request(c, 'POST', '/apis/apps/v1/namespaces/default/statefulsets', { body: sts })).status, 201);
      await waitFor('3 ready', () => readyPods(c, 'db').length === 3);
      assert.deepEqual(created, ['db-0', 'db-1', 'db-2'], 'created one after the other, in order');
      const before = readyPods(c, 'db').find((p) => p.metadata.name === 'db-1')!;
      assert.equal(before.spec.hostname, 'db-1');
      assert.equal(before.spec.subdomain, 'db');
      await request(c, 'DELETE', '/api/v1/namespaces/default/pods/db-1');
      const back = await waitFor('db-1 back', () => readyPods(c, 'db').find((p) => p.metadata.name === 'db-1' && p.metadata.uid !== before.metadata.uid));
      assert.notEqual(back.status.podIP, before.status.podIP, 'same name, new IP');
      created.length = 0;
      const oldRevision = (c.store.get(RESOURCE.statefulsets, 'default', 'db') as Any).status.updateRevision;
      await request(c, 'PATCH', '/apis/apps/v1/namespaces/default/statefulsets/db', { body: { spec: { template: { spec: { containers: [{ name: 'nginx', image: 'nginx:1.25' }] } } } }, contentType: 'application/strategic-merge-patch+json' });
      await waitFor('updated', () => {
        const s = c.store.get(RESOURCE.statefulsets, 'default', 'db') as Any;
        return s.status.observedGeneration === s.metadata.generation && s.status.updateRevision !== oldRevision && s.status.updatedReplicas === 3 && s.status.readyReplicas === 3 && s.status.currentRevision === s.status.updateRevision;
      });
      assert.deepEqual(created, ['db-2', 'db-1', 'db-0'], 'replaced from the highest ordinal down');
      await request(c, 'PATCH', '/apis/apps/v1/namespaces/default/statefulsets/db/scale', { body: { spec: { replicas: 1 } }, contentType: 'application/merge-patch+json' });
      await waitFor('scaled down to db-0', () => pods(c, 'db').length === 1 && pods(c, 'db')[0].metadata.name === 'db-0');
    } finally {
      unsubscribe();
    }
    await request(c, 'DELETE', '/apis/apps/v1/namespaces/default/statefulsets/db');
    await waitFor('gone', () => pods(c, 'db').length === 0);
  });

  it('scales through the scale subresource and replaces a deleted Pod', async () => {
    const r = await request(c, 'PATCH', '/apis/apps/v1/namespaces/default/deployments/web/scale', { body: { spec: { replicas: 3 } }, contentType: 'application/merge-patch+json' });
    assert.equal(r.status, 200, r.body);
    assert.equal(r.json.kind, 'Scale');
    assert.equal(r.json.spec.replicas, 3);
    await waitFor('3 ready', () => readyPods(c, 'web').length === 3 && pods(c, 'web').length === 3);
    const victim = pods(c, 'web')[0].metadata.name;
    await request(c, 'DELETE', `/api/v1/namespaces/default/pods/${victim}`);
    await waitFor('replacement', () => readyPods(c, 'web').length === 3 && !pods(c, 'web').some((p) => p.metadata.name === victim));
  });

  it('a Pod relabelled out of its ReplicaSet is released and replaced (kubectl label pod … app-)', async () => {
    const victim = readyPods(c, 'web')[0];
    const r = await request(c, 'PATCH', `/api/v1/namespaces/default/pods/${victim.metadata.name}`, { body: { metadata: { labels: { app: null } } }, contentType: 'application/merge-patch+json' });
    assert.equal(r.status, 200);
    await waitFor('replacement ready', () => readyPods(c, 'web').length === 3 && !readyPods(c, 'web').some((p) => p.metadata.name === victim.metadata.name));
    const released = c.store.get(RESOURCE.pods, 'default', victim.metadata.name) as Any;
    assert.ok(released, 'the released Pod keeps running');
    assert.equal(released.metadata.ownerReferences, undefined);
    assert.equal(released.status.podIP, victim.status.podIP);
    await request(c, 'DELETE', `/api/v1/namespaces/default/pods/${victim.metadata.name}?gracePeriodSeconds=0`);
  });

  it('gives Services a ClusterIP that never changes and EndpointSlices that follow ready Pods', async () => {
    const r = await request(c, 'POST', '/api/v1/namespaces/default/services', { body: { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web' }, spec: { selector: { app: 'web' }, ports: [{ port: 80, targetPort: 80 }] } } });
    assert.equal(r.status, 201, r.body);
    const ip = r.json.spec.clusterIP;
    assert.match(ip, /^10\.(9[6-9]|10\d|11[01])\.\d+\.\d+$/);
    const upd = await request(c, 'PATCH', '/api/v1/namespaces/default/services/web', { body: { metadata: { labels: { x: 'y' } } }, contentType: 'application/merge-patch+json' });
    assert.equal(upd.json.spec.clusterIP, ip);
    const change = await request(c, 'PATCH', '/api/v1/namespaces/default/services/web', { body: { spec: { clusterIP: '10.96.1.1' } }, contentType: 'application/merge-patch+json' });
    assert.equal(change.status, 422);
    const sliceIps = () => {
      const s = c.store.list(RESOURCE.endpointslices, 'default').items.find((x) => x.metadata.labels?.['kubernetes.io/service-name'] === 'web') as Any;
      return s ? (s.endpoints ?? []).filter((e: Any) => e.conditions.ready).map((e: Any) => e.addresses[0]).sort() : [];
    };
    const podIps = () => readyPods(c, 'web').map((p) => p.status.podIP).sort();
    await waitFor('slice matches pods', () => sliceIps().length === 3 && JSON.stringify(sliceIps()) === JSON.stringify(podIps()));
    await request(c, 'PATCH', '/apis/apps/v1/namespaces/default/deployments/web', { body: { spec: { template: { metadata: { annotations: { 'kubectl.kubernetes.io/restartedAt': new Date().toISOString() } } } } }, contentType: 'application/strategic-merge-patch+json' });
    const old = podIps();
    await waitFor('slice follows the rollout', () => {
      const now = sliceIps();
      return now.length === 3 && now.every((x: string) => !old.includes(x)) && JSON.stringify(now) === JSON.stringify(podIps());
    });
  });

  it('deletes dependents in cascade: Deployment → ReplicaSets → Pods', async () => {
    const r = await request(c, 'DELETE', '/apis/apps/v1/namespaces/default/deployments/web', { body: { propagationPolicy: 'Background' } });
    assert.equal(r.status, 200);
    await waitFor('all gone', () => pods(c, 'web').length === 0 && !c.store.list(RESOURCE.replicasets, 'default').items.some((x) => x.metadata.labels?.app === 'web'));
    await request(c, 'DELETE', '/api/v1/namespaces/default/services/web');
  });

  it('a Pod probing a Pod IP loses it after a rollout, while the Service keeps answering', async () => {
    c.api.create(RESOURCE.deployments, 'default', deployment('target', 'nginx:1.28', 1));
    c.api.create(RESOURCE.services, 'default', { apiVersion: 'v1', kind: 'Service', metadata: { name: 'target' }, spec: { selector: { app: 'target' }, ports: [{ port: 80 }] } });
    const ip = (await waitFor('target ready', () => readyPods(c, 'target')[0]))?.status.podIP;
    const script = `while true; do wget -qO- -T 1 http://${ip} | grep -q nginx && echo POD-OK || echo POD-FAILED; wget -qO- target | grep -q nginx && echo SVC-OK || echo SVC-FAILED; sleep 1; done`;
    const created = await request(c, 'POST', '/api/v1/namespaces/default/pods', { body: { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'prober' }, spec: { containers: [{ name: 'prober', image: 'busybox', command: ['sh', '-c', script] }] } } });
    assert.equal(created.status, 201);
    const log = async (q = '') => (await request(c, 'GET', `/api/v1/namespaces/default/pods/prober/log${q}`)).body;
    await waitForAsync('both answer', async () => /POD-OK\nSVC-OK/.test(await log()));
    await request(c, 'PATCH', '/apis/apps/v1/namespaces/default/deployments/target', { body: { spec: { template: { spec: { containers: [{ name: 'nginx', image: 'nginx:1.25' }] } } } }, contentType: 'application/strategic-merge-patch+json' });
    await waitFor('old Pod gone', () => pods(c, 'target').length === 1 && pods(c, 'target')[0].status.podIP !== ip && readyPods(c, 'target').length === 1);
    await waitForAsync('the Pod IP fails, the Service does not', async () => /POD-FAILED\nSVC-OK\n$/.test(await log('?tailLines=2')));
    const ts = await log('?tailLines=1&timestamps=true');
    assert.match(ts, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z SVC-OK\n$/);
    await request(c, 'DELETE', '/api/v1/namespaces/default/pods/prober?gracePeriodSeconds=0');
    await request(c, 'DELETE', '/apis/apps/v1/namespaces/default/deployments/target');
    await request(c, 'DELETE', '/api/v1/namespaces/default/services/target');
  });

  it('run-to-completion Pods: Never completes, Always crash-loops with restarts and --previous logs', async () => {
    await request(c, 'POST', '/api/v1/namespaces/default/pods', { body: { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'once' }, spec: { restartPolicy: 'Never', containers: [{ name: 'c', image: 'busybox', command: ['echo', 'hi there'] }] } } });
    const done = await waitFor('Succeeded', () => (c.store.get(RESOURCE.pods, 'default', 'once') as Any)?.status?.phase === 'Succeeded' && (c.store.get(RESOURCE.pods, 'default', 'once') as Any));
    assert.equal(done.status.containerStatuses[0].state.terminated.reason, 'Completed');
    assert.equal((await request(c, 'GET', '/api/v1/namespaces/default/pods/once/log')).body, 'hi there\n');
    const t = await request(c, 'GET', '/api/v1/namespaces/default/pods?fieldSelector=metadata.name%3Donce', { accept: 'application/json;as=Table;v=v1;g=meta.k8s.io' });
    assert.deepEqual(t.json.rows[0].cells.slice(1, 3), ['0/1', 'Completed']);

    await request(c, 'POST', '/api/v1/namespaces/default/pods', { body: { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'crasher' }, spec: { containers: [{ name: 'c', image: 'busybox', command: ['sh', '-c', 'echo boom; exit 3'] }] } } });
    const crashed = await waitFor('restarted', () => {
      const p = c.store.get(RESOURCE.pods, 'default', 'crasher') as Any;
      return p?.status?.containerStatuses?.[0]?.restartCount >= 1 && p.status.containerStatuses[0].lastState?.terminated && p;
    });
    assert.equal(crashed.status.containerStatuses[0].lastState.terminated.exitCode, 3);
    assert.equal(crashed.status.phase, 'Running', 'restartPolicy Always: the Pod stays Running while its container restarts');
    assert.equal((await request(c, 'GET', '/api/v1/namespaces/default/pods/crasher/log?previous=true')).body, 'boom\n');
    await waitFor('CrashLoopBackOff', () => (c.store.get(RESOURCE.pods, 'default', 'crasher') as Any).status.containerStatuses[0].state.waiting?.reason === 'CrashLoopBackOff');
    for (const n of ['once', 'crasher']) await request(c, 'DELETE', `/api/v1/namespaces/default/pods/${n}?gracePeriodSeconds=0`);
  });

  it('gives hostNetwork Pods their node IP', async () => {
    await request(c, 'POST', '/api/v1/namespaces/default/pods', { body: { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'hostnet' }, spec: { hostNetwork: true, containers: [{ name: 'c', image: 'busybox' }] } } });
    const p = await waitFor('hostnet ip', () => (c.store.get(RESOURCE.pods, 'default', 'hostnet') as Any)?.status?.podIP && (c.store.get(RESOURCE.pods, 'default', 'hostnet') as Any));
    assert.equal(p.status.podIP, p.status.hostIP);
    assert.match(p.status.podIP, /^172\.18\.0\.\d+$/);
    await request(c, 'DELETE', '/api/v1/namespaces/default/pods/hostnet?gracePeriodSeconds=0');
    assert.equal(c.store.get(RESOURCE.pods, 'default', 'hostnet'), undefined, 'grace period 0 removes at once');
  });

  it('lists as a Table with the -o wide Pod columns, and pages with limit/continue', async () => {
    for (const n of ['t1', 't2', 't3']) {
      await request(c, 'POST', '/api/v1/namespaces/default/pods', { body: { apiVersion: 'v1', kind: 'Pod', metadata: { name: n, labels: { app: 'tbl' } }, spec: { containers: [{ name: 'c', image: 'nginx' }] } } });
    }
    const t = await request(c, 'GET', '/api/v1/namespaces/default/pods?labelSelector=app%3Dtbl&limit=500', { accept: 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json' });
    assert.equal(t.json.kind, 'Table');
    assert.deepEqual(t.json.columnDefinitions.map((x: Any) => x.name), ['Name', 'Ready', 'Status', 'Restarts', 'Age', 'IP', 'Node', 'Nominated Node', 'Readiness Gates']);
    assert.deepEqual(t.json.columnDefinitions.map((x: Any) => x.priority), [0, 0, 0, 0, 0, 1, 1, 1, 1]);
    assert.deepEqual(t.json.rows.map((r: Any) => r.cells[0]), ['t1', 't2', 't3']);
    assert.equal(t.json.rows[0].object.kind, 'PartialObjectMetadata');
    const p1 = await request(c, 'GET', '/api/v1/namespaces/default/pods?labelSelector=app%3Dtbl&limit=2');
    assert.equal(p1.json.items.length, 2);
    assert.equal(p1.json.metadata.remainingItemCount, 1);
    const p2 = await request(c, 'GET', `/api/v1/namespaces/default/pods?labelSelector=app%3Dtbl&limit=2&continue=${encodeURIComponent(p1.json.metadata.continue)}`);
    assert.deepEqual(p2.json.items.map((x: Any) => x.metadata.name), ['t3']);
    assert.equal(p2.json.metadata.continue, undefined);
    for (const n of ['t1', 't2', 't3']) await request(c, 'DELETE', `/api/v1/namespaces/default/pods/${n}?gracePeriodSeconds=0`);
  });

  it('serves every page of a paged list from the first page\'s snapshot, and 410s a bad continue token', async () => {
    const mk = (n: string) => request(c, 'POST', '/api/v1/namespaces/default/pods', { body: { apiVersion: 'v1', kind: 'Pod', metadata: { name: n, labels: { app: 'page' } }, spec: { containers: [{ name: 'c', image: 'nginx' }] } } });
    for (const n of ['pa', 'pc', 'pe']) await mk(n);
    const p1 = await request(c, 'GET', '/api/v1/namespaces/default/pods?labelSelector=app%3Dpage&limit=1');
    assert.deepEqual(p1.json.items.map((x: Any) => x.metadata.name), ['pa']);
    // Between the pages: a Pod that sorts into page 2's range appears, one of page 2's goes away.
    await mk('pb');
    await request(c, 'DELETE', '/api/v1/namespaces/default/pods/pe?gracePeriodSeconds=0');
    const p2 = await request(c, 'GET', `/api/v1/namespaces/default/pods?labelSelector=app%3Dpage&limit=5&continue=${encodeURIComponent(p1.json.metadata.continue)}`);
    assert.deepEqual(p2.json.items.map((x: Any) => x.metadata.name), ['pc', 'pe'], 'the list as it was when the first page was served');
    assert.equal(p2.json.metadata.resourceVersion, p1.json.metadata.resourceVersion, 'every page carries the first page\'s resourceVersion');
    const stale = Buffer.from(JSON.stringify({ v: 'meta.k8s.io/v1', rv: 1, id: 'gone' })).toString('base64url');
    const expired = await request(c, 'GET', `/api/v1/namespaces/default/pods?limit=1&continue=${stale}`);
    assert.equal(expired.status, 410);
    assert.equal(expired.json.reason, 'Expired');
    const garbage = await request(c, 'GET', '/api/v1/namespaces/default/pods?limit=1&continue=%25%25');
    assert.equal(garbage.status, 400);
    for (const n of ['pa', 'pb', 'pc']) await request(c, 'DELETE', `/api/v1/namespaces/default/pods/${n}?gracePeriodSeconds=0`);
  });

  it('watch: compact lines, events after the list resourceVersion, selector transitions', async () => {
    const list = await request(c, 'GET', '/api/v1/namespaces/default/pods');
    const rv = list.json.metadata.resourceVersion;
    const w = watchLines(c, `/api/v1/namespaces/default/pods?watch=true&labelSelector=team%3Da&resourceVersion=${rv}`, (l) => l.some((x) => x.type === 'DELETED'));
    await new Promise((r) => setTimeout(r, 50));
    await request(c, 'POST', '/api/v1/namespaces/default/pods', { body: { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'w1', labels: { team: 'b' } }, spec: { containers: [{ name: 'c', image: 'nginx' }] } } });
    await request(c, 'PATCH', '/api/v1/namespaces/default/pods/w1', { body: { metadata: { labels: { team: 'a' } } }, contentType: 'application/merge-patch+json' });
    await request(c, 'PATCH', '/api/v1/namespaces/default/pods/w1', { body: { metadata: { labels: { team: 'c' } } }, contentType: 'application/merge-patch+json' });
    await request(c, 'DELETE', '/api/v1/namespaces/default/pods/w1?gracePeriodSeconds=0');
    const { lines, raw } = await w;
    // Created outside the selector: nothing. Labelled in: ADDED. Labelled out: DELETED.
    assert.deepEqual(lines.map((l) => l.type).filter((t) => t !== 'MODIFIED'), ['ADDED', 'DELETED']);
    assert.equal(lines[0].object.metadata.labels.team, 'a');
    assert.equal(lines[lines.length - 1].object.metadata.labels.team, 'c', 'DELETED carries the object as it now is');
    assert.ok(raw.every((l) => !l.includes('\n') && !/^\s|\s$/.test(l)));
  });

  it('watch: BOOKMARKs when allowed, timeoutSeconds ends the stream', async () => {
    const t0 = Date.now();
    const { lines, ended } = await watchLines(c, '/api/v1/namespaces/default/pods?watch=true&allowWatchBookmarks=true&timeoutSeconds=1&resourceVersion=' + c.store.resourceVersion, () => false, 5000);
    assert.ok(ended, 'the server ended the watch');
    assert.ok(Date.now() - t0 < 3000);
    const bm = lines.filter((l) => l.type === 'BOOKMARK');
    assert.ok(bm.length >= 2, `bookmarks: ${bm.length}`);
    assert.equal(bm[0].object.kind, 'Pod');
    assert.match(bm[0].object.metadata.resourceVersion, /^\d+$/);
  });

  it('watch: a resourceVersion older than the window gets an ERROR 410 Expired event', async () => {
    const old = c.store.resourceVersion;
    await request(c, 'POST', '/api/v1/namespaces/default/configmaps', { body: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'bump' }, data: { a: '1' } } });
    c.faults.expireResourceVersions();
    const { lines, ended } = await watchLines(c, `/api/v1/namespaces/default/pods?watch=true&resourceVersion=${old}`, () => false, 3000);
    assert.ok(ended);
    assert.equal(lines.length, 1);
    assert.equal(lines[0].type, 'ERROR');
    assert.equal(lines[0].object.code, 410);
    assert.equal(lines[0].object.reason, 'Expired');
  });

  it('a resourceVersion the server has not reached gets 504 ResourceVersionTooLarge (list and watch)', async () => {
    const future = c.store.resourceVersion + 1000;
    for (const q of [`?resourceVersion=${future}`, `?watch=true&resourceVersion=${future}`]) {
      const r = await request(c, 'GET', `/api/v1/namespaces/default/pods${q}`);
      assert.equal(r.status, 504, q);
      assert.equal(r.json.details.causes[0].reason, 'ResourceVersionTooLarge');
    }
  });

  it('watch: sendInitialEvents streams the state, then a bookmark marking its end', async () => {
    await request(c, 'POST', '/api/v1/namespaces/default/pods', { body: { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'init1' }, spec: { containers: [{ name: 'c', image: 'nginx' }] } } });
    const { lines } = await watchLines(c, '/api/v1/namespaces/default/pods?watch=true&sendInitialEvents=true&resourceVersionMatch=NotOlderThan&allowWatchBookmarks=true', (l) => l.some((x) => x.type === 'BOOKMARK'));
    const end = lines.find((l) => l.type === 'BOOKMARK');
    assert.equal(end.object.metadata.annotations['k8s.io/initial-events-end'], 'true');
    assert.ok(lines.some((l) => l.type === 'ADDED' && l.object.metadata.name === 'init1'));
    const bad = await request(c, 'GET', '/api/v1/namespaces/default/pods?watch=true&sendInitialEvents=true');
    assert.equal(bad.status, 422, 'without resourceVersionMatch=NotOlderThan it is rejected, never left hanging');
    await request(c, 'DELETE', '/api/v1/namespaces/default/pods/init1?gracePeriodSeconds=0');
  });

  it('watch with a Table Accept header streams one-row Tables', async () => {
    // From the current version: the first line is the Pod created below, whatever else exists.
    const w = watchLines(c, `/api/v1/namespaces/default/pods?watch=true&resourceVersion=${c.store.resourceVersion}`, (l) => l.length >= 1, 3000, 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json');
    await waitFor('watch open', () => c.openWatches() === 1);
    await request(c, 'POST', '/api/v1/namespaces/default/pods', { body: { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'tw' }, spec: { containers: [{ name: 'c', image: 'nginx' }] } } });
    const { lines } = await w;
    assert.equal(lines[0].object.kind, 'Table');
    assert.equal(lines[0].object.rows[0].cells[0], 'tw');
    assert.equal(lines[0].object.rows.length, 1);
    assert.equal(lines[0].object.columnDefinitions.length, 9);
    await request(c, 'DELETE', '/api/v1/namespaces/default/pods/tw?gracePeriodSeconds=0');
  });

  it('faults: 429 with Retry-After and 500 for the next N requests, then normal again', async () => {
    c.faults.failNextRequests(1, 429, 2);
    c.faults.failNextRequests(1, 500);
    const a = await request(c, 'GET', '/api/v1/namespaces');
    assert.equal(a.status, 429);
    assert.equal(a.headers['retry-after'], '2');
    assert.equal((await request(c, 'GET', '/api/v1/namespaces')).status, 500);
    assert.equal((await request(c, 'GET', '/api/v1/namespaces')).status, 200);
  });

  it('faults: cut watches ends open streams; stalled watches stay open without data', async () => {
    const w = watchLines(c, `/api/v1/pods?watch=true&resourceVersion=${c.store.resourceVersion}`, () => false, 5000);
    await waitFor('watch open', () => c.openWatches() === 1);
    assert.equal(c.faults.cutWatches(), 1);
    assert.equal((await w).ended, true);
    const s = watchLines(c, `/api/v1/pods?watch=true&allowWatchBookmarks=true&resourceVersion=${c.store.resourceVersion}`, () => false, 800);
    await waitFor('watch open', () => c.openWatches() === 1);
    assert.equal(c.faults.stallWatches(), 1);
    await request(c, 'POST', '/api/v1/namespaces/default/configmaps', { body: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'during-stall' } } });
    const stalled = await s;
    assert.equal(stalled.ended, false, 'not closed by the server');
    assert.equal(stalled.lines.length, 0, 'nothing sent while stalled');
  });

  it('faults: restart keeps data, port and resourceVersion', async () => {
    const rv = c.store.resourceVersion;
    await c.faults.restart({ downtimeMs: 50 });
    const r = await request(c, 'GET', '/api/v1/namespaces/default/configmaps/bump');
    assert.equal(r.status, 200);
    assert.ok(Number(r.json.metadata.resourceVersion) <= rv);
  });
});

describe('demo cluster IP allocation modes', function () {
  this.timeout(30_000);
  for (const mode of ['sequential', 'reuse-first'] as const) {
    it(`${mode}: a Pod created after one is gone ${mode === 'sequential' ? 'gets a fresh IP' : 'gets the freed IP'}`, async () => {
      // Two nodes: the tainted control plane and one worker, so every Pod lands on the worker.
      const c = await startDemoCluster({ speed: 20, nodes: 2, ipAllocation: mode, systemWorkloads: false });
      try {
        c.api.create(RESOURCE.deployments, 'default', deployment('ipmode', 'nginx', 2));
        await waitFor('2 ready', () => readyPods(c, 'ipmode').length === 2 && pods(c, 'ipmode').length === 2);
        const ips = pods(c, 'ipmode').map((p) => p.status.podIP);
        assert.ok(ips.every((ip) => ip.startsWith('10.244.1.')), ips.join());
        c.api.updateScale(RESOURCE.deployments, 'default', 'ipmode', { spec: { replicas: 1 } });
        await waitFor('1 left', () => pods(c, 'ipmode').length === 1);
        const freed = ips.find((ip) => ip !== pods(c, 'ipmode')[0].status.podIP)!;
        c.api.updateScale(RESOURCE.deployments, 'default', 'ipmode', { spec: { replicas: 2 } });
        await waitFor('2 ready again', () => readyPods(c, 'ipmode').length === 2);
        const now = pods(c, 'ipmode').map((p) => p.status.podIP);
        if (mode === 'reuse-first') assert.ok(now.includes(freed), `${freed} reused: ${now.join()}`);
        else assert.ok(!now.includes(freed), `${freed} not reused: ${now.join()}`);
      } finally {
        await c.stop();
      }
    });
  }

  it('dual-stack Pods get an IPv4 and an IPv6 address', async () => {
    const c = await startDemoCluster({ speed: 20, dualStack: true, systemWorkloads: false });
    try {
      c.api.create(RESOURCE.pods, 'default', { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'ds' }, spec: { containers: [{ name: 'c', image: 'nginx' }] } });
      const p = await waitFor('ips', () => (c.store.get(RESOURCE.pods, 'default', 'ds') as Any)?.status?.podIPs);
      assert.equal(p.length, 2);
      assert.match(p[0].ip, /^10\.244\./);
      assert.match(p[1].ip, /^fd00:10:244:/);
    } finally {
      await c.stop();
    }
  });
});

describe('demo cluster lifecycle', function () {
  this.timeout(20_000);
  it('rejects bad options with clear messages', async () => {
    await assert.rejects(startDemoCluster({ speed: 0 }), /speed must be a positive number/);
    await assert.rejects(startDemoCluster({ nodes: 0 }), /nodes must be an integer/);
    await assert.rejects(startDemoCluster({ podCidr: '10.244.0.0' }), /invalid IPv4 CIDR/);
    await assert.rejects(startDemoCluster({ ipAllocation: 'random' as never }), /ipAllocation must be/);
  });

  it('stop() leaves no timers or sockets behind, even mid-rollout', async () => {
    const count = () => process.getActiveResourcesInfo().filter((r) => r === 'Timeout' || r === 'TCPServerWrap' || r === 'TCPSocketWrap').length;
    // mocha arms its own test timer only after the test function's first await.
    await new Promise((r) => setTimeout(r, 10));
    const before = count();
    const beforeInfo = process.getActiveResourcesInfo().join();
    const c = await startDemoCluster({ speed: 1 });
    c.api.create(RESOURCE.deployments, 'default', deployment('busy', 'nginx', 5));
    await new Promise((r) => setTimeout(r, 100));
    assert.ok(count() > before);
    await c.stop();
    // The listening handle is released a tick after close() resolves.
    await waitFor(`no leftovers (before: ${beforeInfo}; now: ${process.getActiveResourcesInfo().join()})`, () => count() === before, 2000);
  });

  it('starts like a fresh cluster: CoreDNS on pod IPs, kube-proxy (a DaemonSet) on node IPs, all Ready', async () => {
    const c = await startDemoCluster({ speed: 20 });
    try {
      const sys = () => c.store.list(RESOURCE.pods, 'kube-system').items as Any[];
      const ready = (p: Any) => (p.status?.conditions ?? []).some((x: Any) => x.type === 'Ready' && x.status === 'True');
      await waitFor('system Pods ready', () => sys().length === 5 && sys().every(ready));
      const dns = sys().filter((p) => p.metadata.labels['k8s-app'] === 'kube-dns');
      const proxies = sys().filter((p) => p.metadata.labels['k8s-app'] === 'kube-proxy');
      assert.equal(dns.length, 2);
      assert.ok(dns.every((p) => /^10\.244\./.test(p.status.podIP)));
      assert.deepEqual(proxies.map((p) => p.spec.nodeName).sort(), ['demo-control-plane', 'demo-worker', 'demo-worker2']);
      assert.ok(proxies.every((p) => p.status.podIP === p.status.hostIP && p.metadata.ownerReferences[0].kind === 'DaemonSet'));
      const ds = await waitFor('ds status', () => {
        const d = c.store.get(RESOURCE.daemonsets, 'kube-system', 'kube-proxy') as Any;
        return d.status?.numberReady === 3 && d;
      });
      assert.equal(ds.status.desiredNumberScheduled, 3);
      const slice = await waitFor('kube-dns slice', () => c.store.list(RESOURCE.endpointslices, 'kube-system').items.find((x) => x.metadata.labels?.['kubernetes.io/service-name'] === 'kube-dns') as Any);
      assert.deepEqual(slice.endpoints.map((e: Any) => e.addresses[0]).sort(), dns.map((p) => p.status.podIP).sort());
    } finally {
      await c.stop();
    }
  });

  it('keeps its objects in dataDir across runs', async () => {
    const { mkdtempSync, rmSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const dir = mkdtempSync(join(tmpdir(), 'demo-data-'));
    try {
      const a = await startDemoCluster({ dataDir: dir, speed: 20, systemWorkloads: false });
      a.api.create(RESOURCE.configmaps, 'default', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'kept' }, data: { k: 'v' } });
      await a.stop();
      const b = await startDemoCluster({ dataDir: dir, speed: 20, systemWorkloads: false });
      try {
        assert.deepEqual((b.store.get(RESOURCE.configmaps, 'default', 'kept') as Any).data, { k: 'v' });
        assert.equal(b.store.list(RESOURCE.namespaces).items.length, 4, 'not bootstrapped twice');
      } finally {
        await b.stop();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('demo cluster: hostile requests, client dialects, status validation, CronJob schedules', function () {
  this.timeout(60_000);
  let c: DemoCluster;
  const logged: string[] = [];

  before(async () => {
    c = await startDemoCluster({ speed: 10, systemWorkloads: false, log: (l) => logged.push(l) });
  });
  after(async () => {
    await c?.stop();
  });

  it('a JSON body nested 2,000 deep is a 400, with no stack trace in the log', async () => {
    for (const depth of [2000, 20000]) {
      const raw = Buffer.from(`{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"deep"},"data":${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}}`);
      const r = await request(c, 'POST', '/api/v1/namespaces/default/configmaps', { raw });
      assert.equal(r.status, 400, r.body);
      assert.equal(r.json.reason, 'BadRequest');
      assert.match(r.json.message, /nested too deeply/);
    }
    const patch = await request(c, 'PATCH', '/api/v1/namespaces/default/configmaps/kube-root-ca.crt', { raw: Buffer.from(`${'['.repeat(3000)}${']'.repeat(3000)}`), contentType: 'application/apply-patch+yaml' });
    assert.equal(patch.status, 400);
    assert.ok(!logged.some((l) => /internal error|Maximum call stack/.test(l)), logged.join('\n'));
    assert.equal((await request(c, 'GET', '/version')).status, 200, 'still serving');
  });

  it('a body over the 3 MiB limit gets the 413, not a reset connection', async () => {
    const big = Buffer.alloc(4 * 1024 * 1024, 0x20);
    const r = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = https.request(`${c.url}/api/v1/namespaces/default/configmaps`, { method: 'POST', ca: c.caCert, headers: { authorization: `Bearer ${c.token}`, 'content-type': 'application/json', 'content-length': String(big.length) } }, (res) => {
        let body = '';
        res.on('data', (d) => (body += d));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      });
      // The server stops reading: writing the rest may fail once the answer is in.
      req.on('error', (e) => reject(e));
      req.end(big);
    });
    assert.equal(r.status, 413);
    const s = JSON.parse(r.body);
    assert.equal(s.reason, 'RequestEntityTooLarge');
    assert.equal((await request(c, 'GET', '/version')).status, 200, 'still serving');
  });

  it('plain HTTP to the HTTPS port gets the API server\'s 400', async () => {
    const r = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = http.get(`http://127.0.0.1:${c.port}/api`, (res) => {
        let body = '';
        res.on('data', (d) => (body += d));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      });
      req.on('error', reject);
    });
    assert.equal(r.status, 400);
    assert.equal(r.body, 'Client sent an HTTP request to an HTTPS server.\n');
  });

  it('reads boolean parameters like the API server: watch=True (and TRUE, 1, yes) watches, watch=false lists', async () => {
    const list = await request(c, 'GET', '/api/v1/namespaces/default/configmaps?watch=false');
    assert.equal(list.json.kind, 'ConfigMapList');
    for (const v of ['True', 'TRUE', '1', 'yes']) {
      const w = await watchLines(c, `/api/v1/namespaces/default/configmaps?watch=${v}&timeoutSeconds=1`, (ls) => ls.length >= 1);
      assert.equal(w.lines[0].type, 'ADDED', `watch=${v}`);
      assert.equal(w.lines[0].object.metadata.name, 'kube-root-ca.crt');
    }
  });

  it('keeps status.podIP and status.podIPs in step and refuses invalid ones, as the API server does', async () => {
    await request(c, 'POST', '/api/v1/namespaces/default/pods', { body: { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'ipcheck' }, spec: { nodeName: 'nowhere', containers: [{ name: 'c', image: 'nginx' }] } } });
    const patch = (status: Any) => request(c, 'PATCH', '/api/v1/namespaces/default/pods/ipcheck/status', { body: { status }, contentType: 'application/merge-patch+json' });
    let r = await patch({ podIP: '10.244.9.9', podIPs: [{ ip: '10.244.9.10' }] });
    assert.equal(r.status, 200, r.body);
    assert.equal(r.json.status.podIP, '10.244.9.9');
    assert.deepEqual(r.json.status.podIPs, [{ ip: '10.244.9.9' }], 'podIP is authoritative');
    r = await patch({ podIP: null, podIPs: [{ ip: '10.244.9.11' }, { ip: 'fd00::11' }] });
    assert.equal(r.json.status.podIP, '10.244.9.11', 'podIP filled from podIPs[0]');
    r = await patch({ podIP: 'not-an-ip', podIPs: null });
    assert.equal(r.status, 422);
    assert.match(r.json.message, /status\.podIPs\[0\]\.ip: Invalid value: "not-an-ip": must be a valid IP address/);
    r = await patch({ podIP: '10.1.1.1', podIPs: [{ ip: '10.1.1.1' }, { ip: '10.1.1.2' }] });
    assert.equal(r.status, 422);
    assert.match(r.json.message, /may specify no more than one IP for each IP family/);
  });
});

describe('demo CronJob controller', function () {
  this.timeout(30_000);
  it('creates a Job at the scheduled minute (named after it), skips with Forbid while one runs', async () => {
    const store = new Store();
    const api = new DemoApi(store);
    const timers = new Timers(20);
    const cp = new ControlPlane({ api, timers, log: () => {}, shape: { nodes: 2, podCidr: '10.244.0.0/16', ipAllocation: 'sequential', dualStack: false, clusterName: 'demo' } });
    let now = Date.parse('2026-06-01T10:00:30Z');
    cp.cronjobs.now = () => now;
    cp.start({ systemWorkloads: false });
    try {
      api.create(RESOURCE.cronjobs, 'default', {
        apiVersion: 'batch/v1',
        kind: 'CronJob',
        metadata: { name: 'every', creationTimestamp: undefined },
        spec: { schedule: '*/2 * * * *', concurrencyPolicy: 'Forbid', successfulJobsHistoryLimit: 1, jobTemplate: { spec: { template: { spec: { restartPolicy: 'Never', containers: [{ name: 'c', image: 'busybox', command: ['sleep', '30'] }] } } } } },
      } as KubeObject);
      // The CronJob was created "now" in wall-clock terms; move the controller's clock past 10:02.
      const created = Date.parse(store.get(RESOURCE.cronjobs, 'default', 'every')!.metadata.creationTimestamp!);
      const firstRun = Math.floor(created / 120_000) * 120_000 + 120_000;
      now = firstRun + 30_000;
      cp.cronjobs.syncNow('default', 'every');
      const jobs = () => store.list(RESOURCE.jobs, 'default').items;
      assert.equal(jobs().length, 1);
      assert.equal(jobs()[0].metadata.name, `every-${Math.floor(firstRun / 60_000)}`);
      assert.equal((jobs()[0].metadata.annotations as Any)['batch.kubernetes.io/cronjob-scheduled-timestamp'], new Date(firstRun).toISOString().replace('.000Z', 'Z'));
      const cj = store.get(RESOURCE.cronjobs, 'default', 'every') as Any;
      assert.equal(cj.status.active.length, 1);
      assert.equal(Date.parse(cj.status.lastScheduleTime), firstRun);
      // Two minutes later the first Job still runs (sleep 30 at speed 20 takes 1.5 s): Forbid skips.
      now += 120_000;
      cp.cronjobs.syncNow('default', 'every');
      assert.equal(jobs().length, 1, 'Forbid: no second Job while the first runs');
      assert.ok(store.list(RESOURCE.events, 'default').items.some((e: Any) => e.reason === 'JobAlreadyActive'));
    } finally {
      timers.stop();
      cp.stop();
    }
  });
});
