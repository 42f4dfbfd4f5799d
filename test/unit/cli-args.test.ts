// The command lines of `pod-ip-lens lint`, `timeline` and `cluster` (node:util parseArgs): options
// and their mistakes, one --help layout shared with `audit`, and `cluster --history-*` reaching
// the demo cluster's watch history.
import { strict as assert } from 'node:assert';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { AUDIT_USAGE } from '../../src/cli/audit';
import { CLUSTER_USAGE, parseClusterArgs } from '../../src/cli/demoCluster';
import { LINT_USAGE, parseLintArgs } from '../../src/cli/lint';
import { TIMELINE_USAGE, parseTimelineArgs } from '../../src/cli/timeline';
import { until } from '../until';

const root = join(__dirname, '..', '..');

describe('pod-ip-lens command lines', () => {
  it('cluster: every option reaches the demo cluster options', () => {
    const r = parseClusterArgs([
      '--kubeconfig', 'k.yaml', '--port=8443', '--nodes', '5', '--pod-cidr', '10.8.0.0/16', '--ip-allocation', 'reuse-first', '--dual-stack',
      '--speed', '2.5', '--data-dir', 'd', '--no-system-workloads', '--history-ms', '60000', '--history-events', '50',
      '--fault', 'cut-watches@30', '--fault=error500:3@45', '--rollout-every', '20', '--verbose',
    ]);
    assert.ok(r.ok, JSON.stringify(r));
    assert.deepEqual(r.value, {
      options: {
        kubeconfigPath: join(process.cwd(), 'k.yaml'), port: 8443, nodes: 5, podCidr: '10.8.0.0/16', ipAllocation: 'reuse-first', dualStack: true,
        speed: 2.5, dataDir: join(process.cwd(), 'd'), systemWorkloads: false, historyMs: 60000, historySize: 50, verbose: true,
      },
      faults: ['cut-watches@30', 'error500:3@45'],
      rolloutEverySeconds: 20,
    });
    assert.deepEqual(parseClusterArgs(['--kubeconfig', 'k']), { ok: true, value: { options: { kubeconfigPath: join(process.cwd(), 'k') }, faults: [] } });
  });

  it('cluster: mistakes are named', () => {
    const cases: [string[], RegExp][] = [
      [[], /^--kubeconfig FILE is required$/],
      [['--kubeconfig'], /^--kubeconfig needs a value$/],
      [['--kubeconfig', '--port', '1'], /^--kubeconfig needs a value/],
      [['--kubeconfig', 'k', '--port', 'x'], /^--port must be a whole number, got "x"$/],
      [['--kubeconfig', 'k', '--speed', '0'], /^--speed must be a positive number, got "0"$/],
      [['--kubeconfig', 'k', '--ip-allocation', 'random'], /^--ip-allocation must be sequential or reuse-first, got "random"$/],
      [['--kubeconfig', 'k', '--history-ms', '5m'], /^--history-ms must be a whole number of milliseconds, got "5m"$/],
      [['--kubeconfig', 'k', '--history-events', '0'], /^--history-events must be a whole number above 0/],
      [['--kubeconfig', 'k', '--rollout-every', 'soon'], /^--rollout-every must be a positive number of seconds/],
      [['--kubeconfig', 'k', '--bogus'], /^unknown option '--bogus'$/],
      [['--kubeconfig', 'k', '--verbose=yes'], /^--verbose takes no value$/],
      [['--kubeconfig', 'k', 'extra'], /^unexpected argument 'extra'$/],
    ];
    for (const [args, message] of cases) {
      const r = parseClusterArgs(args);
      assert.ok(!r.ok && !r.help, args.join(' '));
      assert.match(r.message ?? '', message, args.join(' '));
    }
    assert.deepEqual(parseClusterArgs(['--bogus', '--help']), { ok: false, help: true, message: '' });
  });

  it('lint: paths, - and -- , repeatable options, and the old messages', () => {
    const r = parseLintArgs(['a.yaml', '-', '--rule', 'host-port=off', '--rule=ip-literal=error', '--ignore-cidr', '10.0.0.0/8', '-v', '--max-size-kb=0', '--', '--odd.yaml']);
    assert.ok(r.ok);
    assert.deepEqual(r.options, { paths: ['a.yaml', '-', '--odd.yaml'], format: 'text', lint: { rules: { 'host-port': 'off', 'ip-literal': 'error' }, ignoreCidrs: ['10.0.0.0/8'], externalSeverity: undefined }, maxSizeKb: 0, verbose: true });
    const bad: [string[], RegExp][] = [
      [['--format', 'xml'], /^--format must be text, json or sarif, not 'xml'$/],
      [['--format'], /^--format needs a value: text, json or sarif$/],
      [['--rule', 'ip-literal'], /^--rule wants RULE=LEVEL/],
      [['--rule', 'nope=off'], /^unknown rule 'nope'/],
      [['--external-severity', 'loud'], /^--external-severity wants error, warning, info, hint or off, not 'loud'$/],
      [['--max-size-kb', 'big'], /^--max-size-kb wants a whole number of KiB, not 'big'$/],
      [['--ignore-cidr='], /^--ignore-cidr wants a CIDR/],
      [['--bogus'], /^unknown option '--bogus'$/],
    ];
    for (const [args, message] of bad) {
      const p = parseLintArgs(args);
      assert.ok(!p.ok && !p.help, args.join(' '));
      assert.match(p.message ?? '', message, args.join(' '));
    }
  });

  it('timeline: one input, and the old messages', () => {
    assert.deepEqual(parseTimelineArgs(['-', '--html', 'out.html', '--all']), { ok: true, options: { source: '-', format: 'text', all: true, html: 'out.html' } });
    const bad: [string[], RegExp][] = [
      [[], /^missing input/],
      [['a', 'b'], /^one input only \(got 'a' and 'b'\)$/],
      [['-', '--format', 'yaml'], /^--format must be 'text' or 'json', not 'yaml'$/],
      [['-', '--html'], /^--html needs a value: an output file name$/],
      [['-', '--all', '--format', 'json'], /^--all is for the text table/],
    ];
    for (const [args, message] of bad) {
      const p = parseTimelineArgs(args);
      assert.ok(!p.ok && !p.help, args.join(' '));
      assert.match(p.message ?? '', message, args.join(' '));
    }
  });

  it('--help has one layout in every command: usage line, text, options from column 27, -h', () => {
    for (const [name, usage] of Object.entries({ lint: LINT_USAGE, timeline: TIMELINE_USAGE, cluster: CLUSTER_USAGE, audit: AUDIT_USAGE })) {
      assert.match(usage, new RegExp(`^Usage: pod-ip-lens ${name}\\b.*\\n\\n\\S`), name);
      const lines = usage.split('\n');
      const optionRows = lines.map((l, i) => [l, lines[i + 1] ?? ''] as const).filter(([l]) => /^ {2}-/.test(l));
      assert.ok(optionRows.length >= 3, name);
      for (const [l, next] of optionRows) {
        // Either the description starts at column 27, or the flags fill the line and it starts on the next one.
        if (l.length > 27 && l[26] === ' ') assert.notEqual(l[27], ' ', `${name}: description at column 27: ${JSON.stringify(l)}`);
        else assert.match(next, /^ {27}\S/, `${name}: the description of ${JSON.stringify(l)} starts the next line at column 27`);
      }
      const options = usage.slice(usage.indexOf('\n  -') + 1).split('\n\n')[0];
      for (const l of options.split('\n').filter((x) => !/^ {2}-/.test(x))) assert.match(l, /^ {27}\S/, `${name}: continuation lines align`);
    }
    for (const name of ['lint', 'timeline', 'cluster']) assert.match({ lint: LINT_USAGE, timeline: TIMELINE_USAGE, cluster: CLUSTER_USAGE }[name]!, /\n {2}-h, --help {15}show this help\n/, name);
  });
});

describe('pod-ip-lens cluster --history-events', function () {
  this.timeout(60_000);
  let dir: string;
  let child: ChildProcess | undefined;
  afterEach(() => {
    child?.kill('SIGKILL');
    child = undefined;
    rmSync(dir, { recursive: true, force: true });
  });

  /** Starts the CLI; resolves once it prints "ready", with a tiny client of its API. */
  async function startCli(extra: string[]) {
    dir = mkdtempSync(join(tmpdir(), 'pod-ip-lens-history-'));
    const kubeconfig = join(dir, 'kubeconfig');
    const p = spawn(process.execPath, ['--import', 'tsx', join(root, 'src', 'cli.ts'), 'cluster', '--kubeconfig', kubeconfig, '--no-system-workloads', ...extra], { cwd: root });
    child = p;
    let out = '';
    let err = '';
    p.stdout!.on('data', (d: Buffer) => (out += d.toString()));
    p.stderr!.on('data', (d: Buffer) => (err += d.toString()));
    await until(`the demo cluster to say it is ready (stderr: ${err})`, () => out.includes('ready at'), 45_000);
    const cfg = parse(readFileSync(kubeconfig, 'utf8'));
    const server = new URL(cfg.clusters[0].cluster.server);
    const ca = Buffer.from(cfg.clusters[0].cluster['certificate-authority-data'], 'base64');
    const token = cfg.users[0].user.token as string;
    const call = (method: string, path: string, body?: unknown) =>
      new Promise<{ status: number; text: string }>((resolve, reject) => {
        const req = request({ host: server.hostname, port: server.port, path, method, ca, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' } }, (res) => {
          let text = '';
          res.on('data', (c: Buffer) => (text += c.toString()));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
        });
        req.on('error', reject);
        req.end(body === undefined ? undefined : JSON.stringify(body));
      });
    return { call };
  }

  it('keeps only N events for resuming watches: older resourceVersions get 410 Gone, recent ones resume', async () => {
    const { call } = await startCli(['--history-events', '3']);
    const rvs: number[] = [];
    for (let i = 0; i < 6; i++) {
      const r = await call('POST', '/api/v1/namespaces/default/configmaps', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `c${i}` } });
      assert.equal(r.status, 201, r.text);
      rvs.push(Number(JSON.parse(r.text).metadata.resourceVersion));
    }
    const watchFrom = async (rv: number) => (await call('GET', `/api/v1/namespaces/default/configmaps?watch=1&resourceVersion=${rv}&timeoutSeconds=1`)).text.trim().split('\n').map((l) => JSON.parse(l));
    const old = await watchFrom(rvs[0]);
    assert.equal(old[0].type, 'ERROR', JSON.stringify(old));
    assert.equal(old[0].object.code, 410);
    const recent = await watchFrom(rvs[3]);
    assert.deepEqual(recent.map((e) => [e.type, e.object.metadata.name]), [['ADDED', 'c4'], ['ADDED', 'c5']]);
  });
});
