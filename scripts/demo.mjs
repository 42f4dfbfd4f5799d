// `npm run demo`: Pod IP Lens in a real VS Code (code-server) on a sample workspace, in your browser.
// Prints the URL to open; Ctrl+C stops everything it started.
//   --port N          code-server port (default: a free one)
//   --screenshot FILE open the workbench headlessly once it is up, save a screenshot, keep running
//   --exit-after S    stop by itself after S seconds (for scripted checks)
import { join } from 'node:path';
import { mkdirSync } from 'node:fs';
import { ROOT, startCodeServer, workbenchUrl, launchChromium } from './testhost.mjs';

const argv = process.argv.slice(2);
const opt = (name) => {
  const i = argv.indexOf(name);
  return i < 0 ? undefined : argv[i + 1];
};
if (argv.includes('--help')) {
  console.log('usage: npm run demo -- [--port N] [--screenshot FILE] [--exit-after SECONDS]');
  process.exit(0);
}
const workspace = join(ROOT, 'test', 'fixtures', 'workspace');
const stateDir = join(ROOT, '.demo', 'vscode');
mkdirSync(stateDir, { recursive: true });

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
  const server = await startCodeServer({ workspace, port: opt('--port') ? Number(opt('--port')) : undefined, stateDir });
  stops.push(() => server.stop());
  const url = workbenchUrl(server.url, { workspace });
  console.log('\nPod IP Lens demo is running.');
  console.log(`  Open in your browser: ${url}`);
  console.log('  Ctrl+C stops everything.\n');
  const shot = opt('--screenshot');
  if (shot) {
    const browser = await launchChromium();
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    await page.goto(url);
    await page.waitForSelector('.monaco-workbench', { timeout: 60_000 });
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
