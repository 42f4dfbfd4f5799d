// What a hard-coded IP is in a cluster (the classifier), the audit of one live object, and
// `pod-ip-lens audit` against the demo cluster with real kubectl creating the objects.
import { strict as assert } from 'node:assert';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as http from 'node:http';
import * as https from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { auditObject, renderObject, renderYaml } from '../../src/core/audit';
import { seededRandom } from '../seededRandom';
import { classifyAgainstCluster, coveringRange, type ClusterFacts, type PodHolder } from '../../src/core/clusterClass';
import { ManifestLinter, parseCidr } from '../../src/core/lint';
import { auditCluster, formatAuditJson, formatAuditSarif, auditExitCode, parseAuditArgs } from '../../src/cli/audit';
import { startDemoCluster, RESOURCE, type DemoCluster } from '../../src/demo';
import { findKubectl } from '../kubectlPath';
import { until } from '../until';
import { skipOrFail } from '../skip';

const backend: PodHolder = { pod: 'shop/backend-7d9f-abc', owner: { kind: 'Deployment', name: 'backend' }, node: 'w1', since: '2026-12-01T10:00:00Z' };
const cache: PodHolder = { pod: 'shop/cache-0', owner: { kind: 'StatefulSet', name: 'cache' }, node: 'w2' };

function facts(over: Partial<ClusterFacts> = {}): ClusterFacts {
  return {
    podByIp: () => undefined,
    pastHolders: () => [],
    nodeByIp: () => undefined,
    serviceByIp: () => undefined,
    podRanges: [{ cidr: parseCidr('10.244.1.0/24')!, node: 'w1' }],
    serviceRanges: [parseCidr('10.96.0.0/12')!],
    ...over,
  };
}

describe('cluster classification of an IP literal', () => {
  it('a live Pod IP names the Pod and its workload', () => {
    const v = classifyAgainstCluster('10.244.1.7:80', '10.244.1.7', facts({ podByIp: () => backend }));
    assert.equal(v.class, 'pod');
    assert.equal(v.severity, 'warning');
    assert.match(v.message, /^10\.244\.1\.7:80 is the IP of Pod shop\/backend-7d9f-abc \(Deployment backend, on node w1\) now/);
  });
  it('an IP now held by a different workload than before is reuse, the most dangerous case', () => {
    const v = classifyAgainstCluster('10.244.1.7', '10.244.1.7', facts({ podByIp: () => cache, pastHolders: () => [{ ...backend, until: '2026-12-01T10:05:00Z' }] }));
    assert.equal(v.class, 'reused');
    assert.equal(v.severity, 'error');
    assert.match(v.message, /now belongs to Pod shop\/cache-0 \(StatefulSet cache\), but until 2026-12-01 10:05:00 UTC it was shop\/backend-7d9f-abc's \(Deployment backend\): this config now reaches a different workload/);
    // The same workload taking the IP back is not reuse.
    const same = classifyAgainstCluster('10.244.1.7', '10.244.1.7', facts({ podByIp: () => ({ ...backend, pod: 'shop/backend-7d9f-xyz' }), pastHolders: () => [{ ...backend, until: '2026-12-01T10:05:00Z' }] }));
    assert.equal(same.class, 'pod');
  });
  it('a past Pod IP says who held it and until when; nodes, Services and ranges each get their own', () => {
    assert.match(classifyAgainstCluster('10.244.1.7', '10.244.1.7', facts({ pastHolders: () => [{ ...backend, until: '2026-12-01T10:05:00.123Z' }] })).message, /was the IP of Pod shop\/backend-7d9f-abc \(Deployment backend\) until 2026-12-01 10:05:00 UTC; no Pod holds it now/);
    const node = classifyAgainstCluster('172.18.0.3', '172.18.0.3', facts({ nodeByIp: () => ({ node: 'w1', type: 'InternalIP' }) }));
    assert.deepEqual([node.class, node.severity], ['node', 'warning']);
    const svc = classifyAgainstCluster('10.96.4.5:80', '10.96.4.5', facts({ serviceByIp: () => ({ namespace: 'shop', name: 'backend', ports: [{ port: 80 }] }) }));
    assert.deepEqual([svc.class, svc.severity], ['service', 'info']);
    assert.match(svc.message, /ClusterIP of Service shop\/backend.*backend\.shop\.svc\.cluster\.local/);
    assert.equal(classifyAgainstCluster('10.244.1.99', '10.244.1.99', facts()).class, 'pod-range');
    assert.match(classifyAgainstCluster('10.244.1.99', '10.244.1.99', facts()).message, /Pod range \(10\.244\.1\.0\/24 of node w1\)/);
    assert.equal(classifyAgainstCluster('10.100.0.1', '10.100.0.1', facts()).class, 'service-range');
    const outside = classifyAgainstCluster('192.168.5.5', '192.168.5.5', facts());
    assert.deepEqual([outside.class, outside.severity], ['outside', undefined]);
    // Severities are configurable per class.
    assert.equal(classifyAgainstCluster('10.244.1.99', '10.244.1.99', facts(), { 'pod-range': 'error' }).severity, 'error');
  });
  it('derives a Service range from ClusterIPs when the cluster serves no ServiceCIDR', () => {
    assert.deepEqual(coveringRange(['10.96.0.1', '10.96.0.10', '10.100.3.4']).map((c) => c.text), ['10.96.0.0/13']);
    assert.deepEqual(coveringRange(['10.96.0.1', '10.96.0.10']).map((c) => c.text), ['10.96.0.0/24']);
    assert.deepEqual(coveringRange(['fd00:10:96::1', 'fd00:10:96::a']).map((c) => c.text), ['fd00:10:96::/120']);
    assert.deepEqual(coveringRange([]), []);
  });
});

describe('live objects rendered as YAML', () => {
  it('parses back to the same data, multi-line strings as literal blocks', () => {
    const cases: unknown[] = [
      { a: 1, b: 'x', c: 'true', d: '10', e: '', f: null, g: [], h: {}, i: [1, 'two', { k: 'v', l: [3] }, [4, 5]], j: { nested: { deep: 'a b: c # d' } } },
      { conf: 'line1\n  line2\n', trail: 'a\nb', keep: 'a\n\n', lead: '  indented\nx\n', tabs: 'a\tb\nc', ctl: 'a\u0007b\nc', sp: 'a \nb', empty: '\n' },
      [{ name: 'x', env: [{ name: 'A', value: 'http://10.0.0.1/' }] }, 'y', [[1], []]],
      { 'weird key': 1, 'a:b': 2, '#c': 3, yes: 'no', '1.5': 1.5, '-x': '- y', '[z]': '{w}' },
    ];
    for (const c of cases) assert.deepEqual(parse(renderYaml(c)), c, renderYaml(c));
    assert.match(renderYaml({ conf: 'server 10.0.0.1;\nlisten 80;\n' }), /^conf: \|\n {2}server 10\.0\.0\.1;\n {2}listen 80;\n$/);
  });
  it('round-trips random JSON data', () => {
    const rand = seededRandom(7);
    const pick = <T>(xs: T[]): T => xs[Math.floor(rand() * xs.length)];
    const value = (depth: number): unknown => {
      const r = rand();
      if (depth > 3 || r < 0.4) return pick<unknown>([null, true, false, 0, -1.5, 12, '', 'a', 'yes', 'x: y', ' lead', 'trail ', 'multi\nline', 'multi\nline\n', '\n\nx', '#', '- a', 'a\u0001b', '10.0.0.1', '"q"', "'s'"]);
      if (r < 0.7) return Array.from({ length: Math.floor(rand() * 4) }, () => value(depth + 1));
      return Object.fromEntries(Array.from({ length: Math.floor(rand() * 4) }, (_, i) => [pick(['k', 'a b', 'yes', '1', '-', `k${i}`, 'x:y']) + i, value(depth + 1)]));
    };
    for (let i = 0; i < 500; i++) {
      const v = { root: value(0) };
      assert.deepEqual(parse(renderYaml(v)), v, renderYaml(v));
    }
  });
});

describe('audit of one live object', () => {
  it('finds the client targets with lint’s rules, at their line in the rendered object, classified', () => {
    const obj = {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'web', namespace: 'shop', managedFields: [{ manager: 'kubectl' }], annotations: { 'kubectl.kubernetes.io/last-applied-configuration': '{"data":{"x":"10.244.1.7"}}' } },
      data: { 'nginx.conf': 'upstream b {\n  server 10.244.1.7:8080;\n}\nserver {\n  listen 10.244.1.8:80;\n}\n', GATEWAY_IP: '10.244.1.1' },
    };
    const text = renderObject(obj);
    assert.doesNotMatch(text, /managedFields|last-applied/);
    const [f, ...rest] = auditObject(obj, new ManifestLinter({}, 0), facts({ podByIp: (ip) => (ip === '10.244.1.7' ? backend : undefined) }));
    assert.deepEqual(rest, []);
    assert.deepEqual([f.kind, f.namespace, f.name, f.path, f.literal, f.class, f.severity], ['ConfigMap', 'shop', 'web', 'data.nginx.conf', '10.244.1.7:8080', 'pod', 'warning']);
    assert.equal(text.split('\n')[f.line - 1].slice(f.column - 1, f.column - 1 + f.literal.length), '10.244.1.7:8080');
  });
  it('parses its arguments like kubectl', () => {
    assert.deepEqual(parseAuditArgs(['-A', '--format', 'json', '--include-secrets']), { ok: true, options: { context: undefined, kubeconfig: undefined, namespace: undefined, allNamespaces: true, includeSecrets: true, format: 'json', pageSize: 500 } });
    assert.equal((parseAuditArgs(['-n', 'a', '-A']) as { message: string }).message, '--namespace and --all-namespaces exclude each other');
    assert.match((parseAuditArgs(['--bogus']) as { message: string }).message, /bogus/);
    assert.match((parseAuditArgs(['--format', 'xml']) as { message: string }).message, /text, json or sarif/);
  });
});

const KUBECTL = findKubectl();

describe('pod-ip-lens audit on the demo cluster, objects made by real kubectl', function () {
  this.timeout(120_000);
  let cluster: DemoCluster;
  let dir: string;
  let env: NodeJS.ProcessEnv;
  let kubeconfig: string;

  const kubectl = (...args: string[]): Promise<string> =>
    new Promise((resolve, reject) => {
      execFile(KUBECTL!, args, { env, timeout: 60_000 }, (err, stdout, stderr) => (err ? reject(new Error(`kubectl ${args.join(' ')}: ${stderr}`)) : resolve(stdout)));
    });

  before(async function () {
    if (!KUBECTL) {
      skipOrFail(this, 'kubectl not found on PATH (or $KUBECTL): the audit tests against the demo cluster');
    }
    dir = mkdtempSync(join(tmpdir(), 'audit-'));
    kubeconfig = join(dir, 'kubeconfig');
    cluster = await startDemoCluster({ kubeconfigPath: kubeconfig, speed: 4 });
    env = { ...process.env, KUBECONFIG: kubeconfig, KUBECACHEDIR: join(dir, 'cache'), HOME: dir };
  });
  after(async () => {
    await cluster?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('classifies another Deployment’s Pod IP, a node IP and ClusterIPs (a Pod, a CronJob), in every format', async () => {
    await kubectl('create', 'deployment', 'backend', '--image=nginx:1.28', '--replicas=2');
    const podIp = await until('a backend Pod IP', () => (cluster.store.list(RESOURCE.pods, 'default').items as { metadata: { labels?: Record<string, string> }; status?: { podIP?: string } }[]).find((p) => p.metadata.labels?.app === 'backend' && p.status?.podIP)?.status?.podIP);
    await kubectl('expose', 'deployment', 'backend', '--port=80');
    const clusterIp = JSON.parse(await kubectl('get', 'service', 'backend', '-o', 'json')).spec.clusterIP as string;
    const nodeIp = JSON.parse(await kubectl('get', 'nodes', '-o', 'json')).items[1].status.addresses.find((a: { type: string }) => a.type === 'InternalIP').address as string;
    await kubectl('create', 'deployment', 'frontend', '--image=nginx:1.28');
    await kubectl('set', 'env', 'deployment/frontend', `BACKEND_URL=http://${podIp}:80/api`);
    await kubectl('create', 'configmap', 'settings', `--from-literal=METRICS_HOST=${nodeIp}`, '--from-literal=POOL=10.244.0.0/16');
    writeFileSync(join(dir, 'probe.yaml'), `apiVersion: v1\nkind: Pod\nmetadata:\n  name: probe\nspec:\n  containers:\n    - name: probe\n      image: busybox\n      command: ["sh", "-c", "while true; do wget -qO- -T 2 http://${clusterIp}:80/; sleep 5; done"]\n`);
    await kubectl('apply', '-f', join(dir, 'probe.yaml'));
    await kubectl('create', 'cronjob', 'warm-cache', '--image=busybox', '--schedule=*/5 * * * *', '--', 'wget', '-qO-', `http://${clusterIp}:80/warm`);

    const run = await auditCluster({ kubeconfig, allNamespaces: true, includeSecrets: false, format: 'json', pageSize: 2 });
    const mine = run.findings.filter((f) => f.namespace === 'default');
    assert.deepEqual(
      mine.map((f) => [f.kind, f.name, f.path, f.class]).sort(),
      [
        ['ConfigMap', 'settings', 'data.METRICS_HOST', 'node'],
        ['CronJob', 'warm-cache', 'spec.jobTemplate.spec.template.spec.containers[0].command[2]', 'service'],
        ['Deployment', 'frontend', 'spec.template.spec.containers[0].env[0].value', 'pod'],
        ['Pod', 'probe', 'spec.containers[0].command[2]', 'service'],
      ],
    );
    const pod = mine.find((f) => f.class === 'pod')!;
    assert.match(pod.message, /Deployment backend/);
    assert.equal(auditExitCode(run), run.errors.length > 0 ? 2 : 1);
    // Pages of two: every Pod of the cluster was still seen (the backend ReplicaSet's Pods are read through it).
    assert.ok(run.scanned.deployments >= 2 && run.scanned.configmaps >= 1, JSON.stringify(run.scanned));
    const json = JSON.parse(formatAuditJson(run));
    assert.equal(json.findings.find((f: { class: string }) => f.class === 'pod').holder.owner.name, 'backend');
    const sarif = JSON.parse(formatAuditSarif(run)).runs[0];
    assert.ok(sarif.results.some((r: { ruleId: string }) => r.ruleId === 'ip-literal/node'));

    // The command line says the same.
    // Not spawnSync: the demo cluster answering it runs in this process.
    const cli = await new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve) => {
      execFile(process.execPath, ['--import', 'tsx', join(__dirname, '..', '..', 'src', 'cli.ts'), 'audit', '--kubeconfig', kubeconfig, '-n', 'default'], { encoding: 'utf8', timeout: 60_000, cwd: join(__dirname, '..', '..') }, (err, stdout, stderr) =>
        resolve({ status: err ? ((err as { code?: number }).code ?? null) : 0, stdout, stderr }),
      );
    });
    assert.equal(cli.status, 1, cli.stderr);
    assert.match(cli.stdout, /Deployment default\/frontend: spec\.template\.spec\.containers\[0\]\.env\[0\]\.value: warning \[pod\] /);
    assert.match(cli.stdout, /ConfigMap default\/settings: data\.METRICS_HOST: warning \[node\] /);
    assert.match(cli.stdout, /4 hard-coded IPs in \d+ objects of context pod-ip-lens-demo-\d+ \(namespace default\)/);
  });

  it('reports a resource the credentials may not list and audits the rest', async () => {
    // A front that answers 403 for ConfigMaps, as RBAC would, and passes the rest to the demo cluster.
    const upstream = new URL(cluster.url);
    const front = http.createServer((req, res) => {
      if (/\/configmaps(\?|$)/.test(req.url ?? '')) {
        res.writeHead(403, { 'Content-Type': 'application/json' });
        res.end(JSON.stringify({ kind: 'Status', apiVersion: 'v1', status: 'Failure', reason: 'Forbidden', code: 403, message: 'configmaps is forbidden: User "auditor" cannot list resource "configmaps" in API group "" at the cluster scope' }));
        return;
      }
      const out = https.request({ host: upstream.hostname, port: upstream.port, path: req.url, method: req.method, headers: { ...req.headers, host: upstream.host }, ca: cluster.caCert }, (r) => {
        res.writeHead(r.statusCode ?? 502, r.headers);
        r.pipe(res);
      });
      req.pipe(out);
    });
    await new Promise<void>((r) => front.listen(0, '127.0.0.1', r));
    try {
      const port = (front.address() as { port: number }).port;
      const cfg = join(dir, 'front.kubeconfig');
      writeFileSync(cfg, `apiVersion: v1\nkind: Config\nclusters: [{name: front, cluster: {server: "http://127.0.0.1:${port}", insecure-skip-tls-verify: true}}]\nusers: [{name: auditor, user: {token: "${cluster.token}"}}]\ncontexts: [{name: front, context: {cluster: front, user: auditor}}]\ncurrent-context: front\n`);
      const run = await auditCluster({ kubeconfig: cfg, allNamespaces: true, includeSecrets: false, format: 'text', pageSize: 500 });
      assert.equal(run.errors.length, 1, run.errors.join('\n'));
      assert.match(run.errors[0], /^configmaps: .*forbidden/i);
      assert.ok(run.findings.some((f) => f.kind === 'Deployment' && f.name === 'frontend'), 'the other resources were audited');
      assert.equal(auditExitCode(run), 2);
    } finally {
      await new Promise((r) => front.close(r));
    }
  });
});
