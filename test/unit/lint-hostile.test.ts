// Hostile and careless input to the linter and `pod-ip-lens lint`: thousands of levels of nesting,
// control characters in file names, a byte order mark. Each file is contained: the others are
// linted, the bad one is named, every output format is still written. Bounded in time and size.
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { extractObjects, lintText } from '../../src/core/lint';

const root = join(__dirname, '..', '..');
const deepFlow = `apiVersion: v1\nkind: ConfigMap\ndata:\n  x: ${'['.repeat(2000)}10.0.0.1${']'.repeat(2000)}\n`;
const deepJson = `{"apiVersion":"v1","kind":"Pod","spec":${'{"a":'.repeat(5000)}"10.0.0.1"${'}'.repeat(5000)}}`;
const ok = 'apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers: [{name: c, env: [{name: DB_HOST, value: 10.1.1.1}]}]\n';

function lint(dir: string, ...args: string[]) {
  // tsx by absolute URL: the child runs in a temporary folder, outside this project's node_modules.
  const tsx = pathToFileURL(join(root, 'node_modules', 'tsx', 'dist', 'loader.mjs')).href;
  return spawnSync(process.execPath, ['--import', tsx, join(root, 'src', 'cli.ts'), 'lint', ...args], { cwd: dir, encoding: 'utf8', timeout: 60_000 });
}

describe('lint: hostile input', function () {
  this.timeout(120_000);
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'lint-hostile-'));
    writeFileSync(join(dir, 'a-deep-flow.yaml'), deepFlow);
    writeFileSync(join(dir, 'b-deep.json'), deepJson);
    writeFileSync(join(dir, 'c-ok.yaml'), ok);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('reports a document nested thousands of levels deep for that document only', () => {
    for (const text of [deepFlow, deepJson]) {
      const r = lintText(text);
      assert.deepEqual(r.findings, []);
      assert.equal(r.errors.length, 1);
      assert.match(r.errors[0].message, /document 1: nested more than 1000 levels deep; not linted/);
    }
    const mixed = lintText(`${deepFlow}---\n${ok}`);
    assert.deepEqual(mixed.findings.map((f) => f.ip), ['10.1.1.1']);
    assert.equal(mixed.errors[0].document, 0);
    // The workspace index does not hand such a file to the (recursive) full parser.
    assert.deepEqual(extractObjects(deepJson, 'deep.json'), { services: [], workloads: [] });
  });

  it('names the bad files, lints the others, exits 2, in every format', () => {
    const text = lint(dir, '.');
    assert.equal(text.status, 2, text.stderr);
    assert.match(text.stdout, /c-ok\.yaml:5:\d+: warning \[ip-literal\]/);
    assert.match(text.stderr, /a-deep-flow\.yaml:1: document 1: nested more than 1000 levels deep/);
    assert.match(text.stderr, /b-deep\.json:1: document 1: nested more than 1000 levels deep/);
    assert.doesNotMatch(text.stderr, /Maximum call stack/);
    const json = lint(dir, '.', '--format', 'json');
    assert.equal(json.status, 2);
    assert.deepEqual(JSON.parse(json.stdout).findings.map((f: { file: string }) => f.file), ['c-ok.yaml']);
    const sarif = lint(dir, '.', '--format', 'sarif');
    assert.equal(sarif.status, 2);
    const run = JSON.parse(sarif.stdout).runs[0];
    assert.equal(run.results.length, 1);
    assert.equal(run.invocations[0].executionSuccessful, false);
    assert.deepEqual(run.invocations[0].toolExecutionNotifications.map((n: { level: string; message: { text: string } }) => [n.level, n.message.text.split(':')[0]]), [['error', 'a-deep-flow.yaml'], ['error', 'b-deep.json']]);
  });

  it('prints file names with terminal escape sequences escaped', () => {
    const evil = mkdtempSync(join(tmpdir(), 'lint-evil-'));
    try {
      writeFileSync(join(evil, 'x\u001b]0;pwned\u0007\u001b[2J.yaml'), 'apiVersion: v1\nkind: ConfigMap\ndata: {db_host: 10.3.3.3}\n');
      const r = lint(evil, '.');
      assert.equal(r.status, 1);
      assert.doesNotMatch(r.stdout + r.stderr, /\u001b|\u0007/);
      assert.match(r.stdout, /x\\x1b\]0;pwned\\x07\\x1b\[2J\.yaml:3:17: warning/);
    } finally {
      rmSync(evil, { recursive: true, force: true });
    }
  });

  it('counts columns of line 1 from after a byte order mark, in every format', () => {
    const bom = mkdtempSync(join(tmpdir(), 'lint-bom-'));
    try {
      const body = '{"apiVersion": "v1", "kind": "ConfigMap", "data": {"db_host": "10.4.4.4"}}\n';
      writeFileSync(join(bom, 'with.json'), `\uFEFF${body}`);
      writeFileSync(join(bom, 'without.json'), body);
      const col = body.indexOf('10.4.4.4') + 1;
      const json = JSON.parse(lint(bom, '.', '--format', 'json').stdout).findings;
      assert.deepEqual(json.map((f: { file: string; line: number; column: number }) => [f.file, f.line, f.column]), [['with.json', 1, col], ['without.json', 1, col]]);
      const sarif = JSON.parse(lint(bom, '.', '--format', 'sarif').stdout).runs[0].results;
      assert.deepEqual(sarif.map((x: any) => x.locations[0].physicalLocation.region.startColumn), [col, col]);
      assert.match(lint(bom, 'with.json').stdout, new RegExp(`^with\\.json:1:${col}: `));
    } finally {
      rmSync(bom, { recursive: true, force: true });
    }
  });
});
