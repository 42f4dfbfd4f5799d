// Getting credentials for a request: client-node runs the kubeconfig's exec plugin (or reads a
// token file) inside applyToHTTPSOptions. What it throws quotes the plugin: its whole stderr on a
// non-zero exit, the start of its stdout (the credential!) when that is not JSON. Those errors are
// rewritten here, and whatever credential was obtained is registered so `redact` removes it
// from every later message.
import type { RequestOptions } from 'node:https';
import { basename } from 'node:path';
import type { KubeConfig } from '@kubernetes/client-node';
import { KubeError, redactPluginOutput, registerSecret } from './errors';

interface ExecConfig {
  command?: string;
  installHint?: string;
}

function execOf(kc: KubeConfig): ExecConfig | undefined {
  const user = kc.getCurrentUser() as { exec?: ExecConfig; authProvider?: { config?: { exec?: ExecConfig } } } | null;
  return user?.exec ?? user?.authProvider?.config?.exec ?? undefined;
}

/** Applies the context's credentials to `opts`; a failure becomes a KubeError that quotes no secret. */
export async function applyCredentials(kc: KubeConfig, opts: RequestOptions & { headers: Record<string, string> }, context: string): Promise<void> {
  try {
    await kc.applyToHTTPSOptions(opts);
  } catch (e) {
    throw credentialError(e, execOf(kc), context);
  }
  registerIssued(opts);
}

/** Tokens and keys an exec plugin or token file handed over: known secrets from now on. */
function registerIssued(opts: RequestOptions & { headers: Record<string, string> }): void {
  const auth = opts.headers.Authorization ?? opts.headers.authorization;
  const bearer = typeof auth === 'string' ? /^\s*Bearer\s+(\S+)/i.exec(auth)?.[1] : undefined;
  if (bearer) registerSecret(bearer);
  if (typeof opts.key === 'string' || Buffer.isBuffer(opts.key)) registerSecret(String(opts.key));
  if (opts.auth) registerSecret(opts.auth.slice(opts.auth.indexOf(':') + 1));
}

function credentialError(e: unknown, exec: ExecConfig | undefined, context: string): KubeError {
  const prefix = `Could not get credentials for context '${context}'`;
  if (!exec?.command) return new KubeError('unauthorized', `${prefix}: ${e instanceof Error ? e.message : String(e)}`);
  // The command's arguments are not shown: some plugins take secrets there.
  const plugin = `the exec credential plugin ${basename(exec.command)}`;
  const err = e as NodeJS.ErrnoException;
  if (err?.code === 'ENOENT') {
    const hint = exec.installHint?.trim() ? ` (${redactPluginOutput(exec.installHint)})` : '';
    return new KubeError('unauthorized', `${prefix}: ${plugin} was not found${hint}.`);
  }
  if (err?.code === 'EACCES') return new KubeError('unauthorized', `${prefix}: ${plugin} is not executable.`);
  // JSON.parse failed (a SyntaxError quoting stdout), or the JSON had no `status` (a TypeError).
  if (e instanceof SyntaxError || e instanceof TypeError) {
    return new KubeError('unauthorized', `${prefix}: ${plugin} printed something that is not an ExecCredential on its standard output (not shown: it may hold credentials).`);
  }
  // A non-zero exit: client-node's message is the plugin's stderr, which is meant for the user.
  const stderr = redactPluginOutput(err instanceof Error ? err.message : String(e));
  return new KubeError('unauthorized', `${prefix}: ${plugin} failed${stderr ? `: ${stderr}` : ' without a message on its standard error'}`);
}

