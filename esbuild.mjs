// Builds every bundle Pod IP Lens ships or tests:
//   dist/extension.js        extension host (node, cjs, `vscode` external)
//   dist/cli.js              the `pod-ip-lens` command line
//   dist/webview/main.js     the timeline app (browser)
//   dist/test/integration/*  the mocha suite that runs inside the VS Code extension host
// Flags: --watch (rebuild on change), --production (minified, no sourcemaps).
import * as esbuild from 'esbuild';
import { readdirSync, statSync, writeFileSync, mkdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { createRequire } from 'node:module';

const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');

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

const nodeCommon = { ...common, platform: 'node', format: 'cjs', target: 'node20', external: ['vscode'], plugins: [demoOpenApi] };

const builds = [
  { ...nodeCommon, entryPoints: { extension: 'src/extension.ts' }, outdir: 'dist' },
  { ...nodeCommon, entryPoints: { cli: 'src/cli.ts' }, outdir: 'dist', banner: { js: '#!/usr/bin/env node' } },
  {
    ...common,
    platform: 'browser',
    format: 'iife',
    target: 'chrome120',
    entryPoints: { main: 'webview/main.ts' },
    outdir: 'dist/webview',
  },
];
if (!production) {
  // The integration suite is loaded by the extension host through `extensionTestsPath`;
  // mocha stays external so it is required from node_modules like any test runner.
  builds.push({
    ...nodeCommon,
    entryPoints: listTs('test/integration').map((p) => ({ in: p, out: relative('test/integration', p).replace(/\.ts$/, '') })),
    outdir: 'dist/test/integration',
    external: ['vscode', 'mocha', 'playwright-core'],
  });
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
  mkdirSync('dist', { recursive: true });
  writeFileSync('dist/meta.json', JSON.stringify(merged));
  for (const [file, bytes] of Object.entries(sizes).sort()) {
    if (file.startsWith('dist/test/')) continue;
    console.log(`${file.padEnd(32)} ${(bytes / 1024).toFixed(1).padStart(8)} KiB`);
  }
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
  try {
    report(await Promise.all(builds.map((b) => esbuild.build(b))));
  } catch {
    process.exit(1); // esbuild has already printed the errors
  }
}
