// Quick-fix plans applied to real text: every fix must leave valid YAML/JSON that no longer
// carries the finding, and point at the right Service and port.
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { parseAllDocuments, parse } from 'yaml';
import {
  ManifestIndex,
  applyEdits,
  extractObjects,
  gatherCandidates,
  lintText,
  planCreateService,
  planDisableLine,
  planRemoveField,
  planServiceForHostAccess,
  planServiceReplacements,
  workloadOfFinding,
  type Finding,
  type ServiceCandidateSource,
} from '../../src/core/lint';

const SHOP = 'test/fixtures/manifests/shop.yaml';
const shop = readFileSync(SHOP, 'utf8');

function only(text: string, rule: string): Finding {
  const fs = lintText(text).findings.filter((f) => f.rule === rule);
  assert.equal(fs.length, 1, `${rule}: ${fs.length} findings`);
  return fs[0];
}

function docs(text: string): Record<string, unknown>[] {
  const all = parseAllDocuments(text) as unknown as { errors: unknown[]; toJS(): Record<string, unknown> }[];
  for (const d of all) assert.deepEqual(d.errors, []);
  return all.map((d) => d.toJS());
}

describe('lint fix: replace with a workspace Service', () => {
  it('maps the literal port through a named targetPort and prefers the only matching Service', async () => {
    const index = new ManifestIndex();
    index.update(SHOP, shop);
    const f = only(shop, 'ip-literal');
    const candidates = await index.candidatesFor(f.ip!, f.port, f.namespace);
    assert.deepEqual(candidates.map((c) => [c.name, c.namespace, c.port, c.portMatches]), [['backend', 'shop', 80, true]]);
    const [plan] = planServiceReplacements(f, candidates);
    assert.equal(plan.title, 'Replace 10.244.1.7:8080 with backend.shop.svc.cluster.local:80');
    assert.ok(plan.isPreferred);
    const fixed = applyEdits(shop, plan.edits);
    assert.match(fixed, /value: "http:\/\/backend\.shop\.svc\.cluster\.local:80\/api"/);
    assert.equal(lintText(fixed).findings.filter((x) => x.rule === 'ip-literal').length, 0);
  });

  it('offers Services only from the same namespace, matching ones first, and says when no port matches', async () => {
    const index = new ManifestIndex();
    index.update(SHOP, shop);
    index.update('other.yaml', 'apiVersion: v1\nkind: Service\nmetadata: {name: cache, namespace: shop}\nspec: {ports: [{port: 6379}]}\n---\napiVersion: v1\nkind: Service\nmetadata: {name: elsewhere}\nspec: {ports: [{port: 8080}]}\n');
    const c = await index.candidatesFor('10.244.1.7', 8080, 'shop');
    assert.deepEqual(c.map((x) => [x.name, x.port, x.portMatches]), [['backend', 80, true], ['cache', 6379, false]]);
    const f = only(shop, 'ip-literal');
    const plans = planServiceReplacements(f, c);
    assert.match(plans[1].title, /no targetPort of Service cache is 8080/);
    assert.ok(!plans[1].isPreferred);
    // A literal without a port becomes the bare DNS name.
    const noPort = only('kind: ConfigMap\nmetadata: {namespace: shop}\ndata: {backend_host: "10.244.1.7"}\n', 'ip-literal');
    const [p] = planServiceReplacements(noPort, await index.candidatesFor('10.244.1.7', undefined, 'shop'));
    assert.equal(p.edits[0].newText, 'backend.shop.svc.cluster.local');
    // The default namespace matches an unset one.
    assert.deepEqual((await index.candidatesFor('1.2.3.4', 8080, undefined)).map((x) => x.name), ['elsewhere']);
  });

  it('gathers candidates from several sources, the first source winning duplicates, a failing source ignored', async () => {
    const index = new ManifestIndex();
    index.update(SHOP, shop);
    const cluster: ServiceCandidateSource = {
      id: 'cluster',
      candidatesFor: async (_ip, port) => [
        { name: 'backend', namespace: 'shop', port: 80, portMatches: true, source: 'cluster' },
        { name: 'live', namespace: 'shop', port, portMatches: true, source: 'cluster' },
      ],
    };
    const broken: ServiceCandidateSource = { id: 'broken', candidatesFor: async () => Promise.reject(new Error('no cluster')) };
    const throwing: ServiceCandidateSource = {
      id: 'throwing',
      candidatesFor: () => {
        throw new Error('synchronous');
      },
    };
    let slowTimer: NodeJS.Timeout | undefined;
    const slow: ServiceCandidateSource = {
      id: 'slow',
      candidatesFor: () => new Promise((resolve) => (slowTimer = setTimeout(() => resolve([{ name: 'late', namespace: 'shop', portMatches: true, source: 'slow' }]), 5000))),
    };
    const errors: string[] = [];
    const c = await gatherCandidates([index, cluster, broken, throwing, slow], '10.244.1.7', 8080, 'shop', (id, e) => errors.push(`${id}: ${(e as Error).message}`), 100);
    clearTimeout(slowTimer);
    assert.deepEqual(c.map((x) => `${x.name}@${x.source}`), ['backend@workspace', 'live@cluster']);
    assert.deepEqual(errors.sort(), ['broken: no cluster', 'slow: no answer within 100 ms', 'throwing: synchronous']);
    const f = only(shop, 'ip-literal');
    const plans = planServiceReplacements(f, c);
    assert.equal(plans[1].title, 'Replace 10.244.1.7:8080 with live.shop.svc.cluster.local:8080 (from cluster)');
    assert.ok(!plans[0].isPreferred, 'two matching Services: neither is clearly right');
  });
});

describe('lint fix: create a Service for a workload', () => {
  it('appends a Service selecting the workload to its file and points the literal at it', () => {
    const index = new ManifestIndex();
    index.update(SHOP, shop);
    const f = only(shop, 'ip-literal');
    const [cand] = index.workloadsFor(8080, 'shop');
    assert.equal(cand.workload.name, 'backend');
    const taken = new Set(index.services('shop').map((s) => s.name));
    const plans = planCreateService({ text: shop, file: SHOP, finding: f, candidate: cand, takenNames: taken });
    assert.equal(plans.length, 2);
    assert.equal(plans[0].title, 'Create Service backend-svc for Deployment backend in this file and use backend-svc.shop.svc.cluster.local:8080');
    const fixed = applyEdits(shop, plans[0].edits);
    const all = docs(fixed);
    assert.equal(all.length, 4);
    assert.deepEqual(all[3], {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'backend-svc', namespace: 'shop' },
      spec: { selector: { app: 'backend', tier: 'api' }, ports: [{ name: 'http', port: 8080, targetPort: 'http' }] },
    });
    assert.match(fixed, /http:\/\/backend-svc\.shop\.svc\.cluster\.local:8080\/api/);
    // The new-file variant carries the same manifest and the same replacement.
    assert.deepEqual(parse(plans[1].createFile!.content), all[3]);
    assert.equal(plans[1].createFile!.name, 'backend-svc-service.yaml');
    assert.deepEqual(plans[1].edits, [plans[0].edits[0]]);
  });

  it('appends to the workload file when it is another file, and never appends YAML to JSON', () => {
    const wl = 'apiVersion: v1\nkind: Pod\nmetadata: {name: db, labels: {app: db}}\nspec: {containers: [{name: db, ports: [{containerPort: 5432}]}]}';
    const text = 'kind: ConfigMap\ndata: {url: "postgres://10.1.2.3:5432/x"}\n';
    const index = new ManifestIndex();
    index.update('db.yaml', wl);
    const f = only(text, 'ip-literal');
    const [cand] = index.workloadsFor(5432, undefined);
    const plans = planCreateService({ text, file: 'cm.yaml', finding: f, candidate: cand, workloadFileText: wl, takenNames: new Set() });
    const other = plans[0].edits.filter((e) => e.file === 'db.yaml');
    assert.equal(other.length, 1);
    const newDb = applyEdits(wl, other);
    assert.equal(docs(newDb)[1].kind, 'Service');
    const jsonPlans = planCreateService({ text, file: 'cm.yaml', finding: f, candidate: cand, workloadFileText: '{"kind": "Pod"}', takenNames: new Set() });
    assert.equal(jsonPlans.length, 1);
    assert.ok(jsonPlans[0].createFile);
  });
});

describe('lint fix: hostNetwork and hostPort', () => {
  it('removes hostNetwork and hostPort lines from block YAML', () => {
    const hn = only(shop, 'host-network');
    let fixed = applyEdits(shop, planRemoveField(hn)[0].edits);
    assert.ok(!fixed.includes('hostNetwork'));
    const hp = only(fixed, 'host-port');
    fixed = applyEdits(fixed, planRemoveField(hp)[0].edits);
    const all = docs(fixed);
    const spec = (all[2] as any).spec.template.spec;
    assert.deepEqual(spec.containers[0].ports, [{ containerPort: 80 }]);
    assert.equal(spec.hostNetwork, undefined);
  });

  it('removes a field that follows "- " by pulling the next field up', () => {
    const text = 'kind: Pod\nspec:\n  containers:\n    - name: c\n      ports:\n        - hostPort: 8080\n          containerPort: 80\n';
    const fixed = applyEdits(text, planRemoveField(only(text, 'host-port'))[0].edits);
    assert.equal(fixed, 'kind: Pod\nspec:\n  containers:\n    - name: c\n      ports:\n        - containerPort: 80\n');
  });

  it('removes a pair from JSON, in the middle and at the end of an object', () => {
    const mid = '{"kind": "Pod", "spec": {\n  "hostNetwork": true,\n  "containers": []\n}}\n';
    assert.deepEqual(JSON.parse(applyEdits(mid, planRemoveField(only(mid, 'host-network'))[0].edits)), { kind: 'Pod', spec: { containers: [] } });
    const end = '{"kind": "Pod", "spec": {"containers": [], "hostNetwork": true}}';
    assert.deepEqual(JSON.parse(applyEdits(end, planRemoveField(only(end, 'host-network'))[0].edits)), { kind: 'Pod', spec: { containers: [] } });
  });

  it('offers a Service for the workload that maps the host port to the container port', () => {
    const hp = only(shop, 'host-port');
    const w = workloadOfFinding(extractObjects(shop, SHOP).workloads, hp);
    assert.equal(w?.name, 'frontend');
    const plans = planServiceForHostAccess(shop, SHOP, hp, w, new Set(['backend']));
    assert.equal(plans[0].title, 'Create Service frontend (port 8081) for Deployment frontend in this file');
    const all = docs(applyEdits(shop, plans[0].edits));
    assert.deepEqual((all[3] as any).spec, { selector: { app: 'frontend' }, ports: [{ port: 8081, targetPort: 80 }] });
  });
});

describe('lint fix: disable for this line', () => {
  it('inserts a comment at the line indentation that suppresses the finding', () => {
    const f = only(shop, 'ip-literal');
    const [plan] = planDisableLine(shop, f);
    assert.equal(plan.title, 'Disable ip-literal for this line');
    const fixed = applyEdits(shop, plan.edits);
    assert.match(fixed, /\n {14}# pod-ip-lens-disable-next-line ip-literal\n {14}value: "http:\/\/10\.244\.1\.7:8080\/api"/);
    assert.equal(lintText(fixed).findings.filter((x) => x.rule === 'ip-literal').length, 0);
    docs(fixed);
  });

  it('is not offered in JSON, where a comment would break the file', () => {
    const json = '{"kind": "Pod", "spec": {"containers": [{"args": ["--upstream=10.1.2.3"]}]}}';
    assert.deepEqual(planDisableLine(json, only(json, 'ip-literal')), []);
  });
});

describe('lint workspace index', () => {
  it('reads Services and the Pod templates of every workload kind, skipping broken documents', () => {
    const text = [
      'apiVersion: batch/v1\nkind: CronJob\nmetadata: {name: nightly, namespace: ops}\nspec:\n  jobTemplate:\n    spec:\n      template:\n        metadata: {labels: {job: nightly}}\n        spec: {containers: [{name: c, ports: [{containerPort: 9000, name: metrics}]}]}\n',
      'apiVersion: apps/v1\nkind: StatefulSet\nmetadata: {name: db}\nspec:\n  template:\n    metadata: {labels: {app: db, pod-template-hash: abc}}\n    spec:\n      hostNetwork: true\n      containers: [{name: db, ports: [{containerPort: 5432, hostPort: 5432, protocol: TCP}]}]\n',
      'kind: Service\nmetadata: {name: db}\nspec: {selector: {app: db}, ports: [{port: 5432, targetPort: 5432, name: pg}, {port: "x"}]}\n',
      'kind: List\nitems:\n  - {kind: Pod, metadata: {name: solo, labels: {run: solo}}, spec: {containers: [{name: c}]}}\n',
      'kind: Deployment\nmetadata: {name: broken\nspec: [\n',
    ].join('---\n');
    const o = extractObjects(text, 'f.yaml');
    assert.deepEqual(o.services, [{ name: 'db', namespace: undefined, file: 'f.yaml', selector: { app: 'db' }, ports: [{ name: 'pg', port: 5432, targetPort: 5432, protocol: undefined }] }]);
    assert.deepEqual(
      o.workloads.map((w) => [w.kind, w.name, w.namespace, w.podLabels, w.ports.map((p) => p.containerPort), w.hostNetwork, w.document]),
      [
        ['CronJob', 'nightly', 'ops', { job: 'nightly' }, [9000], false, 0],
        ['StatefulSet', 'db', undefined, { app: 'db' }, [5432], true, 1],
        ['Pod', 'solo', undefined, { run: 'solo' }, [], false, 3],
      ],
    );
    const index = new ManifestIndex();
    index.update('f.yaml', text);
    assert.deepEqual(index.workloadsFor(9000, 'ops').map((c) => [c.workload.name, c.port?.name]), [['nightly', 'metrics']]);
    assert.deepEqual(index.workloadsFor(9000, undefined), []);
    index.remove('f.yaml');
    assert.equal(index.services().length, 0);
  });
});
