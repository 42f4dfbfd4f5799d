// The webview's data model (pure, runs in node): events folded into segments, markers, links,
// gaps and lanes.
import * as assert from 'node:assert/strict';
import { TimelineModel, compareIp } from '../../webview/model';
import { EventWriter, pod, rolloutScenario } from './synthetic';

const T = Date.parse('2026-01-01T00:00:00Z');

describe('timeline model', () => {
  it('turns a rollout into segments, markers, a reuse link and Service changes', () => {
    const sc = rolloutScenario(T);
    const m = TimelineModel.fromSnapshot(sc.snapshot);
    m.applySummaries(sc.finalPods, [sc.finalService]);
    m.apply(sc.rollout);
    const segs = [...m.pods.values()].flatMap((l) => l.segments.map((s) => `${l.uid} ${s.ip} ${s.end === undefined ? 'open' : 'closed'}`)).sort();
    assert.deepEqual(segs, ['new-1 10.244.0.21 open', 'new-2 10.244.0.22 open', 'new-3 10.244.0.11 open', 'old-1 10.244.0.11 closed', 'old-2 10.244.0.12 closed', 'old-3 10.244.0.13 closed']);
    const old1 = m.pods.get('old-1')!;
    assert.deepEqual(old1.markers.map((x) => x.type), ['created', 'ready', 'terminating', 'unready', 'deleted']);
    assert.equal(old1.segments[0].end, T + 10_000 + 2600);
    assert.deepEqual(m.links.map((l) => `${l.ip} ${l.fromUid}→${l.toUid}`), ['10.244.0.11 old-1→new-3']);
    const svc = m.services.get('demo/web')!;
    assert.equal(svc.changes.filter((c) => c.added).length, 6);
    assert.equal(svc.changes.filter((c) => !c.added).length, 3);
    assert.deepEqual(m.counts(), { pods: 6, running: 3, ips: 5, reusedIps: 1, events: 46, gaps: 0, services: 1 });
  });

  it('skips events it has already seen (a batch racing a snapshot)', () => {
    const sc = rolloutScenario(T);
    const m = TimelineModel.fromSnapshot(sc.snapshot);
    assert.equal(m.apply(sc.snapshot.events), 0);
    assert.equal(m.apply(sc.rollout.slice(0, 3)), 3);
    assert.equal(m.apply(sc.rollout.slice(0, 5)), 2);
    assert.equal(m.events.length, sc.snapshot.events.length + 5);
  });

  it('closes every open segment when a Pod is deleted without an ip-released, and keeps gaps', () => {
    const w = new EventWriter();
    w.add({ type: 'ip-assigned', t: T, uid: 'a', pod: 'ns/a', ip: '10.0.0.1' });
    w.add({ type: 'ip-assigned', t: T, uid: 'a', pod: 'ns/a', ip: 'fd00::1' });
    w.add({ type: 'gap', t: T + 9000, from: new Date(T + 5000).toISOString(), to: new Date(T + 9000).toISOString(), reason: 'watch expired' });
    w.add({ type: 'deleted', t: T + 9000, uid: 'a', pod: 'ns/a', seenOnRelist: true });
    const m = new TimelineModel();
    m.apply(w.events);
    assert.deepEqual(m.pods.get('a')!.segments.map((s) => [s.ip, s.end, s.endSeenOnRelist]), [
      ['10.0.0.1', T + 9000, true],
      ['fd00::1', T + 9000, true],
    ]);
    assert.deepEqual(m.gaps.map((g) => [g.from, g.to, g.reason]), [[T + 5000, T + 9000, 'watch expired']]);
    assert.equal(m.pods.get('a')!.deleted, true);
  });

  it('lays out lanes by owner and revision in order of appearance, or by IP in numeric order', () => {
    const sc = rolloutScenario(T);
    const m = TimelineModel.fromSnapshot(sc.snapshot);
    m.apply(sc.rollout);
    const byPod = m.lanes({ groupBy: 'pod', filter: '', hideDeleted: false }).map((l) => l.label);
    assert.deepEqual(byPod, ['demo · Deployment web · rev aaa111', 'web-aaa111-1', 'web-aaa111-2', 'web-aaa111-3', 'demo · Deployment web · rev bbb222', 'web-bbb222-1', 'web-bbb222-2', 'web-bbb222-3']);
    const byIp = m.lanes({ groupBy: 'ip', filter: '', hideDeleted: false }).map((l) => l.label);
    assert.deepEqual(byIp, ['10.244.0.11', '10.244.0.12', '10.244.0.13', '10.244.0.21', '10.244.0.22']);
    assert.deepEqual(m.lanes({ groupBy: 'pod', filter: 'NODE-B', hideDeleted: true }).map((l) => l.label).slice(1), ['web-bbb222-1', 'web-bbb222-2', 'web-bbb222-3']);
    const reused = m.lanes({ groupBy: 'ip', filter: '', hideDeleted: true }).find((l) => l.label === '10.244.0.11');
    assert.ok(reused && reused.kind === 'ip');
    assert.deepEqual(m.laneSegments(reused).map((s) => s.uid), ['new-3'], 'the deleted holder is hidden, its segment too');
  });

  it('keeps a bounded history: old events and long-gone Pods are dropped, running ones stay', () => {
    const w = new EventWriter();
    w.add({ type: 'ip-assigned', t: T, uid: 'long-running', pod: 'ns/long-running', ip: '10.9.9.9' });
    for (let i = 0; i < 100; i++) {
      const t = T + 1000 + i * 1000;
      w.add({ type: 'ip-assigned', t, uid: `u${i}`, pod: `ns/p${i}`, ip: `10.0.0.${i % 50}` });
      w.add({ type: 'ip-released', t: t + 500, uid: `u${i}`, pod: `ns/p${i}`, ip: `10.0.0.${i % 50}` });
      w.add({ type: 'deleted', t: t + 600, uid: `u${i}`, pod: `ns/p${i}` });
    }
    const m = new TimelineModel(100);
    m.apply(w.events);
    assert.ok(m.events.length <= 125 && m.events.length >= 100, `${m.events.length} events kept`);
    const oldest = Date.parse(m.events[0].time);
    assert.ok(m.pods.has('long-running'), 'a Pod still holding its IP is never dropped');
    assert.ok(!m.pods.has('u0') && m.pods.has('u99'));
    for (const l of m.pods.values()) if (l.uid !== 'long-running') assert.ok(l.last >= oldest || !l.deleted);
    for (const list of m.segmentsByIp.values()) for (const sg of list) assert.ok(m.pods.has(sg.uid));
    assert.equal(m.first, T, 'the running Pod keeps the start of the timeline');
  });

  it('orders IPv4 numerically and puts other addresses after', () => {
    assert.deepEqual(['10.0.0.10', 'fd00::2', '10.0.0.9', '9.255.0.1'].sort(compareIp), ['9.255.0.1', '10.0.0.9', '10.0.0.10', 'fd00::2']);
  });

  it('takes owner and revision from summaries when events lack them', () => {
    const w = new EventWriter();
    w.add({ type: 'ip-assigned', t: T, uid: 'x', pod: 'demo/x', ip: '10.1.1.1' });
    const m = new TimelineModel();
    m.apply(w.events);
    const v = m.structureVersion;
    m.applySummaries([pod('x', 'x', '10.1.1.1', { revision: 'r9' })], []);
    assert.ok(m.structureVersion > v, 'lanes are recomputed');
    assert.equal(m.lanes({ groupBy: 'pod', filter: '', hideDeleted: false })[0].label, 'demo · Deployment web · rev r9');
  });
});
