// The real VS Code this project tests and demos in: code-server 4.96.4 (VS Code 1.96.4), installed
// from npm into .vscode-test/ (the same ignored cache folder @vscode/test-electron uses), started on
// 127.0.0.1, and driven by Debian Chromium through playwright-core. Shared by
// scripts/run-integration.mjs and scripts/demo.mjs.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync, rmSync, symlinkSync, mkdtempSync, appendFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { createServer as createHttpServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export const ROOT = resolve(new URL('..', import.meta.url).pathname);
export const CODE_SERVER_VERSION = '4.96.4';
const CACHE = join(ROOT, '.vscode-test', `code-server-${CODE_SERVER_VERSION}`);
const MARKER = join(CACHE, '.installed');
const ENTRY = join(CACHE, 'node_modules', 'code-server', 'out', 'node', 'entry.js');

function step(log, title, cmd, args, cwd) {
  appendFileSync(log, `\n$ (cd ${cwd} && ${cmd} ${args.join(' ')})\n`);
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  appendFileSync(log, (r.stdout ?? '') + (r.stderr ?? ''));
  if (r.status !== 0) {
    const tail = ((r.stdout ?? '') + (r.stderr ?? '')).split('\n').slice(-25).join('\n');
    throw new Error(`installing code-server failed at "${title}" (exit ${r.status}). Full log: ${log}\n${tail}`);
  }
}

/**
 * Installs code-server once (about a minute) and returns the path of its entry point.
 * Its own postinstall cannot run here (it refuses root and pins a GitHub tarball), so the
 * steps it would take are done by hand; see the README's "Test host" section.
 */
export function ensureCodeServer() {
  if (existsSync(MARKER) && existsSync(ENTRY)) return ENTRY;
  rmSync(CACHE, { recursive: true, force: true });
  mkdirSync(CACHE, { recursive: true });
  const log = join(CACHE, '..', `install-code-server-${CODE_SERVER_VERSION}.log`);
  writeFileSync(log, `installing code-server ${CODE_SERVER_VERSION} into ${CACHE}\n`);
  console.log(`[testhost] installing code-server ${CODE_SERVER_VERSION} into ${CACHE} (once; about a minute)`);
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const quiet = ['--no-audit', '--no-fund', '--loglevel=error'];
  step(log, 'npm install code-server', npm, ['install', '--prefix', CACHE, '--ignore-scripts', ...quiet, `code-server@${CODE_SERVER_VERSION}`], CACHE);
  const vscodeDir = join(CACHE, 'node_modules', 'code-server', 'lib', 'vscode');
  // The shrinkwrap pins a dependency to a GitHub tarball, unreachable from npm-only machines.
  rmSync(join(vscodeDir, 'npm-shrinkwrap.json'), { force: true });
  step(log, 'npm install (VS Code server dependencies)', npm, ['install', '--omit=dev', '--ignore-scripts', ...quiet], vscodeDir);
  step(log, 'npm rebuild (native modules)', npm, ['rebuild', 'node-pty', '@vscode/spdlog', '@parcel/watcher', 'native-watchdog'], vscodeDir);
  if (!existsSync(join(vscodeDir, 'node_modules.asar'))) symlinkSync('node_modules', join(vscodeDir, 'node_modules.asar'));
  step(log, 'npm rebuild argon2', npm, ['rebuild', 'argon2'], CACHE);
  writeFileSync(MARKER, new Date().toISOString() + '\n');
  console.log('[testhost] code-server installed');
  return ENTRY;
}

const CHROMIUM_CANDIDATES = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome', '/usr/bin/google-chrome-stable', '/snap/bin/chromium'];

/** CHROME_PATH, then the usual install paths; as root on Debian, installs Debian's chromium. */
export function findChromium() {
  if (process.env.CHROME_PATH) {
    if (existsSync(process.env.CHROME_PATH)) return process.env.CHROME_PATH;
    throw new Error(`CHROME_PATH is set to ${process.env.CHROME_PATH}, which does not exist.`);
  }
  const found = CHROMIUM_CANDIDATES.find((p) => existsSync(p));
  if (found) return found;
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  if (isRoot && existsSync('/etc/debian_version')) {
    console.log('[testhost] no Chromium found; installing Debian\'s chromium with apt-get (once)');
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    for (const args of [['update', '-qq'], ['install', '-y', '-qq', 'chromium']]) {
      const r = spawnSync('apt-get', args, { stdio: 'inherit', env });
      if (r.status !== 0) throw new Error(`apt-get ${args.join(' ')} failed (exit ${r.status}); install Chromium yourself and set CHROME_PATH.`);
    }
    if (existsSync('/usr/bin/chromium')) return '/usr/bin/chromium';
  }
  throw new Error(
    'No Chromium or Chrome found. Install one (Debian/Ubuntu: `sudo apt-get install chromium`; ' +
      'macOS: install Google Chrome) or point CHROME_PATH at its executable, then run again.',
  );
}

export const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];

export function freePort() {
  return new Promise((res, rej) => {
    const srv = createServer();
    srv.once('error', rej);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => res(port));
    });
  });
}

/**
 * Starts code-server on 127.0.0.1 with a throwaway user-data dir. Resolves once it listens.
 * `onOutput` receives its log lines. `stop()` ends its whole process group.
 * `workspaceTrust: true` turns Workspace Trust on without ever asking, so the folder opens
 * untrusted, in Restricted Mode (default: trust off, everything trusted).
 */
export async function startCodeServer({ workspace, port, settings = {}, env = {}, onOutput = () => {}, timeoutMs = 90_000, stateDir, workspaceTrust = false }) {
  const entry = ensureCodeServer();
  port ??= await freePort();
  const dir = stateDir ?? mkdtempSync(join(tmpdir(), 'pod-ip-lens-vscode-'));
  const userData = join(dir, 'user-data');
  mkdirSync(join(userData, 'User'), { recursive: true });
  mkdirSync(join(userData, 'Machine'), { recursive: true });
  mkdirSync(join(dir, 'extensions'), { recursive: true });
  const trust = workspaceTrust
    ? { 'security.workspace.trust.enabled': true, 'security.workspace.trust.startupPrompt': 'never', 'security.workspace.trust.untrustedFiles': 'open' }
    : { 'security.workspace.trust.enabled': false };
  const all = { ...trust, 'git.openRepositoryInParentFolders': 'never', 'extensions.autoCheckUpdates': false, 'extensions.autoUpdate': false, 'workbench.startupEditor': 'none', 'telemetry.telemetryLevel': 'off', 'workbench.colorTheme': 'Default Dark Modern', ...settings };
  // A theme set here: without one, VS Code 1.96 greets a new profile with a "try the new default theme" notification.
  writeFileSync(join(userData, 'User', 'settings.json'), JSON.stringify(all, null, 2));
  // code-server is a remote window: settings with "scope": "machine" (e.g. podIpLens.cluster.kubeconfig)
  // count only from the remote machine's settings, not the browser side's user settings.
  writeFileSync(join(userData, 'Machine', 'settings.json'), JSON.stringify(settings, null, 2));
  const args = [entry, '--auth', 'none', '--bind-addr', `127.0.0.1:${port}`, '--user-data-dir', userData, '--extensions-dir', join(dir, 'extensions'), '--disable-telemetry', '--disable-update-check', ...(workspaceTrust ? [] : ['--disable-workspace-trust']), workspace];
  const proc = spawn(process.execPath, args, { detached: true, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
  let stopped = false;
  const stop = () => {
    if (stopped) return;
    stopped = true;
    try {
      process.kill(-proc.pid, 'SIGTERM');
    } catch {
      // already gone
    }
    setTimeout(() => {
      try {
        process.kill(-proc.pid, 'SIGKILL');
      } catch {
        // stopped on SIGTERM
      }
    }, 3000).unref();
    if (!stateDir) rmSync(dir, { recursive: true, force: true, maxRetries: 3 });
  };
  const url = `http://127.0.0.1:${port}`;
  await new Promise((res, rej) => {
    const timer = setTimeout(() => rej(new Error(`code-server did not start listening within ${timeoutMs / 1000}s`)), timeoutMs);
    let buf = '';
    const onData = (chunk) => {
      const text = chunk.toString();
      for (const line of text.split('\n')) if (line.trim()) onOutput(line);
      buf += text;
      if (buf.includes('HTTP server listening on')) {
        clearTimeout(timer);
        res();
      }
    };
    proc.stdout.on('data', onData);
    proc.stderr.on('data', onData);
    proc.once('exit', (code, signal) => {
      clearTimeout(timer);
      rej(new Error(`code-server exited before it was ready (code ${code}, signal ${signal})`));
    });
  }).catch((e) => {
    stop();
    throw e;
  });
  return { url, port, proc, dir, stop };
}

/** The workbench URL that loads this extension in development mode and, optionally, runs a test suite. */
export function workbenchUrl(base, { workspace, extensionPath = ROOT, testsPath, openFile }) {
  const remote = (p) => `vscode-remote://${new URL(base).host}${p}`;
  const payload = [['extensionDevelopmentPath', remote(extensionPath)], ['skipWelcome', 'true']];
  if (openFile) payload.push(['openFile', remote(openFile)]);
  if (testsPath) payload.push(['extensionTestsPath', remote(testsPath)]);
  return `${base}/?folder=${encodeURIComponent(workspace)}&payload=${encodeURIComponent(JSON.stringify(payload))}`;
}

export async function launchChromium(options = {}) {
  const { chromium } = await import('playwright-core');
  return chromium.launch({ executablePath: findChromium(), args: CHROMIUM_ARGS, headless: true, ...options });
}

/**
 * Closes the workbench's own notifications (VS Code 1.96 in code-server greets a new browser profile
 * with "now ships with a new default theme", whatever `workbench.colorTheme` says), so a screenshot
 * shows the extension. Keeps closing what appears for `ms`.
 */
export async function dismissWorkbenchNotifications(page, ms = 8000) {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    const close = page.locator('.notification-toast .codicon-notifications-clear');
    const n = await close.count().catch(() => 0);
    for (let i = n - 1; i >= 0; i--) await close.nth(i).click({ timeout: 1000, force: true }).catch(() => {});
    await page.waitForTimeout(250);
  }
}

/**
 * A loopback HTTP bridge from the extension host to the browser page (which it cannot reach
 * otherwise): POST /frames/eval {selector, expression} evaluates in every frame holding `selector`
 * (webviews live in nested iframes), POST /screenshot {name} saves `resultsDir/NAME.png`.
 * Set `bridge.page` once the workbench page is open; `url` goes to the tests' environment.
 */
export async function startBridge(resultsDir) {
  const bridge = { page: undefined, url: '', close: () => server.close() };
  const server = createHttpServer(async (req, res) => {
    const body = await new Promise((resolve) => {
      let b = '';
      req.on('data', (c) => (b += c));
      req.on('end', () => resolve(b));
    });
    const reply = (code, v) => res.writeHead(code, { 'content-type': 'application/json' }).end(JSON.stringify(v));
    try {
      const page = bridge.page;
      if (!page) return reply(503, { error: 'the workbench page is not open yet' });
      const q = JSON.parse(body || '{}');
      if (req.url === '/frames/eval') {
        const out = [];
        for (const f of page.frames()) {
          if (await f.$(String(q.selector)).catch(() => null)) out.push({ url: f.url(), result: await f.evaluate(String(q.expression)) });
        }
        return reply(200, out);
      }
      if (req.url === '/screenshot') {
        mkdirSync(resultsDir, { recursive: true });
        const path = join(resultsDir, `${String(q.name).replace(/[^\w.-]+/g, '-')}.png`);
        await page.screenshot({ path });
        return reply(200, { path });
      }
      return reply(404, { error: `no ${req.url}` });
    } catch (e) {
      return reply(500, { error: e instanceof Error ? e.message : String(e) });
    }
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  bridge.url = `http://127.0.0.1:${server.address().port}`;
  return bridge;
}

/**
 * The demo cluster as its own process, through the same CLI users run (`pod-ip-lens cluster`);
 * resolves once it says it is ready, with its URL and `stop()`.
 */
export function startClusterProcess(kubeconfig, extraArgs = []) {
  const args = [join(ROOT, 'dist', 'cli.js'), 'cluster', '--kubeconfig', kubeconfig, ...extraArgs];
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

/**
 * The workbench settings of `npm run demo` (and of `npm run screenshots`, which must show the same
 * thing): the cluster already running is the one in use, Start Demo Cluster uses it, every terminal's
 * kubectl talks to it, and the timeline opens on app=backend.
 */
export function demoSettings(kubeconfig) {
  return {
    'podIpLens.cluster.kubeconfig': kubeconfig,
    'podIpLens.demo.kubeconfig': kubeconfig,
    'podIpLens.timeline.openOnStartup': 'app=backend',
    'terminal.integrated.env.linux': { KUBECONFIG: kubeconfig },
  };
}
