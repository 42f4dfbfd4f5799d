// The demo cluster's parts that work without HTTP: store (resourceVersions, watch replay, 410
// window), selectors, the three patch formats, IP allocation, table printing helpers.
import * as assert from 'node:assert/strict';
import type { Deployment } from 'kubernetes-types/apps/v1';
import { ApiError, KubeObject, Store, StoreEvent, eventLine } from '../../src/demo/store';
import { parseFieldSelector, parseLabelSelector } from '../../src/demo/selectors';
import { jsonPatch, mergePatch, strategicMergePatch } from '../../src/demo/patch';
import { NodeIpam, ServiceIpam, nodePodCidr } from '../../src/demo/ipam';
import { humanDuration, podStatusReason } from '../../src/demo/tables';
import { negotiate } from '../../src/demo/http';
import { parseFaultSchedule } from '../../src/demo/faults';

const pod = (name: string, labels: Record<string, string> = {}, extra: Partial<KubeObject> = {}): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, namespace: 'default', labels },
  ...extra,
});

describe('demo store', () => {
  it('assigns increasing resourceVersions, uids and creation times', () => {
    const s = new Store();
    const a = s.create('pods', pod('a'));
    const b = s.create('pods', pod('b'));
    assert.equal(a.metadata.resourceVersion, '1');
    assert.equal(b.metadata.resourceVersion, '2');
    assert.match(a.metadata.uid!, /^[0-9a-f-]{36}$/);
    assert.match(a.metadata.creationTimestamp!, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    const a2 = s.update('pods', { ...a, spec: { x: 1 } });
    assert.equal(a2.metadata.resourceVersion, '3');
    assert.equal(a2.metadata.uid, a.metadata.uid);
    assert.equal(s.resourceVersion, 3);
  });

  it('rejects duplicates (409 AlreadyExists), stale updates (409 Conflict) and unknown objects (404)', () => {
    const s = new Store();
    const a = s.create('pods', pod('a'));
    assert.throws(() => s.create('pods', pod('a')), (e: ApiError) => e.code === 409 && e.reason === 'AlreadyExists');
    s.update('pods', { ...a, spec: { x: 1 } });
    assert.throws(() => s.update('pods', { ...a, spec: { x: 2 } }), (e: ApiError) => e.code === 409 && e.reason === 'Conflict');
    assert.throws(() => s.delete('pods', 'default', 'nope'), (e: ApiError) => e.code === 404 && /pods "nope" not found/.test(e.message));
  });

  it('generates names from generateName', () => {
    const s = new Store();
    const o = s.create('pods', { apiVersion: 'v1', kind: 'Pod', metadata: { generateName: 'web-', namespace: 'default' } });
    assert.match(o.metadata.name!, /^web-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
  });

  it('lists sorted by namespace and name, per namespace or across all', () => {
    const s = new Store();
    s.create('pods', { ...pod('b'), metadata: { name: 'b', namespace: 'x' } });
    s.create('pods', pod('c'));
    s.create('pods', pod('a'));
    assert.deepEqual(s.list('pods').items.map((o) => `${o.metadata.namespace}/${o.metadata.name}`), ['default/a', 'default/c', 'x/b']);
    assert.deepEqual(s.list('pods', 'x').items.map((o) => o.metadata.name), ['b']);
  });

  it('replays events after a resourceVersion, then delivers live ones', () => {
    const s = new Store();
    const a = s.create('pods', pod('a'));
    s.update('pods', { ...a, spec: { v: 2 } });
    s.create('services', { apiVersion: 'v1', kind: 'Service', metadata: { name: 's', namespace: 'default' } });
    const seen: string[] = [];
    const stop = s.watch('pods', 1, (e) => seen.push(`${e.type}:${e.object.metadata.name}@${e.rv}`));
    s.delete('pods', 'default', 'a');
    stop();
    s.create('pods', pod('later'));
    assert.deepEqual(seen, ['MODIFIED:a@2', 'DELETED:a@4']);
  });

  it('a watch without resourceVersion starts with the current objects as ADDED', () => {
    const s = new Store();
    s.create('pods', pod('a'));
    s.create('pods', pod('b'));
    const seen: string[] = [];
    s.watch('pods', undefined, (e) => seen.push(`${e.type}:${e.object.metadata.name}`));
    assert.deepEqual(seen, ['ADDED:a', 'ADDED:b']);
  });

  it('expires resourceVersions that fell out of the window (410) and after compact()', () => {
    const s = new Store({ windowSize: 3 });
    for (let i = 0; i < 5; i++) s.create('pods', pod(`p${i}`));
    // Events 3,4,5 are retained: resuming from 2 still works, from 1 does not.
    const seen: number[] = [];
    s.watch('pods', 2, (e) => seen.push(e.rv))();
    assert.deepEqual(seen, [3, 4, 5]);
    assert.throws(() => s.watch('pods', 1, () => {}), (e: ApiError) => e.code === 410 && e.reason === 'Expired');
    s.compact();
    assert.throws(() => s.watch('pods', 4, () => {}), (e: ApiError) => e.code === 410);
    s.watch('pods', 5, () => {})();
  });

  it('compacts history in time as etcd does: a resourceVersion older than the window gets 410, newer ones resume', () => {
    let now = 1_000_000;
    const s = new Store({ windowMs: 5 * 60_000, now: () => now });
    const pod = (name: string) => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'default' } });
    s.create('pods', pod('a')); // rv 1 at t0
    now += 2 * 60_000;
    s.create('pods', pod('b')); // rv 2 at t0+2m
    now += 2 * 60_000;
    s.create('pods', pod('c')); // rv 3 at t0+4m
    const seen: number[] = [];
    s.watch('pods', 0, (e) => seen.push(e.rv))();
    assert.deepEqual(seen, [1, 2, 3], 'all within 5 minutes: a watch from 0 replays them');
    now += 2 * 60_000; // t0+6m: event 1 is older than the window
    assert.throws(() => s.watch('pods', 0, () => {}), (e: ApiError) => e.code === 410 && /too old resource version: 0 \(2\)/.test(e.message));
    const after1: number[] = [];
    s.watch('pods', 1, (e) => after1.push(e.rv))();
    assert.deepEqual(after1, [2, 3], 'resuming from the compacted revision itself still works');
    now += 4 * 60_000; // t0+10m: events 2 and 3 are gone too, with no new write to trigger it
    assert.throws(() => s.watch('pods', 2, () => {}), (e: ApiError) => e.code === 410);
    const fromHead: number[] = [];
    s.watch('pods', 3, (e) => fromHead.push(e.rv))();
    assert.deepEqual(fromHead, [], 'the current resourceVersion is always resumable');
    assert.equal(s.oldestResourceVersion, 3);
  });

  it('compacts in count too, whichever limit comes first', () => {
    const s = new Store({ windowSize: 2, windowMs: 3_600_000 });
    for (const n of ['a', 'b', 'c', 'd']) s.create('configmaps', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: n, namespace: 'default' } });
    assert.throws(() => s.watch('configmaps', 1, () => {}), (e: ApiError) => e.code === 410);
    const seen: number[] = [];
    s.watch('configmaps', 2, (e) => seen.push(e.rv))();
    assert.deepEqual(seen, [3, 4]);
  });

  it('serialises an event once for every watcher', () => {
    const s = new Store();
    const lines: string[] = [];
    s.watch('pods', 0, (e: StoreEvent) => lines.push(eventLine(e)));
    s.watch('pods', 0, (e: StoreEvent) => lines.push(eventLine(e)));
    s.create('pods', pod('a'));
    assert.equal(lines.length, 2);
    assert.equal(lines[0], lines[1]);
    const parsed = JSON.parse(lines[0]);
    assert.equal(parsed.type, 'ADDED');
    assert.equal(parsed.object.metadata.name, 'a');
    assert.ok(lines[0].endsWith('\n') && !lines[0].slice(0, -1).includes('\n'), 'one compact line per event');
  });

  it('a failing listener does not keep an event from the others', () => {
    const s = new Store();
    const seen: string[] = [];
    s.subscribe(() => {
      throw new Error('boom');
    });
    s.subscribe((e) => seen.push(e.object.metadata.name!));
    assert.throws(() => s.create('pods', pod('a')), /boom/, 'without a handler the failure surfaces');
    assert.deepEqual(seen, ['a']);
    assert.ok(s.get('pods', 'default', 'a'), 'the change stands');
    const errors: unknown[] = [];
    s.onListenerError = (e) => errors.push(e);
    s.create('pods', pod('b'));
    assert.deepEqual(seen, ['a', 'b']);
    assert.equal(errors.length, 1);
  });

  it('snapshots and restores objects; restored history is empty, so older versions are expired', () => {
    const s = new Store();
    s.create('pods', pod('a'));
    s.create('pods', pod('b'));
    const t = new Store();
    t.restore(JSON.parse(JSON.stringify(s.snapshot())));
    assert.equal(t.resourceVersion, 2);
    assert.deepEqual(t.list('pods').items.map((o) => o.metadata.name), ['a', 'b']);
    assert.throws(() => t.watch('pods', 1, () => {}), (e: ApiError) => e.code === 410);
    assert.equal(t.create('pods', pod('c')).metadata.resourceVersion, '3');
  });
});

describe('demo selectors', () => {
  const o = pod('web-1', { app: 'web', tier: 'front', 'app.kubernetes.io/name': 'shop' }, { spec: { nodeName: 'n1' }, status: { phase: 'Running' } });
  const cases: [string, boolean][] = [
    ['app=web', true],
    ['app==web', true],
    ['app!=web', false],
    ['app=db', false],
    ['app in (db,web)', true],
    ['app notin (db,web)', false],
    ['tier', true],
    ['!tier', false],
    ['missing', false],
    ['!missing', true],
    ['app=web,tier=front', true],
    ['app=web,tier in (back)', false],
    ['app.kubernetes.io/name=shop', true],
    ['', true],
  ];
  for (const [sel, want] of cases) {
    it(`label selector ${JSON.stringify(sel)} → ${want}`, () => {
      const m = parseLabelSelector(sel);
      assert.equal(m ? m(o) : true, want);
    });
  }

  it('rejects malformed label selectors with a 400', () => {
    assert.throws(() => parseLabelSelector('app in (a'), (e: ApiError) => e.code === 400);
    assert.throws(() => parseLabelSelector('-bad-=x'), (e: ApiError) => e.code === 400);
  });

  it('field selectors: metadata.name, spec.nodeName, status.phase; unknown fields are 400', () => {
    assert.equal(parseFieldSelector('pods', 'metadata.name=web-1')!(o), true);
    assert.equal(parseFieldSelector('pods', 'metadata.name=web-2')!(o), false);
    assert.equal(parseFieldSelector('pods', 'spec.nodeName=n1,status.phase!=Pending')!(o), true);
    assert.throws(() => parseFieldSelector('pods', 'spec.foo=1'), (e: ApiError) => e.code === 400 && /not a known field selector/.test(e.message));
    assert.throws(() => parseFieldSelector('apps/deployments', 'spec.nodeName=n1'), (e: ApiError) => e.code === 400);
  });
});

describe('demo patches', () => {
  const deploy = {
    spec: {
      replicas: 2,
      template: {
        metadata: { labels: { app: 'backend' } },
        spec: {
          containers: [
            { name: 'nginx', image: 'nginx:1.28', ports: [{ containerPort: 80 }] },
            { name: 'sidecar', image: 'busybox' },
          ],
        },
      },
    },
  };

  it('strategic merge (kubectl set image) merges containers by name and keeps the others', () => {
    const patch = { spec: { template: { spec: { '$setElementOrder/containers': [{ name: 'nginx' }, { name: 'sidecar' }], containers: [{ image: 'nginx:1.25', name: 'nginx' }] } } } };
    const out = strategicMergePatch(deploy, patch, 'Deployment') as typeof deploy;
    assert.deepEqual(out.spec.template.spec.containers, [
      { name: 'nginx', image: 'nginx:1.25', ports: [{ containerPort: 80 }] },
      { name: 'sidecar', image: 'busybox' },
    ]);
    assert.equal(deploy.spec.template.spec.containers[0].image, 'nginx:1.28', 'the input is not modified');
  });

  it('strategic merge: $patch delete removes a list item, null removes a field, new items are appended', () => {
    const out = strategicMergePatch(deploy, { spec: { replicas: null, template: { spec: { containers: [{ name: 'sidecar', $patch: 'delete' }, { name: 'extra', image: 'redis' }] } } } }, 'Deployment') as Deployment;
    assert.equal(out.spec?.replicas, undefined);
    assert.deepEqual(out.spec?.template.spec?.containers.map((c) => c.name), ['nginx', 'extra']);
  });

  it('merge patch replaces lists and deletes with null', () => {
    const out = mergePatch(deploy, { spec: { replicas: 3, template: { spec: { containers: [{ name: 'only', image: 'x' }] } } } }) as Deployment;
    assert.equal(out.spec?.replicas, 3);
    assert.deepEqual(out.spec?.template.spec?.containers, [{ name: 'only', image: 'x' }]);
    assert.deepEqual(mergePatch({ a: 1, b: 2 }, { a: null }), { b: 2 });
  });

  it('JSON patch: add, replace, remove, test; a failing op is a 422', () => {
    const out = jsonPatch(deploy, [
      { op: 'replace', path: '/spec/template/spec/containers/0/image', value: 'nginx:1.25' },
      { op: 'add', path: '/spec/template/metadata/labels/tier', value: 'web' },
      { op: 'remove', path: '/spec/template/spec/containers/1' },
      { op: 'test', path: '/spec/replicas', value: 2 },
    ]) as Deployment;
    assert.equal(out.spec?.template.spec?.containers.length, 1);
    assert.equal(out.spec?.template.spec?.containers[0].image, 'nginx:1.25');
    assert.equal(out.spec?.template.metadata?.labels?.tier, 'web');
    assert.throws(() => jsonPatch(deploy, [{ op: 'test', path: '/spec/replicas', value: 9 }]), (e: ApiError) => e.code === 422);
    assert.throws(() => jsonPatch(deploy, [{ op: 'remove', path: '/spec/nope/x' }]), (e: ApiError) => e.code === 422);
    assert.throws(() => jsonPatch(deploy, { op: 'add' }), (e: ApiError) => e.code === 422);
  });

  it('JSON patch test compares values, not their serialisation: key order does not matter, types do', () => {
    const selector = { matchLabels: { app: 'backend' } };
    // kubectl and client libraries serialise maps in their own order.
    const labels = { tier: 'web', app: 'backend' };
    const doc = { spec: { selector, template: { metadata: { labels: { app: 'backend', tier: 'web' } } }, replicas: 2 } };
    assert.doesNotThrow(() => jsonPatch(doc, [{ op: 'test', path: '/spec/template/metadata/labels', value: labels }]));
    assert.doesNotThrow(() => jsonPatch(doc, [{ op: 'test', path: '/spec', value: { replicas: 2, template: { metadata: { labels } }, selector } }]));
    const fails = (value: unknown, path = '/spec/template/metadata/labels') => assert.throws(() => jsonPatch(doc, [{ op: 'test', path, value }]), (e: ApiError) => e.code === 422 && /test failed/.test(e.message), JSON.stringify(value));
    fails({ app: 'backend' });
    fails({ app: 'backend', tier: 'web', extra: 'x' });
    fails({ app: 'backend', tier: 'api' });
    fails('2', '/spec/replicas');
    fails([2], '/spec/replicas');
    fails(null, '/spec/missing');
    fails(undefined, '/spec/template/constructor');
    assert.throws(() => jsonPatch(doc, [{ op: 'test', path: '/spec/replicas' }]), /test needs "value"/);
  });
});

describe('demo IP allocation', () => {
  it('gives node N the Nth /24 of the pod CIDR and rejects bad CIDRs', () => {
    assert.equal(nodePodCidr('10.244.0.0/16', 0), '10.244.0.0/24');
    assert.equal(nodePodCidr('10.244.0.0/16', 3), '10.244.3.0/24');
    assert.throws(() => nodePodCidr('10.244.0.0/25', 0), /too small/);
    assert.throws(() => nodePodCidr('10.244.0.0/23', 2), /room for 2 nodes/);
    assert.throws(() => nodePodCidr('10.300.0.0/16', 0), /invalid IPv4 CIDR/);
  });

  it('sequential (host-local) does not hand a freed IP out again before the range wraps', () => {
    const ipam = new NodeIpam('10.244.1.0/24', 'sequential');
    const a = ipam.allocate();
    const b = ipam.allocate();
    assert.deepEqual([a, b], ['10.244.1.2', '10.244.1.3']);
    ipam.release(a!);
    assert.equal(ipam.allocate(), '10.244.1.4');
  });

  it('reuse-first hands the most recently freed IP out first', () => {
    const ipam = new NodeIpam('10.244.1.0/24', 'reuse-first');
    const a = ipam.allocate();
    ipam.allocate();
    ipam.release(a!);
    assert.equal(ipam.allocate(), a);
  });

  it('runs out after .2-.254 and wraps to freed addresses', () => {
    const ipam = new NodeIpam('10.244.1.0/24', 'sequential');
    const got: string[] = [];
    for (let ip = ipam.allocate(); ip; ip = ipam.allocate()) got.push(ip);
    assert.equal(got.length, 253);
    assert.equal(got[got.length - 1], '10.244.1.254');
    ipam.release('10.244.1.7');
    assert.equal(ipam.allocate(), '10.244.1.7');
  });

  it('ClusterIPs come from 10.96.0.0/12 and are never handed out twice', () => {
    const s = new ServiceIpam();
    const seen = new Set<string>();
    for (let i = 0; i < 500; i++) {
      const ip = s.allocate();
      assert.ok(!seen.has(ip));
      seen.add(ip);
      const [a, b] = ip.split('.').map(Number);
      assert.ok(a === 10 && b >= 96 && b <= 111, ip);
    }
    assert.equal(s.reserve('10.96.0.1'), true);
    assert.equal(s.reserve('10.96.0.1'), false);
  });
});

describe('demo printing and negotiation', () => {
  it('formats ages like kubectl (HumanDuration)', () => {
    assert.equal(humanDuration(5_000), '5s');
    assert.equal(humanDuration(119_000), '119s');
    assert.equal(humanDuration(125_000), '2m5s');
    assert.equal(humanDuration(600_000), '10m');
    assert.equal(humanDuration(3 * 3600_000 + 60_000), '3h1m');
    assert.equal(humanDuration(50 * 3600_000), '2d2h');
    assert.equal(humanDuration(340), '0s', 'kubectl rounds short spans down to 0s');
    assert.equal(humanDuration(340, { subsecond: true }), '340ms', 'the timeline shows sub-second tenures');
    assert.equal(humanDuration(1_500, { subsecond: true }), '1s');
  });

  it('derives the STATUS column from container states and deletion', () => {
    const base = { metadata: { name: 'p' }, spec: { containers: [{ name: 'c' }] } };
    assert.equal(podStatusReason({ ...base, status: { phase: 'Pending', containerStatuses: [{ state: { waiting: { reason: 'ContainerCreating' } } }] } }).reason, 'ContainerCreating');
    const running = podStatusReason({ ...base, status: { phase: 'Running', containerStatuses: [{ ready: true, state: { running: {} } }] } });
    assert.deepEqual([running.reason, running.ready, running.total], ['Running', 1, 1]);
    assert.equal(podStatusReason({ ...base, metadata: { name: 'p', deletionTimestamp: 'x' }, status: { phase: 'Running' } }).reason, 'Terminating');
  });

  it('negotiates Table, PartialObjectMetadata and JSON from kubectl Accept headers', () => {
    assert.deepEqual(negotiate('application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json'), { kind: 'table', version: 'v1', include: 'Metadata' });
    assert.deepEqual(negotiate('application/json, */*'), { kind: 'json' });
    assert.deepEqual(negotiate('application/vnd.kubernetes.protobuf,application/json'), { kind: 'json' });
    assert.equal(negotiate('application/vnd.kubernetes.protobuf'), undefined);
    assert.equal(negotiate('application/json;as=PartialObjectMetadataList;v=v1;g=meta.k8s.io')?.kind, 'partial');
  });

  it('parses --fault schedules and explains bad ones', () => {
    assert.deepEqual(parseFaultSchedule('cut-watches@30'), { kind: 'cut-watches', count: 1, everySeconds: 30 });
    assert.deepEqual(parseFaultSchedule('error500:3@45s'), { kind: 'error500', count: 3, everySeconds: 45 });
    assert.throws(() => parseFaultSchedule('explode@3'), /unknown kind 'explode'/);
    assert.throws(() => parseFaultSchedule('cut-watches'), /expected KIND/);
  });
});
