// `pod-ip-lens audit` at cluster scale: a demo cluster with 10,000 Pods (40 Deployments of 250)
// and 2,000 ConfigMaps, audited end to end by the built CLI, next to `kubectl get
// deploy,sts,ds,cm -A -o json` of the same cluster in the same run (the read a user would do by
// hand, without any linting). Wall time and peak memory (max RSS of the child process) of each,
// medians of alternating runs. Goal: ≤ 1.5× kubectl's time, ≤ 2× its memory.
// AUDIT_BENCH_PODS / AUDIT_BENCH_CONFIGMAPS override the sizes.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { startDemoCluster, RESOURCE } from '../../src/demo';
import { findKubectl } from '../kubectlPath';

const PODS = Number(process.env.AUDIT_BENCH_PODS ?? 10_000);
const CONFIGMAPS = Number(process.env.AUDIT_BENCH_CONFIGMAPS ?? 2_000);
const PER_DEPLOYMENT = 250;
const ROOT = resolve(__dirname, '..', '..');

/** Runs a command with its output discarded; wall seconds and the child's peak RSS (KiB), via python's getrusage. */
function measure(cmd: string[], env: NodeJS.ProcessEnv): Promise<{ seconds: number; maxRssKb: number; code: number }> {
  const py = 'import resource, subprocess, sys, time\nt = time.time()\nr = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL)\nprint(time.time() - t, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, r.returncode)';
  return new Promise((res, rej) => {
    const p = spawn('python3', ['-c', py, ...cmd], { env, stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    p.stdout.on('data', (d) => (out += d));
    p.on('error', rej);
    p.on('close', () => {
      const [s, rss, code] = out.trim().split(/\s+/).map(Number);
      res({ seconds: s, maxRssKb: rss, code });
    });
  });
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function main(): Promise<void> {
  const kubectl = findKubectl();
  const cli = join(ROOT, 'dist', 'cli.js');
  if (!kubectl || !existsSync(cli)) {
    console.log(`audit: skipped — needs kubectl on PATH and a built dist/cli.js (${kubectl ? 'no dist/cli.js' : 'no kubectl'})`);
    return;
  }
  const dir = mkdtempSync(join(tmpdir(), 'audit-bench-'));
  const kubeconfig = join(dir, 'kubeconfig');
  const nodes = Math.ceil(PODS / 250) + 1;
  const cluster = await startDemoCluster({ kubeconfigPath: kubeconfig, nodes, speed: 1000, systemWorkloads: false, recordEvents: false });
  try {
    const t0 = performance.now();
    const deployments = Math.ceil(PODS / PER_DEPLOYMENT);
    for (let d = 0; d < deployments; d++) {
      cluster.api.create(RESOURCE.deployments, 'default', {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name: `app-${d}` },
        spec: {
          replicas: Math.min(PER_DEPLOYMENT, PODS - d * PER_DEPLOYMENT),
          selector: { matchLabels: { app: `app-${d}` } },
          template: {
            metadata: { labels: { app: `app-${d}` } },
            spec: { containers: [{ name: 'web', image: 'nginx:1.28', env: [{ name: 'UPSTREAM_HOST', value: `10.244.${1 + (d % 40)}.${2 + (d % 200)}` }, { name: 'MODE', value: 'production' }] }] },
          },
        },
      });
    }
    for (let c = 0; c < CONFIGMAPS; c++) {
      cluster.api.create(RESOURCE.configmaps, 'default', {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: `conf-${c}` },
        data: { 'nginx.conf': `upstream b {\n  server 10.244.${1 + (c % 40)}.${2 + (c % 200)}:8080;\n}\nserver {\n  listen 80;\n  location / { proxy_pass http://b; }\n}\n`, LOG_LEVEL: 'info' },
      });
    }
    // Wait until every Pod has its IP (the audit classifies against them).
    for (let i = 0; i < 1200; i++) {
      const pods = cluster.store.list(RESOURCE.pods, 'default').items as { status?: { podIP?: string } }[];
      if (pods.length >= PODS && pods.every((p) => p.status?.podIP)) break;
      await new Promise((r) => setTimeout(r, 250));
    }
    console.log(`demo cluster: ${PODS} Pods in ${deployments} Deployments, ${CONFIGMAPS} ConfigMaps, ${nodes} nodes (ready in ${((performance.now() - t0) / 1000).toFixed(1)} s)`);

    const env = { ...process.env, KUBECONFIG: kubeconfig, KUBECACHEDIR: join(dir, 'cache'), HOME: dir };
    const base: { seconds: number; maxRssKb: number }[] = [];
    const audit: { seconds: number; maxRssKb: number }[] = [];
    for (let round = 0; round < 3; round++) {
      const k = await measure([kubectl, 'get', 'deploy,sts,ds,cm', '-A', '-o', 'json'], env);
      if (k.code !== 0) throw new Error(`kubectl exited with ${k.code}`);
      base.push(k);
      const a = await measure([process.execPath, cli, 'audit', '-A', '--format', 'json'], env);
      if (a.code !== 1) throw new Error(`pod-ip-lens audit exited with ${a.code} (expected 1: findings)`);
      audit.push(a);
    }
    const bt = median(base.map((x) => x.seconds));
    const at = median(audit.map((x) => x.seconds));
    const bm = median(base.map((x) => x.maxRssKb)) / 1024;
    const am = median(audit.map((x) => x.maxRssKb)) / 1024;
    console.log(`kubectl get deploy,sts,ds,cm -A -o json: ${bt.toFixed(2)} s, ${bm.toFixed(0)} MB peak`);
    console.log(`pod-ip-lens audit -A --format json:    ${at.toFixed(2)} s, ${am.toFixed(0)} MB peak (reads Pods, nodes, Services too, and lints every object)`);
    console.log(`ratio: time ${(at / bt).toFixed(2)}× (goal ≤ 1.5×) ${at / bt <= 1.5 ? 'OK' : 'OVER'} | memory ${(am / bm).toFixed(2)}× (goal ≤ 2×) ${am / bm <= 2 ? 'OK' : 'OVER'}`);
  } finally {
    await cluster.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

void main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
