import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseConcatenatedJson } from '../../src/core/lifecycle';

// The command runs as a user runs it: a separate process, arguments, stdin, exit code.
const root = join(__dirname, '..', '..');
const fixtures = join(root, 'test', 'fixtures', 'kubectl-watch');
function cli(args: string[], input?: string): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, ['--import', 'tsx', join(root, 'src', 'cli.ts'), ...args], { cwd: root, input, encoding: 'utf8', timeout: 30000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

interface JsonEvent {
  type: string;
  time: string;
  uid?: string;
  pod?: string;
  ip?: string;
  node?: string;
  overlap?: boolean;
  previousPod?: string;
}

const OLD = 'shop/web-7d4b9c-abcde';
const NEW1 = 'shop/web-5f6d8e-fghij';
const NEW2 = 'shop/web-5f6d8e-klmno';

describe('pod-ip-lens timeline', () => {
  it('replays --output-watch-events output as the lifecycle, in JSON', () => {
    const r = cli(['timeline', '--format', 'json', join(fixtures, 'rollout-watch-events.json')]);
    assert.equal(r.code, 0, r.stderr);
    const { events } = JSON.parse(r.stdout) as { events: JsonEvent[] };
    assert.deepEqual(
      events.map((e) => [e.type, e.pod, e.ip ?? null, e.node ?? null]),
      [
        ['created', OLD, null, null],
        ['scheduled', OLD, null, 'node-1'],
        ['ip-assigned', OLD, '10.244.1.5', 'node-1'],
        ['ready', OLD, null, 'node-1'],
        ['created', NEW1, null, null],
        ['scheduled', NEW1, null, 'node-2'],
        ['ip-assigned', NEW1, '10.244.2.9', 'node-2'],
        ['ready', NEW1, null, 'node-2'],
        ['terminating', OLD, null, 'node-1'],
        ['created', NEW2, null, null],
        ['unready', OLD, null, 'node-1'],
        ['scheduled', NEW2, null, 'node-1'],
        ['ip-assigned', NEW2, '10.244.1.5', 'node-1'],
        ['ip-reused', NEW2, '10.244.1.5', 'node-1'],
        ['ip-released', OLD, '10.244.1.5', 'node-1'],
        ['deleted', OLD, null, 'node-1'],
        ['ready', NEW2, null, 'node-1'],
      ],
    );
    const reused = events.find((e) => e.type === 'ip-reused')!;
    assert.equal(reused.overlap, true);
    assert.equal(reused.previousPod, OLD);
    for (const e of events) {
      assert.match(e.time, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
      assert.match(e.uid!, /^[0-9a-f-]{36}$/);
    }
    // terminating: deletionTimestamp (09:01:36) minus the 30 s grace period.
    assert.equal(events[8].time, '2026-03-02T09:01:06.000Z');
  });

  it('replays what the real kubectl printed watching a rollout on the demo cluster', () => {
    // Captured with kubectl v1.32: get pods -w -o json -l app=web --output-watch-events, during a rollout.
    const r = cli(['timeline', '--format', 'json', join(fixtures, 'demo-rollout-watch-events.json')]);
    assert.equal(r.code, 0, r.stderr);
    const { events } = JSON.parse(r.stdout) as { events: JsonEvent[] };
    const lives = new Map<string, string[]>();
    for (const e of events) lives.set(e.uid!, [...(lives.get(e.uid!) ?? []), e.type]);
    assert.equal(lives.size, 4, 'two old Pods and two new ones');
    const deleted = [...lives.values()].filter((t) => t.includes('deleted'));
    assert.equal(deleted.length, 2);
    for (const t of deleted) {
      assert.ok(t.indexOf('terminating') < t.indexOf('ip-released') && t.indexOf('ip-released') < t.indexOf('deleted'), t.join(','));
    }
    for (const t of lives.values()) assert.deepEqual(t.slice(0, 3), ['created', 'scheduled', 'ip-assigned']);
    assert.ok(events.every((e) => e.pod?.startsWith('default/web-')));
  });

  it('reads the chunked initial list kubectl prints as one event wrapping a PodList', () => {
    // Captured with kubectl v1.32 and --chunk-size=2 on three Pods (the default chunk is 500 Pods):
    // kubectl prints each page as {"type":"ADDED","object":{"kind":"PodList","items":[...]}}, compact.
    const r = cli(['timeline', '--format', 'json', join(fixtures, 'demo-chunked-list-watch-events.json')]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stderr, '');
    const { events } = JSON.parse(r.stdout) as { events: JsonEvent[] };
    assert.equal(new Set(events.filter((e) => e.type === 'created').map((e) => e.uid)).size, 4, 'three listed Pods and the replacement of the deleted one');
    assert.equal(events.filter((e) => e.type === 'deleted').length, 1);
    assert.equal(events.filter((e) => e.type === 'ip-assigned').length, 4);
  });

  it('replays plain -o json output and says that deletions cannot be seen', () => {
    const r = cli(['timeline', '--format=json', join(fixtures, 'rollout-plain.json')]);
    assert.equal(r.code, 0, r.stderr);
    const { events } = JSON.parse(r.stdout) as { events: JsonEvent[] };
    assert.ok(!events.some((e) => e.type === 'deleted'));
    assert.ok(events.some((e) => e.type === 'ip-reused' && e.overlap === true));
    assert.match(r.stderr, /--output-watch-events/);
  });

  it('reads standard input and prints a table', () => {
    const r = cli(['timeline', '-'], readFileSync(join(fixtures, 'rollout-watch-events.json'), 'utf8'));
    assert.equal(r.code, 0, r.stderr);
    const lines = r.stdout.split('\n');
    assert.match(lines[0], /^TIME\s+EVENT\s+POD\s+IP\s+NODE\s+DETAILS$/);
    assert.ok(lines.some((l) => /ip-reused\s+shop\/web-5f6d8e-klmno\s+10\.244\.1\.5\s+node-1\s+.*OVERLAP/.test(l)), r.stdout);
    assert.ok(lines.some((l) => /^2026-03-02T09:01:14\.000Z\*\s+deleted/.test(l)), 'arrival-estimated times are starred');
    assert.match(r.stdout, /17 events from 13 watch events; 3 Pod lives, 2 not deleted at the end\./);
  });

  it('reports truncated input with its position, after everything before it', () => {
    const text = readFileSync(join(fixtures, 'rollout-watch-events.json'), 'utf8');
    const values = parseConcatenatedJson(text).values;
    // Cut in the middle of the fifth watch event.
    const cut = text.slice(0, values[4].offset + 200);
    const r = cli(['timeline', '--format', 'json', '-'], cut);
    assert.equal(r.code, 1);
    const { events } = JSON.parse(r.stdout) as { events: JsonEvent[] };
    assert.equal(events.filter((e) => e.type === 'ip-assigned').length, 2, 'the four complete watch events are reported');
    const line = cut.split('\n').length;
    assert.match(r.stderr, new RegExp(`<stdin>:${line}:\\d+: input ends inside the JSON value that starts at line ${values[4].line}, column 1`));
    assert.match(r.stderr, /the 4 watch events before it are reported above/);
  });

  it('points at a syntax error inside an object', () => {
    const good = '{"type":"ADDED","object":{"kind":"Pod","metadata":{"uid":"u1","name":"a","namespace":"d","creationTimestamp":"2026-01-01T00:00:00Z"}}}\n';
    const bad = '{\n  "type": "MODIFIED",\n  "object": {"kind": "Pod", "metadata": {"uid": "u1" "name": "a"}}\n}\n';
    const r = cli(['timeline', '-'], good + bad);
    assert.equal(r.code, 1);
    assert.match(r.stdout, /created\s+d\/a/);
    assert.match(r.stderr, /<stdin>:4:\d+: invalid JSON/);
  });

  it('points at text that is not JSON between objects', () => {
    const r = cli(['timeline', '-'], '{"kind":"Pod","metadata":{"uid":"u1","name":"a","namespace":"d"}}\nerror: the server doesn\'t have a resource type "podz"\n');
    assert.equal(r.code, 1);
    assert.match(r.stderr, /<stdin>:2:1: expected the start of a JSON object \('\{'\), found "error: the server do…"/);
  });

  it('points at a Pod it cannot key', () => {
    const r = cli(['timeline', '-'], '{"kind":"Pod","metadata":{"uid":"u1","name":"a","namespace":"d"}}\n\n   {"kind":"Pod","metadata":{"name":"b"}}');
    assert.equal(r.code, 1);
    assert.match(r.stderr, /<stdin>:3:4: Pod \/b has no metadata.uid/);
  });

  it('accepts the List that kubectl get -o json prints without -w', () => {
    const list = { apiVersion: 'v1', kind: 'List', items: [{ kind: 'Pod', metadata: { uid: 'u1', name: 'a', namespace: 'd' }, spec: { nodeName: 'n' }, status: { podIP: '10.0.0.1' } }] };
    const r = cli(['timeline', '--format', 'json', '-'], JSON.stringify(list, null, 4));
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(
      (JSON.parse(r.stdout) as { events: JsonEvent[] }).events.map((e) => e.type),
      ['created', 'scheduled', 'ip-assigned'],
    );
  });

  it('gives clear errors for bad arguments and missing files', () => {
    const missing = cli(['timeline', join(fixtures, 'no-such-file.json')]);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /cannot read .*no-such-file\.json: no such file/);
    const fmt = cli(['timeline', '--format', 'yaml', '-'], '');
    assert.equal(fmt.code, 2);
    assert.match(fmt.stderr, /--format must be 'text' or 'json', not 'yaml'/);
    const none = cli(['timeline']);
    assert.equal(none.code, 2);
    assert.match(none.stderr, /missing input/);
    const help = cli(['timeline', '--help']);
    assert.equal(help.code, 0);
    assert.match(help.stdout, /--output-watch-events/);
    assert.match(cli(['--help']).stdout, /timeline FILE\|-/);
  });
});
