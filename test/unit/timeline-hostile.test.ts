// `pod-ip-lens timeline` on input that is huge, ill-typed or full of terminal escapes: it must print
// what it can, name what it skipped (line and column), and never crash or drive the terminal.
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { forTerminal, jsonForTerminal } from '../../src/cli/terminal';
import { formatText } from '../../src/cli/timeline';
import { replayKubectlWatch } from '../../src/core/lifecycle';

const root = join(__dirname, '..', '..');
function cli(args: string[], input?: string): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, ['--import', 'tsx', join(root, 'src', 'cli.ts'), ...args], { cwd: root, input, encoding: 'utf8', timeout: 60_000, maxBuffer: 256 * 1024 * 1024 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** One ADDED watch event for a scheduled, running, ready Pod: four lifecycle events each. */
function runningPod(i: number, overrides: { name?: string; status?: Record<string, unknown>; metadata?: Record<string, unknown> } = {}): string {
  const t = new Date(Date.UTC(2026, 0, 1) + i * 1000).toISOString();
  const pod = {
    kind: 'Pod',
    metadata: { uid: `uid-${i}`, name: overrides.name ?? `web-${i}`, namespace: 'd', resourceVersion: String(i + 1), creationTimestamp: t, ...overrides.metadata },
    spec: { nodeName: `node-${i % 3}` },
    status: {
      phase: 'Running',
      podIP: `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`,
      conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: t }],
      ...overrides.status,
    },
  };
  return JSON.stringify({ type: 'ADDED', object: pod });
}

describe('pod-ip-lens timeline on hostile input', function () {
  this.timeout(120_000);

  describe('a stream of 160,000 lifecycle events', () => {
    // Spreading this many values into Math.max overflows the stack (V8's limit is near 125,000 here).
    const PODS = 40_000;
    let result: ReturnType<typeof replayKubectlWatch>;
    before(() => {
      const lines: string[] = [];
      for (let i = 0; i < PODS; i++) lines.push(runningPod(i));
      result = replayKubectlWatch(`${lines.join('\n')}\n`);
      assert.equal(result.events.length, 160_000);
    });

    it('prints a bounded summary as text, not "Maximum call stack"', () => {
      const out = formatText(result);
      const lines = out.trimEnd().split('\n');
      assert.ok(lines.length < 200, `a summary, not ${lines.length} lines`);
      assert.match(out, /160000 events from 40000 watch events; 40000 Pod lives, 40000 not deleted at the end\./);
      assert.match(out, /--all/);
      assert.match(out, /ip-assigned\s+40000/);
    });

    it('prints every event with --all', () => {
      const lines = formatText(result, { all: true }).split('\n');
      assert.match(lines[0], /^TIME\s+EVENT\s+POD\s+IP\s+NODE\s+DETAILS$/);
      assert.equal(lines.filter((l) => /^\d{4}-/.test(l)).length, 160_000);
      assert.ok(lines.some((l) => /ip-assigned\s+d\/web-39999\s+10\.0\.156\.63\s+node-0/.test(l)));
    });
  });

  it('the command prints the summary above 1,000 events and the table with --all', () => {
    const input = Array.from({ length: 300 }, (_, i) => runningPod(i)).join('\n');
    const r = cli(['timeline', '-'], input);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^1200 events: a summary \(--all prints every one\)\./);
    assert.ok(r.stdout.split('\n').length < 60);
    const all = cli(['timeline', '--all', '-'], input);
    assert.equal(all.code, 0, all.stderr);
    assert.equal(all.stdout.split('\n').filter((l) => /^\d{4}-/.test(l)).length, 1200);
    assert.equal(cli(['timeline', '-'], Array.from({ length: 250 }, (_, i) => runningPod(i)).join('\n')).stdout.split('\n').filter((l) => /^\d{4}-/.test(l)).length, 1000, 'up to 1,000 events: the full table');
  });

  it('skips objects with wrong types as data errors with their line and column, and replays the rest', () => {
    const stream = [
      runningPod(0),
      runningPod(1, { status: { conditions: 'x' } }),
      runningPod(2, { metadata: { ownerReferences: {} } }),
      runningPod(3, { status: { podIP: 5 } }),
      runningPod(4, { metadata: { uid: 7 } }),
      `  ${runningPod(5, { status: { conditions: [null, 3] } })}`,
      runningPod(6, { metadata: { labels: { app: ['x'] } } }),
      runningPod(7),
    ].join('\n');
    for (const format of ['text', 'json']) {
      const r = cli(['timeline', '--format', format, '-'], stream);
      assert.doesNotMatch(r.stderr, /cannot read|TypeError/);
      assert.equal(r.code, 1, 'bad input is reported with exit 1');
      if (format === 'json') {
        const pods = new Set((JSON.parse(r.stdout) as { events: { pod: string }[] }).events.map((e) => e.pod));
        assert.deepEqual([...pods], ['d/web-0', 'd/web-7'], 'the good objects before and after the bad ones are replayed');
      } else {
        assert.match(r.stdout, /created\s+d\/web-0/);
        assert.match(r.stdout, /created\s+d\/web-7/);
      }
      assert.match(r.stderr, /<stdin>:2:1: status\.conditions must be a list, not a string; skipped this watch event/);
      assert.match(r.stderr, /<stdin>:3:1: metadata\.ownerReferences must be a list, not an object; skipped/);
      assert.match(r.stderr, /<stdin>:4:1: status\.podIP must be a string, not a number; skipped/);
      assert.match(r.stderr, /<stdin>:5:1: metadata\.uid must be a string, not a number; skipped/);
      assert.match(r.stderr, /<stdin>:6:3: status\.conditions\[0\] must be an object, not null; skipped/);
      assert.match(r.stderr, /<stdin>:7:1: metadata\.labels\.app must be a string, not a list; skipped/);
      assert.match(r.stderr, /6 objects skipped for bad data, 2 replayed/);
    }
  });

  it('skips a bad Pod inside a chunked PodList and keeps its siblings', () => {
    const good = JSON.parse(runningPod(0)).object;
    const bad = JSON.parse(runningPod(1, { status: { podIPs: 'x' } })).object;
    const other = JSON.parse(runningPod(2)).object;
    const r = cli(['timeline', '--format', 'json', '-'], JSON.stringify({ type: 'ADDED', object: { kind: 'PodList', items: [good, bad, other] } }));
    assert.equal(r.code, 1);
    const pods = new Set((JSON.parse(r.stdout) as { events: { pod: string }[] }).events.map((e) => e.pod));
    assert.deepEqual([...pods], ['d/web-0', 'd/web-2']);
    assert.match(r.stderr, /<stdin>:1:1: item 2: status\.podIPs must be a list, not a string; skipped this Pod/);
  });

  it('prints Pod names with ANSI and OSC escape sequences escaped', () => {
    const evil = 'web-\u001b]0;pwned\u0007\u001b[2J\u001b[31mred\u009b1m\u202eabc\nnext';
    const stream = [runningPod(0, { name: evil }), JSON.stringify({ kind: 'Secret\u001b[31m', metadata: { name: 'x' } })].join('\n');
    const text = cli(['timeline', '-'], stream);
    assert.equal(text.code, 0, text.stderr);
    for (const out of [text.stdout, text.stderr]) assert.doesNotMatch(out, /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202e]/, 'no control characters reach the terminal');
    assert.ok(text.stdout.includes('d/web-\\x1b]0;pwned\\x07\\x1b[2J\\x1b[31mred\\x9b1m\\u202eabc\\nnext'), text.stdout);
    assert.ok(text.stderr.includes('skipped a Secret\\x1b[31m, not a Pod'), text.stderr);
    const json = cli(['timeline', '--format', 'json', '-'], stream);
    assert.doesNotMatch(json.stdout, /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202e]/);
    assert.equal((JSON.parse(json.stdout) as { events: { pod: string }[] }).events[0].pod, `d/${evil}`, 'JSON keeps the exact name');
  });

  it('forTerminal escapes controls and leaves other text alone', () => {
    assert.equal(forTerminal('plain ünïcødé / C:\\path'), 'plain ünïcødé / C:\\path');
    assert.equal(forTerminal('a\u001b[31mb\tc\r\n\u0000\u007f\u0085\u2066'), 'a\\x1b[31mb\\tc\\r\\n\\x00\\x7f\\x85\\u2066');
    assert.equal(JSON.parse(jsonForTerminal(JSON.stringify({ s: 'x\u009b\u202ey' }))).s, 'x\u009b\u202ey');
  });
});
