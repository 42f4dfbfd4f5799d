// `pod-ip-lens lint` end to end: the real CLI in a child process, on the fixture manifests.
import { strict as assert } from 'node:assert';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = join(__dirname, '..', '..');
const FIX = 'test/fixtures/manifests';

function cli(args: string[], input?: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(root, 'src', 'cli.ts'), 'lint', ...args], { cwd: root });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => child.kill(), 30_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
    child.stdin.end(input ?? '');
  });
}

describe('pod-ip-lens lint', function () {
  this.timeout(60_000);

  it('prints text findings with 1-based positions and exits 1', async () => {
    const r = await cli([join(FIX, 'shop.yaml')]);
    assert.equal(r.code, 1, r.stderr);
    const lines = r.stdout.trim().split('\n');
    assert.deepEqual(lines.slice(0, 3).map((l) => l.split(' [')[0]), [
      `${FIX}/shop.yaml:49:7: warning`,
      `${FIX}/shop.yaml:55:30: warning`,
      `${FIX}/shop.yaml:60:15: warning`,
    ]);
    assert.equal(lines[3], '3 findings in 1 file');
    assert.equal(readFileSync(join(FIX, 'shop.yaml'), 'utf8').split('\n')[54].slice(29, 44), '10.244.1.7:8080');
  });

  it('exits 0 on a clean file', async () => {
    const r = await cli([join(FIX, 'clean.yaml'), '--format', 'json']);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.deepEqual(JSON.parse(r.stdout), { findings: [] });
  });

  it('walks directories, prints the JSON fields the issue specifies, and reads stdin as -', async () => {
    const r = await cli([FIX, '-', '--format=json'], 'kind: ConfigMap\ndata: {upstream: "[fd00::7]:80"}\n');
    assert.equal(r.code, 1, r.stderr);
    const { findings } = JSON.parse(r.stdout) as { findings: Record<string, unknown>[] };
    const files = [...new Set(findings.map((f) => f.file))];
    assert.deepEqual(files, [`${FIX}/nginx-configmap.yaml`, `${FIX}/pod.json`, `${FIX}/shop.yaml`, `${FIX}/tree/nested/helm-deployment.yaml`, '-']);
    const stdin = findings.find((f) => f.file === '-');
    assert.deepEqual(stdin, {
      file: '-', line: 2, column: 19, endLine: 2, endColumn: 31, rule: 'ip-literal', severity: 'warning',
      message: 'Hard-coded IP [fd00::7]:80 — Pod IPs change whenever a Pod is replaced (rollout, crash, eviction), node IPs when a node is; address a Service instead.',
      ip: 'fd00::7',
      evidence: '“upstream” (upstream)',
    });
    const hn = findings.find((f) => f.rule === 'host-network' && f.file === `${FIX}/pod.json`);
    assert.equal(hn?.ip, null);
  });

  it('exits 2 on a missing file but still lints the others', async () => {
    const r = await cli(['missing.yaml', join(FIX, 'shop.yaml'), '--format', 'json']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /cannot read missing\.yaml: no such file or directory/);
    assert.equal(JSON.parse(r.stdout).findings.length, 3);
  });

  it('exits 2 with a clear message on bad usage', async () => {
    for (const args of [['--format', 'xml'], ['--rule', 'nope=off'], ['--rule', 'ip-literal'], ['--bogus'], ['--max-size-kb', 'big']]) {
      const r = await cli(args);
      assert.equal(r.code, 2, args.join(' '));
      assert.match(r.stderr, /^pod-ip-lens lint: /, args.join(' '));
      assert.equal(r.stdout, '');
    }
    const bad = await cli([join(FIX, 'shop.yaml'), '--ignore-cidr', '10.0.0.0/99']);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /10\.0\.0\.0\/99/);
  });

  it('honours --rule and --ignore-cidr; info findings do not fail the run', async () => {
    const r = await cli([join(FIX, 'shop.yaml'), '--rule', 'host-network=off', '--rule=host-port=off', '--ignore-cidr', '10.244.0.0/16']);
    assert.equal(r.code, 0, r.stdout);
    const info = await cli([join(FIX, 'shop.yaml'), '--rule', 'host-network=info', '--rule', 'host-port=hint', '--rule', 'ip-literal=info']);
    assert.equal(info.code, 0, info.stdout);
    assert.match(info.stdout, /: info \[ip-literal\]/);
  });

  it('skips a file over --max-size-kb with a note, and exits 0 for it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lint-cli-'));
    try {
      const big = join(dir, 'big.yaml');
      writeFileSync(big, `kind: ConfigMap\ndata:\n${Array.from({ length: 200 }, (_, i) => `  host_${i}: 10.0.0.${i % 250}\n`).join('')}`);
      const r = await cli([big, '--max-size-kb', '1']);
      assert.equal(r.code, 0);
      assert.match(r.stderr, /note: .*big\.yaml: Pod IP Lens did not lint this file: it is 5 KB, over the 1 KB limit/);
      assert.equal((await cli([big, '--max-size-kb', '0'])).code, 1);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('says so when a directory holds no manifests', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lint-cli-'));
    try {
      const r = await cli([dir]);
      assert.equal(r.code, 0);
      assert.match(r.stderr, /no \*\.yaml, \*\.yml or \*\.json files here/);
      assert.equal(r.stdout, '0 findings in 0 files\n');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('lints only manifests in a directory search, and says which files it skipped with --verbose', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lint-cli-'));
    try {
      writeFileSync(join(dir, 'values.yaml'), 'backend:\n  host: 10.9.9.9\n');
      writeFileSync(join(dir, 'package.json'), '{"name": "x", "config": {"host": "10.9.9.8"}}\n');
      writeFileSync(join(dir, 'pod.yaml'), 'apiVersion: v1\nkind: ConfigMap\ndata: {db_host: 10.9.9.7}\n');
      const quiet = await cli([dir, '--format', 'json']);
      assert.deepEqual(JSON.parse(quiet.stdout).findings.map((f: { ip: string }) => f.ip), ['10.9.9.7']);
      assert.match(quiet.stderr, /note: skipped 2 files without top-level apiVersion and kind \(--verbose lists them\)/);
      const verbose = await cli([dir, '--verbose']);
      assert.match(verbose.stderr, /skipped .*package\.json: no top-level apiVersion and kind \(not a Kubernetes manifest\)/);
      assert.match(verbose.stderr, /skipped .*values\.yaml: no top-level apiVersion and kind/);
      // A file named on the command line is linted whatever it looks like.
      const named = await cli([join(dir, 'values.yaml'), '--format', 'json']);
      assert.deepEqual(JSON.parse(named.stdout).findings.map((f: { ip: string }) => f.ip), ['10.9.9.9']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('lists the other places of a repeated literal, gives the evidence, and sets the external severity', async () => {
    const text = 'apiVersion: v1\nkind: ConfigMap\ndata:\n  routes: |\n    upstream: 10.8.0.1:80\n    upstream: 10.8.0.1:80\n  API_URL: https://52.94.236.248/v1\n';
    const json = await cli(['-', '--format', 'json'], text);
    const [repeated, external] = JSON.parse(json.stdout).findings;
    assert.deepEqual(repeated.related, [{ line: 6, column: 15, endLine: 6, endColumn: 26 }]);
    assert.match(repeated.evidence, /upstream/);
    assert.equal(external.severity, 'info');
    assert.equal(json.code, 1);
    const txt = await cli(['-'], text);
    assert.match(txt.stdout, /-:5:15: warning \[ip-literal\] .* \(also at 6:15\)\n/);
    const sarif = JSON.parse((await cli(['-', '--format', 'sarif', '--external-severity', 'error'], text)).stdout).runs[0].results;
    assert.deepEqual(sarif[0].relatedLocations.map((l: any) => l.physicalLocation.region.startLine), [6]);
    assert.equal(sarif[1].level, 'error');
    assert.equal((await cli(['-', '--external-severity', 'loud'], text)).code, 2);
  });

  it('prints SARIF 2.1.0 with rules, levels and regions', async () => {
    const r = await cli([join(FIX, 'shop.yaml'), '--format', 'sarif', '--rule', 'host-port=error']);
    assert.equal(r.code, 1);
    const sarif = JSON.parse(r.stdout);
    assert.equal(sarif.version, '2.1.0');
    assert.equal(sarif.$schema, 'https://json.schemastore.org/sarif-2.1.0.json');
    const run = sarif.runs[0];
    assert.equal(run.tool.driver.name, 'pod-ip-lens');
    assert.deepEqual(run.tool.driver.rules.map((x: { id: string }) => x.id), ['ip-literal', 'host-network', 'host-port', 'load-balancer-ip']);
    assert.match(run.tool.driver.rules[0].helpUri, /#ip-literal$/);
    assert.deepEqual(
      run.results.map((x: any) => [x.ruleId, x.ruleIndex, x.level, x.locations[0].physicalLocation.artifactLocation.uri, x.locations[0].physicalLocation.region]),
      [
        ['host-network', 1, 'warning', `${FIX}/shop.yaml`, { startLine: 49, startColumn: 7, endLine: 49, endColumn: 24 }],
        ['ip-literal', 0, 'warning', `${FIX}/shop.yaml`, { startLine: 55, startColumn: 30, endLine: 55, endColumn: 45 }],
        ['host-port', 2, 'error', `${FIX}/shop.yaml`, { startLine: 60, startColumn: 15, endLine: 60, endColumn: 29 }],
      ],
    );
    assert.equal(run.invocations[0].executionSuccessful, true);
  });
});
