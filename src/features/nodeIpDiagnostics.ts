// A node IP gets its own diagnostic message: the lesson's point that a node can be drained,
// upgraded or scaled away, so an address of one couples the workload to that machine. Linting runs
// on every open and edit, which is no request for a cluster feature: the message only comes from
// a connection the user already asked for (a hover, Quick Fix, a timeline, the demo cluster).
import * as vscode from 'vscode';
import type { ClusterSession } from './cluster';
import { withTimeout } from './clusterFixes';
import { registerFindingRefiner } from './diagnostics';

interface NodeList {
  items?: { metadata?: { name?: string }; status?: { addresses?: { type?: string; address?: string }[] } }[];
}

/** How long one list of nodes answers for every IP in every open manifest. */
const NODES_TTL_MS = 30_000;

export function nodeIpMessage(literal: string, node: string, addressType: string): string {
  return `${literal} targets node ${node} (its ${addressType}): nodes are drained, upgraded and scaled away, and what runs there moves. Address a Service instead.`;
}

export function registerNodeIpDiagnostics(context: vscode.ExtensionContext, session: ClusterSession, log: Pick<vscode.LogOutputChannel, 'debug'>): void {
  let cache: { context: string; at: number; nodes: Promise<Map<string, { node: string; type: string }>> } | undefined;
  const nodesByIp = (ctx: string) => {
    if (!cache || cache.context !== ctx || Date.now() - cache.at > NODES_TTL_MS) {
      const client = session.hub.client(ctx);
      const nodes = withTimeout(client.getJson<NodeList>('/api/v1/nodes', {}, client.requestContext('list', 'nodes', undefined, undefined))).then((res) => {
        const m = new Map<string, { node: string; type: string }>();
        for (const n of res.body.items ?? []) for (const a of n.status?.addresses ?? []) if (a.address && a.type !== 'Hostname') m.set(a.address, { node: n.metadata?.name ?? '?', type: a.type ?? 'address' });
        return m;
      });
      cache = { context: ctx, at: Date.now(), nodes };
      // A failure is not cached: the next lint asks again.
      nodes.catch((e: Error) => {
        log.debug(`node IPs: ${e.message}`);
        if (cache?.nodes === nodes) cache = undefined;
      });
    }
    return cache.nodes;
  };
  context.subscriptions.push(
    session.onDidChange(() => (cache = undefined)),
    registerFindingRefiner(async (f) => {
      if (f.rule !== 'ip-literal' || !f.ip || !session.connected || !session.lookupsEnabled()) return undefined;
      const hit = (await nodesByIp(session.defaultContext())).get(f.ip);
      return hit ? nodeIpMessage(f.literal, hit.node, hit.type) : undefined;
    }),
  );
}
