// Builds every bundle Pod IP Lens ships or tests:
//   dist/extension.js        extension host (node, cjs, `vscode` external)
//   dist/cli.js              the `pod-ip-lens` command line
//   dist/demo.js             the demo cluster (src/demo, its TLS and protobuf libraries, the
//                            OpenAPI schemas): required by the two above when a demo cluster starts
//   dist/webview/main.js     the timeline app (browser)
//   dist/test/integration/*  the mocha suite that runs inside the VS Code extension host
// Flags: --watch (rebuild on change), --production (minified, no sourcemaps), --outdir DIR (instead
// of dist/), --inline-demo (the demo inside extension.js and cli.js, as before it had a bundle of
// its own: the activation benchmark's baseline).
import * as esbuild from 'esbuild';
import { readdirSync, statSync, writeFileSync, mkdirSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { createRequire } from 'node:module';

const argv = process.argv.slice(2);
const production = argv.includes('--production');
const watch = argv.includes('--watch');
const inlineDemo = argv.includes('--inline-demo');
const outIndex = argv.indexOf('--outdir');
const DIST = outIndex >= 0 ? argv[outIndex + 1] : 'dist';
if (!DIST || DIST.startsWith('--')) {
  console.error('esbuild.mjs: --outdir needs a directory');
  process.exit(2);
}

function listTs(dir) {
  const out = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...listTs(p));
    else if (p.endsWith('.ts')) out.push(p);
  }
  return out;
}

const common = {
  bundle: true,
  minify: production,
  sourcemap: production ? false : 'linked',
  sourcesContent: false,
  logLevel: 'warning',
  metafile: true,
  legalComments: 'none',
};

// The demo cluster's OpenAPI schemas (`kubectl explain`) are generated from
// @kubernetes/client-node's models and embedded, since the bundles ship without node_modules.
let demoSchemas;
async function generateDemoSchemas() {
  const out = await esbuild.build({ entryPoints: ['src/demo/openapi/index.ts'], bundle: true, platform: 'node', format: 'cjs', target: 'node20', write: false, logLevel: 'silent' });
  const mod = { exports: {} };
  new Function('module', 'exports', 'require', '__filename', out.outputFiles[0].text)(mod, mod.exports, createRequire(import.meta.url), join(process.cwd(), 'src/demo/openapi/index.ts'));
  const set = mod.exports.schemaSet();
  if (!set || !Object.keys(set.schemas).length) throw new Error('demo OpenAPI schemas: none generated from node_modules/@kubernetes/client-node');
  return mod.exports.encodeSchemas(set);
}
const demoOpenApi = {
  name: 'demo-openapi',
  setup(build) {
    build.onLoad({ filter: /src[\\/]demo[\\/]openapi[\\/]embedded\.ts$/ }, async () => {
      demoSchemas ??= await generateDemoSchemas();
      return { contents: `export const EMBEDDED_SCHEMAS: string | undefined = ${JSON.stringify(demoSchemas)};`, loader: 'ts' };
    });
  },
};

// node-fetch 2 (under @kubernetes/client-node) takes `URL` from Node's `url` module and falls back
// to the whatwg-url package only where that has none; Node 20 always has it. The fallback (whatwg-url
// and tr46's Unicode tables, 280 KiB) is replaced by Node's own URL.
const nodeUrl = {
  name: 'node-url',
  setup(build) {
    build.onResolve({ filter: /^whatwg-url$/ }, () => ({ path: 'whatwg-url', namespace: 'node-url' }));
    build.onLoad({ filter: /.*/, namespace: 'node-url' }, () => ({ contents: "module.exports = { URL: require('node:url').URL, URLSearchParams: require('node:url').URLSearchParams };", loader: 'js' }));
  },
};

// The host bundles reach the demo cluster only through src/demo/index.ts (imported on first use);
// that import becomes `require('./demo.js')`, the demo's own bundle next to them.
const DEMO_ENTRY = resolve('src/demo/index.ts');
const DEMO_DIR = resolve('src/demo');
const demoBundle = {
  name: 'demo-bundle',
  setup(build) {
    build.onResolve({ filter: /demo/ }, async (args) => {
      if (args.pluginData?.demoBundle || args.kind === 'entry-point') return undefined;
      const importer = resolve(args.importer);
      if (importer.startsWith(DEMO_DIR)) return undefined;
      const r = await build.resolve(args.path, { kind: args.kind, resolveDir: args.resolveDir, importer: args.importer, pluginData: { demoBundle: true } });
      if (r.errors.length) return { errors: r.errors };
      if (r.path === DEMO_ENTRY) return { path: './demo.js', external: true };
      if (r.path.startsWith(DEMO_DIR)) return { errors: [{ text: `${relative('.', args.importer)} imports ${args.path}: outside src/demo, import the demo cluster through src/demo (index.ts), which is its own bundle (dist/demo.js)` }] };
      return undefined;
    });
  },
};

const nodeCommon = { ...common, platform: 'node', format: 'cjs', target: 'node20', external: ['vscode'], plugins: [nodeUrl] };
const hostPlugins = inlineDemo ? [nodeUrl, demoOpenApi] : [nodeUrl, demoBundle];

const builds = [
  { ...nodeCommon, entryPoints: { extension: 'src/extension.ts' }, outdir: DIST, plugins: hostPlugins },
  { ...nodeCommon, entryPoints: { cli: 'src/cli.ts' }, outdir: DIST, banner: { js: '#!/usr/bin/env node' }, plugins: hostPlugins },
  { ...nodeCommon, entryPoints: { demo: 'src/demo/index.ts' }, outdir: DIST, plugins: [nodeUrl, demoOpenApi] },
  {
    ...common,
    platform: 'browser',
    format: 'iife',
    target: 'chrome120',
    entryPoints: { main: 'webview/main.ts' },
    outdir: join(DIST, 'webview'),
  },
];
if (!production) {
  // The integration suite is loaded by the extension host through `extensionTestsPath`;
  // mocha stays external so it is required from node_modules like any test runner.
  builds.push({
    ...nodeCommon,
    entryPoints: listTs('test/integration').map((p) => ({ in: p, out: relative('test/integration', p).replace(/\.ts$/, '') })),
    outdir: join(DIST, 'test', 'integration'),
    external: ['vscode', 'mocha', 'playwright-core'],
    plugins: [nodeUrl, demoOpenApi],
  });
}

/** What activation must not parse: a host bundle that carries the demo cluster is a build error. */
const DEMO_ONLY = [/^src\/demo\//, /^node_modules\/(selfsigned|protobufjs|@peculiar|asn1js|pkijs|tsyringe)\//];
function checkHostBundles(merged) {
  if (inlineDemo) return [];
  const problems = [];
  for (const name of ['extension.js', 'cli.js']) {
    const out = merged.outputs[relative('.', resolve(DIST, name)).split('\\').join('/')];
    if (!out) continue;
    const demo = Object.keys(out.inputs).filter((f) => DEMO_ONLY.some((re) => re.test(f)));
    if (demo.length) problems.push(`${name} carries demo-cluster code, which belongs in demo.js: ${demo.slice(0, 5).join(', ')}${demo.length > 5 ? ', …' : ''}`);
  }
  return problems;
}

function report(results) {
  const sizes = {};
  const merged = { inputs: {}, outputs: {} };
  for (const r of results) {
    if (!r.metafile) continue;
    Object.assign(merged.inputs, r.metafile.inputs);
    Object.assign(merged.outputs, r.metafile.outputs);
    for (const [file, info] of Object.entries(r.metafile.outputs)) {
      if (!file.endsWith('.map')) sizes[file] = info.bytes;
    }
  }
  mkdirSync(DIST, { recursive: true });
  writeFileSync(join(DIST, 'meta.json'), JSON.stringify(merged));
  for (const [file, bytes] of Object.entries(sizes).sort()) {
    if (file.includes('/test/')) continue;
    const note = file.endsWith('/extension.js') ? '  (parsed at activation)' : file.endsWith('/demo.js') ? '  (when a demo cluster starts)' : '';
    console.log(`${file.padEnd(32)} ${(bytes / 1024).toFixed(1).padStart(8)} KiB${note}`);
  }
  return checkHostBundles(merged);
}

if (watch) {
  const contexts = await Promise.all(
    builds.map((b) =>
      esbuild.context({
        ...b,
        plugins: [...(b.plugins ?? []), { name: 'log', setup(build) { build.onEnd((r) => console.log(`[watch] built ${Object.keys(r.metafile?.outputs ?? {}).filter((f) => !f.endsWith('.map')).join(', ')} (${r.errors.length} errors)`)); } }],
      }),
    ),
  );
  await Promise.all(contexts.map((c) => c.watch()));
  console.log('[watch] watching for changes; Ctrl+C stops');
} else {
  let problems;
  try {
    problems = report(await Promise.all(builds.map((b) => esbuild.build(b))));
  } catch {
    process.exit(1); // esbuild has already printed the errors
  }
  for (const p of problems) console.error(`build: ${p}`);
  if (problems.length) process.exit(1);
}
