import * as assert from 'node:assert/strict';
import type { LifecycleEvent, TimelineFeed } from '../../src/core/events';
import { LifecycleModel, type PodObject } from '../../src/core/lifecycle';
import { packSnapshot, unpackEvents, type PackedSnapshot } from '../../src/core/protocol/packedSnapshot';
import { Batcher, parseHostMessage, parseViewState, parseWebviewMessage, type EventsMessage, type HostMessage } from '../../src/core/protocol';
import { TimelineStream } from '../../src/core/protocol/stream';

const event = { seq: 1, type: 'ip-assigned', time: '2026-01-01T00:00:00Z', timeSource: 'object', uid: 'u1', pod: 'ns/a', ip: '10.0.0.1' };
const pod = { uid: 'u1', namespace: 'ns', name: 'a', ips: ['10.0.0.1'], ready: true, terminating: false, deleted: false, hostNetwork: false, labels: { app: 'a' } };
const service = { namespace: 'ns', name: 's', clusterIPs: ['10.96.0.10'], selector: { app: 'a' }, ports: [{ port: 80, targetPort: 'http' }], endpoints: ['10.0.0.1'] };
const snapshot = { scope: { context: 'demo', labelSelector: 'app=a' }, connection: 'live', events: [event], pods: [pod], services: [service] };

/** Timers on a clock the test moves by hand. */
function fakeClock() {
  let t = 0;
  const timers: { at: number; f: () => void; id: number }[] = [];
  let next = 1;
  return {
    now: () => t,
    setTimeout(f: () => void, ms: number) {
      const id = next++;
      timers.push({ at: t + ms, f, id });
      return id;
    },
    clearTimeout(id: unknown) {
      const i = timers.findIndex((x) => x.id === id);
      if (i >= 0) timers.splice(i, 1);
    },
    advance(ms: number) {
      const end = t + ms;
      for (;;) {
        timers.sort((a, b) => a.at - b.at);
        const due = timers[0];
        if (!due || due.at > end) break;
        timers.shift();
        t = due.at;
        due.f();
      }
      t = end;
    },
  };
}
describe('protocol: host → webview', () => {
  it('accepts a well-formed snapshot and events message', () => {
    const s = parseHostMessage({ type: 'snapshot', snapshot, now: '2026-01-01T00:00:01Z', live: true });
    assert.ok(s.ok);
    assert.equal(s.value.type, 'snapshot');
    const e = parseHostMessage({ type: 'events', prevSeq: 0, seq: 1, events: [event], pods: [pod], services: [service], connection: 'live', now: '2026-01-01T00:00:01Z' });
    assert.ok(e.ok);
    assert.deepEqual(e.ok && e.value.type === 'events' && e.value.events[0], event);
  });

  it('names the first bad field', () => {
    const r = parseHostMessage({ type: 'events', prevSeq: 0, seq: 2, events: [event, { ...event, seq: 2, type: 'exploded' }], pods: [], services: [], connection: 'live', now: '2026-01-01T00:00:01Z' });
    assert.deepEqual(r, { ok: false, error: "message.events[1].type: 'exploded' is not one of created, scheduled, ip-assigned, ready, unready, terminating, ip-released, deleted, ip-reused, gap, endpoint-added, endpoint-removed" });
    const t = parseHostMessage({ type: 'snapshot', snapshot: { ...snapshot, pods: [{ ...pod, ips: [1] }] }, now: '2026-01-01T00:00:01Z', live: true });
    assert.deepEqual(t, { ok: false, error: 'message.snapshot.pods[0].ips[0]: expected a string, got number' });
    const u = parseHostMessage({ type: 'events', prevSeq: 0, seq: 1, events: [{ ...event, time: 'yesterday' }], pods: [], services: [], connection: 'live', now: '2026-01-01T00:00:01Z' });
    assert.equal(u.ok, false);
    assert.match(!u.ok ? u.error : '', /message\.events\[0\]\.time: 'yesterday' is not an ISO 8601 time/);
    assert.deepEqual(parseHostMessage(null), { ok: false, error: 'message: expected an object, got null' });
  });

  it('drops unknown fields so they never reach the renderer', () => {
    const r = parseHostMessage({ type: 'events', prevSeq: 0, seq: 1, events: [{ ...event, innerHTML: '<img onerror=alert(1)>' }], pods: [], services: [], connection: 'live', now: '2026-01-01T00:00:01Z' });
    assert.ok(r.ok && r.value.type === 'events');
    assert.equal('innerHTML' in (r.value as { events: object[] }).events[0], false);
  });

  it('chains events messages by seq, and refuses events outside a message\'s range', () => {
    const ok = parseHostMessage({ type: 'events', prevSeq: 4, seq: 6, events: [{ ...event, seq: 5 }, { ...event, seq: 6 }], pods: [], connection: 'live', now: '2026-01-01T00:00:01Z' });
    assert.ok(ok.ok && ok.value.type === 'events' && ok.value.services === undefined, 'services may be left out when unchanged');
    assert.deepEqual(parseHostMessage({ type: 'events', events: [], pods: [], connection: 'live', now: '2026-01-01T00:00:01Z' }), { ok: false, error: 'message.prevSeq: expected a finite number, got undefined' });
    const out = parseHostMessage({ type: 'events', prevSeq: 4, seq: 6, events: [{ ...event, seq: 9 }], pods: [], connection: 'live', now: '2026-01-01T00:00:01Z' });
    assert.deepEqual(out, { ok: false, error: "message.events[0].seq: 9 is outside the message's range 4–6" });
    assert.equal(parseHostMessage({ type: 'events', prevSeq: 6, seq: 4, events: [], pods: [], connection: 'live', now: '2026-01-01T00:00:01Z' }).ok, false);
  });
});

describe('protocol: packed snapshots', () => {
  const T = Date.parse('2026-01-01T00:00:00Z');
  const iso = (s: number) => new Date(T + s * 1000).toISOString();
  const owner = { kind: 'Deployment', name: 'web' };
  const events: LifecycleEvent[] = [
    { seq: 1, type: 'created', time: iso(0), timeSource: 'object', uid: 'a', pod: 'ns/a', owner, revision: 'r1' },
    { seq: 2, type: 'ip-assigned', time: iso(1), timeSource: 'object', uid: 'a', pod: 'ns/a', ip: '10.0.0.1', node: 'n1', owner, revision: 'r1' },
    { seq: 3, type: 'endpoint-added', time: iso(2), timeSource: 'arrival', uid: 'a', pod: 'ns/a', ip: '10.0.0.1', service: 'ns/web' },
    { seq: 5, type: 'ip-released', time: iso(9), timeSource: 'arrival', uid: 'a', pod: 'ns/a', ip: '10.0.0.1', node: 'n1', owner, revision: 'r1', seenOnRelist: true, reason: 'finished' },
    { seq: 6, type: 'ip-reused', time: iso(10), timeSource: 'object', uid: 'b', pod: 'ns/b', ip: '10.0.0.1', node: 'n2', owner, revision: 'r2', previousUid: 'a', previousPod: 'ns/a', overlap: true },
    { seq: 7, type: 'ip-assigned', time: iso(10), timeSource: 'object', uid: 'b', pod: 'ns/b', ip: '10.0.0.1', node: 'n2', owner, revision: 'r2', hostNetwork: true },
    { seq: 8, type: 'gap', time: iso(11), timeSource: 'arrival', from: iso(11), to: iso(15), reason: 'watch closed' },
  ];
  const snap = { scope: { context: 'c', labelSelector: '' }, connection: 'live' as const, events, pods: [pod], services: [service] };

  it('round-trips events through columns and one string table', () => {
    const p = packSnapshot(snap);
    assert.equal(p.events.count, events.length);
    assert.equal(p.lives.count, 2);
    assert.deepEqual(unpackEvents(p), events);
    // Each string once: uids, names, namespace, IP, node, revisions, Service, reason.
    assert.equal(p.strings.offsets.length - 1, new Set(['a', 'ns/a', 'b', 'ns/b', '10.0.0.1', 'n1', 'n2', 'r1', 'r2', 'ns/web', 'finished', 'ns']).size);
  });

  it('stores seqs and times as 32-bit offsets when they fit, and as they are when not', () => {
    const p = packSnapshot(snap);
    assert.equal(Object.prototype.toString.call(p.events.time), '[object Uint32Array]');
    assert.equal(p.events.timeBase, T);
    const far: LifecycleEvent = { ...events[1], seq: 2 ** 40, time: new Date(T + 100 * 86_400_000).toISOString() };
    const wide = packSnapshot({ ...snap, events: [events[0], far] });
    assert.equal(Object.prototype.toString.call(wide.events.time), '[object Float64Array]');
    assert.equal(Object.prototype.toString.call(wide.events.seq), '[object Float64Array]');
    assert.deepEqual(unpackEvents(wide), [events[0], far]);
  });

  it('is accepted by the webview\'s validation, which checks every index and column', () => {
    const p = packSnapshot(snap);
    const ok = parseHostMessage({ type: 'snapshot', snapshot: p, seq: 8, now: iso(20), live: true });
    assert.ok(ok.ok && ok.value.type === 'snapshot' && ok.value.seq === 8);
    const bad = (f: (x: PackedSnapshot) => void) => {
      const q = packSnapshot(snap);
      f(q);
      const r = parseHostMessage({ type: 'snapshot', snapshot: q, now: iso(20), live: true });
      return r.ok ? 'ok' : r.error;
    };
    assert.equal(bad((q) => (q.events.life[1] = 9)), 'message.snapshot.events[1]: an index is out of range');
    assert.equal(bad((q) => (q.events.type[0] = 200)), 'message.snapshot.events[0].type: 200 is not an event type');
    assert.equal(bad((q) => (q.events.time = new Uint32Array(3))), 'message.snapshot.events.time: expected 7 entries, got 3');
    assert.equal(bad((q) => (q.lives.summary[0] = 9)), 'message.snapshot.lives[0]: an index is out of range');
    assert.equal(bad((q) => ((q.events as { seq: unknown }).seq = [1, 2, 3, 4, 5, 6, 7])), 'message.snapshot.events.seq: expected a Uint32Array or Float64Array, got Array');
    assert.equal(bad((q) => ((q.events as { timeBase: number }).timeBase = NaN)), 'message.snapshot.events.timeBase: expected a finite number');
    assert.equal(bad((q) => (q.strings.offsets[1] = 9999)), 'message.snapshot.strings.offsets[2]: goes backwards');
    assert.equal(bad((q) => (q.events.aux[6] = 5)), 'message.snapshot.events[6].aux: out of range for gap');
  });
});

describe('TimelineStream', () => {

  const podObj = (uid: string, ip?: string): PodObject => ({ metadata: { uid, name: uid, namespace: 'ns', labels: { app: 'a' } }, spec: { nodeName: 'n' }, status: { podIP: ip } });

  /** A feed over the real model; the stream only needs the TimelineFeed surface. */
  function modelFeed() {
    const model = new LifecycleModel();
    const listeners = new Set<(e: LifecycleEvent[]) => void>();
    const feed: TimelineFeed = {
      scope: { context: 'c', labelSelector: '' },
      snapshot: () => model.snapshot({ context: 'c', labelSelector: '' }, 'live'),
      lastSeq: () => model.lastSeq(),
      podSummaries: (uids) => model.podsByUid(uids),
      serviceSummaries: () => model.serviceSummaries(),
      servicesVersion: () => model.servicesVersion(),
      connection: () => ({ state: 'live' }),
      subscribe(l) {
        listeners.add(l);
        return { dispose: () => listeners.delete(l) };
      },
    };
    const apply = (p: PodObject) => {
      const evs = model.applyPod('MODIFIED', p, new Date(T0));
      for (const l of listeners) l(evs);
    };
    return { feed, apply };
  }
  const T0 = Date.parse('2026-01-01T00:00:00Z');

  it('starts from a packed snapshot, then sends batches that chain by seq, only touched Pods', () => {
    const c = fakeClock();
    const { feed, apply } = modelFeed();
    apply(podObj('a', '10.0.0.1'));
    const sent: HostMessage[] = [];
    const s = new TimelineStream(feed, (m) => sent.push(m), { clock: c, minIntervalMs: 8, ackTimeoutMs: 1000 });
    apply(podObj('b'));
    assert.equal(sent.length, 0, 'nothing before the page asked');
    s.sendSnapshot();
    assert.equal(sent[0].type, 'snapshot');
    const snapSeq = sent[0].type === 'snapshot' ? sent[0].seq! : -1;
    assert.equal(snapSeq, feed.lastSeq());
    apply(podObj('c', '10.0.0.3'));
    const m1 = sent[1] as EventsMessage;
    assert.equal(m1.type, 'events');
    assert.equal(m1.prevSeq, snapSeq);
    assert.equal(m1.seq, m1.events.at(-1)!.seq);
    assert.deepEqual(m1.pods.map((p) => p.uid), ['c']);
    // Until the page acks, further events wait and are then sent together.
    apply(podObj('d', '10.0.0.4'));
    apply(podObj('e', '10.0.0.5'));
    c.advance(100);
    assert.equal(sent.length, 2);
    s.drawn(m1.seq);
    const m2 = sent[2] as EventsMessage;
    assert.equal(m2.prevSeq, m1.seq);
    assert.deepEqual(m2.pods.map((p) => p.uid), ['d', 'e']);
    // A lost ack does not stop the stream.
    apply(podObj('f', '10.0.0.6'));
    c.advance(999);
    assert.equal(sent.length, 3);
    c.advance(2);
    assert.equal(sent.length, 4);
    assert.equal((sent[3] as EventsMessage).prevSeq, m2.seq);
    // Hidden: nothing is sent, and the next snapshot restarts the chain.
    s.suspend();
    apply(podObj('g', '10.0.0.7'));
    c.advance(2000);
    assert.equal(sent.length, 4);
    assert.equal(s.stats.skippedWhileInactive, 5, 'b before the snapshot, g while suspended');
    s.dispose();
  });
});

describe('protocol: webview → host', () => {
  it('accepts the messages the webview sends', () => {
    assert.deepEqual(parseWebviewMessage({ type: 'ready', protocol: 1 }), { ok: true, value: { type: 'ready', protocol: 1 } });
    assert.deepEqual(parseWebviewMessage({ type: 'open-pod', uid: 'u1', pod: 'ns/a' }), { ok: true, value: { type: 'open-pod', uid: 'u1', pod: 'ns/a' } });
    assert.ok(parseWebviewMessage({ type: 'export', format: 'svg', data: '<svg xmlns="http://www.w3.org/2000/svg"></svg>' }).ok);
    assert.ok(parseWebviewMessage({ type: 'export', format: 'png', data: 'data:image/png;base64,AAAA' }).ok);
  });

  it('refuses exports whose payload is not what the format says', () => {
    assert.deepEqual(parseWebviewMessage({ type: 'export', format: 'png', data: 'data:text/html,<b>x</b>' }), {
      ok: false,
      error: 'message.data: a PNG export must be a data:image/png;base64 URL',
    });
    assert.equal(parseWebviewMessage({ type: 'export', format: 'svg', data: '<html>' }).ok, false);
    assert.equal(parseWebviewMessage({ type: 'export', format: 'pdf', data: '' }).ok, false);
    assert.equal(parseWebviewMessage({ type: 'open-pod', uid: '' }).ok, false);
  });

  it('restores view state defensively', () => {
    assert.deepEqual(parseViewState(undefined), { groupBy: 'pod', filter: '', hideDeleted: false, showTable: false });
    assert.deepEqual(parseViewState({ groupBy: 'ip', window: [5, 1], scope: { context: 'c', labelSelector: '' } }), {
      groupBy: 'ip',
      filter: '',
      hideDeleted: false,
      showTable: false,
      scope: { context: 'c', labelSelector: '' },
    });
    // What a view shown again needs (zoom while following, scroll, whether the user chose the window).
    assert.deepEqual(parseViewState({ span: 90_000, scrollTop: 440, userZoomed: true, foldPast: false }), { groupBy: 'pod', filter: '', hideDeleted: false, showTable: false, span: 90_000, scrollTop: 440, userZoomed: true, foldPast: false });
    assert.deepEqual(parseViewState({ span: -1, scrollTop: Number.NaN, userZoomed: 'yes', foldPast: 1 }), { groupBy: 'pod', filter: '', hideDeleted: false, showTable: false });
    assert.equal(parseViewState({ span: 1e15 }).span, undefined);
  });
});

describe('Batcher', () => {


  it('sends the first item of a quiet period at once and then at most one message per interval', () => {
    const clock = fakeClock();
    const sent: { at: number; items: number[] }[] = [];
    const b = new Batcher<number>(50, (items) => sent.push({ at: clock.now(), items }), clock);
    b.push([1]);
    assert.deepEqual(sent, [{ at: 0, items: [1] }]);
    for (let i = 2; i <= 11; i++) {
      clock.advance(10);
      b.push([i]);
    }
    clock.advance(100);
    assert.deepEqual(sent, [
      { at: 0, items: [1] },
      // The timer fires before the push made at the same instant, so that push starts the next batch.
      { at: 50, items: [2, 3, 4, 5] },
      { at: 100, items: [6, 7, 8, 9, 10] },
      { at: 150, items: [11] },
    ]);
    for (let i = 1; i < sent.length; i++) assert.ok(sent[i].at - sent[i - 1].at >= 50);
  });

  it('with acks, batches only while the receiver is busy', () => {
    const clock = fakeClock();
    const sent: { at: number; items: number[] }[] = [];
    const b = new Batcher<number>({ minIntervalMs: 5, ackTimeoutMs: 500 }, (items) => sent.push({ at: clock.now(), items }), clock);
    // A trickle: each item acked quickly goes out on its own, at once.
    for (let i = 1; i <= 3; i++) {
      b.push([i]);
      clock.advance(2);
      b.ack();
      clock.advance(20);
    }
    assert.deepEqual(sent.map((x) => x.items), [[1], [2], [3]]);
    assert.deepEqual(sent.map((x) => x.at), [0, 22, 44]);
    // Load: the receiver takes 30 ms per message; everything that came meanwhile goes in the next.
    sent.length = 0;
    for (let i = 0; i < 10; i++) {
      b.push([100 + i]);
      clock.advance(10);
      if (i % 3 === 2) b.ack();
    }
    assert.deepEqual(sent.map((x) => x.items), [[100], [101, 102], [103, 104, 105], [106, 107, 108]]);
  });

  it('splits a burst into messages of at most maxItems, each waiting for its ack', () => {
    const clock = fakeClock();
    const sent: number[][] = [];
    const b = new Batcher<number>({ minIntervalMs: 5, ackTimeoutMs: 500, maxItems: 5 }, (items) => sent.push(items), clock);
    b.push(Array.from({ length: 12 }, (_, i) => i));
    assert.deepEqual(sent, [[0, 1, 2, 3, 4]]);
    clock.advance(20);
    assert.equal(sent.length, 1, 'the rest waits for the ack');
    b.ack();
    assert.deepEqual(sent.slice(1), [[5, 6, 7, 8, 9]]);
    b.ack();
    clock.advance(5);
    assert.deepEqual(sent.slice(2), [[10, 11]], 'no closer than minIntervalMs to the one before');
  });

  it('clear drops pending items and their timer', () => {
    const clock = fakeClock();
    const sent: number[][] = [];
    const b = new Batcher<number>(50, (items) => sent.push(items), clock);
    b.push([1]);
    b.push([2]);
    b.clear();
    clock.advance(200);
    assert.deepEqual(sent, [[1]]);
  });
});
