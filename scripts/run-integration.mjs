// Runs test/integration (built to dist/test/integration) inside a real VS Code extension host:
// code-server 4.96.4 + headless Chromium, through the workbench's `payload` URL. Two passes, each
// in a fresh code-server: the suites with Workspace Trust off (everything trusted), then the
// *.restricted.test files with Workspace Trust on and the folder untrusted (Restricted Mode).
//   npm run test:integration                 all suites, both passes
//   npm run test:integration -- --grep lint  only tests whose title matches
//   npm run test:integration -- lint.test    only files whose name contains the word
// Options: --timeout SECONDS (each pass, default 900), --keep (leave the user-data dir for a look).
import { mkdirSync, existsSync, readdirSync } from 'node:fs';
import { format } from 'node:util';
import { join } from 'node:path';
import { ROOT, startCodeServer, workbenchUrl, launchChromium, findChromium, startBridge } from './testhost.mjs';

const argv = process.argv.slice(2);
const opt = (name) => {
  const i = argv.indexOf(name);
  if (i < 0) return undefined;
  const v = argv[i + 1];
  argv.splice(i, 2);
  return v;
};
if (argv.includes('--help')) {
  console.log('usage: node scripts/run-integration.mjs [--grep PATTERN] [--timeout SECONDS] [--keep] [FILE-WORD...]');
  process.exit(0);
}
const grep = opt('--grep');
const timeoutSec = Number(opt('--timeout') ?? process.env.POD_IP_LENS_TEST_TIMEOUT ?? 900);
const keep = argv.includes('--keep');
const files = argv.filter((a) => !a.startsWith('--'));

const testsIndex = join(ROOT, 'dist', 'test', 'integration', 'index.js');
if (!existsSync(testsIndex)) {
  console.error(`${testsIndex} is missing: run \`npm run build\` first (npm test does).`);
  process.exit(2);
}
const WORKBENCH_NOISE = [/^Resolving connection token/, /^Resolved connection token/, /^Creating a socket/, /^Updating additional builtin extensions cache/, /^\[Service Worker\]/, /open-vsx\.org|ENOTFOUND|extensionquery/];
const resultsDir = join(ROOT, 'test-results');
const workspace = join(ROOT, 'test', 'fixtures', 'workspace');

let server;
// A loopback bridge so tests in the extension host can read webviews' DOM through the page's
// frames and keep screenshots (the extension host cannot reach the browser otherwise).
const bridge = await startBridge(resultsDir);
let browser;
let exitCode = 1;
const cleanup = async () => {
  await browser?.close().catch(() => {});
  server?.stop();
  bridge.close();
};
for (const sig of ['SIGINT', 'SIGTERM']) {
  process.on(sig, async () => {
    console.error(`[integration] ${sig}: stopping`);
    await cleanup();
    process.exit(130);
  });
}

const PASSES = [
  { mode: 'trusted', workspaceTrust: false, wants: (f) => !f.includes('.restricted.') },
  { mode: 'restricted', workspaceTrust: true, wants: (f) => f.includes('.restricted.') },
];

/** One code-server and one workbench page running the suite files of one pass; resolves with the exit code. */
async function runPass(pass) {
  server = await startCodeServer({
    workspace,
    workspaceTrust: pass.workspaceTrust,
    stateDir: keep ? join(resultsDir, `vscode-state-${pass.mode}`) : undefined,
    env: {
      POD_IP_LENS_TEST_GREP: grep ?? '',
      POD_IP_LENS_TEST_FILES: files.join(','),
      POD_IP_LENS_TEST_MODE: pass.mode,
      POD_IP_LENS_TEST_RESULTS: resultsDir,
      POD_IP_LENS_TEST_BROWSER: bridge.url,
    },
    onOutput: (line) => {
      if (process.env.POD_IP_LENS_TEST_VERBOSE) console.log(`[code-server] ${line}`);
    },
  });
  console.log(`[integration] ${pass.mode} pass: code-server ready at ${server.url}`);
  browser = await launchChromium();
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
  let resolveExit;
  const exited = new Promise((res) => (resolveExit = res));
  await context.exposeFunction('codeAutomationExit', (code) => resolveExit(Number(code)));
  await context.exposeFunction('codeAutomationLog', (type, args) => {
    const text = format(...(Array.isArray(args) ? args : [args]));
    // The workbench's own chatter (connection set-up, the unreachable extension gallery) is noise here.
    if (!process.env.POD_IP_LENS_TEST_VERBOSE && WORKBENCH_NOISE.some((re) => re.test(text))) return;
    (type === 'error' ? console.error : console.log)(text);
  });
  const page = await context.newPage();
  bridge.page = page;
  page.on('pageerror', (err) => {
    if (process.env.POD_IP_LENS_TEST_VERBOSE || !WORKBENCH_NOISE.some((re) => re.test(err.message))) console.error(`[workbench] ${err.message}`);
  });
  await page.goto(workbenchUrl(server.url, { workspace, testsPath: testsIndex }));
  let timer;
  const timedOut = new Promise((res) => (timer = setTimeout(() => res('timeout'), timeoutSec * 1000)));
  const result = await Promise.race([exited, timedOut]);
  clearTimeout(timer);
  let code;
  if (result === 'timeout') {
    console.error(`[integration] FAILED: the ${pass.mode} pass did not finish within ${timeoutSec}s (raise with --timeout).`);
    code = 1;
  } else {
    code = result;
  }
  if (code !== 0) {
    mkdirSync(resultsDir, { recursive: true });
    const shot = join(resultsDir, `integration-failure${pass.mode === 'trusted' ? '' : `-${pass.mode}`}.png`);
    await page.screenshot({ path: shot }).catch(() => {});
    console.error(`[integration] ${pass.mode} pass: extension host exited with ${code}; screenshot of the workbench: ${shot}`);
  }
  bridge.page = undefined;
  await browser.close().catch(() => {});
  browser = undefined;
  server.stop();
  server = undefined;
  return code;
}

try {
  findChromium(); // fail early with install advice, before the slower code-server start
  const suiteFiles = readdirSync(join(ROOT, 'dist', 'test', 'integration')).filter((f) => f.endsWith('.test.js'));
  const matching = suiteFiles.filter((f) => files.length === 0 || files.some((w) => f.includes(w)));
  const passes = PASSES.filter((p) => matching.some(p.wants));
  if (passes.length === 0) throw new Error(`no integration test files match ${files.join(',')}`);
  exitCode = 0;
  for (const pass of passes) {
    const code = await runPass(pass);
    if (code !== 0) exitCode = code;
  }
  if (exitCode === 0) console.log('[integration] passed');
} catch (err) {
  console.error(`[integration] ${err instanceof Error ? err.message : err}`);
  exitCode = 1;
} finally {
  await cleanup();
}
process.exit(exitCode);
