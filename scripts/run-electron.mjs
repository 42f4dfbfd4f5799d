// The same integration suite through @vscode/test-electron, for machines that can download VS Code
// (this project's own CI machines cannot: they reach only the npm registry; there, `npm test` uses
// code-server instead — see scripts/run-integration.mjs).
import { runTests } from '@vscode/test-electron';
import { join } from 'node:path';
import { ROOT } from './testhost.mjs';

try {
  await runTests({
    version: process.env.VSCODE_VERSION ?? '1.96.4',
    extensionDevelopmentPath: ROOT,
    extensionTestsPath: join(ROOT, 'dist', 'test', 'integration', 'index.js'),
    launchArgs: [join(ROOT, 'test', 'fixtures', 'workspace'), '--disable-extensions', '--disable-workspace-trust'],
  });
} catch (err) {
  console.error(`test:electron failed: ${err instanceof Error ? err.message : err}`);
  process.exit(1);
}
