// The demo cluster writes a kubeconfig with its bearer token and, with --data-dir, cluster.json with
// every object (Secrets included): both are private to the user (0600), replaced atomically, and
// never written through a symbolic link someone else planted.
import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { chmodSync, existsSync, lstatSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startDemoCluster } from '../../src/demo';
import { writePrivateFileSync } from '../../src/demo/privateFile';

const posix = process.platform !== 'win32';
const mode = (p: string) => statSync(p).mode & 0o777;

describe('files with secrets', function () {
  this.timeout(60_000);
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'pod-ip-lens-files-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('replaces an existing world-readable kubeconfig with a 0600 one', async function () {
    if (!posix) this.skip();
    const kubeconfig = join(dir, 'demo.kubeconfig');
    writeFileSync(kubeconfig, 'old contents\n', { mode: 0o644 });
    chmodSync(kubeconfig, 0o644);
    const c = await startDemoCluster({ kubeconfigPath: kubeconfig, systemWorkloads: false });
    try {
      assert.equal(mode(kubeconfig), 0o600);
      assert.equal(readFileSync(kubeconfig, 'utf8'), c.kubeconfig);
      assert.ok(c.kubeconfig.includes(c.token));
      assert.deepEqual(readdirSync(dir), ['demo.kubeconfig'], 'no temporary file is left behind');
    } finally {
      await c.stop();
    }
  });

  it('refuses to write the kubeconfig through a symbolic link, and leaves its target alone', async function () {
    if (!posix) this.skip();
    const target = join(dir, 'victim');
    writeFileSync(target, 'precious\n', { mode: 0o644 });
    const link = join(dir, 'demo.kubeconfig');
    symlinkSync(target, link);
    // (A cluster that started anyway is stopped, so a failure here cannot leave a server running.)
    await assert.rejects(
      startDemoCluster({ kubeconfigPath: link, systemWorkloads: false }).then(async (c) => (await c.stop(), c)),
      /demo\.kubeconfig is a symbolic link/,
    );
    assert.equal(readFileSync(target, 'utf8'), 'precious\n');
    assert.ok(lstatSync(link).isSymbolicLink(), 'the link itself is not replaced either');
  });

  it('the CLI writes the kubeconfig 0600 over an existing 0644 file, and says why it refuses a symlink', async function () {
    if (!posix) this.skip();
    const kubeconfig = join(dir, 'cli.kubeconfig');
    writeFileSync(kubeconfig, '', { mode: 0o644 });
    chmodSync(kubeconfig, 0o644);
    const root = join(__dirname, '..', '..');
    const runCli = (path: string) =>
      new Promise<{ code: number | null; out: string; err: string }>((resolve) => {
        const p = spawn(process.execPath, ['--import', 'tsx', join(root, 'src', 'cli.ts'), 'cluster', '--kubeconfig', path, '--no-system-workloads'], { cwd: root });
        let out = '';
        let err = '';
        const timer = setTimeout(() => p.kill('SIGKILL'), 45_000);
        p.stdout.on('data', (d: Buffer) => {
          out += d.toString();
          if (out.includes('ready at')) p.kill('SIGTERM');
        });
        p.stderr.on('data', (d: Buffer) => (err += d.toString()));
        p.on('exit', (code) => {
          clearTimeout(timer);
          resolve({ code, out, err });
        });
      });
    const ok = await runCli(kubeconfig);
    assert.match(ok.out, /Demo cluster ready at https:\/\/127\.0\.0\.1:\d+/, ok.err);
    assert.equal(mode(kubeconfig), 0o600);
    assert.match(readFileSync(kubeconfig, 'utf8'), /token: /);
    const link = join(dir, 'link.kubeconfig');
    symlinkSync(join(dir, 'elsewhere'), link);
    const refused = await runCli(link);
    assert.equal(refused.code, 1);
    assert.match(refused.err, /link\.kubeconfig is a symbolic link; not writing credentials through it/);
    assert.equal(existsSync(join(dir, 'elsewhere')), false);
  });

  it('--data-dir writes cluster.json 0600, and a planted cluster.json.tmp link does not redirect it', async function () {
    if (!posix) this.skip();
    const data = join(dir, 'data');
    const victim = join(dir, 'victim');
    writeFileSync(victim, 'precious\n');
    const c = await startDemoCluster({ dataDir: data, systemWorkloads: false });
    symlinkSync(victim, join(data, 'cluster.json.tmp'));
    c.api.create('secrets', 'default', { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'db' }, stringData: { password: 'hunter2' } });
    await c.stop();
    const snapshot = join(data, 'cluster.json');
    assert.equal(mode(snapshot), 0o600);
    assert.ok(readFileSync(snapshot, 'utf8').includes('"db"'));
    assert.equal(readFileSync(victim, 'utf8'), 'precious\n');
    assert.equal(mode(data), 0o700, 'a data folder it creates is private too');
    // The next run reads it back.
    const again = await startDemoCluster({ dataDir: data, systemWorkloads: false });
    try {
      assert.ok(again.store.get('secrets', 'default', 'db'));
    } finally {
      await again.stop();
    }
  });

  it('writePrivateFileSync refuses what is not a regular file', function () {
    if (!posix) this.skip();
    assert.throws(() => writePrivateFileSync(dir, 'x'), /is not a regular file/);
  });
});
