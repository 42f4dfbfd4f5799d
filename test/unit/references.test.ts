// References on the timeline: manifest IP literals joined with the IP tenures of the lifecycle
// model (the real one, fed Pod objects like a watch), one row per literal with live, dangling and
// reused intervals, the cause of each break, and the protocol message that carries them.
import * as assert from 'node:assert/strict';
import type { LifecycleEvent } from '../../src/core/events';
import { LifecycleModel, type PodObject } from '../../src/core/lifecycle';
import { ManifestIndex, lintText } from '../../src/core/lint';
import { describeInterval, describeNow, parseHostMessage, parseWebviewMessage, referenceLines, referenceTitle } from '../../src/core/protocol';
import { IpHistory, joinReferences, literalsOf, type IpLiteral } from '../../src/core/references';

const T0 = Date.parse('2026-12-01T12:00:00Z');
const at = (s: number) => new Date(T0 + s * 1000);
const iso = (s: number) => at(s).toISOString();

interface P {
  uid: string;
  app: string;
  rev: string;
  ip?: string;
  deleting?: number;
  evicted?: boolean;
  hostNetwork?: boolean;
  ns?: string;
}
let rv = 1;
function pod(p: P): PodObject {
  const conditions: NonNullable<PodObject['status']>['conditions'] = [{ type: 'Ready', status: p.ip ? 'True' : 'False', lastTransitionTime: iso(0) }];
  if (p.evicted) conditions.push({ type: 'DisruptionTarget', status: 'True', reason: 'EvictionByEvictionAPI', lastTransitionTime: iso(0) });
  return {
    metadata: {
      uid: p.uid,
      name: `${p.app}-${p.rev}-${p.uid}`,
      namespace: p.ns ?? 'default',
      resourceVersion: String(++rv),
      labels: { app: p.app, 'pod-template-hash': p.rev },
      ownerReferences: [{ kind: 'ReplicaSet', name: `${p.app}-${p.rev}`, controller: true }],
      ...(p.deleting !== undefined ? { deletionTimestamp: iso(p.deleting + 30), deletionGracePeriodSeconds: 30 } : {}),
    },
    spec: { nodeName: 'node-a', hostNetwork: p.hostNetwork },
    status: { phase: 'Running', podIP: p.ip, podIPs: p.ip ? [{ ip: p.ip }] : undefined, conditions },
  };
}

/** A watch in miniature: each step is (second, type, Pod); returns every event the model made. */
class Cluster {
  readonly model = new LifecycleModel();
  readonly events: LifecycleEvent[] = [];
  start(s: number, p: P): this {
    const ip = p.ip;
    this.events.push(...this.model.applyPod('ADDED', pod({ ...p, ip: undefined }), at(s)));
    this.events.push(...this.model.applyPod('MODIFIED', pod({ ...p, ip }), at(s + 1)));
    return this;
  }
  stop(s: number, p: P, how: { evicted?: boolean } = {}): this {
    this.events.push(...this.model.applyPod('MODIFIED', pod({ ...p, deleting: s, evicted: how.evicted }), at(s)));
    this.events.push(...this.model.applyPod('DELETED', pod({ ...p, deleting: s, evicted: how.evicted }), at(s + 5)));
    return this;
  }
  history(): IpHistory {
    const h = new IpHistory();
    h.ingest(this.events);
    return h;
  }
}

const lit = (ip: string, line = 24, file = 'file:///ws/frontend.yaml', label = 'frontend.yaml'): IpLiteral => ({ file, label, line, column: 15, ip, literal: `${ip}:8080`, path: 'data.BACKEND', resource: 'ConfigMap frontend' });

const A: P = { uid: 'a', app: 'backend', rev: 'r1', ip: '10.244.1.7' };
const B: P = { uid: 'b', app: 'backend', rev: 'r2', ip: '10.244.1.8' };
const C: P = { uid: 'c', app: 'payments', rev: 'p1', ip: '10.244.1.7' };

describe('references: manifest literals joined with IP tenures', () => {
  it('a rollout: live while the Pod holds it, dangling from its release (by the rollout), reused when another workload takes it', () => {
    const c = new Cluster().start(0, A).start(20, B).stop(25, A).start(40, C);
    const rows = joinReferences([lit('10.244.1.7'), lit('10.99.0.1', 30)], c.history());
    assert.equal(rows.length, 1, 'the literal no Pod ever held has no row');
    const [r] = rows;
    assert.equal(referenceTitle(r), 'frontend.yaml:24 → 10.244.1.7');
    assert.equal(r.state, 'reused');
    assert.equal(r.workload, 'Deployment backend');
    assert.deepEqual(
      r.intervals.map((i) => [i.state, i.from, i.to, i.pod]),
      [
        ['live', iso(1), iso(30), 'default/backend-r1-a'],
        ['dangling', iso(30), iso(41), undefined],
        ['reused', iso(41), undefined, 'default/payments-p1-c'],
      ],
    );
    const dangling = r.intervals[1];
    assert.equal(dangling.cause, 'rollout');
    assert.equal(dangling.causeDetail, 'Deployment backend, revision r1 → r2');
    assert.equal(dangling.brokeAt, iso(30));
    assert.equal(dangling.brokenBy, 'default/backend-r1-a');
    assert.deepEqual(r.intervals[2].owner, { kind: 'Deployment', name: 'payments' });
    assert.match(describeInterval(dangling), /^Dangling 2026-12-01 12:00:30 UTC → 2026-12-01 12:00:41 UTC: no Pod holds the IP; broken when a rollout replaced the Pod \(Deployment backend, revision r1 → r2\): default\/backend-r1-a let it go at 2026-12-01 12:00:30 UTC\. Connections to it fail\.$/);
    assert.equal(describeInterval(r.intervals[2]), 'Reused 2026-12-01 12:00:41 UTC → now: default/payments-p1-c (Deployment payments) holds the IP. The config reaches a different workload. Before that, a rollout replaced the Pod (Deployment backend, revision r1 → r2): default/backend-r1-a let it go at 2026-12-01 12:00:30 UTC.');
    assert.equal(describeNow(r), 'reused by default/payments-p1-c (Deployment payments), after a rollout replaced the Pod');
    const lines = referenceLines(r, 1);
    assert.deepEqual(lines[0], ['', 'frontend.yaml:24 → 10.244.1.7 (reused now)']);
    assert.deepEqual(lines[1], ['Literal', '10.244.1.7:8080 in data.BACKEND of ConfigMap frontend']);
  });

  it('tells a deletion from a rollout and from an eviction, by what the Pod’s events carry', () => {
    // Deleted, no new revision: a deletion.
    let r = joinReferences([lit('10.244.1.7')], new Cluster().start(0, A).stop(10, A).history())[0];
    assert.deepEqual([r.state, r.intervals[1].cause], ['dangling', 'deletion']);
    // The API server marks an evicted Pod with DisruptionTarget before deleting it.
    r = joinReferences([lit('10.244.1.7')], new Cluster().start(0, A).stop(10, A, { evicted: true }).history())[0];
    assert.deepEqual([r.intervals[1].cause, r.intervals[1].causeDetail], ['eviction', 'EvictionByEvictionAPI']);
    assert.match(describeNow(r), /^dangling since 2026-12-01 12:00:15 UTC: the Pod was evicted$/);
    // Recreate strategy: the new revision's Pod comes after the old one went; still the rollout.
    r = joinReferences([lit('10.244.1.7')], new Cluster().start(0, A).stop(10, A).start(30, B).history())[0];
    assert.equal(r.intervals[1].cause, 'rollout');
  });

  it('a Pod of the same workload taking the IP back is live again, not reused', () => {
    const again: P = { uid: 'd', app: 'backend', rev: 'r2', ip: '10.244.1.7' };
    const r = joinReferences([lit('10.244.1.7')], new Cluster().start(0, A).stop(10, A).start(20, again).history())[0];
    assert.deepEqual(r.intervals.map((i) => [i.state, i.pod]), [['live', 'default/backend-r1-a'], ['dangling', undefined], ['live', 'default/backend-r2-d']]);
    assert.equal(r.state, 'live');
    assert.equal(describeNow(r), 'live: default/backend-r2-d (Deployment backend)');
  });

  it('reuse while the first holder is still terminating: reused at once, with the overlap said', () => {
    const c = new Cluster().start(0, A);
    c.events.push(...c.model.applyPod('MODIFIED', pod({ ...A, deleting: 10 }), at(10)));
    c.start(12, C);
    c.events.push(...c.model.applyPod('DELETED', pod({ ...A, deleting: 10 }), at(20)));
    const r = joinReferences([lit('10.244.1.7')], c.history())[0];
    assert.deepEqual(r.intervals.map((i) => [i.state, i.from, i.to]), [['live', iso(1), iso(13)], ['reused', iso(13), undefined]]);
    assert.equal(r.intervals[1].overlap, true);
    assert.equal(r.intervals[1].brokenBy, 'default/backend-r1-a');
    assert.match(describeInterval(r.intervals[1]), /holds the IP, given to it while default\/backend-r1-a was still terminating\. The config reaches a different workload\.$/);
  });

  it('a new holder whose (whole-second) object time is before the release it came after did not overlap it', () => {
    const h = new IpHistory();
    const ev = (seq: number, type: LifecycleEvent['type'], uid: string, s: number, extra: Partial<LifecycleEvent> = {}): LifecycleEvent => ({ seq, type, time: iso(s), timeSource: 'object', uid, pod: `default/${uid}`, ...extra });
    const owner = (name: string) => ({ owner: { kind: 'Deployment', name }, revision: 'r' });
    h.ingest([
      ev(1, 'created', 'a', 0, owner('backend')),
      ev(2, 'ip-assigned', 'a', 1, { ip: '10.244.1.7', ...owner('backend') }),
      ev(3, 'terminating', 'a', 10),
      ev(4, 'ip-released', 'a', 12.4, { ip: '10.244.1.7', timeSource: 'arrival' }),
      ev(5, 'deleted', 'a', 12.4),
      ev(6, 'created', 'c', 12, owner('payments')),
      ev(7, 'ip-assigned', 'c', 12, { ip: '10.244.1.7', ...owner('payments') }),
    ]);
    const r = joinReferences([lit('10.244.1.7')], h)[0];
    assert.deepEqual(r.intervals.map((i) => [i.state, i.from, i.overlap]), [['live', iso(1), undefined], ['reused', iso(12.4), undefined]]);
    assert.equal(r.intervals[1].cause, 'deletion', 'the break that came before it');
  });

  it('a release found on relist after the watch was down, and hostNetwork Pods (the node’s IP) are no references', () => {
    const c = new Cluster().start(0, A).start(0, { uid: 'h', app: 'agent', rev: 'h1', ip: '10.0.0.5', hostNetwork: true });
    c.events.push(...c.model.replacePods([], at(50)));
    const rows = joinReferences([lit('10.244.1.7'), lit('10.0.0.5', 40)], c.history());
    assert.deepEqual(rows.map((r) => [r.ip, r.intervals[1]?.cause]), [['10.244.1.7', 'watch-gap']]);
  });

  it('takes events once (by seq) and in batches the same as all at once', () => {
    const c = new Cluster().start(0, A).start(20, B).stop(25, A).start(40, C);
    const h = new IpHistory();
    for (let i = 0; i < c.events.length; i += 3) h.ingest(c.events.slice(i, i + 3));
    assert.equal(h.ingest(c.events), false, 'the same events again change nothing');
    assert.deepEqual(joinReferences([lit('10.244.1.7')], h), joinReferences([lit('10.244.1.7')], c.history()));
  });

  it('joined after every event, the cached stories are what a fresh join of the same events says', () => {
    const again: P = { uid: 'd', app: 'backend', rev: 'r3', ip: '10.244.1.8' };
    const scenarios = [
      new Cluster().start(0, A).start(20, B).stop(25, A).start(40, C),
      new Cluster().start(0, A).stop(10, A).start(30, B), // Recreate: the new revision comes after the break
      new Cluster().start(0, A).stop(10, A, { evicted: true }).start(12, C).stop(20, C).start(22, again),
    ];
    for (const c of scenarios) {
      const lits = [lit('10.244.1.7'), lit('10.244.1.8', 30)];
      const h = new IpHistory();
      for (let i = 0; i < c.events.length; i++) {
        h.ingest([c.events[i]]);
        const fresh = new IpHistory();
        fresh.ingest(c.events.slice(0, i + 1));
        assert.deepEqual(joinReferences(lits, h), joinReferences(lits, fresh), `after event ${i} (${c.events[i].type})`);
      }
    }
  });

  it('rows of an unchanged story share its intervals (the host compares sections by reference); a change makes new ones', () => {
    const c = new Cluster().start(0, A).start(20, B);
    const h = c.history();
    const first = joinReferences([lit('10.244.1.7'), lit('10.244.1.8', 30)], h);
    const again = joinReferences([lit('10.244.1.7'), lit('10.244.1.8', 30)], h);
    assert.ok(first.every((r, i) => r.intervals === again[i].intervals));
    const more = new Cluster().start(0, A).start(20, B).stop(25, A).events.slice(c.events.length);
    h.ingest(more);
    const after = joinReferences([lit('10.244.1.7'), lit('10.244.1.8', 30)], h);
    assert.notEqual(after[0].intervals, first[0].intervals, 'the released IP has a new story');
    assert.equal(after[1].intervals, first[1].intervals, 'the other IP’s story is untouched');
  });

  it('keeps at most its tenure budget, dropping the oldest', () => {
    const c = new Cluster();
    for (let i = 0; i < 20; i++) c.start(i * 10, { uid: `u${i}`, app: 'w', rev: 'r', ip: `10.244.2.${i}` }).stop(i * 10 + 5, { uid: `u${i}`, app: 'w', rev: 'r', ip: `10.244.2.${i}` });
    const h = new IpHistory(5);
    h.ingest(c.events);
    assert.equal(h.has('10.244.2.0'), false);
    assert.equal(h.has('10.244.2.19'), true);
    assert.equal(joinReferences([lit('10.244.2.3'), lit('10.244.2.17')], h).length, 1);
  });

  it('rows are ordered by file and line, one per literal (two places with the same IP are two rows)', () => {
    const h = new Cluster().start(0, A).history();
    const rows = joinReferences([lit('10.244.1.7', 40, 'file:///ws/z.yaml', 'z.yaml'), lit('10.244.1.7', 9), lit('10.244.1.7', 3, 'file:///ws/a.yaml', 'a.yaml')], h);
    assert.deepEqual(rows.map((r) => `${r.label}:${r.line}`), ['a.yaml:3', 'frontend.yaml:9', 'z.yaml:40']);
    assert.equal(new Set(rows.map((r) => r.id)).size, 3);
  });
});

describe('references: the manifest index’s IP literals', () => {
  const manifest = (ip: string) => ['apiVersion: v1', 'kind: ConfigMap', 'metadata:', '  name: frontend', 'data:', `  BACKEND: "${ip}:8080"`, ''].join('\n');

  it('literalsOf: the linter’s findings with an IP, at their line and column', () => {
    const text = manifest('10.244.1.7');
    const lits = literalsOf('file:///ws/f.yaml', 'f.yaml', text, lintText(text).findings);
    assert.deepEqual(lits, [{ file: 'file:///ws/f.yaml', label: 'f.yaml', line: 6, column: 13, ip: '10.244.1.7', literal: '10.244.1.7:8080', path: 'data.BACKEND', resource: 'ConfigMap frontend' }]);
  });

  it('follows edits: a fixed literal disappears; lint settings apply; listeners hear of each change', () => {
    const idx = new ManifestIndex();
    const heard: (string | undefined)[] = [];
    idx.onDidChange((f) => heard.push(f));
    idx.update('file:///ws/f.yaml', manifest('10.244.1.7'));
    idx.update('file:///ws/g.yaml', 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: g}\ndata: {A: "backend.default.svc.cluster.local"}\n');
    assert.deepEqual(idx.ipLiterals((f) => f.replace('file:///ws/', '')).map((l) => `${l.label}:${l.line} ${l.ip}`), ['f.yaml:6 10.244.1.7']);
    idx.update('file:///ws/f.yaml', manifest('backend.default.svc.cluster.local'));
    assert.deepEqual(idx.ipLiterals(), []);
    idx.update('file:///ws/f.yaml', manifest('10.244.1.9'));
    idx.setLintOptions({ ignoreCidrs: ['10.244.0.0/16'] });
    assert.deepEqual(idx.ipLiterals(), [], 'an ignored range has no diagnostic, so no reference');
    idx.setLintOptions({});
    assert.equal(idx.ipLiterals().length, 1);
    idx.remove('file:///ws/f.yaml');
    assert.deepEqual(idx.ipLiterals(), []);
    assert.deepEqual(heard, ['file:///ws/f.yaml', 'file:///ws/g.yaml', 'file:///ws/f.yaml', 'file:///ws/f.yaml', undefined, undefined, 'file:///ws/f.yaml']);
  });
});

describe('references: the protocol message', () => {
  const row = () => joinReferences([lit('10.244.1.7')], new Cluster().start(0, A).start(20, B).stop(25, A).start(40, C).history())[0];

  it('carries rows as they are, strings as data', () => {
    const r = row();
    r.label = '<img src=x onerror=alert(1)>.yaml';
    const m = { type: 'references', rows: [r], literals: 2, files: 1 };
    const parsed = parseHostMessage(JSON.parse(JSON.stringify(m)));
    assert.ok(parsed.ok, parsed.ok ? '' : parsed.error);
    assert.deepEqual(parsed.value, m);
  });

  it('refuses a bad row with the path of the first bad field', () => {
    const bad = (patch: (r: Record<string, unknown>) => void) => {
      const r = JSON.parse(JSON.stringify(row())) as Record<string, unknown>;
      patch(r);
      const p = parseHostMessage({ type: 'references', rows: [r], literals: 1, files: 1 });
      assert.equal(p.ok, false);
      return p.ok ? '' : p.error;
    };
    assert.equal(bad((r) => (r.state = 'gone')), "message.rows[0].state: 'gone' is not one of live, dangling, reused");
    assert.equal(bad((r) => (r.line = 0)), 'message.rows[0].line: expected a line or column number (1 or more), got 0');
    assert.equal(bad((r) => ((r.intervals as Record<string, unknown>[])[1].cause = 'magic')), "message.rows[0].intervals[1].cause: 'magic' is not one of rollout, deletion, eviction, finished, ip-changed, watch-gap");
    assert.equal(bad((r) => ((r.intervals as Record<string, unknown>[])[0].from = 'yesterday')), "message.rows[0].intervals[0].from: 'yesterday' is not an ISO 8601 time");
  });

  it('a click sends the row’s id back; an empty id is refused', () => {
    assert.deepEqual(parseWebviewMessage({ type: 'open-reference', id: 'x' }), { ok: true, value: { type: 'open-reference', id: 'x' } });
    assert.equal(parseWebviewMessage({ type: 'open-reference', id: '' }).ok, false);
  });
});
