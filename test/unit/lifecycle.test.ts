import * as assert from 'node:assert/strict';
import type { LifecycleEvent } from '../../src/core/events';
import { LIFECYCLE_EVENT_TYPES } from '../../src/core/events';
import { LifecycleModel, ModelInputError, type PodObject } from '../../src/core/lifecycle';

// Hand-written Pod objects, shaped like the API server's. Each helper returns a new object so a
// sequence reads like the watch stream it imitates.
const T0 = Date.parse('2026-01-01T10:00:00Z');
const at = (s: number): string => new Date(T0 + s * 1000).toISOString();
const arrival = (s: number): Date => new Date(T0 + s * 1000);

interface PodSpec {
  uid: string;
  name?: string;
  ns?: string;
  rv?: string;
  node?: string;
  ip?: string;
  ips?: string[];
  phase?: string;
  ready?: boolean | undefined;
  readyAt?: number;
  deleting?: { at: number; grace: number };
  hostNetwork?: boolean;
  labels?: Record<string, string>;
  sandboxAt?: number;
  hostIP?: string;
}

let rvCounter = 100;
function pod(p: PodSpec): PodObject {
  const conditions: NonNullable<PodObject['status']>['conditions'] = [];
  if (p.node) conditions.push({ type: 'PodScheduled', status: 'True', lastTransitionTime: at(1) });
  if (p.sandboxAt !== undefined) conditions.push({ type: 'PodReadyToStartContainers', status: 'True', lastTransitionTime: at(p.sandboxAt) });
  if (p.ready !== undefined) conditions.push({ type: 'Ready', status: p.ready ? 'True' : 'False', lastTransitionTime: at(p.readyAt ?? 5) });
  const ips = p.ips ?? (p.ip ? [p.ip] : []);
  return {
    kind: 'Pod',
    metadata: {
      uid: p.uid,
      name: p.name ?? `web-${p.uid}`,
      namespace: p.ns ?? 'default',
      resourceVersion: p.rv ?? String(++rvCounter),
      creationTimestamp: at(0),
      labels: p.labels ?? { app: 'web', 'pod-template-hash': '5d9c7' },
      ownerReferences: [{ kind: 'ReplicaSet', name: 'web-5d9c7', controller: true }],
      ...(p.deleting ? { deletionTimestamp: at(p.deleting.at + p.deleting.grace), deletionGracePeriodSeconds: p.deleting.grace } : {}),
    },
    spec: { nodeName: p.node, hostNetwork: p.hostNetwork },
    status: {
      phase: p.phase ?? (p.node ? 'Running' : 'Pending'),
      podIP: ips[0],
      podIPs: ips.length ? ips.map((ip) => ({ ip })) : undefined,
      hostIP: p.hostIP,
      conditions,
    },
  };
}

const types = (evs: LifecycleEvent[]): string[] => evs.map((e) => e.type);

/** Walk one Pod from creation to Ready: ADDED (pending), scheduled, IP, ready. */
function startPod(m: LifecycleModel, uid: string, ip: string, extra: Partial<PodSpec> = {}): LifecycleEvent[] {
  const out: LifecycleEvent[] = [];
  out.push(...m.applyPod('ADDED', pod({ uid, ...extra }), arrival(0.1)));
  out.push(...m.applyPod('MODIFIED', pod({ uid, node: 'node-a', ...extra }), arrival(1.1)));
  out.push(...m.applyPod('MODIFIED', pod({ uid, node: 'node-a', ip, sandboxAt: 2, ready: false, ...extra }), arrival(2.1)));
  out.push(...m.applyPod('MODIFIED', pod({ uid, node: 'node-a', ip, sandboxAt: 2, ready: true, ...extra }), arrival(5.1)));
  return out;
}

describe('lifecycle model', () => {
  it('tells a Pod life from creation to Ready with times from the object', () => {
    const m = new LifecycleModel();
    const evs = startPod(m, 'u1', '10.0.0.5');
    assert.deepEqual(types(evs), ['created', 'scheduled', 'ip-assigned', 'ready']);
    const [created, scheduled, assigned, ready] = evs;
    assert.equal(created.time, at(0));
    assert.equal(created.timeSource, 'object');
    assert.equal(scheduled.node, 'node-a');
    assert.equal(scheduled.time, at(1));
    assert.equal(assigned.ip, '10.0.0.5');
    assert.equal(assigned.time, at(2), 'IP time is the sandbox (PodReadyToStartContainers) transition');
    assert.equal(ready.time, at(5));
    for (const e of evs) {
      assert.equal(e.uid, 'u1');
      assert.equal(e.pod, 'default/web-u1');
      assert.deepEqual(e.owner, { kind: 'Deployment', name: 'web' });
      assert.equal(e.revision, '5d9c7');
    }
    assert.deepEqual(
      evs.map((e) => e.seq),
      [1, 2, 3, 4],
    );
  });

  it('uses the arrival time, and says so, when the object has no timestamp for a change', () => {
    const m = new LifecycleModel();
    m.applyPod('ADDED', pod({ uid: 'u1', node: 'node-a' }), arrival(1));
    const [assigned] = m.applyPod('MODIFIED', pod({ uid: 'u1', node: 'node-a', ip: '10.0.0.5' }), arrival(7));
    assert.equal(assigned.type, 'ip-assigned');
    assert.equal(assigned.time, at(7));
    assert.equal(assigned.timeSource, 'arrival');
  });

  it('emits unready only when a ready Pod loses readiness', () => {
    const m = new LifecycleModel();
    const first = m.applyPod('ADDED', pod({ uid: 'u1', node: 'n', ip: '10.0.0.1', ready: false }), arrival(1));
    assert.ok(!types(first).includes('unready'), 'a never-ready Pod is not "unready"');
    assert.deepEqual(types(m.applyPod('MODIFIED', pod({ uid: 'u1', node: 'n', ip: '10.0.0.1', ready: true, readyAt: 6 }), arrival(6))), ['ready']);
    const un = m.applyPod('MODIFIED', pod({ uid: 'u1', node: 'n', ip: '10.0.0.1', ready: false, readyAt: 9 }), arrival(9.5));
    assert.deepEqual(types(un), ['unready']);
    assert.equal(un[0].time, at(9));
    assert.deepEqual(types(m.applyPod('MODIFIED', pod({ uid: 'u1', node: 'n', ip: '10.0.0.1', ready: true, readyAt: 12 }), arrival(12))), ['ready']);
  });

  it('keeps the IP of a terminating Pod until it is deleted, then releases it', () => {
    const m = new LifecycleModel();
    startPod(m, 'u1', '10.0.0.5');
    const term = m.applyPod('MODIFIED', pod({ uid: 'u1', node: 'node-a', ip: '10.0.0.5', ready: false, readyAt: 21, deleting: { at: 20, grace: 30 } }), arrival(21));
    assert.deepEqual(types(term), ['unready', 'terminating']);
    assert.equal(term[1].time, at(20), 'deletion requested = deletionTimestamp - grace period');
    assert.equal(term[1].timeSource, 'object');
    assert.deepEqual(m.pod('u1')!.ips, ['10.0.0.5']);
    assert.equal(m.pod('u1')!.terminating, true);
    assert.equal(m.podByIp('10.0.0.5')?.uid, 'u1');
    const del = m.applyPod('DELETED', pod({ uid: 'u1', node: 'node-a', ip: '10.0.0.5', ready: false, readyAt: 21, deleting: { at: 20, grace: 30 } }), arrival(25));
    assert.deepEqual(types(del), ['ip-released', 'deleted']);
    assert.equal(del[0].ip, '10.0.0.5');
    assert.equal(del[1].time, at(25));
    assert.equal(del[1].timeSource, 'arrival');
    assert.equal(del[1].seenOnRelist, undefined);
    assert.equal(m.pod('u1')!.deleted, true);
    assert.equal(m.podByIp('10.0.0.5'), undefined);
  });

  it('records the changes carried only by the final DELETED object', () => {
    const m = new LifecycleModel();
    startPod(m, 'u1', '10.0.0.5');
    // Missed the MODIFIED with deletionTimestamp: the DELETED object still shows it.
    const del = m.applyPod('DELETED', pod({ uid: 'u1', node: 'node-a', ip: '10.0.0.5', ready: true, deleting: { at: 30, grace: 0 } }), arrival(31));
    assert.deepEqual(types(del), ['terminating', 'ip-released', 'deleted']);
  });

  it('treats a Pod recreated under the same name as a new life', () => {
    const m = new LifecycleModel();
    startPod(m, 'u1', '10.0.0.5', { name: 'db-0' });
    m.applyPod('DELETED', pod({ uid: 'u1', name: 'db-0', node: 'node-a', ip: '10.0.0.5', deleting: { at: 10, grace: 0 } }), arrival(11));
    const second = startPod(m, 'u2', '10.0.0.9', { name: 'db-0' });
    assert.equal(second[0].type, 'created');
    assert.equal(second[0].uid, 'u2');
    const lives = new Set(m.historyOf('default/db-0').map((e) => e.uid));
    assert.deepEqual([...lives], ['u1', 'u2']);
    assert.ok(m.historyOf('u2').every((e) => e.uid === 'u2'));
  });

  it('reports ip-reused when a new UID gets an IP released by an earlier Pod', () => {
    const m = new LifecycleModel();
    startPod(m, 'u1', '10.0.0.5');
    m.applyPod('DELETED', pod({ uid: 'u1', node: 'node-a', ip: '10.0.0.5', deleting: { at: 10, grace: 0 } }), arrival(11));
    const evs = startPod(m, 'u2', '10.0.0.5');
    const reused = evs.find((e) => e.type === 'ip-reused')!;
    assert.ok(reused);
    assert.equal(reused.uid, 'u2');
    assert.equal(reused.ip, '10.0.0.5');
    assert.equal(reused.previousUid, 'u1');
    assert.equal(reused.previousPod, 'default/web-u1');
    assert.equal(reused.overlap, false);
    const holders = m.holdersOf('10.0.0.5');
    assert.deepEqual(
      holders.map((h) => [h.uid, h.to !== undefined]),
      [
        ['u1', true],
        ['u2', false],
      ],
    );
  });

  it('shows an IP reused while the old holder is still terminating as overlap', () => {
    const m = new LifecycleModel();
    startPod(m, 'u1', '10.0.0.5');
    m.applyPod('MODIFIED', pod({ uid: 'u1', node: 'node-a', ip: '10.0.0.5', deleting: { at: 10, grace: 30 } }), arrival(10));
    const evs = startPod(m, 'u2', '10.0.0.5');
    const reused = evs.find((e) => e.type === 'ip-reused')!;
    assert.equal(reused.overlap, true);
    assert.equal(reused.previousUid, 'u1');
    // Both hold it at once; the old one's tenure records who overlapped it.
    const both = m.holdersAt('10.0.0.5', arrival(6));
    assert.deepEqual(both.map((h) => h.uid).sort(), ['u1', 'u2']);
    assert.equal(m.holdersOf('10.0.0.5')[0].overlappedBy, 'u2');
    assert.deepEqual(m.pod('u1')!.ips, ['10.0.0.5'], 'the terminating Pod still holds it');
    // The old holder's deletion releases only its own tenure.
    m.applyPod('DELETED', pod({ uid: 'u1', node: 'node-a', ip: '10.0.0.5', deleting: { at: 10, grace: 30 } }), arrival(40));
    assert.equal(m.podByIp('10.0.0.5')?.uid, 'u2');
  });

  it('does not call a shared node IP reuse for hostNetwork Pods', () => {
    const m = new LifecycleModel();
    const a = m.applyPod('ADDED', pod({ uid: 'h1', node: 'node-a', ip: '192.168.1.10', hostNetwork: true, hostIP: '192.168.1.10' }), arrival(1));
    const b = m.applyPod('ADDED', pod({ uid: 'h2', node: 'node-a', ip: '192.168.1.10', hostNetwork: true, hostIP: '192.168.1.10' }), arrival(2));
    const all = [...a, ...b];
    assert.ok(!types(all).includes('ip-reused'));
    const assigned = all.filter((e) => e.type === 'ip-assigned');
    assert.equal(assigned.length, 2);
    assert.ok(assigned.every((e) => e.hostNetwork === true));
    assert.equal(m.podByIp('192.168.1.10'), undefined, 'a node IP is not a Pod IP');
    assert.equal(m.holdersAt('192.168.1.10', arrival(3)).length, 2);
    // A later (non-hostNetwork) Pod IP is not compared with hostNetwork holders either.
    const c = startPod(m, 'p3', '192.168.1.10');
    assert.ok(!types(c).includes('ip-reused'));
  });

  it('does not treat the terminal-phase update with an empty podIP as a release (Kubernetes 1.27–1.30)', () => {
    const m = new LifecycleModel();
    startPod(m, 'j1', '10.0.0.7');
    const blank = m.applyPod('MODIFIED', pod({ uid: 'j1', node: 'node-a', phase: 'Succeeded', ready: false, readyAt: 30 }), arrival(30));
    assert.deepEqual(types(blank), ['unready']);
    assert.deepEqual(m.pod('j1')!.ips, ['10.0.0.7']);
    // The next status names the IP again: nothing happened to it.
    assert.deepEqual(types(m.applyPod('MODIFIED', pod({ uid: 'j1', node: 'node-a', ip: '10.0.0.7', phase: 'Succeeded', ready: false, readyAt: 30 }), arrival(31))), []);
    assert.deepEqual(types(m.applyPod('DELETED', pod({ uid: 'j1', node: 'node-a', phase: 'Succeeded', ready: false, readyAt: 30 }), arrival(40))), ['ip-released', 'deleted']);
  });

  it('releases the IP of a finished Pod when a new Pod is given it (not overlap)', () => {
    const m = new LifecycleModel();
    startPod(m, 'j1', '10.0.0.7');
    m.applyPod('MODIFIED', pod({ uid: 'j1', node: 'node-a', ip: '10.0.0.7', phase: 'Succeeded', ready: false, readyAt: 30 }), arrival(30));
    const evs = startPod(m, 'u2', '10.0.0.7');
    const released = evs.find((e) => e.type === 'ip-released')!;
    assert.equal(released.uid, 'j1');
    assert.match(released.reason!, /finished/);
    const reused = evs.find((e) => e.type === 'ip-reused')!;
    assert.equal(reused.overlap, false);
  });

  it('assigns each address of a dual-stack Pod', () => {
    const m = new LifecycleModel();
    const evs = m.applyPod('ADDED', pod({ uid: 'd1', node: 'n', ips: ['10.0.0.8', 'fd00::8'] }), arrival(1));
    assert.deepEqual(
      evs.filter((e) => e.type === 'ip-assigned').map((e) => e.ip),
      ['10.0.0.8', 'fd00::8'],
    );
    assert.deepEqual(m.pod('d1')!.ips, ['10.0.0.8', 'fd00::8']);
    const del = m.applyPod('DELETED', pod({ uid: 'd1', node: 'n', ips: ['10.0.0.8', 'fd00::8'] }), arrival(2));
    assert.deepEqual(types(del), ['ip-released', 'ip-released', 'deleted']);
  });

  it('releases and assigns when the status names a different address', () => {
    const m = new LifecycleModel();
    startPod(m, 'u1', '10.0.0.5');
    const evs = m.applyPod('MODIFIED', pod({ uid: 'u1', node: 'node-a', ip: '10.0.0.6', ready: true }), arrival(9));
    assert.deepEqual(types(evs), ['ip-released', 'ip-assigned']);
  });

  it('ignores duplicates and late updates for a deleted Pod', () => {
    const m = new LifecycleModel();
    const p = pod({ uid: 'u1', node: 'n', ip: '10.0.0.1', rv: '7' });
    assert.ok(m.applyPod('ADDED', p, arrival(1)).length > 0);
    assert.deepEqual(m.applyPod('MODIFIED', p, arrival(2)), [], 'same resourceVersion again');
    assert.deepEqual(m.applyPod('MODIFIED', { ...p, metadata: { ...p.metadata, resourceVersion: '8' } }, arrival(2)), [], 'nothing changed');
    m.applyPod('DELETED', pod({ uid: 'u1', node: 'n', ip: '10.0.0.1' }), arrival(3));
    assert.deepEqual(m.applyPod('MODIFIED', pod({ uid: 'u1', node: 'n', ip: '10.0.0.1', ready: true }), arrival(4)), []);
    assert.deepEqual(m.applyPod('DELETED', pod({ uid: 'u1', node: 'n', ip: '10.0.0.1' }), arrival(5)), []);
  });

  it('marks deletions found by a relist as seenOnRelist and applies what changed', () => {
    const m = new LifecycleModel();
    startPod(m, 'u1', '10.0.0.1');
    startPod(m, 'u2', '10.0.0.2');
    const before = m.lastSeq();
    const evs = m.replacePods(
      [pod({ uid: 'u2', node: 'node-a', ip: '10.0.0.2', sandboxAt: 2, ready: false, readyAt: 40 }), pod({ uid: 'u3', node: 'node-b', ip: '10.0.0.1', sandboxAt: 41 })],
      arrival(50),
    );
    assert.ok(evs.every((e) => e.seq > before));
    const gone = evs.filter((e) => e.uid === 'u1');
    assert.deepEqual(types(gone), ['ip-released', 'deleted']);
    assert.ok(gone.every((e) => e.seenOnRelist === true));
    assert.deepEqual(types(evs.filter((e) => e.uid === 'u2')), ['unready']);
    const u3 = evs.filter((e) => e.uid === 'u3');
    assert.deepEqual(types(u3), ['created', 'scheduled', 'ip-assigned', 'ip-reused']);
    assert.equal(u3[3].previousUid, 'u1');
    assert.equal(u3[3].overlap, false);
    assert.equal(m.holdersOf('10.0.0.1')[0].endSeenOnRelist, true);
    // The same list again changes nothing.
    assert.deepEqual(m.replacePods([pod({ uid: 'u2', node: 'node-a', ip: '10.0.0.2', sandboxAt: 2, ready: false, readyAt: 40 })].map((p) => p), arrival(51)).filter((e) => e.uid === 'u2'), []);
  });

  it('records a gap with its interval', () => {
    const m = new LifecycleModel();
    const g = m.gap(arrival(10), arrival(25), 'connection reset');
    assert.equal(g.type, 'gap');
    assert.equal(g.from, at(10));
    assert.equal(g.to, at(25));
    assert.equal(g.time, at(10));
    assert.equal(g.reason, 'connection reset');
    assert.equal(g.uid, undefined);
    assert.deepEqual(m.allEvents(), [g]);
  });

  it('announces endpoints of Services that select watched Pods, and their removal', () => {
    const m = new LifecycleModel();
    const svc = {
      metadata: { name: 'web', namespace: 'default' },
      spec: { selector: { app: 'web' }, clusterIP: '10.96.0.10', ports: [{ port: 80, targetPort: 8080, protocol: 'TCP' }] },
    };
    const other = { metadata: { name: 'db', namespace: 'default' }, spec: { selector: { app: 'db' }, clusterIP: '10.96.0.11' } };
    const slice = (ips: { ip: string; uid: string; ready?: boolean }[]) => ({
      metadata: { name: 'web-abc', namespace: 'default', labels: { 'kubernetes.io/service-name': 'web' } },
      addressType: 'IPv4',
      endpoints: ips.map((e) => ({ addresses: [e.ip], conditions: { ready: e.ready ?? true }, targetRef: { kind: 'Pod', name: `web-${e.uid}`, namespace: 'default', uid: e.uid } })),
    });
    assert.deepEqual(m.applyService('ADDED', svc, arrival(0)), []);
    m.applyService('ADDED', other, arrival(0));
    // Before any Pod is known, the Service is not in scope: no events, not in the snapshot.
    assert.deepEqual(m.applyEndpointSlice('ADDED', slice([{ ip: '10.0.0.1', uid: 'u1' }]), arrival(1)), []);
    assert.deepEqual(m.serviceSummaries(), []);
    const evs = startPod(m, 'u1', '10.0.0.1');
    const added = evs.filter((e) => e.type === 'endpoint-added');
    assert.equal(added.length, 1);
    assert.equal(added[0].service, 'default/web');
    assert.equal(added[0].ip, '10.0.0.1');
    assert.equal(added[0].uid, 'u1');
    assert.deepEqual(
      m.serviceSummaries().map((s) => [s.name, s.clusterIPs, s.endpoints]),
      [['web', ['10.96.0.10'], ['10.0.0.1']]],
    );
    startPod(m, 'u2', '10.0.0.2');
    const change = m.applyEndpointSlice(
      'MODIFIED',
      slice([
        { ip: '10.0.0.1', uid: 'u1', ready: false },
        { ip: '10.0.0.2', uid: 'u2' },
      ]),
      arrival(20),
    );
    assert.deepEqual(
      change.map((e) => [e.type, e.ip, e.uid]),
      [
        ['endpoint-removed', '10.0.0.1', 'u1'],
        ['endpoint-added', '10.0.0.2', 'u2'],
      ],
    );
    assert.deepEqual(m.applyEndpointSlice('MODIFIED', slice([{ ip: '10.0.0.2', uid: 'u2' }]), arrival(21)), [], 'no change, no event');
    assert.deepEqual(m.servicesSelecting({ namespace: 'default', labels: { app: 'web' } }).map((s) => s.name), ['web']);
    // Slices gone while disconnected: the relist removes their endpoints, marked as such.
    const relist = m.replaceEndpointSlices([], arrival(30));
    assert.deepEqual(
      relist.map((e) => [e.type, e.ip, e.seenOnRelist]),
      [['endpoint-removed', '10.0.0.2', true]],
    );
    // A deleted Service announces nothing more and leaves the snapshot.
    m.applyEndpointSlice('ADDED', slice([{ ip: '10.0.0.2', uid: 'u2' }]), arrival(31));
    const svcGone = m.applyService('DELETED', svc, arrival(32));
    assert.deepEqual(types(svcGone), ['endpoint-removed']);
    assert.deepEqual(m.serviceSummaries(), []);
  });

  it('bounds its history: events, deleted Pods and tenures', () => {
    const m = new LifecycleModel({ maxEvents: 40, maxDeletedPods: 3, maxTenures: 10 });
    for (let i = 0; i < 30; i++) {
      startPod(m, `u${i}`, `10.0.1.${i % 5}`);
      m.applyPod('DELETED', pod({ uid: `u${i}`, node: 'node-a', ip: `10.0.1.${i % 5}` }), arrival(8));
    }
    assert.ok(m.allEvents().length <= 50, `kept ${m.allEvents().length} events`);
    assert.equal(m.allEvents().at(-1)!.seq, m.lastSeq(), 'the newest are kept');
    assert.equal(m.podSummaries().length, 3);
    const tenures = ['0', '1', '2', '3', '4'].flatMap((x) => m.holdersOf(`10.0.1.${x}`));
    assert.ok(tenures.length <= 10, `kept ${tenures.length} tenures`);
    // A late update for a Pod whose summary was dropped still cannot bring it back.
    assert.deepEqual(m.applyPod('MODIFIED', pod({ uid: 'u0', node: 'node-a', ip: '10.0.1.0' }), arrival(9)), []);
  });

  it('never drops what live Pods did, however small the history budget', () => {
    const m = new LifecycleModel({ maxEvents: 10, maxDeletedPods: 5 });
    for (let i = 0; i < 50; i++) startPod(m, `live${i}`, `10.0.2.${i}`);
    assert.equal(m.allEvents().length, 200, 'four events per running Pod, all kept');
    for (let i = 0; i < 40; i++) m.applyPod('DELETED', pod({ uid: `live${i}`, node: 'node-a', ip: `10.0.2.${i}` }), arrival(30 + i));
    const kept = m.allEvents();
    const stillLive = kept.filter((e) => Number(e.uid!.slice(4)) >= 40);
    assert.equal(stillLive.length, 40, 'the ten running Pods keep their whole story');
    const gone = kept.filter((e) => Number(e.uid!.slice(4)) < 40);
    assert.ok(gone.length <= 10, `at most the budget of gone Pods' events: ${gone.length}`);
    // What is kept of the gone is the most recent: the last Pods deleted.
    assert.ok(gone.every((e) => Number(e.uid!.slice(4)) >= 37), `kept gone: ${[...new Set(gone.map((e) => e.uid))].join(', ')}`);
    assert.deepEqual(kept.map((e) => e.seq), [...kept.map((e) => e.seq)].sort((a, b) => a - b), 'still in seq order');
    const st = m.stats();
    assert.equal(st.livePods, 10);
    assert.ok(st.historyEvents <= 10);
  });

  it('compacts its history a slice per event, keeping the same events as compacting at once', () => {
    // Enough churn that compaction passes start (over 1,024 dropped events) and run while Pods
    // keep coming and going; `eager` compacts fully after every step, as readers make it do.
    const lazy = new LifecycleModel({ maxEvents: 1500, maxDeletedPods: 400 });
    const eager = new LifecycleModel({ maxEvents: 1500, maxDeletedPods: 400 });
    for (let i = 0; i < 3000; i++) {
      for (const m of [lazy, eager]) {
        startPod(m, `c${i}`, `10.1.${(i >> 8) & 255}.${i & 255}`);
        if (i >= 20) m.applyPod('DELETED', pod({ uid: `c${i - 20}`, node: 'node-a', ip: `10.1.${((i - 20) >> 8) & 255}.${(i - 20) & 255}` }), arrival(10 + i));
      }
      eager.allEvents();
      if (i % 97 === 0) {
        const st = lazy.stats();
        assert.equal(st.events, lazy.allEvents().length, `stats count the events a reader gets (step ${i})`);
      }
    }
    const a = lazy.allEvents();
    assert.deepEqual(a.map((e) => e.seq), eager.allEvents().map((e) => e.seq));
    assert.deepEqual(a.map((e) => e.seq), [...a.map((e) => e.seq)].sort((x, y) => x - y), 'in seq order');
    const live = a.filter((e) => Number(e.uid!.slice(1)) >= 2980);
    assert.equal(live.length, 80, 'the twenty running Pods keep their whole story');
  });

  it('drops the history of Pods gone for longer than maxAgeMs, and their tenures with it', () => {
    const m = new LifecycleModel({ maxAgeMs: 60_000 });
    startPod(m, 'old', '10.0.3.1');
    m.applyPod('DELETED', pod({ uid: 'old', node: 'node-a', ip: '10.0.3.1' }), arrival(10));
    startPod(m, 'next', '10.0.3.1');
    assert.deepEqual(m.holdersOf('10.0.3.1').map((t) => t.uid), ['old', 'next']);
    assert.ok(m.historyOf('old').length > 0);
    // A minute and more later, the gone Pod's story is dropped; the running one's is not.
    m.applyPod('MODIFIED', pod({ uid: 'next', node: 'node-a', ip: '10.0.3.1', sandboxAt: 2, ready: false, readyAt: 80 }), arrival(80));
    assert.deepEqual(m.historyOf('old'), []);
    assert.deepEqual(m.holdersOf('10.0.3.1').map((t) => t.uid), ['next']);
    assert.deepEqual(types(m.historyOf('next')), ['created', 'scheduled', 'ip-assigned', 'ip-reused', 'ready', 'unready']);
    // The tombstone outlives the history: a late update still cannot bring the Pod back.
    assert.deepEqual(m.applyPod('MODIFIED', pod({ uid: 'old', node: 'node-a', ip: '10.0.3.1' }), arrival(81)), []);
  });

  it('counts an address once per Service even when two slices name it', () => {
    const m = new LifecycleModel();
    m.applyService('ADDED', { metadata: { name: 'web', namespace: 'default' }, spec: { selector: { app: 'web' }, clusterIP: '10.96.0.10' } }, arrival(0));
    startPod(m, 'u1', '10.0.0.1');
    const slice = (name: string, ips: string[]) => ({
      metadata: { name, namespace: 'default', labels: { 'kubernetes.io/service-name': 'web' } },
      endpoints: ips.map((ip) => ({ addresses: [ip], conditions: { ready: true }, targetRef: { kind: 'Pod', name: 'web-u1', namespace: 'default', uid: 'u1' } })),
    });
    assert.deepEqual(types(m.applyEndpointSlice('ADDED', slice('a', ['10.0.0.1']), arrival(1))), ['endpoint-added']);
    assert.deepEqual(m.applyEndpointSlice('ADDED', slice('b', ['10.0.0.1']), arrival(2)), [], 'already an endpoint through slice a');
    assert.deepEqual(m.applyEndpointSlice('MODIFIED', slice('a', []), arrival(3)), [], 'still named by slice b');
    assert.deepEqual(m.serviceSummaries()[0].endpoints, ['10.0.0.1']);
    assert.deepEqual(types(m.applyEndpointSlice('DELETED', slice('b', []), arrival(4))), ['endpoint-removed']);
    assert.deepEqual(m.serviceSummaries()[0].endpoints, []);
  });

  it('produces a TimelineSnapshot of the present', () => {
    const m = new LifecycleModel();
    startPod(m, 'u1', '10.0.0.5');
    const snap = m.snapshot({ context: 'kind', namespace: 'default', labelSelector: 'app=web' }, 'live');
    assert.equal(snap.connection, 'live');
    assert.equal(snap.connectionMessage, undefined);
    assert.equal(snap.events.length, 4);
    assert.deepEqual(
      snap.pods.map((p) => [p.uid, p.ips, p.ready, p.node, p.deleted]),
      [['u1', ['10.0.0.5'], true, 'node-a', false]],
    );
    // The snapshot is a copy: changing it does not change the model.
    snap.pods[0].ips.push('x');
    assert.deepEqual(m.pod('u1')!.ips, ['10.0.0.5']);
  });

  it('rejects objects it cannot key, with the reason', () => {
    const m = new LifecycleModel();
    assert.throws(() => m.applyPod('ADDED', { metadata: { name: 'x', namespace: 'd' } }, arrival(0)), ModelInputError);
    assert.throws(() => m.applyPod('ADDED', { metadata: { uid: 'u' } }, arrival(0)), /no metadata.name/);
  });

  it('covers every event type of the shared vocabulary', () => {
    // Guard: if the vocabulary grows, this file must grow with it.
    assert.deepEqual(
      [...LIFECYCLE_EVENT_TYPES].sort(),
      ['created', 'deleted', 'endpoint-added', 'endpoint-removed', 'gap', 'ip-assigned', 'ip-released', 'ip-reused', 'ready', 'scheduled', 'terminating', 'unready'].sort(),
    );
  });
});
