// Where the real kubectl is: $KUBECTL, else the first `kubectl` on PATH (as a shell finds it).
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';

export function findKubectl(env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (env.KUBECTL) return env.KUBECTL;
  for (const dir of (env.PATH ?? '').split(delimiter)) {
    if (!dir) continue;
    const p = join(dir, process.platform === 'win32' ? 'kubectl.exe' : 'kubectl');
    try {
      accessSync(p, constants.X_OK);
      return p;
    } catch {
      // not here
    }
  }
  return undefined;
}
