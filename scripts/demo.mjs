// `npm run demo`: the workshop on one screen. Starts the demo cluster (the `pod-ip-lens cluster` CLI)
// with a rollout of Deployment `backend` running, and a real VS Code (code-server) with Pod IP Lens on
// a sample workspace whose manifests hard-code Pod IPs, the timeline open on app=backend.
// Prints the URL to open and the KUBECONFIG line for kubectl; Ctrl+C stops everything it started.
//   --port N          code-server port (default: a free one)
//   --rollout-every S seconds between image changes of `backend` (default 30)
//   --screenshot FILE open the workbench headlessly once it is up, save a screenshot, keep running
//   --exit-after S    stop by itself after S seconds (for scripted checks)
import { join } from 'node:path';
import { mkdirSync } from 'node:fs';
import { spawn } from 'node:child_process';
import { ROOT, startCodeServer, workbenchUrl, launchChromium } from './testhost.mjs';

const argv = process.argv.slice(2);
const opt = (name) => {
  const i = argv.indexOf(name);
  return i < 0 ? undefined : argv[i + 1];
};
if (argv.includes('--help')) {
  console.log('usage: npm run demo -- [--port N] [--rollout-every SECONDS] [--screenshot FILE] [--exit-after SECONDS]');
  process.exit(0);
}
const workspace = join(ROOT, 'test', 'fixtures', 'workspace');
const stateDir = join(ROOT, '.demo', 'vscode');
const kubeconfig = join(ROOT, '.demo', 'kubeconfig.yaml');
mkdirSync(stateDir, { recursive: true });

/** The demo cluster as its own process, through the same CLI users run; resolves once it is ready. */
function startCluster() {
  const args = [join(ROOT, 'dist', 'cli.js'), 'cluster', '--kubeconfig', kubeconfig, '--rollout-every', opt('--rollout-every') ?? '30'];
  const proc = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const stop = () =>
    new Promise((res) => {
      if (proc.exitCode !== null) return res();
      proc.once('exit', res);
      proc.kill('SIGTERM');
      setTimeout(() => proc.kill('SIGKILL'), 5000).unref();
    });
  return new Promise((res, rej) => {
    let out = '';
    const timer = setTimeout(() => rej(new Error(`the demo cluster did not report ready within 30s:\n${out}`)), 30_000);
    proc.stderr.on('data', (d) => {
      out += d;
      if (process.env.POD_IP_LENS_DEMO_VERBOSE) process.stderr.write(`[cluster] ${d}`);
    });
    proc.stdout.on('data', (d) => {
      out += d;
      if (/ready/.test(out)) {
        clearTimeout(timer);
        res({ stop, url: /https:\/\/[\d.:]+/.exec(out)?.[0] });
      }
    });
    proc.once('exit', (code) => {
      clearTimeout(timer);
      rej(new Error(`the demo cluster exited with ${code}:\n${out}`));
    });
  });
}

const stops = [];
let stopping = false;
async function stopAll(code = 0) {
  if (stopping) return;
  stopping = true;
  console.log('\n[demo] stopping…');
  for (const stop of stops.reverse()) await Promise.resolve(stop()).catch(() => {});
  process.exit(code);
}
process.on('SIGINT', () => stopAll(0));
process.on('SIGTERM', () => stopAll(0));

try {
  const cluster = await startCluster();
  stops.push(() => cluster.stop());
  const server = await startCodeServer({
    workspace,
    port: opt('--port') ? Number(opt('--port')) : undefined,
    stateDir,
    env: { KUBECONFIG: kubeconfig },
    settings: {
      'podIpLens.cluster.kubeconfig': kubeconfig,
      'podIpLens.timeline.openOnStartup': 'app=backend',
      'terminal.integrated.env.linux': { KUBECONFIG: kubeconfig },
    },
  });
  stops.push(() => server.stop());
  const url = workbenchUrl(server.url, { workspace, openFile: join(workspace, 'frontend.yaml') });
  console.log('\nPod IP Lens demo is running.');
  console.log(`  Demo cluster:  ${cluster.url} (Deployment backend rolls out a new image every ${opt('--rollout-every') ?? 30}s)`);
  console.log(`  kubectl:       export KUBECONFIG=${kubeconfig}`);
  console.log(`  Open in your browser: ${url}`);
  console.log('  Ctrl+C stops everything.\n');
  const shot = opt('--screenshot');
  if (shot) {
    const browser = await launchChromium();
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    await page.goto(url);
    await page.waitForSelector('.monaco-workbench', { timeout: 60_000 });
    // The timeline's webview lives in nested iframes; wait until it has drawn some lanes.
    await page.waitForTimeout(3000);
    await page.waitForTimeout(Number(opt('--screenshot-delay') ?? 8000));
    await page.screenshot({ path: shot });
    await browser.close();
    console.log(`[demo] screenshot saved to ${shot}`);
  }
  const exitAfter = opt('--exit-after');
  if (exitAfter) setTimeout(() => stopAll(0), Number(exitAfter) * 1000);
} catch (err) {
  console.error(`[demo] ${err instanceof Error ? err.message : err}`);
  await stopAll(1);
}
