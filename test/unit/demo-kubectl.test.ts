// Real kubectl against the demo cluster: the lesson's commands verbatim, then what a workshop
// attendee types next. Assertions are on what kubectl prints. Needs kubectl on PATH (or
// $KUBECTL); without it the suite says so loudly and is skipped.
import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { RESOURCE } from '../../src/demo';
import { KUBECTL, useKubectl, waitFor } from '../kubectlHarness';

/* eslint-disable @typescript-eslint/no-explicit-any */
type Any = any;

interface Row {
  name: string;
  ready: string;
  status: string;
  ip: string;
  node: string;
}

/** Parses `kubectl get pods -o wide` output by the header's column positions. */
function parsePodTable(text: string): { header: string[]; rows: Row[] } {
  const lines = text.split('\n').filter((l) => l.trim() !== '');
  if (!lines.length) return { header: [], rows: [] };
  const header = lines[0].split(/\s{2,}/).map((s) => s.trim());
  const rows = lines.slice(1).map((l) => {
    const c = l.trim().split(/\s+/);
    return { name: c[0], ready: c[1], status: c[2], ip: c[5], node: c[6] };
  });
  return { header, rows };
}

describe('demo cluster with real kubectl', function () {
  this.timeout(120_000);
  const h = useKubectl('the real-kubectl tests of the demo cluster');
  const kubectl = (...args: string[]) => h.kubectl(args);
  const { ok } = h;

  const backendPods = () => h.cluster.store.list(RESOURCE.pods, 'default').items.filter((p) => p.metadata.labels?.app === 'backend') as Any[];

  it('runs the lesson verbatim: IPs assigned, a rolling update replaces Pods, new IPs, old ones gone', async () => {
    assert.equal((await ok('create', 'deployment', 'backend', '--image=nginx:1.28', '--replicas=2')).trim(), 'deployment.apps/backend created');

    // What an attendee sees once the Pods are up (they would re-run the command until then).
    const first = await waitFor('2 Running Pods in kubectl get', async () => {
      const t = parsePodTable(await ok('get', 'pods', '-o', 'wide', '-l', 'app=backend'));
      return t.rows.length === 2 && t.rows.every((r) => r.status === 'Running' && r.ready === '1/1') && t;
    });
    assert.deepEqual(first.header, ['NAME', 'READY', 'STATUS', 'RESTARTS', 'AGE', 'IP', 'NODE', 'NOMINATED NODE', 'READINESS GATES']);
    for (const r of first.rows) {
      assert.match(r.name, /^backend-[a-z0-9]+-[a-z0-9]{5}$/);
      const m = r.ip.match(/^10\.244\.(\d+)\.\d+$/);
      assert.ok(m, `Pod IP ${r.ip}`);
      // Each node owns a /24: demo-worker → 10.244.1.0/24, demo-worker2 → 10.244.2.0/24.
      const index = r.node === 'demo-control-plane' ? 0 : r.node === 'demo-worker' ? 1 : Number(r.node.replace('demo-worker', ''));
      assert.equal(Number(m![1]), index, `${r.ip} is in ${r.node}'s pod CIDR`);
    }

    assert.equal((await ok('set', 'image', 'deployment/backend', 'nginx=nginx:1.25')).trim(), 'deployment.apps/backend image updated');

    // `--watch` runs until interrupted: stop it (like Ctrl+C) once the rollout is over.
    const watch = spawn(KUBECTL, ['get', 'pods', '-o', 'wide', '-l', 'app=backend', '--watch'], { env: h.env });
    let watched = '';
    let watchErr = '';
    watch.stdout.on('data', (d) => (watched += d));
    watch.stderr.on('data', (d) => (watchErr += d));
    const exited = new Promise<number | null>((r) => watch.on('exit', (code) => r(code)));
    try {
      await waitFor('rollout finished and old Pods gone', () => {
        const d = h.cluster.store.get(RESOURCE.deployments, 'default', 'backend') as Any;
        const pods = backendPods();
        return d.status.observedGeneration === d.metadata.generation && d.status.updatedReplicas === 2 && d.status.availableReplicas === 2 && pods.length === 2 && pods.every((p) => p.spec.containers[0].image === 'nginx:1.25');
      });
      await waitFor('kubectl printed the last Pod', () => first.rows.every((r) => watched.includes(r.name)) && watched.split('\n').length > 6, 5000);
      await new Promise((r) => setTimeout(r, 300));
    } finally {
      watch.kill('SIGINT');
    }
    await exited;
    assert.equal(watchErr, '');
    const w = parsePodTable(watched);
    assert.equal(w.header[0], 'NAME');
    assert.equal(watched.split('\n').filter((l) => l.startsWith('NAME')).length, 1, 'one header');
    const oldNames = new Set(first.rows.map((r) => r.name));
    assert.ok(w.rows.some((r) => oldNames.has(r.name) && r.status === 'Terminating'), 'old Pods seen terminating');
    const newRows = w.rows.filter((r) => !oldNames.has(r.name));
    assert.ok(newRows.some((r) => r.status === 'Pending' || r.status === 'ContainerCreating'), 'new Pods seen starting');
    assert.ok(newRows.some((r) => r.status === 'Running' && r.ready === '1/1'), 'new Pods seen ready');
    // The watch shows a new Pod without an IP first, then with one: the moment an IP is assigned.
    const assigned = newRows.filter((r) => r.ip === '<none>').some((r) => newRows.some((x) => x.name === r.name && /^10\.244\./.test(x.ip)));
    assert.ok(assigned, `a new Pod seen before and after getting its IP:\n${watched}`);

    const after = parsePodTable(await ok('get', 'pods', '-o', 'wide', '-l', 'app=backend'));
    assert.equal(after.rows.length, 2);
    for (const r of after.rows) {
      assert.equal(r.status, 'Running');
      assert.ok(!oldNames.has(r.name), `${r.name} is a new Pod`);
      assert.ok(!first.rows.some((o) => o.ip === r.ip), `${r.ip} is a new IP (old: ${first.rows.map((o) => o.ip).join(', ')})`);
      assert.match(r.ip, /^10\.244\.\d+\.\d+$/);
    }

    assert.equal((await ok('delete', 'deployment', 'backend')).trim(), 'deployment.apps "backend" deleted');
    await waitFor('no backend Pods left', async () => {
      const r = await kubectl('get', 'pods', '-o', 'wide', '-l', 'app=backend');
      return r.code === 0 && r.stdout === '' && r.stderr.trim() === 'No resources found in default namespace.';
    });
  });

  it('handles what comes next: scale, expose, endpoints, delete pod, rollout restart/undo/history, describe', async () => {
    await ok('create', 'deployment', 'backend', '--image=nginx:1.28', '--replicas=2');
    assert.equal((await ok('scale', 'deployment', 'backend', '--replicas=3')).trim(), 'deployment.apps/backend scaled');
    assert.match(await ok('rollout', 'status', 'deployment/backend', '--timeout=60s'), /deployment "backend" successfully rolled out/);

    assert.equal((await ok('expose', 'deployment', 'backend', '--port=80', '--target-port=80')).trim(), 'service/backend exposed');
    const svc = (await ok('get', 'svc', 'backend', '--no-headers')).trim().split(/\s+/);
    assert.equal(svc[1], 'ClusterIP');
    assert.match(svc[2], /^10\.\d+\.\d+\.\d+$/);
    assert.equal(svc[4], '80/TCP');

    const podIps = async () => (await ok('get', 'pods', '-l', 'app=backend', '-o', 'jsonpath={.items[*].status.podIP}')).trim().split(/\s+/).sort();
    await waitFor('EndpointSlice lists the 3 Pod IPs', async () => {
      const line = (await ok('get', 'endpointslices', '-l', 'kubernetes.io/service-name=backend', '--no-headers')).trim().split(/\s+/);
      const ips = await podIps();
      return line[1] === 'IPv4' && line[2] === '80' && line[3].split(',').sort().join() === ips.join() && ips.length === 3;
    });

    const victim = (await podIps()).length && (await ok('get', 'pods', '-l', 'app=backend', '-o', 'jsonpath={.items[0].metadata.name}')).trim();
    assert.equal((await ok('delete', 'pod', String(victim))).trim(), `pod "${victim}" deleted`);
    await waitFor('a replacement Pod', async () => {
      const names = (await ok('get', 'pods', '-l', 'app=backend', '-o', 'jsonpath={.items[*].metadata.name}')).trim().split(/\s+/);
      return names.length === 3 && !names.includes(String(victim));
    });

    assert.equal((await ok('rollout', 'restart', 'deployment/backend')).trim(), 'deployment.apps/backend restarted');
    assert.match(await ok('rollout', 'status', 'deployment/backend', '--timeout=60s'), /successfully rolled out/);
    const history = await ok('rollout', 'history', 'deployment/backend');
    assert.match(history, /REVISION\s+CHANGE-CAUSE\n1\s+<none>\n2\s+<none>/);
    assert.equal((await ok('rollout', 'undo', 'deployment/backend')).trim(), 'deployment.apps/backend rolled back');
    assert.match(await ok('rollout', 'status', 'deployment/backend', '--timeout=60s'), /successfully rolled out/);
    assert.match(await ok('rollout', 'history', 'deployment/backend'), /\n2\s+<none>\n3\s+<none>/);

    const describe = await ok('describe', 'deployment', 'backend');
    assert.match(describe, /Replicas:\s+3 desired \| 3 updated \| 3 total \| 3 available \| 0 unavailable/);
    assert.match(describe, /NewReplicaSet:\s+backend-[a-z0-9]+ \(3\/3 replicas created\)/);
    assert.match(describe, /ScalingReplicaSet\s+.*deployment-controller\s+Scaled up replica set backend-/);
    // `rollout status` reports success while old Pods are still terminating; wait for them to go.
    const pod = await waitFor('only the 3 current Pods', async () => {
      const names = (await ok('get', 'pods', '-l', 'app=backend', '-o', 'jsonpath={.items[*].metadata.name}')).trim().split(/\s+/);
      return names.length === 3 && names[0];
    });
    const dp = await ok('describe', 'pod', pod);
    assert.match(dp, /IP:\s+10\.244\.\d+\.\d+/);
    assert.match(dp, /Controlled By:\s+ReplicaSet\/backend-/);
    assert.match(dp, /Successfully assigned default\//);

    const nodes = (await ok('get', 'nodes', '-o', 'wide', '--no-headers')).trim().split('\n').map((l) => l.split(/\s+/));
    assert.deepEqual(nodes.map((n) => [n[0], n[1], n[5]]), [
      ['demo-control-plane', 'Ready', '172.18.0.2'],
      ['demo-worker', 'Ready', '172.18.0.3'],
      ['demo-worker2', 'Ready', '172.18.0.4'],
    ]);
    assert.match(await ok('get', 'events'), /Normal\s+Scheduled\s+pod\/backend-/);
    assert.match(await ok('logs', 'deploy/backend'), /Configuration complete; ready for start up/);
    const all = await ok('get', 'all');
    assert.match(all, /deployment\.apps\/backend\s+3\/3/);
    assert.match(all, /service\/backend\s+ClusterIP/);

    const bad = await kubectl('get', 'pods', '-l', 'app in (');
    assert.notEqual(bad.code, 0);
    await ok('delete', 'service', 'backend');
    await ok('delete', 'deployment', 'backend');
  });

  it('shows why Pod IPs break: a probe of a Pod IP fails after a rollout, the Service keeps working', async () => {
    await ok('create', 'deployment', 'web', '--image=nginx:1.28', '--replicas=2');
    await ok('expose', 'deployment', 'web', '--port=80');
    await ok('rollout', 'status', 'deployment/web', '--timeout=60s');
    const ip = (await ok('get', 'pods', '-l', 'app=web', '-o', 'jsonpath={.items[0].status.podIP}')).trim();
    assert.match(ip, /^10\.244\.\d+\.\d+$/);
    const script = `while true; do wget -qO- -T 1 http://${ip} >/dev/null 2>&1 && echo pod-ip ok || echo pod-ip FAILED; wget -qO- -T 1 http://web >/dev/null 2>&1 && echo service ok || echo service FAILED; sleep 1; done`;
    assert.equal((await ok('run', 'probe', '--image=busybox', '--', 'sh', '-c', script)).trim(), 'pod/probe created');
    await waitFor('probe sees both', async () => /pod-ip ok\nservice ok/.test((await kubectl('logs', 'probe')).stdout));
    await ok('set', 'image', 'deployment/web', 'nginx=nginx:1.25');
    await ok('rollout', 'status', 'deployment/web', '--timeout=60s');
    await waitFor('the old Pod IP fails, the Service answers', async () => /pod-ip FAILED\nservice ok\n$/.test((await kubectl('logs', 'probe', '--tail=2')).stdout));
    assert.doesNotMatch((await ok('logs', 'probe')).toString(), /service FAILED/, 'the Service never failed during the rollout');
    await ok('delete', 'pod', 'probe', '--grace-period=0', '--force');
    await ok('delete', 'service', 'web');
    await ok('delete', 'deployment', 'web');
  });

  it('drains a node: its Pods are evicted and come back on another node with new IPs', async () => {
    await ok('create', 'deployment', 'spread', '--image=nginx:1.28', '--replicas=4');
    await ok('rollout', 'status', 'deployment/spread', '--timeout=60s');
    const before = (await ok('get', 'pods', '-l', 'app=spread', '-o', 'jsonpath={range .items[*]}{.spec.nodeName} {.status.podIP}{"\\n"}{end}')).trim().split('\n').map((l) => l.split(' '));
    assert.ok(before.some(([node]) => node === 'demo-worker'), 'some Pods on demo-worker');
    // Evicted Pods are marked as the API server marks them before deleting: DisruptionTarget.
    const marked = new Set<string>();
    const stopWatch = h.cluster.store.watch(RESOURCE.pods, undefined, (e) => {
      const o = e.object as Any;
      const c = (o.status?.conditions ?? []).find((x: Any) => x.type === 'DisruptionTarget');
      if (o.metadata.labels?.app === 'spread' && o.metadata.deletionTimestamp && c?.status === 'True' && c.reason === 'EvictionByEvictionAPI') marked.add(o.metadata.name);
    });
    const drained = await kubectl('drain', 'demo-worker', '--ignore-daemonsets');
    stopWatch();
    assert.equal(drained.code, 0, drained.stderr);
    assert.match(drained.stdout, /node\/demo-worker drained/);
    assert.match(drained.stdout + drained.stderr, /Warning: ignoring DaemonSet-managed Pods: kube-system\/kube-proxy-/);
    await ok('rollout', 'status', 'deployment/spread', '--timeout=60s');
    const after = await waitFor('4 Pods, none on demo-worker', async () => {
      const rows = (await ok('get', 'pods', '-l', 'app=spread', '-o', 'jsonpath={range .items[*]}{.spec.nodeName} {.status.podIP}{"\\n"}{end}')).trim().split('\n').map((l) => l.split(' '));
      return rows.length === 4 && rows.every(([node]) => node === 'demo-worker2') && rows;
    });
    const movedIps = before.filter(([node]) => node === 'demo-worker').map(([, ip]) => ip);
    assert.ok(movedIps.every((ip) => !after.some(([, now]) => now === ip)), 'evicted Pods came back with new IPs');
    assert.equal(marked.size, movedIps.length, `every evicted Pod carried DisruptionTarget while terminating (${[...marked].join(', ')})`);
    assert.match(await ok('get', 'nodes', 'demo-worker'), /Ready,SchedulingDisabled/);
    await ok('uncordon', 'demo-worker');
    await ok('delete', 'deployment', 'spread');
  });

  it('StatefulSet from a manifest: stable names, new IPs; rollout status and scale work', async () => {
    const file = join(h.dir, 'sts.yaml');
    writeFileSync(
      file,
      `apiVersion: v1
kind: Service
metadata: {name: db}
spec:
  clusterIP: None
  selector: {app: db}
  ports: [{port: 80}]
---
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: db}
spec:
  serviceName: db
  replicas: 2
  selector: {matchLabels: {app: db}}
  template:
    metadata: {labels: {app: db}}
    spec:
      containers: [{name: nginx, image: "nginx:1.28"}]
`,
    );
    assert.equal((await ok('apply', '-f', file)).trim(), 'service/db created\nstatefulset.apps/db created');
    assert.match(await ok('rollout', 'status', 'statefulset/db', '--timeout=60s'), /partitioned roll out complete|roll out complete/);
    const ipOf = async (n: string) => (await ok('get', 'pod', n, '-o', 'jsonpath={.status.podIP}')).trim();
    const before = await ipOf('db-0');
    assert.match(await ok('get', 'svc', 'db'), /db\s+ClusterIP\s+None/);
    await ok('delete', 'pod', 'db-0');
    const after = await waitFor('db-0 back with an IP', async () => {
      const ip = (await kubectl('get', 'pod', 'db-0', '-o', 'jsonpath={.status.podIP}')).stdout.trim();
      return ip && ip !== before ? ip : undefined;
    });
    assert.match(after, /^10\.244\./);
    assert.equal((await ok('scale', 'statefulset', 'db', '--replicas=3')).trim(), 'statefulset.apps/db scaled');
    await ok('rollout', 'status', 'statefulset/db', '--timeout=60s');
    assert.match(await ok('get', 'sts', 'db'), /db\s+3\/3/);
    await ok('delete', '-f', file);
  });

  it('kubectl takes the aggregated discovery (no per-group round trips)', async () => {
    const r = await kubectl('get', 'pods', '-v=6', `--cache-dir=${join(h.dir, 'fresh-cache')}`);
    assert.equal(r.code, 0, r.stderr);
    const gets = [...r.stderr.matchAll(/"GET" url="[^"]*?(\/[^"?]*)/g)].map((m) => m[1]);
    const fallback = [...r.stderr.matchAll(/GET https:\/\/[^ ]*?(\/ap[^ ?]*)/g)].map((m) => m[1]);
    const paths = gets.length ? gets : fallback;
    assert.ok(paths.includes('/api') && paths.includes('/apis'), `discovery requests: ${paths.join(', ')}`);
    assert.ok(!paths.includes('/api/v1') && !paths.includes('/apis/apps/v1'), `no legacy discovery: ${paths.join(', ')}`);
  });

  it('applies manifests (create, then update) and serves -o yaml with server defaults', async () => {
    const file = join(h.dir, 'app.yaml');
    const manifest = (image: string, replicas: number) => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: frontend
spec:
  replicas: ${replicas}
  selector:
    matchLabels: {app: frontend}
  template:
    metadata:
      labels: {app: frontend}
    spec:
      containers:
      - name: web
        image: ${image}
---
apiVersion: v1
kind: Service
metadata:
  name: frontend
spec:
  selector: {app: frontend}
  ports:
  - port: 80
`;
    writeFileSync(file, manifest('nginx:1.27', 1));
    assert.equal((await ok('apply', '-f', file)).trim(), 'deployment.apps/frontend created\nservice/frontend created');
    writeFileSync(file, manifest('nginx:1.26', 2));
    assert.equal((await ok('apply', '-f', file)).trim(), 'deployment.apps/frontend configured\nservice/frontend unchanged');
    const y = await ok('get', 'deployment', 'frontend', '-o', 'yaml');
    assert.match(y, /image: nginx:1\.26/);
    assert.match(y, /replicas: 2/);
    assert.match(y, /imagePullPolicy: IfNotPresent/);
    assert.match(y, /kubectl\.kubernetes\.io\/last-applied-configuration/);
    await ok('delete', '-f', file);
  });
});
