// `npm run bench`: runs every test/bench/*.bench.ts in its own process (so one benchmark's heap
// and JIT state do not colour the next) and prints what each measured. Ratios are measured
// against a baseline in the same run, because this machine is shared and noisy.
// `npm run bench -- lint` runs only the benchmarks whose file name contains "lint".
import { readdirSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

const filter = process.argv.slice(2).filter((a) => !a.startsWith('-'));
const dir = 'test/bench';
const files = readdirSync(dir)
  .filter((f) => f.endsWith('.bench.ts'))
  .filter((f) => filter.length === 0 || filter.some((w) => f.includes(w)))
  .sort();
if (files.length === 0) {
  console.error(`no benchmarks match ${filter.join(' ') || '(all)'} in ${dir}`);
  process.exit(2);
}
let failed = 0;
for (const f of files) {
  console.log(`\n=== ${f}`);
  const r = spawnSync(process.execPath, ['--expose-gc', '--import', 'tsx', join(dir, f)], { stdio: 'inherit' });
  if (r.status !== 0) {
    failed++;
    console.log(`!!! ${f} exited with ${r.status ?? r.signal}`);
  }
}
process.exit(failed ? 1 : 0);
