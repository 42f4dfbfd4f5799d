// `npm run demo`: the workshop on one screen. Starts the demo cluster (the `pod-ip-lens cluster` CLI)
// and a real VS Code (code-server) with Pod IP Lens on a scratch workspace (.demo/workspace, fresh
// each run) holding the walkthrough's sample manifest, next to the timeline on app=backend. The
// workbench is told about the running cluster (podIpLens.demo.kubeconfig, KUBECONFIG for terminals),
// so the walkthrough's Start Demo Cluster uses it: one cluster. Prints the URL to open and the
// KUBECONFIG line for kubectl; Ctrl+C stops everything it started.
//   --port N               code-server port (default: a free one)
//   --rollout-every S      also keep a rollout going: create Deployment and Service backend and set a
//                          new image every S seconds (a screen that moves by itself; the walkthrough's
//                          "create" and "expose" then find them already there)
//   --ip-allocation MODE   sequential (default) or reuse-first (freed Pod IPs handed out first)
//   --screenshot FILE      open the workbench headlessly once it is up, save a screenshot, keep running
//   --exit-after S         stop by itself after S seconds (for scripted checks)
import { join } from 'node:path';
import { copyFileSync, mkdirSync, rmSync } from 'node:fs';
import { ROOT, startCodeServer, workbenchUrl, launchChromium, startClusterProcess, dismissWorkbenchNotifications, demoSettings } from './testhost.mjs';

const argv = process.argv.slice(2);
const opt = (name) => {
  const i = argv.indexOf(name);
  return i < 0 ? undefined : argv[i + 1];
};
if (argv.includes('--help')) {
  console.log('usage: npm run demo -- [--port N] [--rollout-every SECONDS] [--ip-allocation sequential|reuse-first] [--screenshot FILE] [--exit-after SECONDS]');
  process.exit(0);
}
const workspace = join(ROOT, '.demo', 'workspace');
const stateDir = join(ROOT, '.demo', 'vscode');
const kubeconfig = join(ROOT, '.demo', 'kubeconfig.yaml');
const sample = join(workspace, 'sample-frontend.yaml');
mkdirSync(stateDir, { recursive: true });
// A scratch folder, not the repository's: the attendee edits (and fixes) the sample there.
rmSync(workspace, { recursive: true, force: true });
mkdirSync(workspace, { recursive: true });
copyFileSync(join(ROOT, 'media', 'walkthrough', 'sample-frontend.yaml'), sample);

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
  const extra = [];
  if (opt('--rollout-every')) extra.push('--rollout-every', opt('--rollout-every'));
  if (opt('--ip-allocation')) extra.push('--ip-allocation', opt('--ip-allocation'));
  const cluster = await startClusterProcess(kubeconfig, extra);
  stops.push(() => cluster.stop());
  const server = await startCodeServer({
    workspace,
    port: opt('--port') ? Number(opt('--port')) : undefined,
    stateDir,
    env: { KUBECONFIG: kubeconfig },
    // The cluster is running already: Start Demo Cluster (and the walkthrough) use it.
    settings: demoSettings(kubeconfig),
  });
  stops.push(() => server.stop());
  const url = workbenchUrl(server.url, { workspace, openFile: sample });
  console.log('\nPod IP Lens demo is running.');
  const rolling = opt('--rollout-every') ? ` (Deployment backend rolls out a new image every ${opt('--rollout-every')}s)` : '';
  console.log(`  Demo cluster:  ${cluster.url}${rolling}`);
  console.log('  Walkthrough:   the book icon on the timeline\'s tab, or "Pod IP Lens: Open Walkthrough"');
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
    await dismissWorkbenchNotifications(page);
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
