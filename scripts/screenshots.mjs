// `npm run screenshots`: the workshop as npm run demo sets it up (a `pod-ip-lens cluster` process,
// a scratch workspace with the sample manifest, the timeline opened at startup, the settings that
// point the workbench at the running cluster), driven step by step through the walkthrough by the
// workshop integration suite (test/integration/workshop.test.ts clicks the walkthrough's buttons),
// once per viewport. Saves test-results/workshop-WxH-N-STEP.png: the first screen, the walkthrough,
// the Pods created, the hover, the timeline mid-rollout, the probe's log, the quick fixes, done.
//   --viewport WxH   only this size (repeatable; default 1600x1000 and 1000x700)
//   --keep           keep each run's scratch folder (workspace, kubeconfig, VS Code state)
import { mkdirSync, mkdtempSync, copyFileSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { format } from 'node:util';
import { ROOT, startCodeServer, workbenchUrl, launchChromium, findChromium, startBridge, startClusterProcess, demoSettings } from './testhost.mjs';

const argv = process.argv.slice(2);
if (argv.includes('--help')) {
  console.log('usage: npm run screenshots -- [--viewport WIDTHxHEIGHT]... [--keep]');
  process.exit(0);
}
const viewports = [];
for (let i = 0; i < argv.length; i++) {
  if (argv[i] !== '--viewport') continue;
  const m = /^(\d+)x(\d+)$/.exec(argv[i + 1] ?? '');
  if (!m) {
    console.error(`--viewport wants WIDTHxHEIGHT, got ${JSON.stringify(argv[i + 1])}`);
    process.exit(2);
  }
  viewports.push({ width: Number(m[1]), height: Number(m[2]) });
}
if (!viewports.length) viewports.push({ width: 1600, height: 1000 }, { width: 1000, height: 700 });
const keep = argv.includes('--keep');
const resultsDir = join(ROOT, 'test-results');
const testsIndex = join(ROOT, 'dist', 'test', 'integration', 'index.js');
if (!existsSync(testsIndex)) {
  console.error(`${testsIndex} is missing: run \`npm run build\` first (npm run screenshots does).`);
  process.exit(2);
}
const TIMEOUT_MS = 10 * 60_000;

/** What the run in progress started, stopped in reverse order (also on Ctrl+C). */
let stops = [];
async function stopAll() {
  const now = stops.reverse();
  stops = [];
  for (const stop of now) await Promise.resolve(stop()).catch(() => {});
}
for (const sig of ['SIGINT', 'SIGTERM']) {
  process.on(sig, async () => {
    console.error(`[screenshots] ${sig}: stopping`);
    await stopAll();
    process.exit(130);
  });
}

/** One run of the walkthrough at one viewport; resolves with the suite's exit code. */
async function runAt({ width, height }, bridge) {
  const dir = mkdtempSync(join(tmpdir(), 'pod-ip-lens-screens-'));
  const workspace = join(dir, 'workspace');
  const kubeconfig = join(dir, 'kubeconfig.yaml');
  mkdirSync(workspace);
  copyFileSync(join(ROOT, 'media', 'walkthrough', 'sample-frontend.yaml'), join(workspace, 'sample-frontend.yaml'));
  if (!keep) stops.push(() => rmSync(dir, { recursive: true, force: true, maxRetries: 3 }));
  try {
    const cluster = await startClusterProcess(kubeconfig);
    stops.push(() => cluster.stop());
    const prefix = `workshop-${width}x${height}`;
    const server = await startCodeServer({
      workspace,
      stateDir: join(dir, 'vscode'),
      env: {
        KUBECONFIG: kubeconfig,
        POD_IP_LENS_TEST_FILES: 'workshop',
        POD_IP_LENS_TEST_MODE: 'trusted',
        POD_IP_LENS_TEST_RESULTS: resultsDir,
        POD_IP_LENS_TEST_BROWSER: bridge.url,
        POD_IP_LENS_SHOT_PREFIX: prefix,
      },
      settings: demoSettings(kubeconfig),
    });
    stops.push(() => server.stop());
    console.log(`[screenshots] ${width}x${height}: cluster ${cluster.url}, code-server ${server.url}`);
    const browser = await launchChromium({ handleSIGINT: false, handleSIGTERM: false });
    stops.push(() => browser.close().catch(() => {}));
    const context = await browser.newContext({ viewport: { width, height } });
    let resolveExit;
    const exited = new Promise((res) => (resolveExit = res));
    await context.exposeFunction('codeAutomationExit', (code) => resolveExit(Number(code)));
    await context.exposeFunction('codeAutomationLog', (type, args) => {
      const text = format(...(Array.isArray(args) ? args : [args]));
      // The suite's report, not the workbench's chatter (connection set-up, the unreachable gallery).
      if (/^\s*(workshop|\d+ (passing|failing)|✔|\d+\)|Error|AssertionError)/.test(text) && !/open-vsx|ENOTFOUND/.test(text)) (type === 'error' ? console.error : console.log)(text);
    });
    const page = await context.newPage();
    bridge.page = page;
    await page.goto(workbenchUrl(server.url, { workspace, testsPath: testsIndex, openFile: join(workspace, 'sample-frontend.yaml') }));
    let timer;
    const code = await Promise.race([exited, new Promise((res) => (timer = setTimeout(() => res('timeout'), TIMEOUT_MS)))]);
    clearTimeout(timer);
    bridge.page = undefined;
    if (code !== 0) {
      await page.screenshot({ path: join(resultsDir, `${prefix}-failure.png`) }).catch(() => {});
      console.error(`[screenshots] ${width}x${height}: ${code === 'timeout' ? 'timed out' : `the walkthrough suite exited with ${code}`}; see ${prefix}-failure.png`);
      return 1;
    }
    return 0;
  } finally {
    await stopAll();
    if (keep) console.log(`[screenshots] kept ${dir}`);
  }
}

let exitCode = 0;
const bridge = await startBridge(resultsDir);
try {
  findChromium();
  mkdirSync(resultsDir, { recursive: true });
  for (const v of viewports) if ((await runAt(v, bridge)) !== 0) exitCode = 1;
  if (exitCode === 0) console.log(`[screenshots] saved in ${resultsDir} (workshop-WxH-*.png)`);
} catch (err) {
  console.error(`[screenshots] ${err instanceof Error ? err.message : err}`);
  exitCode = 1;
} finally {
  bridge.close();
}
process.exit(exitCode);
