import * as assert from 'node:assert/strict';
import { Batcher, parseHostMessage, parseViewState, parseWebviewMessage } from '../../src/core/protocol';

const event = { seq: 1, type: 'ip-assigned', time: '2026-01-01T00:00:00Z', timeSource: 'object', uid: 'u1', pod: 'ns/a', ip: '10.0.0.1' };
const pod = { uid: 'u1', namespace: 'ns', name: 'a', ips: ['10.0.0.1'], ready: true, terminating: false, deleted: false, hostNetwork: false, labels: { app: 'a' } };
const service = { namespace: 'ns', name: 's', clusterIPs: ['10.96.0.10'], selector: { app: 'a' }, ports: [{ port: 80, targetPort: 'http' }], endpoints: ['10.0.0.1'] };
const snapshot = { scope: { context: 'demo', labelSelector: 'app=a' }, connection: 'live', events: [event], pods: [pod], services: [service] };

describe('protocol: host → webview', () => {
  it('accepts a well-formed snapshot and events message', () => {
    const s = parseHostMessage({ type: 'snapshot', snapshot, now: '2026-01-01T00:00:01Z', live: true });
    assert.ok(s.ok);
    assert.equal(s.value.type, 'snapshot');
    const e = parseHostMessage({ type: 'events', events: [event], pods: [pod], services: [service], connection: 'live', now: '2026-01-01T00:00:01Z' });
    assert.ok(e.ok);
    assert.deepEqual(e.ok && e.value.type === 'events' && e.value.events[0], event);
  });

  it('names the first bad field', () => {
    const r = parseHostMessage({ type: 'events', events: [event, { ...event, type: 'exploded' }], pods: [], services: [], connection: 'live', now: '2026-01-01T00:00:01Z' });
    assert.deepEqual(r, { ok: false, error: "message.events[1].type: 'exploded' is not one of created, scheduled, ip-assigned, ready, unready, terminating, ip-released, deleted, ip-reused, gap, endpoint-added, endpoint-removed" });
    const t = parseHostMessage({ type: 'snapshot', snapshot: { ...snapshot, pods: [{ ...pod, ips: [1] }] }, now: '2026-01-01T00:00:01Z', live: true });
    assert.deepEqual(t, { ok: false, error: 'message.snapshot.pods[0].ips[0]: expected a string, got number' });
    const u = parseHostMessage({ type: 'events', events: [{ ...event, time: 'yesterday' }], pods: [], services: [], connection: 'live', now: '2026-01-01T00:00:01Z' });
    assert.equal(u.ok, false);
    assert.match(!u.ok ? u.error : '', /message\.events\[0\]\.time: 'yesterday' is not an ISO 8601 time/);
    assert.deepEqual(parseHostMessage(null), { ok: false, error: 'message: expected an object, got null' });
  });

  it('drops unknown fields so they never reach the renderer', () => {
    const r = parseHostMessage({ type: 'events', events: [{ ...event, innerHTML: '<img onerror=alert(1)>' }], pods: [], services: [], connection: 'live', now: '2026-01-01T00:00:01Z' });
    assert.ok(r.ok && r.value.type === 'events');
    assert.equal('innerHTML' in (r.value as { events: object[] }).events[0], false);
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
  });
});

describe('Batcher', () => {
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

  it('sends the first item at once and then at most one message per interval', () => {
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
