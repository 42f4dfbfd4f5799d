// The webview's data model (pure, runs in node): events folded into columns of segments,
// markers, links, gaps, endpoint intervals and lanes, from plain events and from packed snapshots.
import * as assert from 'node:assert/strict';
import { packSnapshot } from '../../src/core/protocol/packedSnapshot';
import { TimelineModel, compareIp, markerTypeName, type LaneLayout } from '../../webview/model';
import { EventWriter, bigHistory, pod, rolloutScenario } from './synthetic';

const T = Date.parse('2026-01-01T00:00:00Z');

function segmentsOf(m: TimelineModel): string[] {
  const out: string[] = [];
  for (let l = 0; l < m.lifeCount; l++) for (const s of m.segmentsOf(l)) out.push(`${m.uidOf(l)} ${m.ipOfSeg(s)} ${m.sEnd.a[s] === Infinity ? 'open' : 'closed'}`);
  return out.sort();
}
function markersOf(m: TimelineModel, uid: string): string[] {
  const l = m.findLife(uid) >= 0 ? m.findLife(uid) : m.findRecentLife(uid);
  const out: { t: number; type: string }[] = [];
  for (let k = m.lMarkHead.a[l]; k >= 0; k = m.mNext.a[k]) out.push({ t: m.mT.a[k], type: markerTypeName(m.mType.a[k]) });
  return out.sort((a, b) => a.t - b.t).map((x) => x.type);
}
function labels(m: TimelineModel, L: LaneLayout): string[] {
  const out: string[] = [];
  for (let i = 0; i < L.length; i++) {
    const id = L.ids[i];
    out.push(id < 0 ? L.groups[-id - 1].label : L.groupBy === 'ip' ? m.ipV.list[id] : m.nameOf(id));
  }
  return out;
}

describe('timeline model', () => {
  it('turns a rollout into segments, markers, a reuse link and Service endpoint intervals', () => {
    const sc = rolloutScenario(T);
    const m = TimelineModel.fromSnapshot(sc.snapshot);
    m.applySummaries(sc.finalPods, [sc.finalService]);
    m.apply(sc.rollout);
    assert.deepEqual(segmentsOf(m), ['new-1 10.244.0.21 open', 'new-2 10.244.0.22 open', 'new-3 10.244.0.11 open', 'old-1 10.244.0.11 closed', 'old-2 10.244.0.12 closed', 'old-3 10.244.0.13 closed']);
    // Scheduled is kept (for the table), not drawn.
    assert.deepEqual(markersOf(m, 'old-1'), ['created', 'scheduled', 'ready', 'terminating', 'unready', 'deleted']);
    const old1 = m.findRecentLife('old-1');
    assert.equal(m.sEnd.a[m.segmentsOf(old1)[0]], T + 10_000 + 2600);
    assert.equal(m.linkCount, 1);
    assert.equal(`${m.ipV.list[m.kIp.a[0]]} ${m.uidOf(m.kFrom.a[0])}→${m.uidOf(m.kTo.a[0])}`, '10.244.0.11 old-1→new-3');
    const svc = [...m.services.values()][0];
    assert.equal(svc.key, 'demo/web');
    assert.equal(svc.changes, 9);
    // Six endpoint intervals: three old ones closed at their removal, three new ones open, in at most four rows.
    const idx = m.serviceIndex(svc);
    const ivs = Array.from(idx.ids.a.subarray(0, idx.ids.n), (iv) => `${m.ipV.list[m.iIp.a[iv]]} ${m.uidOf(m.iLife.a[iv])} ${m.iEnd.a[iv] === Infinity ? 'open' : 'closed'}`);
    assert.deepEqual(ivs.sort(), ['10.244.0.11 new-3 open', '10.244.0.11 old-1 closed', '10.244.0.12 old-2 closed', '10.244.0.13 old-3 closed', '10.244.0.21 new-1 open', '10.244.0.22 new-2 open']);
    assert.ok(svc.rows >= 3 && svc.rows <= 4, `${svc.rows} rows`);
    assert.deepEqual(m.counts(), { pods: 6, running: 3, ips: 5, reusedIps: 1, events: 46, gaps: 0, services: 1 });
  });

  it('loads a packed snapshot into the same model as the plain one, and reads its events back', () => {
    const sc = rolloutScenario(T);
    const all = { ...sc.snapshot, events: [...sc.snapshot.events, ...sc.rollout], pods: sc.finalPods, services: [sc.finalService] };
    const plain = TimelineModel.fromSnapshot(all);
    const packed = TimelineModel.fromSnapshot(packSnapshot(all));
    assert.deepEqual(segmentsOf(packed), segmentsOf(plain));
    assert.deepEqual(packed.counts(), plain.counts());
    // Back as events: the same facts, renumbered (the log keeps order, not the host's seq numbers).
    const back = packed.exportEvents();
    assert.equal(back.length, all.events.length);
    const norm = (e: object) => JSON.stringify(Object.entries(e).filter(([k]) => k !== 'seq').sort());
    const bySeq = new Map(all.events.map((e) => [norm(e), e]));
    for (const e of back) assert.ok(bySeq.has(norm(e)), `not in the input: ${JSON.stringify(e)}`);
  });

  it('skips events it has already seen (a batch racing a snapshot)', () => {
    const sc = rolloutScenario(T);
    const m = TimelineModel.fromSnapshot(sc.snapshot);
    assert.equal(m.apply(sc.snapshot.events), 0);
    assert.equal(m.apply(sc.rollout.slice(0, 3)), 3);
    assert.equal(m.apply(sc.rollout.slice(0, 5)), 2);
    assert.equal(m.log.n, sc.snapshot.events.length + 5);
  });

  it('closes every open segment when a Pod is deleted without an ip-released, and keeps gaps', () => {
    const w = new EventWriter();
    w.add({ type: 'ip-assigned', t: T, uid: 'a', pod: 'ns/a', ip: '10.0.0.1' });
    w.add({ type: 'ip-assigned', t: T, uid: 'a', pod: 'ns/a', ip: 'fd00::1' });
    w.add({ type: 'gap', t: T + 9000, from: new Date(T + 5000).toISOString(), to: new Date(T + 9000).toISOString(), reason: 'watch expired' });
    w.add({ type: 'deleted', t: T + 9000, uid: 'a', pod: 'ns/a', seenOnRelist: true });
    const m = new TimelineModel();
    m.apply(w.events);
    const a = m.findLife('a');
    assert.deepEqual(m.segmentsOf(a).map((s) => [m.ipOfSeg(s), m.sEnd.a[s], (m.sFlags.a[s] & 2) !== 0]).sort(), [
      ['10.0.0.1', T + 9000, true],
      ['fd00::1', T + 9000, true],
    ]);
    assert.deepEqual(m.gaps.map((g) => [g.from, g.to, g.reason]), [[T + 5000, T + 9000, 'watch expired']]);
    assert.equal(m.isDeleted(a), true);
    assert.equal(m.counts().running, 0);
  });

  it('lays out lanes by owner and revision in order of appearance, or by IP in numeric order', () => {
    const sc = rolloutScenario(T);
    const m = TimelineModel.fromSnapshot(sc.snapshot);
    m.apply(sc.rollout);
    assert.deepEqual(labels(m, m.lanes({ groupBy: 'pod', filter: '', hideDeleted: false })), ['demo · Deployment web · rev aaa111 · previous', 'web-aaa111-1', 'web-aaa111-2', 'web-aaa111-3', 'demo · Deployment web · rev bbb222 · newest', 'web-bbb222-1', 'web-bbb222-2', 'web-bbb222-3']);
    assert.deepEqual(labels(m, m.lanes({ groupBy: 'ip', filter: '', hideDeleted: false })), ['10.244.0.11', '10.244.0.12', '10.244.0.13', '10.244.0.21', '10.244.0.22']);
    assert.deepEqual(labels(m, m.lanes({ groupBy: 'pod', filter: 'NODE-B'.toLowerCase(), hideDeleted: true })).slice(1), ['web-bbb222-1', 'web-bbb222-2', 'web-bbb222-3']);
    const byIp = m.lanes({ groupBy: 'ip', filter: '', hideDeleted: true });
    const lane = byIp.laneOf[m.ipV.find('10.244.0.11')];
    assert.ok(lane >= 0 && byIp.visible, 'the reused IP keeps its lane');
    assert.equal(byIp.visible[m.findRecentLife('old-1')], 0, 'the deleted holder is hidden, its segment too');
    assert.equal(byIp.visible[m.findLife('new-3')], 1);
  });

  it('ranks revisions by age (when their ReplicaSet last made Pods), so a rollback makes the old one the newest again', () => {
    const w = new EventWriter();
    const owner = { kind: 'Deployment', name: 'web' };
    const up = (rev: string, n: number, t: number, ip: number) => {
      for (let i = 0; i < n; i++) {
        const uid = `${rev}-${t}-${i}`;
        w.add({ type: 'created', t: t + i * 100, uid, pod: `demo/web-${rev}-${uid}`, owner, revision: rev });
        w.add({ type: 'ip-assigned', t: t + i * 100 + 50, uid, pod: `demo/web-${rev}-${uid}`, ip: `10.0.${ip}.${i}`, owner, revision: rev });
      }
    };
    up('aaa', 2, T, 1); // revision 1
    up('bbb', 2, T + 60_000, 2); // rollout: revision 2
    const rankOf = (m: TimelineModel, rev: string) => {
      const ranks = new Set<number>();
      for (let l = 0; l < m.lifeCount; l++) if (m.revisionOf(l) === rev) ranks.add(m.revisionIndex(l));
      return [...ranks];
    };
    const live = new TimelineModel();
    live.apply(w.events);
    assert.deepEqual([rankOf(live, 'aaa'), rankOf(live, 'bbb')], [[0], [1]]);
    up('aaa', 2, T + 120_000, 3); // `kubectl rollout undo`: aaa is current again (revision 3)
    live.apply(w.events.slice(8));
    // Every Pod of aaa, the first two too, now has the newest colour; bbb is the older one.
    assert.deepEqual([rankOf(live, 'aaa'), rankOf(live, 'bbb')], [[1], [0]]);
    const groups = (m: TimelineModel) => labels(m, m.lanes({ groupBy: 'pod', filter: '', hideDeleted: false })).filter((x) => x.startsWith('demo ·'));
    assert.deepEqual(groups(live), ['demo · Deployment web · rev bbb · previous', 'demo · Deployment web · rev aaa · newest']);
    // The same from a snapshot (the packed path), and with a third revision.
    up('ccc', 1, T + 180_000, 4);
    const loaded = TimelineModel.fromSnapshot({ scope: { context: 'c', labelSelector: '' }, connection: 'live', events: w.events, pods: [], services: [] });
    assert.deepEqual([rankOf(loaded, 'bbb'), rankOf(loaded, 'aaa'), rankOf(loaded, 'ccc')], [[0], [1], [2]]);
    assert.deepEqual(groups(loaded), ['demo · Deployment web · rev bbb · older', 'demo · Deployment web · rev aaa · previous', 'demo · Deployment web · rev ccc · newest']);
    // Another namespace's Deployment of the same name has revisions of its own.
    const w2 = new EventWriter();
    w2.add({ type: 'created', t: T, uid: 'x', pod: 'other/web-zzz-1', owner, revision: 'zzz' });
    const both = TimelineModel.fromSnapshot({ scope: { context: 'c', labelSelector: '' }, connection: 'live', events: [...w.events, ...w2.events.map((e) => ({ ...e, seq: e.seq + w.seq }))], pods: [], services: [] });
    assert.deepEqual(rankOf(both, 'zzz'), [0]);
    assert.deepEqual(rankOf(both, 'ccc'), [2]);
  });

  it('folds the lanes that left the window into one summary row; live Pods never fold', () => {
    const w = new EventWriter();
    for (let i = 0; i < 5; i++) {
      const t = T + i * 10_000;
      w.add({ type: 'created', t, uid: `gone-${i}`, pod: `ns/gone-${i}`, owner: { kind: 'Deployment', name: 'web' }, revision: 'aaa' });
      w.add({ type: 'ip-assigned', t: t + 100, uid: `gone-${i}`, pod: `ns/gone-${i}`, ip: `10.0.0.${i}`, owner: { kind: 'Deployment', name: 'web' }, revision: 'aaa' });
      w.add({ type: 'ip-released', t: t + 5000, uid: `gone-${i}`, pod: `ns/gone-${i}`, ip: `10.0.0.${i}` });
      w.add({ type: 'deleted', t: t + 5100, uid: `gone-${i}`, pod: `ns/gone-${i}` });
    }
    // A Pod that has run since the start, and one still up although its owner has moved on.
    w.add({ type: 'ip-assigned', t: T, uid: 'live', pod: 'ns/live', ip: '10.0.1.1', owner: { kind: 'Deployment', name: 'web' }, revision: 'aaa' });
    const m = new TimelineModel();
    m.apply(w.events);
    const before = T + 30_000; // gone-0..2 were last seen before it (at +5.1 s, +15.1 s, +25.1 s)
    const folded = m.lanes({ groupBy: 'pod', filter: '', hideDeleted: false, fold: { before, open: false } });
    assert.deepEqual(labels(m, folded), ['▸ Pods that left the window, folded: click to show', 'ns · Deployment web · rev aaa', 'live', 'gone-3', 'gone-4']);
    assert.equal(folded.groups[folded.groups.length - 1].count, 3);
    assert.equal(folded.laneOf[m.findRecentLife('gone-0')], -1);
    const open = m.lanes({ groupBy: 'pod', filter: '', hideDeleted: false, fold: { before, open: true } });
    assert.deepEqual(labels(m, open).slice(0, 2), ['▾ Pods that left the window, shown: click to fold', 'ns · Deployment web · rev aaa']);
    assert.equal(open.length, 8);
    // Nothing before the line: no summary row.
    assert.deepEqual(labels(m, m.lanes({ groupBy: 'pod', filter: '', hideDeleted: false, fold: { before: T, open: false } })), labels(m, m.lanes({ groupBy: 'pod', filter: '', hideDeleted: false })));
    // By IP: IPs nobody held since before the line.
    const byIp = m.lanes({ groupBy: 'ip', filter: '', hideDeleted: false, fold: { before, open: false } });
    assert.deepEqual(labels(m, byIp), ['▸ IPs nobody held in the window, folded: click to show', '10.0.0.3', '10.0.0.4', '10.0.1.1']);
    assert.equal(byIp.laneOf[m.ipV.find('10.0.0.3')], 1);
  });

  it('finds the segments of an IP that reach into a window by binary search, through out-of-order arrivals', () => {
    const w = new EventWriter();
    // One IP, held by 200 Pods in turn; one holding arrives late (its timestamps are earlier).
    for (let i = 0; i < 200; i++) {
      if (i === 150) continue;
      w.add({ type: 'ip-assigned', t: T + i * 1000, uid: `u${i}`, pod: `ns/p${i}`, ip: '10.0.0.1' });
      w.add({ type: 'ip-released', t: T + i * 1000 + 800, uid: `u${i}`, pod: `ns/p${i}`, ip: '10.0.0.1' });
    }
    w.add({ type: 'ip-assigned', t: T + 150_000, uid: 'u150', pod: 'ns/p150', ip: '10.0.0.1' });
    w.add({ type: 'ip-released', t: T + 150_800, uid: 'u150', pod: 'ns/p150', ip: '10.0.0.1' });
    const m = new TimelineModel();
    m.apply(w.events);
    const idx = m.ipIndex(m.ipV.find('10.0.0.1'));
    assert.equal(idx.ids.n, 200);
    for (let i = 1; i < idx.ids.n; i++) assert.ok(idx.start(i) >= idx.start(i - 1), 'sorted by start');
    const k = idx.firstReaching(T + 150_500);
    assert.equal(m.uidOf(m.sLife.a[idx.ids.a[k]]), 'u150', 'the late holding is found in its place');
    assert.equal(idx.firstReaching(T + 149_900), k, 'a time between holdings finds the next');
  });

  it('keeps a bounded history: past maxEvents the longest-gone Pods are dropped, running ones stay', () => {
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
    assert.ok(m.log.n <= 125 && m.log.n >= 90, `${m.log.n} events kept`);
    assert.ok(m.findLife('long-running') >= 0, 'a Pod still holding its IP is never dropped');
    assert.equal(m.findRecentLife('u0'), -1);
    assert.ok(m.findRecentLife('u99') >= 0);
    assert.equal(m.first, T, 'the running Pod keeps the start of the timeline');
    assert.equal(m.maxSeq, w.events.at(-1)!.seq, 'still knows what it has seen');
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
    assert.equal(labels(m, m.lanes({ groupBy: 'pod', filter: '', hideDeleted: false }))[0], 'demo · Deployment web · rev r9');
  });

  it('holds a 50,000-segment history in columns, and lays it out without sorting what arrived in order', () => {
    const snap = bigHistory(50_000, 2_000, T, 6 * 3_600_000);
    const m = TimelineModel.fromSnapshot(packSnapshot(snap));
    assert.equal(m.segCount, 50_000);
    assert.equal(m.lifeCount, 50_000);
    const byIp = m.lanes({ groupBy: 'ip', filter: '', hideDeleted: false });
    assert.equal(byIp.length, 2_000);
    const byPod = m.lanes({ groupBy: 'pod', filter: '', hideDeleted: false });
    assert.equal(byPod.length - byPod.groups.length, 50_000);
    // Within a group, lanes are in order of first appearance.
    for (let i = 1; i < byPod.length; i++) {
      const a = byPod.ids[i - 1];
      const b = byPod.ids[i];
      if (a >= 0 && b >= 0) assert.ok(m.lFirst.a[a] <= m.lFirst.a[b]);
    }
  });
});
