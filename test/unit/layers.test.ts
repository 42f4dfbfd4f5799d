// The layer rules of eslint.config.mjs, on snippets placed (by name) in each layer: each forbidden
// import is reported, and the imports the architecture allows are not.
import { strict as assert } from 'node:assert';
import { join } from 'node:path';
import { ESLint } from 'eslint';

const root = join(__dirname, '..', '..');

describe('layer rules (ESLint)', function () {
  this.timeout(60_000);
  const eslint = new ESLint({ cwd: root });
  const layerMessages = async (file: string, code: string): Promise<string[]> => {
    const [result] = await eslint.lintText(code, { filePath: join(root, file) });
    return result.messages.filter((m) => m.ruleId === 'layers/imports').map((m) => m.message);
  };

  const forbidden: [string, string][] = [
    ['src/core/manifest.ts', "import { KubeClient } from '../kube';\nexport const x = KubeClient;\n"],
    ['src/core/lint/rules.ts', "import type { ClusterSession } from '../../features/clusterSession';\nexport type X = ClusterSession;\n"],
    ['src/core/manifest.ts', "export const load = () => import('../demo');\n"],
    ['src/core/manifest.ts', "export type Run = import('../cli/lint').LintRun;\n"],
    ['src/core/manifest.ts', "export { main } from '../cli';\n"],
    ['src/core/manifest.ts', "import * as vscode from 'vscode';\nexport const x = vscode;\n"],
    ['webview/view.ts', "import { ManifestLinter } from '../src/core/lint';\nexport const x = ManifestLinter;\n"],
    ['webview/view.ts', "import { parseLabelSelector } from '../src/core/labelSelector';\nexport const x = parseLabelSelector;\n"],
    ['src/demo/api.ts', "import { KubeClient } from '../kube/client';\nexport const x = KubeClient;\n"],
    ['src/demo/controllers/kubelet.ts', "export * from '../../features/markdown';\n"],
    ['src/kube/client.ts', "import { plainMessage } from '../features/markdown';\nexport const x = plainMessage;\n"],
    ['src/cli/lint.ts', "import * as vscode from 'vscode';\nexport const x = vscode;\n"],
  ];
  for (const [file, code] of forbidden) {
    it(`reports ${JSON.stringify(code.split('\n')[0])} in ${file}`, async () => {
      const messages = await layerMessages(file, code);
      assert.equal(messages.length, 1, `expected one layer error, got ${JSON.stringify(messages)}`);
    });
  }

  const allowed: [string, string][] = [
    ['src/core/lint/rules.ts', "import { parseDocuments } from '../manifest';\nexport const x = parseDocuments;\n"],
    ['webview/view.ts', "import { Batcher } from '../src/core/protocol';\nimport type { LifecycleEvent } from '../src/core/events';\nimport { select } from 'd3';\nexport const x = [Batcher, select];\nexport type E = LifecycleEvent;\n"],
    ['src/demo/api.ts', "import { parseCidr } from './ipam';\nimport { ManifestLinter } from '../core/lint';\nexport const x = [parseCidr, ManifestLinter];\n"],
    ['src/kube/client.ts', "import { parseLabelSelector } from '../core/labelSelector';\nexport const x = parseLabelSelector;\n"],
    ['src/features/demoCluster.ts', "import * as vscode from 'vscode';\nimport type { DemoCluster } from '../demo';\nexport const x = vscode;\nexport type D = DemoCluster;\n"],
  ];
  for (const [file, code] of allowed) {
    it(`allows ${JSON.stringify(code.split('\n')[0])} in ${file}`, async () => {
      assert.deepEqual(await layerMessages(file, code), []);
    });
  }
});
