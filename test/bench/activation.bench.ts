// What activation costs. Two production builds, side by side in one run:
//   split    today's layout: the demo cluster in dist/demo.js, required when a demo cluster starts,
//            and @kubernetes/client-node in dist/client-node.js, required when a kubeconfig is read
//   single   the baseline: both inside dist/extension.js (esbuild.mjs --single-bundle), as before
//   empty    the floor: an extension with the same manifest whose activate() does nothing, for
//            what VS Code itself charges any extension here (its API object, the module loader)
// For each: the size of dist/extension.js, the bundle VS Code parses when a YAML file activates
// the extension (goal ≤ 1.0 MB), and the activation time VS Code itself records for it inside
// code-server's extension host, from the activation event (a YAML document opening): load code +
// call activate, as Developer: Show Running Extensions shows it (goal ≤ 20 ms, median). Rounds
// alternate the two builds in one code-server. ACTIVATION_BENCH_ROUNDS sets the rounds (default 5).
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT, launchChromium, startCodeServer, workbenchUrl } from '../../scripts/testhost.mjs';

const ROUNDS = Number(process.env.ACTIVATION_BENCH_ROUNDS ?? 5);
const SIZE_GOAL = 1_000_000;
const ACTIVATION_GOAL_MS = 20;

interface Times {
  eager: boolean;
  loadCodeMs: number;
  callActivateMs: number;
  finishActivateMs: number;
  event: string;
}

function build(dir: string, extra: string[]): number {
  if (extra[0] === 'empty') {
    mkdirSync(join(dir, 'dist'), { recursive: true });
    writeFileSync(join(dir, 'dist', 'extension.js'), "'use strict';\nrequire('vscode');\nexports.activate = () => ({});\n");
    cpSync(join(ROOT, 'package.json'), join(dir, 'package.json'));
    return statSync(join(dir, 'dist', 'extension.js')).size;
  }
  const r = spawnSync(process.execPath, ['esbuild.mjs', '--production', '--outdir', join(dir, 'dist'), ...extra], { cwd: ROOT, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`build failed:\n${r.stdout}${r.stderr}`);
  cpSync(join(ROOT, 'package.json'), join(dir, 'package.json'));
  cpSync(join(ROOT, 'media'), join(dir, 'media'), { recursive: true });
  return statSync(join(dir, 'dist', 'extension.js')).size;
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const kib = (n: number) => `${(n / 1024).toFixed(0)} KiB (${(n / 1e6).toFixed(2)} MB)`;

async function main(): Promise<void> {
  const work = mkdtempSync(join(tmpdir(), 'pod-ip-lens-activation-'));
  const variants = [
    { name: 'split', dir: join(work, 'split'), flags: [] as string[], size: 0, times: [] as Times[] },
    { name: 'single', dir: join(work, 'single'), flags: ['--single-bundle'], size: 0, times: [] as Times[] },
    { name: 'empty', dir: join(work, 'empty'), flags: ['empty'], size: 0, times: [] as Times[] },
  ];
  const workspace = join(work, 'workspace'); // empty: nothing but the probe's document activates anything
  mkdirSync(workspace);
  let server: Awaited<ReturnType<typeof startCodeServer>> | undefined;
  let browser: Awaited<ReturnType<typeof launchChromium>> | undefined;
  try {
    for (const v of variants) v.size = build(v.dir, v.flags);
    server = await startCodeServer({ workspace });
    browser = await launchChromium();
    for (let round = 0; round < ROUNDS; round++) {
      const order = [...variants.slice(round % variants.length), ...variants.slice(0, round % variants.length)];
      for (const v of order) {
        const context = await browser.newContext();
        let line: string | undefined;
        let resolveExit!: (code: number) => void;
        const exited = new Promise<number>((r) => (resolveExit = r));
        await context.exposeFunction('codeAutomationExit', (code: number) => resolveExit(Number(code)));
        await context.exposeFunction('codeAutomationLog', (_type: string, args: unknown) => {
          const text = (Array.isArray(args) ? args : [args]).map(String).join(' ');
          if (text.startsWith('activation-times ')) line = text.slice('activation-times '.length);
          // The probe's own failures; the workbench's chatter (closing windows, the unreachable gallery) is not ours.
          else if (/Error/.test(text) && /activation-probe|pod-ip-lens/i.test(text)) console.error(text);
        });
        const page = await context.newPage();
        await page.goto(workbenchUrl(server.url, { workspace, extensionPath: v.dir, testsPath: join(ROOT, 'test', 'bench', 'activation-probe.js') }));
        let timer: NodeJS.Timeout | undefined;
        const code = await Promise.race([exited, new Promise<string>((r) => (timer = setTimeout(() => r('timeout'), 120_000)))]);
        clearTimeout(timer);
        await context.close();
        if (code !== 0 || !line) throw new Error(`${v.name}, round ${round + 1}: the probe ${code === 'timeout' ? 'timed out' : `exited with ${code}`}${line ? '' : ' without activation times'}`);
        v.times.push(JSON.parse(line) as Times);
      }
    }
  } finally {
    await browser?.close().catch(() => {});
    server?.stop();
    rmSync(work, { recursive: true, force: true });
  }

  const [split, single, empty] = variants;
  const activation = (v: (typeof variants)[number]) => v.times.map((t) => t.loadCodeMs + t.callActivateMs);
  for (const v of variants) {
    const a = activation(v);
    if (v.name === 'empty') {
      console.log(`${v.name.padEnd(6)} activation median ${median(a)} ms, min ${Math.min(...a)}, max ${Math.max(...a)}`);
      continue;
    }
    const load = v.times.map((t) => t.loadCodeMs);
    const finish = v.times.map((t) => t.finishActivateMs);
    console.log(
      `${v.name.padEnd(6)} dist/extension.js ${kib(v.size)} | activation (load code + call activate) median ${median(a)} ms, min ${Math.min(...a)}, max ${Math.max(...a)} | load code median ${median(load)} ms | finish activate median ${median(finish)} ms | event ${v.times[0].event}`,
    );
  }
  const sizeOk = split.size <= SIZE_GOAL;
  const timeOk = median(activation(split)) <= ACTIVATION_GOAL_MS;
  console.log(`host bundle parsed at activation: ${kib(split.size)} (goal ≤ 1.0 MB) ${sizeOk ? 'OK' : 'OVER'}; ${(split.size / single.size).toFixed(2)}× the single bundle`);
  console.log(
    `activation time in VS Code (median of ${ROUNDS}): ${median(activation(split))} ms (goal ≤ ${ACTIVATION_GOAL_MS} ms) ${timeOk ? 'OK' : 'OVER'}; ${(median(activation(split)) / Math.max(1, median(activation(single)))).toFixed(2)}× the single bundle (${median(activation(single))} ms)`,
  );
  console.log(`of which VS Code's own cost for any extension (the empty one): ${median(activation(empty))} ms; Pod IP Lens adds ${median(activation(split)) - median(activation(empty))} ms (the single bundle added ${median(activation(single)) - median(activation(empty))} ms)`);
  if (!sizeOk || !timeOk) process.exitCode = 1;
}

main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
