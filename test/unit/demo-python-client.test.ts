// A real client library other than kubectl and client-node runs the lesson against the demo
// cluster: the official Python client (Debian's python3-kubernetes). It sends what those two do
// not (watch=True, follow=True with a capital T), and reads watches and log follows its own way.
// Installed with apt when missing and running as root on Debian, as the test host does for
// Chromium; otherwise the suite says loudly why it is skipped.
import * as assert from 'node:assert/strict';
import { execFile, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startDemoCluster, DemoCluster } from '../../src/demo';

/* eslint-disable @typescript-eslint/no-explicit-any */
type Any = any;

const PYTHON = process.env.DEMO_PYTHON ?? '/usr/bin/python3';
const SCRIPT = join(__dirname, '..', 'fixtures', 'clients', 'python-lesson.py');

function hasClient(): boolean {
  return existsSync(PYTHON) && spawnSync(PYTHON, ['-c', 'import kubernetes'], { stdio: 'ignore' }).status === 0;
}

/** Makes python3-kubernetes available, or returns why it is not. */
function ensurePythonClient(): string | undefined {
  if (hasClient()) return undefined;
  const root = typeof process.getuid === 'function' && process.getuid() === 0;
  if (!root || !existsSync('/etc/debian_version')) return `${PYTHON} with the kubernetes module is missing (install Debian's python3-kubernetes, or set DEMO_PYTHON)`;
  console.log('    [python client] installing Debian\'s python3-kubernetes with apt-get (once)');
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  for (const args of [['update', '-qq'], ['install', '-y', '-qq', 'python3-kubernetes']]) {
    const r = spawnSync('apt-get', args, { stdio: 'inherit', env, timeout: 300_000 });
    if (r.status !== 0) return `apt-get ${args.join(' ')} failed (exit ${r.status})`;
  }
  return hasClient() ? undefined : 'python3-kubernetes installed, but `import kubernetes` still fails';
}

describe('demo cluster with the official Python client (python3-kubernetes)', function () {
  this.timeout(400_000);
  let cluster: DemoCluster;
  let dir: string;

  before(async function () {
    const why = ensurePythonClient();
    if (why) {
      console.warn(`\n  !!! SKIPPING the Python client tests of the demo cluster: ${why} !!!\n`);
      this.skip();
    }
    dir = mkdtempSync(join(tmpdir(), 'demo-python-'));
    cluster = await startDemoCluster({ kubeconfigPath: join(dir, 'kubeconfig'), speed: 4 });
  });

  after(async () => {
    await cluster?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('runs the lesson: creates a Deployment, watches new Pod IPs arrive through a rollout, follows a log', async () => {
    const run = await new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
      execFile(PYTHON, [SCRIPT, join(dir, 'kubeconfig')], { timeout: 150_000, env: { ...process.env, HOME: dir } }, (err, stdout, stderr) => {
        resolve({ code: err ? (typeof (err as Any).code === 'number' ? (err as Any).code : 1) : 0, stdout, stderr });
      });
    });
    assert.equal(run.code, 0, `python exited ${run.code}:\n${run.stderr}\n${run.stdout}`);
    const lines = run.stdout.trim().split('\n').map((l) => JSON.parse(l));
    const steps = lines.filter((l) => l.step).map((l) => l.step);
    assert.deepEqual(steps, ['created', 'rollout', 'watched', 'done'], run.stdout);
    const events = lines.filter((l) => l.event);
    const rolloutAt = lines.findIndex((l) => l.step === 'rollout');
    const oldPods = new Map<string, string>();
    for (const e of events) if (e.image === 'nginx:1.28' && e.ip) oldPods.set(e.name, e.ip);
    assert.equal(oldPods.size, 2, 'two Pods with IPs before the rollout');
    const after = lines.slice(rolloutAt);
    const newNames = [...new Set(after.filter((e) => e.event === 'ADDED' && e.image === 'nginx:1.25').map((e) => e.name))];
    assert.ok(newNames.length >= 2, `new Pods arrive as ADDED events: ${newNames}`);
    for (const name of newNames.slice(0, 2)) {
      const mine = after.filter((e) => e.name === name);
      assert.equal(mine[0].ip, null, `${name} is added without an IP`);
      const withIp = mine.find((e) => e.ip);
      assert.ok(withIp, `${name} gets its IP in a later MODIFIED event`);
      assert.equal(withIp.event, 'MODIFIED');
      assert.match(withIp.ip, /^10\.244\.\d+\.\d+$/);
      assert.ok(![...oldPods.values()].includes(withIp.ip), `${withIp.ip} is a new IP`);
    }
    for (const name of oldPods.keys()) assert.ok(after.some((e) => e.name === name && e.event === 'DELETED'), `${name} is seen DELETED`);
    const logs = lines.filter((l) => l.log !== undefined).map((l) => l.log);
    assert.deepEqual(logs.slice(0, 3), ['tick', 'tick', 'tick'], 'the followed log streams lines as they are printed');
  });
});
