// `npm run package`: a clean production build, then `vsce package` into pod-ip-lens-<version>.vsix.
// esbuild has already bundled every runtime dependency, so vsce packs no node_modules.
import { rmSync, readFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { ROOT } from './testhost.mjs';

const { version } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
const out = process.argv[2] ?? join(ROOT, `pod-ip-lens-${version}.vsix`);
const run = (cmd, args) => {
  const r = spawnSync(cmd, args, { cwd: ROOT, stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
};
rmSync(join(ROOT, 'dist'), { recursive: true, force: true });
run(process.execPath, ['esbuild.mjs', '--production']);
run(process.execPath, [join(ROOT, 'node_modules', '@vscode', 'vsce', 'vsce'), 'package', '--no-dependencies', '-o', out]);
console.log(`packaged ${out}`);
