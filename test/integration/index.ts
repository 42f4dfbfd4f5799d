// Loaded by VS Code as `extensionTestsPath`: runs every *.test.js next to this file with mocha,
// inside the extension host. Filters come from scripts/run-integration.mjs through the environment.
import Mocha from 'mocha';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';

export function run(): Promise<void> {
  const mocha = new Mocha({ ui: 'bdd', color: false, timeout: 60_000, reporter: 'spec' });
  const grep = process.env.POD_IP_LENS_TEST_GREP;
  if (grep) mocha.grep(grep);
  const words = (process.env.POD_IP_LENS_TEST_FILES ?? '').split(',').filter(Boolean);
  const files = readdirSync(__dirname)
    .filter((f) => f.endsWith('.test.js'))
    // *.restricted.test files run in their own pass, with the workspace untrusted (scripts/run-integration.mjs).
    .filter((f) => f.includes('.restricted.') === (process.env.POD_IP_LENS_TEST_MODE === 'restricted'))
    .filter((f) => words.length === 0 || words.some((w) => f.includes(w)))
    .sort();
  if (files.length === 0) return Promise.reject(new Error(`no integration test files match ${words.join(',')}`));
  for (const f of files) mocha.addFile(join(__dirname, f));
  return new Promise((resolve, reject) => {
    mocha.run((failures) => (failures > 0 ? reject(new Error(`${failures} integration test(s) failed`)) : resolve()));
  });
}
