// `npm run test:package`: packs the .vsix, checks what is inside it, installs it into a fresh
// code-server extensions folder and runs test/package/suite.js against the installed copy.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inflateRawSync } from 'node:zlib';
import { ROOT, ensureCodeServer, startCodeServer, workbenchUrl, launchChromium } from './testhost.mjs';

/** Names of the entries of a zip file, from its central directory. */
export function zipEntries(buf) {
  const eocd = buf.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  if (eocd < 0) throw new Error('not a zip file (no end of central directory)');
  const count = buf.readUInt16LE(eocd + 10);
  let off = buf.readUInt32LE(eocd + 16);
  const out = [];
  for (let i = 0; i < count; i++) {
    if (buf.readUInt32LE(off) !== 0x02014b50) throw new Error(`bad central directory entry at ${off}`);
    const method = buf.readUInt16LE(off + 10);
    const size = buf.readUInt32LE(off + 24);
    const nameLen = buf.readUInt16LE(off + 28);
    const extraLen = buf.readUInt16LE(off + 30);
    const commentLen = buf.readUInt16LE(off + 32);
    const local = buf.readUInt32LE(off + 42);
    const compressed = buf.readUInt32LE(off + 20);
    const name = buf.toString('utf8', off + 46, off + 46 + nameLen);
    const read = () => {
      const start = local + 30 + buf.readUInt16LE(local + 26) + buf.readUInt16LE(local + 28);
      const data = buf.subarray(start, start + compressed);
      return method === 8 ? inflateRawSync(data) : data;
    };
    out.push({ name, size, read });
    off += 46 + nameLen + extraLen + commentLen;
  }
  return out;
}

const fail = (msg) => {
  console.error(`[package] FAILED: ${msg}`);
  process.exitCode = 1;
};

/**
 * The CLI as installed, without node_modules: `cluster` must load the demo cluster from the
 * package's dist/demo.js, serve (kubectl lists its nodes when kubectl is on PATH) and stop.
 */
async function checkPackagedCli(extensionDir, work) {
  const cli = join(extensionDir, 'dist', 'cli.js');
  const kubeconfig = join(work, 'cli-kubeconfig');
  const child = spawn(process.execPath, [cli, 'cluster', '--kubeconfig', kubeconfig, '--no-system-workloads', '--nodes', '2'], { cwd: work, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (err += d));
  const exited = new Promise((res) => child.on('exit', (code) => res(code)));
  try {
    const ready = await Promise.race([
      new Promise((res) => child.stdout.on('data', () => out.includes('ready at') && res(true))),
      exited.then(() => false),
      new Promise((res) => setTimeout(() => res(false), 60_000)),
    ]);
    if (!ready) throw new Error(`the packaged CLI's demo cluster did not get ready:\n${out}${err}`);
    const kubectl = spawnSync('kubectl', ['get', 'nodes', '-o', 'name'], { env: { ...process.env, KUBECONFIG: kubeconfig }, encoding: 'utf8', timeout: 30_000 });
    if (kubectl.error?.code === 'ENOENT') {
      // CI has kubectl (.ci/run checks); there a missing one is a failure, not a quieter test.
      if (process.env.CI) throw new Error('kubectl is not on PATH: the packaged demo cluster cannot be queried (CI requires kubectl)');
      console.log('[package] (kubectl is not on PATH: the packaged demo cluster was not queried)');
    }
    else if (kubectl.stdout.trim() !== 'node/demo-control-plane\nnode/demo-worker') throw new Error(`kubectl get nodes on the packaged CLI's demo cluster: ${kubectl.stdout}${kubectl.stderr}`);
    // audit reads the kubeconfig through dist/client-node.js.
    const audit = spawnSync(process.execPath, [cli, 'audit', '--kubeconfig', kubeconfig, '-A', '--format', 'json'], { cwd: work, encoding: 'utf8', timeout: 60_000 });
    if (audit.status !== 0 || !Array.isArray(JSON.parse(audit.stdout || '{}').findings)) throw new Error(`pod-ip-lens audit (packaged) against the packaged demo cluster exited with ${audit.status}:\n${audit.stdout}${audit.stderr}`);
  } finally {
    child.kill('SIGTERM');
  }
  const code = await Promise.race([exited, new Promise((res) => setTimeout(() => res('timeout'), 15_000))]);
  if (code !== 0 || !out.includes('Demo cluster stopped.')) {
    child.kill('SIGKILL');
    throw new Error(`the packaged CLI's demo cluster did not stop cleanly (${code}):\n${out}${err}`);
  }
  console.log('[package] the packaged CLI runs the demo cluster from dist/demo.js and audits it through dist/client-node.js');
}

const work = mkdtempSync(join(tmpdir(), 'pod-ip-lens-package-'));
let server;
let browser;
try {
  const vsix = join(work, 'pod-ip-lens.vsix');
  const pack = spawnSync(process.execPath, [join(ROOT, 'scripts', 'package.mjs'), vsix], { cwd: ROOT, encoding: 'utf8' });
  if (pack.status !== 0) throw new Error(`packaging failed:\n${pack.stdout}${pack.stderr}`);
  const buf = readFileSync(vsix);
  const entries = zipEntries(buf);
  const names = entries.map((e) => e.name);
  console.log(`[package] ${vsix}: ${(buf.length / 1024).toFixed(0)} KiB, ${names.length} files`);
  for (const n of names) console.log(`  ${n}`);
  for (const need of ['extension/package.json', 'extension/dist/extension.js', 'extension/dist/cli.js', 'extension/dist/demo.js', 'extension/dist/client-node.js', 'extension/dist/webview/main.js', 'extension/readme.md', 'extension/changelog.md', 'extension/LICENSE.txt', 'extension/media/walkthrough/1-start.md', 'extension/media/icon.png']) {
    if (!names.includes(need)) fail(`${need} is missing from the package`);
  }
  const forbidden = names.filter((n) => /^extension\/(src|test|scripts|node_modules|\.vscode-test|\.demo|test-results|webview)\//.test(n) || n.endsWith('.map') || n.endsWith('.ts'));
  if (forbidden.length) fail(`the package carries files users do not need: ${forbidden.join(', ')}`);
  const manifest = JSON.parse(entries.find((e) => e.name === 'extension/package.json').read().toString('utf8'));
  if (manifest.main !== './dist/extension.js') fail(`package.json main is ${manifest.main}`);
  const icon = entries.find((e) => e.name === `extension/${manifest.icon}`)?.read();
  if (!icon || icon.readUInt32BE(16) !== 128 || icon.readUInt32BE(20) !== 128) fail(`the icon (${manifest.icon}) is not a 128×128 PNG in the package`);
  for (const field of ['repository', 'bugs', 'homepage']) if (!manifest[field]) fail(`package.json has no ${field}`);
  if (buf.length > 5 * 1024 * 1024) fail(`the package is ${(buf.length / 1048576).toFixed(1)} MiB; expected under 5 MiB`);

  const entry = ensureCodeServer();
  const state = join(work, 'vscode');
  const extensionsDir = join(state, 'extensions');
  mkdirSync(extensionsDir, { recursive: true });
  const install = spawnSync(process.execPath, [entry, '--extensions-dir', extensionsDir, '--user-data-dir', join(state, 'user-data'), '--install-extension', vsix], { encoding: 'utf8' });
  if (install.status !== 0 || !/successfully installed/i.test(install.stdout + install.stderr)) throw new Error(`installing the .vsix failed:\n${install.stdout}${install.stderr}`);
  console.log('[package] installed into a fresh extensions folder');
  await checkPackagedCli(join(extensionsDir, `${manifest.publisher}.${manifest.name}-${manifest.version}`), work);

  const workspace = join(ROOT, 'test', 'fixtures', 'workspace');
  server = await startCodeServer({ workspace, stateDir: state, env: { POD_IP_LENS_PACKAGE_EXTENSIONS_DIR: extensionsDir } });
  browser = await launchChromium();
  const context = await browser.newContext();
  let resolveExit;
  const exited = new Promise((res) => (resolveExit = res));
  await context.exposeFunction('codeAutomationExit', (code) => resolveExit(Number(code)));
  await context.exposeFunction('codeAutomationLog', (type, args) => {
    const text = (Array.isArray(args) ? args : [args]).map(String).join(' ');
    if (/package probe|Error|assert/i.test(text)) console.log(text);
  });
  const page = await context.newPage();
  await page.goto(workbenchUrl(server.url, { workspace, extensionPath: join(ROOT, 'test', 'package', 'probe'), testsPath: join(ROOT, 'test', 'package', 'suite.js') }));
  let timer;
  const code = await Promise.race([exited, new Promise((res) => (timer = setTimeout(() => res('timeout'), 180_000)))]);
  clearTimeout(timer);
  if (code !== 0) {
    mkdirSync(join(ROOT, 'test-results'), { recursive: true });
    await page.screenshot({ path: join(ROOT, 'test-results', 'package-failure.png') }).catch(() => {});
    fail(code === 'timeout' ? 'the package probe did not finish within 180s' : `the package probe exited with ${code}`);
  } else console.log('[package] the installed .vsix activates and lints in VS Code');
} catch (e) {
  fail(e instanceof Error ? e.message : String(e));
} finally {
  await browser?.close().catch(() => {});
  server?.stop();
  rmSync(work, { recursive: true, force: true });
  // Packaging left a production build in dist/; put the development build back for the other tests.
  spawnSync(process.execPath, [join(ROOT, 'esbuild.mjs')], { cwd: ROOT, stdio: 'ignore' });
}
