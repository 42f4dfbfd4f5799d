// Builds every bundle Pod IP Lens ships or tests:
//   dist/extension.js        extension host (node, cjs, `vscode` external)
//   dist/cli.js              the `pod-ip-lens` command line
//   dist/demo.js             the demo cluster (src/demo, its TLS and protobuf libraries, the
//                            OpenAPI schemas): required by the two above when a demo cluster starts
//   dist/client-node.js      @kubernetes/client-node: required when a kubeconfig is first read
//   dist/webview/main.js     the timeline app (browser)
//   dist/test/integration/*  the mocha suite that runs inside the VS Code extension host
// Flags: --watch (rebuild on change), --production (minified, no sourcemaps), --outdir DIR (instead
// of dist/), --single-bundle (the lazy bundles below inside extension.js and cli.js, as before they
// were split off: the activation benchmark's baseline).
import * as esbuild from 'esbuild';
import { readdirSync, statSync, writeFileSync, mkdirSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { createRequire } from 'node:module';

const argv = process.argv.slice(2);
const production = argv.includes('--production');
const watch = argv.includes('--watch');
const singleBundle = argv.includes('--single-bundle');
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

// Bundles of their own, which the host bundles require when first used, so that activation
// (extension.js) and `pod-ip-lens lint` (cli.js) neither parse nor run them:
//   demo.js         the demo cluster, reached only through src/demo/index.ts
//   client-node.js  @kubernetes/client-node (kubeconfig loading and auth), through src/kube/clientNode.ts,
//                   which src/kube/config.ts requires when it first reads a kubeconfig
const LAZY_BUNDLES = [
  { entry: resolve('src/demo/index.ts'), out: 'demo', only: resolve('src/demo'), what: 'the demo cluster' },
  { entry: resolve('src/kube/clientNode.ts'), out: 'client-node', what: '@kubernetes/client-node' },
];
const lazyBundles = {
  name: 'lazy-bundles',
  setup(build) {
    build.onResolve({ filter: /demo|clientNode/ }, async (args) => {
      if (args.pluginData?.lazyBundles || args.kind === 'entry-point') return undefined;
      const r = await build.resolve(args.path, { kind: args.kind, resolveDir: args.resolveDir, importer: args.importer, pluginData: { lazyBundles: true } });
      if (r.errors.length) return { errors: r.errors };
      const importer = resolve(args.importer);
      for (const b of LAZY_BUNDLES) {
        if (r.path === b.entry) return { path: `./${b.out}.js`, external: true };
        if (b.only && r.path.startsWith(b.only) && !importer.startsWith(b.only)) {
          return { errors: [{ text: `${relative('.', args.importer)} imports ${args.path}: outside ${relative('.', b.only)}, import ${b.what} through ${relative('.', b.entry)}, which is its own bundle (${b.out}.js)` }] };
        }
      }
      return undefined;
    });
  },
};

const nodeCommon = { ...common, platform: 'node', format: 'cjs', target: 'node20', external: ['vscode'], plugins: [nodeUrl] };
const hostPlugins = singleBundle ? [nodeUrl, demoOpenApi] : [nodeUrl, lazyBundles];

const builds = [
  { ...nodeCommon, entryPoints: { extension: 'src/extension.ts' }, outdir: DIST, plugins: hostPlugins },
  { ...nodeCommon, entryPoints: { cli: 'src/cli.ts' }, outdir: DIST, banner: { js: '#!/usr/bin/env node' }, plugins: hostPlugins },
  { ...nodeCommon, entryPoints: { demo: 'src/demo/index.ts' }, outdir: DIST, plugins: [nodeUrl, demoOpenApi] },
  { ...nodeCommon, entryPoints: { 'client-node': 'src/kube/clientNode.ts' }, outdir: DIST },
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

/** What activation must not parse: a host bundle that carries a lazy bundle's code is a build error. */
const LAZY_ONLY = [
  { re: /^src\/demo\//, bundle: 'demo.js' },
  { re: /^node_modules\/(selfsigned|protobufjs|@peculiar|asn1js|pkijs|tsyringe)\//, bundle: 'demo.js' },
  { re: /^node_modules\/@kubernetes\/client-node\//, bundle: 'client-node.js' },
];
function checkHostBundles(merged) {
  const problems = [];
  if (singleBundle) return problems;
  for (const name of ['extension.js', 'cli.js']) {
    const out = merged.outputs[relative('.', resolve(DIST, name)).split('\\').join('/')];
    if (!out) continue;
    for (const { re, bundle } of LAZY_ONLY) {
      const found = Object.keys(out.inputs).filter((f) => re.test(f));
      if (found.length) problems.push(`${name} carries code that belongs in ${bundle}: ${found.slice(0, 5).join(', ')}${found.length > 5 ? ', …' : ''}`);
    }
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
