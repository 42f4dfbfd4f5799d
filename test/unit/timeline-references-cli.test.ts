// `pod-ip-lens timeline … --manifests PATH…`, run as a user runs it (a process, files, exit code):
// a recorded rollout in which a ConfigMap's hard-coded Pod IP goes live → dangling → reused.
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EMBEDDED_REFERENCES_ID, parseHostMessage } from '../../src/core/protocol';

const root = join(__dirname, '..', '..');
function cli(args: string[], cwd: string): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, ['--import', require.resolve('tsx'), join(root, 'src', 'cli.ts'), ...args], { cwd, encoding: 'utf8', timeout: 30000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const T0 = Date.parse('2026-12-01T12:00:00Z');
const ts = (s: number) => new Date(T0 + s * 1000).toISOString().replace('.000', '');
let rv = 10;
function podEvent(type: string, p: { uid: string; app: string; rev: string; ip?: string; created: number; deleting?: number }): string {
  return JSON.stringify({
    type,
    object: {
      kind: 'Pod',
      apiVersion: 'v1',
      metadata: {
        name: `${p.app}-${p.rev}-${p.uid}`,
        namespace: 'shop',
        uid: `uid-${p.uid}`,
        resourceVersion: String(++rv),
        creationTimestamp: ts(p.created),
        labels: { app: p.app, 'pod-template-hash': p.rev },
        ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: `${p.app}-${p.rev}`, uid: `rs-${p.rev}`, controller: true }],
        ...(p.deleting !== undefined ? { deletionTimestamp: ts(p.deleting + 30), deletionGracePeriodSeconds: 30 } : {}),
      },
      spec: { nodeName: 'node-1' },
      status: {
        phase: 'Running',
        ...(p.ip ? { podIP: p.ip, podIPs: [{ ip: p.ip }] } : {}),
        conditions: p.ip ? [{ type: 'PodReadyToStartContainers', status: 'True', lastTransitionTime: ts(p.created + 1) }] : [],
      },
    },
  });
}

describe('pod-ip-lens timeline --manifests', function () {
  this.timeout(60_000);
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'pil-refs-'));
    const A = { uid: 'a', app: 'backend', rev: 'r1', created: 0 };
    const B = { uid: 'b', app: 'backend', rev: 'r2', created: 20 };
    const C = { uid: 'c', app: 'payments', rev: 'p1', created: 40 };
    const watch = [
      podEvent('ADDED', A),
      podEvent('MODIFIED', { ...A, ip: '10.244.1.7' }),
      podEvent('ADDED', B),
      podEvent('MODIFIED', { ...B, ip: '10.244.1.8' }),
      podEvent('MODIFIED', { ...A, ip: '10.244.1.7', deleting: 25 }),
      podEvent('DELETED', { ...A, ip: '10.244.1.7', deleting: 25 }),
      podEvent('ADDED', C),
      podEvent('MODIFIED', { ...C, ip: '10.244.1.7' }),
    ].join('\n');
    writeFileSync(join(dir, 'watch.json'), watch);
    mkdirSync(join(dir, 'k8s'));
    writeFileSync(join(dir, 'k8s', 'frontend.yaml'), ['apiVersion: v1', 'kind: ConfigMap', 'metadata:', '  name: frontend', '  namespace: shop', 'data:', '  BACKEND_URL: "http://10.244.1.7:8080"', '  CACHE_URL: "http://10.9.9.9:6379"', ''].join('\n'));
    writeFileSync(join(dir, 'k8s', 'notes.yaml'), 'just: notes\nip: 10.244.1.7\n');
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('text: each literal whose IP a Pod held, live → dangling (the rollout) → reused, in words', () => {
    const r = cli(['timeline', 'watch.json', '--manifests', 'k8s'], dir);
    assert.equal(r.code, 0, r.stderr);
    const section = r.stdout.slice(r.stdout.indexOf('References:'));
    const lines = section.trimEnd().split('\n');
    assert.equal(lines[0], 'References: 1 of 2 IP literals in 1 manifest point at Pod IPs of this history.', 'notes.yaml is not a manifest; 10.9.9.9 was no Pod’s');
    assert.match(lines[2], /^ {2}k8s\/frontend\.yaml:7 → 10\.244\.1\.7 \(10\.244\.1\.7:8080\) — now reused by shop\/payments-p1-c \(Deployment payments\), after a rollout replaced the Pod$/);
    assert.match(lines[3], /^ {4}Live 2026-12-01 12:00:01 UTC → .*: shop\/backend-r1-a \(Deployment backend\) holds the IP\.$/);
    assert.match(lines[4], /^ {4}Dangling .*: no Pod holds the IP; broken when a rollout replaced the Pod \(Deployment backend, revision r1 → r2\): shop\/backend-r1-a let it go at .*\. Connections to it fail\.$/);
    assert.match(lines[5], /^ {4}Reused 2026-12-01 12:00:41 UTC → now: shop\/payments-p1-c \(Deployment payments\) holds the IP\. The config reaches a different workload\. Before that, a rollout replaced the Pod/);
  });

  it('JSON: the rows after the events; HTML: the section embedded as inert JSON the view validates', () => {
    const j = cli(['timeline', 'watch.json', '--format', 'json', '--manifests', 'k8s/frontend.yaml', '--html', 'out.html'], dir);
    assert.equal(j.code, 0, j.stderr);
    const out = JSON.parse(j.stdout) as { events: unknown[]; references: { label: string; state: string; intervals: { state: string; cause?: string }[] }[] };
    assert.ok(out.events.length > 5);
    assert.deepEqual(out.references.map((r) => [r.label, r.state, r.intervals.map((i) => `${i.state}${i.cause ? `:${i.cause}` : ''}`).join(' ')]), [['k8s/frontend.yaml', 'reused', 'live dangling:rollout reused:rollout']]);
    const html = readFileSync(join(dir, 'out.html'), 'utf8');
    const m = new RegExp(`<script type="application/json" id="${EMBEDDED_REFERENCES_ID}">([^<]*)</script>`).exec(html);
    assert.ok(m, 'the references are embedded');
    const parsed = parseHostMessage(JSON.parse(m[1]));
    assert.ok(parsed.ok && parsed.value.type === 'references' && parsed.value.rows.length === 1);
  });

  it('usage: paths end at the next option or --; none is a usage error; an unreadable path is said', () => {
    const a = cli(['timeline', '--manifests', 'k8s', '--', 'watch.json'], dir);
    assert.equal(a.code, 0, a.stderr);
    assert.match(a.stdout, /References: 1 of 2/);
    const b = cli(['timeline', 'watch.json', '--manifests'], dir);
    assert.equal(b.code, 2);
    assert.match(b.stderr, /--manifests needs at least one PATH/);
    const c = cli(['timeline', 'watch.json', '--manifests', 'missing'], dir);
    assert.equal(c.code, 2);
    assert.match(c.stderr, /cannot read missing: no such file or directory/);
    assert.match(cli(['timeline', '--help'], dir).stdout, /--manifests PATH…/);
  });
});
