// Kubeconfig loading with kubectl's rules, on top of client-node (which does the parsing, exec
// credential plugins and their token refresh):
// - KUBECONFIG may list several files (':' on Unix, ';' on Windows); missing ones are skipped.
// - When files disagree, the first file that sets a value wins (current-context, and any cluster,
//   user or context name defined twice). client-node's own merge throws on duplicates and lets the
//   last file win, which is not what kubectl users expect.
// - Without KUBECONFIG, ~/.kube/config.
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';
import type { KubeConfig } from '@kubernetes/client-node';

/**
 * client-node, loaded when a kubeconfig is first read: evaluating it takes about 40 ms, which the
 * extension's activation (a YAML file opening) should not pay for a cluster feature it may never use.
 */
let clientNode: typeof import('./clientNode') | undefined;
function newKubeConfig(): KubeConfig {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- lazy, so the bundle evaluates client-node only here
  clientNode ??= require('./clientNode') as typeof import('./clientNode');
  return new clientNode.KubeConfig();
}
import { KubeError, registerSecret } from './errors';

export interface KubeconfigSource {
  /** Kubeconfig text (the demo cluster hands one over); wins over files when set. */
  text?: string;
  /** Explicit file list; otherwise $KUBECONFIG, otherwise ~/.kube/config. */
  files?: string[];
  env?: NodeJS.ProcessEnv;
  home?: string;
}

export interface ContextInfo {
  name: string;
  cluster: string;
  user: string;
  namespace?: string;
  server?: string;
  current: boolean;
}

/** The kubeconfig files kubectl would read, in precedence order, and which of them exist. */
export function kubeconfigFiles(source: KubeconfigSource = {}): { files: string[]; missing: string[] } {
  const env = source.env ?? process.env;
  const listed = source.files ?? (env.KUBECONFIG ? env.KUBECONFIG.split(delimiter).filter((f) => f.length > 0) : [join(source.home ?? homedir(), '.kube', 'config')]);
  const files: string[] = [];
  const missing: string[] = [];
  for (const f of listed) {
    if (files.includes(f)) continue;
    (existsSync(f) ? files : missing).push(f);
  }
  return { files, missing };
}

export function loadKubeConfig(source: KubeconfigSource = {}): KubeConfig {
  if (source.text !== undefined) {
    const kc = newKubeConfig();
    try {
      kc.loadFromString(source.text);
    } catch (e) {
      throw new KubeError('kubeconfig', `The kubeconfig text is not valid: ${(e as Error).message}`);
    }
    registerCredentials(kc);
    return kc;
  }
  const { files, missing } = kubeconfigFiles(source);
  if (files.length === 0) {
    throw new KubeError(
      'kubeconfig',
      `No kubeconfig found (looked for ${missing.join(', ') || 'nothing'}). Set KUBECONFIG or create ~/.kube/config, or start the demo cluster.`,
    );
  }
  const parts: KubeConfig[] = [];
  for (const f of files) {
    const kc = newKubeConfig();
    try {
      // Loading each file on its own resolves its relative certificate paths against its own directory.
      kc.loadFromFile(f);
    } catch (e) {
      throw new KubeError('kubeconfig', `Cannot read kubeconfig ${f}: ${(e as Error).message}`);
    }
    parts.push(kc);
  }
  const merged = newKubeConfig();
  const pick = <T extends { name: string }>(lists: T[][]): T[] => {
    const seen = new Set<string>();
    const out: T[] = [];
    for (const list of lists) {
      for (const x of list) {
        if (seen.has(x.name)) continue;
        seen.add(x.name);
        out.push(x);
      }
    }
    return out;
  };
  merged.loadFromOptions({
    clusters: pick(parts.map((p) => p.clusters)),
    users: pick(parts.map((p) => p.users)),
    contexts: pick(parts.map((p) => p.contexts)),
    currentContext: parts.map((p) => p.currentContext).find((c) => !!c) ?? '',
  });
  registerCredentials(merged);
  return merged;
}

/** Every context, with what it points at. */
export function listContexts(kc: KubeConfig): ContextInfo[] {
  return kc.contexts.map((c) => ({
    name: c.name,
    cluster: c.cluster,
    user: c.user,
    namespace: c.namespace,
    server: kc.getCluster(c.cluster)?.server,
    current: c.name === kc.currentContext,
  }));
}

/**
 * A KubeConfig whose current context is `context` (or the kubeconfig's current one), so client-node
 * authenticates as that context. Throws a clear error for an unknown context.
 */
export function forContext(kc: KubeConfig, context?: string): { kc: KubeConfig; context: string; namespace: string; server: string; user?: string } {
  const name = context ?? kc.currentContext;
  if (!name) {
    throw new KubeError('unknown-context', `The kubeconfig has no current-context; choose one of: ${kc.contexts.map((c) => c.name).join(', ') || '(none defined)'}.`);
  }
  const ctx = kc.getContextObject(name);
  if (!ctx) {
    throw new KubeError('unknown-context', `Context '${name}' is not in the kubeconfig; known contexts: ${kc.contexts.map((c) => c.name).join(', ') || '(none)'}.`);
  }
  const cluster = kc.getCluster(ctx.cluster);
  if (!cluster) throw new KubeError('kubeconfig', `Context '${name}' names cluster '${ctx.cluster}', which the kubeconfig does not define.`);
  if (ctx.user && !kc.getUser(ctx.user)) throw new KubeError('kubeconfig', `Context '${name}' names user '${ctx.user}', which the kubeconfig does not define.`);
  const copy = newKubeConfig();
  copy.loadFromOptions({ clusters: kc.clusters, users: kc.users, contexts: kc.contexts, currentContext: name });
  return { kc: copy, context: name, namespace: ctx.namespace || 'default', server: cluster.server, user: ctx.user };
}

function registerCredentials(kc: KubeConfig): void {
  for (const u of kc.users) {
    registerSecret(u.token);
    registerSecret(u.password);
    registerSecret(u.keyData);
  }
}
