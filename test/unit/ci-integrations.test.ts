// The pre-commit hook (.pre-commit-hooks.yaml) and the GitHub Action (action.yml), run here
// without pre-commit or GitHub: their declared commands, with the files and inputs those tools
// would give them. The CLI runs from its source (dist/cli.js is its bundle, checked by the build
// and package tests); what `npm pack` would install for pre-commit is checked from npm's own list.
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parse } from 'yaml';
import type { SarifLog } from '../../src/cli/lint';

const root = join(__dirname, '..', '..');
/** tsx's loader by absolute URL: the commands run in other directories, where `--import tsx` would not resolve. */
const TSX = pathToFileURL(join(root, 'node_modules', 'tsx', 'dist', 'loader.mjs')).href;
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { bin: Record<string, string>; scripts: Record<string, string> };

/** A repository with a manifest holding a Pod IP, a clean one, and YAML/JSON that are not manifests (with IPs). */
function fixtureRepo(): string {
  const dir = mkdtempSync(join(tmpdir(), 'pod-ip-lens-ci-'));
  const files: Record<string, string> = {
    'deploy/frontend.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: frontend\ndata:\n  BACKEND_URL: "http://10.244.1.7:8080"\n',
    'deploy/service.yaml': 'apiVersion: v1\nkind: Service\nmetadata:\n  name: backend\nspec:\n  selector:\n    app: backend\n  ports:\n    - port: 80\n',
    '.github/workflows/ci.yml': 'name: ci\non: push\njobs:\n  test:\n    env:\n      DB: "http://10.0.0.9:5432"\n',
    'package.json': '{"name": "x", "config": {"db": "http://10.0.0.9:5432"}}\n',
    'README.md': 'Talk to 10.244.1.7 (not a manifest).\n',
  };
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, name)), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  return dir;
}

/** Runs the `pod-ip-lens` bin (from source) with these arguments in `cwd`. */
function podIpLens(args: string[], cwd: string): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, ['--import', TSX, join(root, 'src', 'cli.ts'), ...args], { cwd, encoding: 'utf8', timeout: 60_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('pre-commit hook (.pre-commit-hooks.yaml)', function () {
  this.timeout(60_000);
  const hooks = parse(readFileSync(join(root, '.pre-commit-hooks.yaml'), 'utf8')) as { id: string; entry: string; language: string; files: string; args?: string[]; pass_filenames?: boolean }[];
  const hook = hooks.find((h) => h.id === 'pod-ip-lens-lint')!;
  let repo: string;
  beforeEach(() => (repo = fixtureRepo()));
  afterEach(() => rmSync(repo, { recursive: true, force: true }));

  it('declares a node hook whose entry is the package bin', () => {
    assert.ok(hook, 'hook pod-ip-lens-lint');
    assert.equal(hook.language, 'node');
    const [bin] = hook.entry.split(' ');
    assert.equal(pkg.bin[bin], './dist/cli.js');
  });

  /** What pre-commit runs: the entry, the hook's args, then the staged files its `files` pattern matches. */
  function runHook(staged: string[]) {
    const pattern = new RegExp(hook.files);
    const files = staged.filter((f) => pattern.test(f));
    const [, ...entryArgs] = hook.entry.split(' ');
    return { files, result: podIpLens([...entryArgs, ...(hook.args ?? []), ...(hook.pass_filenames === false ? [] : files)], repo) };
  }

  it('fails a commit that stages a manifest with a Pod IP, and names only manifests', () => {
    const { files, result } = runHook(['deploy/frontend.yaml', 'deploy/service.yaml', '.github/workflows/ci.yml', 'package.json', 'README.md']);
    assert.deepEqual(files, ['deploy/frontend.yaml', 'deploy/service.yaml', '.github/workflows/ci.yml', 'package.json'], 'README.md is not passed');
    assert.equal(result.status, 1, result.stderr);
    assert.match(result.stdout, /^deploy\/frontend\.yaml:6:\d+: warning \[ip-literal\] Hard-coded IP 10\.244\.1\.7:8080/m);
    assert.doesNotMatch(result.stdout, /ci\.yml|package\.json/, 'files that are not manifests are skipped, not linted');
    assert.match(result.stdout, /1 finding in 2 files/);
  });

  it('passes a commit of clean manifests and other files', () => {
    const { result } = runHook(['deploy/service.yaml', '.github/workflows/ci.yml']);
    assert.equal(result.status, 0, result.stdout + result.stderr);
  });

  it('installs with what the bin needs: npm pack carries dist/cli.js and the bundles it loads, built by prepack', () => {
    assert.match(pkg.scripts.prepack, /esbuild\.mjs --production/);
    const r = spawnSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: root, encoding: 'utf8', timeout: 60_000 });
    assert.equal(r.status, 0, r.stderr);
    const files = (JSON.parse(r.stdout) as { files: { path: string }[] }[])[0].files.map((f) => f.path);
    for (const need of ['package.json', 'dist/cli.js', 'dist/demo.js', 'dist/client-node.js']) {
      // Without a build (mocha alone), npm lists what exists: the bundles only after `npm run build`.
      if (need.startsWith('dist/') && !existsSync(join(root, need))) continue;
      assert.ok(files.includes(need), `${need} in the package (${files.join(', ')})`);
    }
    assert.ok(!files.some((f) => /^(src|test|webview|node_modules)\//.test(f) || f.endsWith('.map')), `only the CLI ships: ${files.join(', ')}`);
  });
});

describe('GitHub Action (action.yml)', function () {
  this.timeout(60_000);
  interface Step {
    id?: string;
    name?: string;
    uses?: string;
    run?: string;
    if?: string;
    shell?: string;
    env?: Record<string, string>;
    with?: Record<string, string>;
  }
  const action = parse(readFileSync(join(root, 'action.yml'), 'utf8')) as { inputs: Record<string, { default?: string }>; outputs: Record<string, { value: string }>; runs: { using: string; steps: Step[] } };
  let repo: string;
  let actionPath: string;
  beforeEach(() => {
    repo = fixtureRepo();
    // The action's checkout, with dist/cli.js standing for the bundle: it runs the CLI's source.
    actionPath = mkdtempSync(join(tmpdir(), 'pod-ip-lens-action-'));
    mkdirSync(join(actionPath, 'dist'));
    writeFileSync(
      join(actionPath, 'dist', 'cli.js'),
      `const { spawnSync } = require('node:child_process');\n` +
        `const r = spawnSync(process.execPath, ['--import', ${JSON.stringify(TSX)}, ${JSON.stringify(join(root, 'src', 'cli.ts'))}, ...process.argv.slice(2)], { stdio: 'inherit' });\n` +
        `process.exitCode = r.status ?? 2;\n`,
    );
  });
  afterEach(() => {
    rmSync(repo, { recursive: true, force: true });
    rmSync(actionPath, { recursive: true, force: true });
  });

  /**
   * What the runner does with the composite steps: `${{ }}` expressions over inputs and step
   * outputs, `if:` conditions, `run:` in bash with GITHUB_OUTPUT. `uses:` steps (setup-node,
   * upload-sarif) are returned for checking; the install step (npm ci and the production build)
   * is what this checkout's own install and build already are.
   */
  function runAction(given: Record<string, string>) {
    const inputs: Record<string, string> = Object.fromEntries(Object.entries(action.inputs).map(([k, v]) => [k, given[k] ?? v.default ?? '']));
    const outputs: Record<string, Record<string, string>> = {};
    const value = (path: string): string => {
      const [kind, a, b, c] = path.split('.');
      if (kind === 'inputs') return inputs[a] ?? '';
      if (kind === 'steps' && b === 'outputs') return outputs[a]?.[c] ?? '';
      if (kind === 'github' && a === 'action_path') return actionPath;
      throw new Error(`unknown expression ${path}`);
    };
    const expr = (e: string): string | boolean => {
      const js = e.replace(/\b(inputs|steps|github)\.[\w.-]+/g, (m) => JSON.stringify(value(m))).replace(/==/g, '===');
      return new Function(`return (${js});`)() as string | boolean;
    };
    const interpolate = (s: string) => s.replace(/\$\{\{\s*(.+?)\s*\}\}/g, (_, e: string) => String(expr(e)));
    const used: Step[] = [];
    let failed: { step: string; status: number | null; stderr: string } | undefined;
    for (const step of action.runs.steps) {
      if (step.if !== undefined && !expr(step.if.replace(/^\$\{\{\s*|\s*\}\}$/g, ''))) continue;
      if (step.uses) {
        used.push({ ...step, with: Object.fromEntries(Object.entries(step.with ?? {}).map(([k, v]) => [k, interpolate(String(v))])) });
        continue;
      }
      if (step.id === 'install') continue;
      assert.equal(step.shell, 'bash');
      const outFile = join(actionPath, `output-${step.id ?? used.length}`);
      writeFileSync(outFile, '');
      const env = Object.fromEntries(Object.entries(step.env ?? {}).map(([k, v]) => [k, interpolate(String(v))]));
      const r = spawnSync('bash', ['-e', '-c', interpolate(step.run!)], { cwd: repo, encoding: 'utf8', timeout: 60_000, env: { ...process.env, ...env, GITHUB_ACTION_PATH: actionPath, GITHUB_OUTPUT: outFile } });
      if (step.id) outputs[step.id] = Object.fromEntries(readFileSync(outFile, 'utf8').split('\n').filter(Boolean).map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]));
      if (r.status !== 0) {
        failed = { step: step.name ?? step.id ?? '?', status: r.status, stderr: r.stderr + r.stdout };
        break;
      }
    }
    const actionOutputs = Object.fromEntries(Object.entries(action.outputs).map(([k, v]) => [k, interpolate(v.value)]));
    return { used, failed, outputs: actionOutputs };
  }

  it('is a composite action on Node 20', () => {
    assert.equal(action.runs.using, 'composite');
    const setup = action.runs.steps.find((s) => s.uses?.startsWith('actions/setup-node@'));
    assert.equal(String(setup?.with?.['node-version']), '20');
  });

  it('writes SARIF for the repository, uploads it to code scanning, and passes by default', () => {
    const { used, failed, outputs } = runAction({});
    assert.equal(failed, undefined, JSON.stringify(failed));
    assert.equal(outputs['exit-code'], '1', 'findings at warning level');
    const sarifPath = join(repo, outputs['sarif-file']);
    const sarif = JSON.parse(readFileSync(sarifPath, 'utf8')) as SarifLog;
    assert.equal(sarif.version, '2.1.0');
    const results = sarif.runs[0].results;
    assert.deepEqual(results.map((r) => [r.ruleId, r.locations[0].physicalLocation.artifactLocation.uri]), [['ip-literal', 'deploy/frontend.yaml']], 'a directory search lints manifests only');
    const upload = used.find((s) => s.uses?.startsWith('github/codeql-action/upload-sarif@'));
    assert.ok(upload, 'the upload step runs');
    assert.equal(relative(repo, join(repo, upload.with!.sarif_file)), outputs['sarif-file']);
  });

  it('fails on findings when asked, honours paths and args, and skips the upload when told', () => {
    const failing = runAction({ 'fail-on-findings': 'true', upload: 'false' });
    assert.equal(failing.failed?.step, 'Fail on findings');
    assert.equal(failing.used.some((s) => s.uses?.includes('upload-sarif')), false);
    const clean = runAction({ 'fail-on-findings': 'true', paths: 'deploy/service.yaml .github', args: '--rule host-port=off' });
    assert.equal(clean.failed, undefined, JSON.stringify(clean.failed));
    assert.equal(clean.outputs['exit-code'], '0');
    const offRule = runAction({ 'fail-on-findings': 'true', args: '--rule ip-literal=off' });
    assert.equal(offRule.failed, undefined);
    assert.equal(offRule.outputs['exit-code'], '0');
  });

  it('fails the step on a usage error (exit status 2), not only on findings', () => {
    const bad = runAction({ args: '--rule nope=off' });
    assert.equal(bad.failed?.step, 'pod-ip-lens lint --format sarif');
    assert.equal(bad.failed?.status, 2);
    assert.match(bad.failed!.stderr, /unknown rule 'nope'/);
  });
});
