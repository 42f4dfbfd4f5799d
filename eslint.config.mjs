// ESLint (flat config): the recommended rules of ESLint and typescript-eslint, and the layer
// rules of the guide's architecture as an import restriction on resolved paths (so `../kube`,
// `../../kube/client` and `import('../kube')` are all caught, and a file merely named like a
// layer is not). `npm run lint`; `npm test` runs it first.
import { dirname, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

const ROOT = dirname(fileURLToPath(import.meta.url));

/** Where a relative specifier points, as a repository path with `/` (no extension guessing needed: prefixes are compared). */
const target = (file, spec) => relative(ROOT, resolve(dirname(file), spec)).split(sep).join('/');
const under = (path, dir) => path === dir || path.startsWith(`${dir}/`) || path.startsWith(`${dir}.`);

/**
 * The layers. `from`: the files a rule applies to; `deny(path)`: a reason when the import is not
 * allowed. Bare specifiers are checked only against `vscode` (packages are the build's concern).
 */
const LAYERS = [
  {
    from: 'src/core',
    deny: (p) => ['src/kube', 'src/features', 'src/demo', 'src/cli', 'src/extension'].find((d) => under(p, d)) && 'src/core is pure: it imports nothing from src/kube, src/features, src/demo or src/cli',
  },
  {
    from: 'webview',
    // The browser app shares only the host⇄webview protocol and the event types with the host.
    deny: (p) => p.startsWith('src/') && !/^src\/core\/(events|protocol)[^/]*(\/|$)/.test(p) && 'webview/ imports only src/core/events* and src/core/protocol*',
  },
  {
    from: 'src/demo',
    deny: (p) => (under(p, 'src/kube') || under(p, 'src/features')) && 'src/demo never imports src/kube or src/features',
  },
  {
    from: 'src/kube',
    deny: (p) => under(p, 'src/features') && 'src/kube never imports src/features',
  },
];
/** `vscode` exists only in the extension host: the features, the wiring, and the suites that run there. */
const VSCODE_ALLOWED = ['src/features', 'src/extension.ts', 'test/integration', 'test/package', 'test/bench/activation-probe.js'];

const layerRule = {
  meta: { type: 'problem', schema: [], messages: { layer: "'{{spec}}' resolves to {{path}}: {{why}}.", vscode: "'vscode' is imported only by src/features (and src/extension.ts): {{file}} runs outside the extension host too." } },
  create(context) {
    const file = context.filename;
    const self = relative(ROOT, file).split(sep).join('/');
    const layers = LAYERS.filter((l) => under(self, l.from));
    const check = (node, spec) => {
      if (typeof spec !== 'string') return;
      if (spec === 'vscode' || spec.startsWith('vscode/')) {
        if (!VSCODE_ALLOWED.some((d) => under(self, d))) context.report({ node, messageId: 'vscode', data: { file: self } });
        return;
      }
      if (!spec.startsWith('.')) return;
      const path = target(file, spec);
      for (const l of layers) {
        const why = l.deny(path);
        if (why) context.report({ node, messageId: 'layer', data: { spec, path, why } });
      }
    };
    const fromSource = (node) => node.source && check(node.source, node.source.value);
    return {
      ImportDeclaration: fromSource,
      ExportNamedDeclaration: fromSource,
      ExportAllDeclaration: fromSource,
      ImportExpression: (node) => node.source.type === 'Literal' && check(node.source, node.source.value),
      TSImportType: (node) => {
        const lit = node.argument?.literal ?? node.argument;
        if (lit?.type === 'Literal') check(lit, lit.value);
      },
      TSExternalModuleReference: (node) => node.expression.type === 'Literal' && check(node.expression, node.expression.value),
      CallExpression: (node) => {
        if (node.callee.type === 'Identifier' && node.callee.name === 'require' && node.arguments[0]?.type === 'Literal') check(node.arguments[0], node.arguments[0].value);
      },
    };
  },
};

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', '.vscode-test/**', 'test-results/**', 'test/fixtures/**', '.demo/**', '*.vsix'] },
  { linterOptions: { reportUnusedDisableDirectives: 'error' } },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    plugins: { layers: { rules: { imports: layerRule } } },
    rules: {
      'layers/imports': 'error',
      // The code's convention: a `_` name is unused on purpose (a parameter's position, a field left out of a rest).
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' }],
    },
  },
  {
    files: ['src/**', 'test/**', 'scripts/**', '*.mjs', '*.js'],
    ignores: ['webview/**'],
    languageOptions: { globals: { ...globals.node } },
  },
  {
    files: ['webview/**', 'test/webview/**'],
    languageOptions: { globals: { ...globals.browser } },
  },
  {
    files: ['test/**'],
    languageOptions: { globals: { ...globals.mocha } },
  },
  {
    // CommonJS files (the package probe runs as a plain script inside VS Code).
    files: ['**/*.js', '**/*.cjs'],
    languageOptions: { sourceType: 'commonjs' },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
);
