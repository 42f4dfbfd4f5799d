// What each flagged literal is in the cluster in use: a live Pod's IP (which Pod, which workload),
// an IP a Pod held before (who, until when, from the IP-history watch), an IP now held by another
// workload than before (reuse: the config reaches the wrong service), a node's, a Service's
// ClusterIP, unused inside the Pod or Service ranges, or outside the cluster. The diagnostic's
// message and severity follow (podIpLens.cluster.severity); the hover says the same in full.
// Linting is no request for a cluster feature: all of this uses a connection the user already
// asked for (a hover, Quick Fix, a timeline, the demo cluster), and nothing is guessed without one.
import * as vscode from 'vscode';
import { CLUSTER_CLASSES, classifyAgainstCluster, type ClusterClass, type ClusterFacts, type ClusterVerdict, type PodHolder, type ServiceHolder } from '../core/clusterClass';
import type { PodSummary } from '../core/events';
import type { Severity } from '../core/lint';
import { readNetworkFacts, type NetworkFacts } from '../kube/inventory';
import type { PodWatchFeed } from '../kube';
import type { ClusterSession } from './clusterSession';
import { withTimeout } from './clusterFixes';
import { registerFindingRefiner, relintOpenDocuments } from './diagnostics';

type Log = Pick<vscode.LogOutputChannel, 'debug'>;

/** How long one read of nodes and Services answers for every literal in every open manifest. */
const NETWORK_TTL_MS = 30_000;

/** Earlier holders of `ip` in the IP-history watch (not `exceptUid`, the holder now), oldest first. */
export function pastHolders(history: PodWatchFeed | undefined, ip: string, exceptUid?: string): PodHolder[] {
  const model = history?.model;
  if (!model) return [];
  return model
    .holdersOf(ip)
    .filter((t) => t.to !== undefined && !t.hostNetwork && t.uid !== exceptUid)
    .map((t) => {
      const s = model.pod(t.uid);
      return { pod: t.pod, owner: s?.owner, node: s?.node, since: t.from, until: t.to };
    });
}

function holderOf(p: PodSummary): PodHolder {
  return { pod: `${p.namespace}/${p.name}`, owner: p.owner, node: p.node, since: p.createdAt };
}

/** The severity per class from the settings (unknown values keep the default). */
export function clusterSeverities(): Partial<Record<ClusterClass, Severity>> {
  const setting = vscode.workspace.getConfiguration('podIpLens.cluster').get<Record<string, string>>('severity', {});
  const out: Partial<Record<ClusterClass, Severity>> = {};
  for (const c of CLUSTER_CLASSES) {
    const v = setting[c];
    if (v === 'error' || v === 'warning' || v === 'info' || v === 'hint') out[c] = v;
  }
  return out;
}

export class ClusterClassifier {
  private network?: { context: string; at: number; facts: Promise<NetworkFacts> };

  constructor(
    private readonly session: ClusterSession,
    private readonly log: Log,
  ) {
    session.onDidChange(() => (this.network = undefined));
  }

  private networkFacts(ctx: string): Promise<NetworkFacts> {
    if (!this.network || this.network.context !== ctx || Date.now() - this.network.at > NETWORK_TTL_MS) {
      const facts = withTimeout(readNetworkFacts(this.session.hub.client(ctx)));
      this.network = { context: ctx, at: Date.now(), facts };
      // A failure is not kept: the next lint asks again.
      facts.catch((e: Error) => {
        this.log.debug(`cluster classification: ${e.message}`);
        if (this.network?.facts === facts) this.network = undefined;
      });
    }
    return this.network.facts;
  }

  /** The Service whose ClusterIP is `ip`, when a cluster is in use. */
  async serviceAt(ip: string): Promise<ServiceHolder | undefined> {
    if (!this.session.connected || !this.session.lookupsEnabled()) return undefined;
    return (await this.networkFacts(this.session.defaultContext())).services.get(ip);
  }

  /**
   * The cluster's verdict on `ip`, or undefined when no cluster is in use (or it does not answer).
   * `startHistory`: also start the IP-history watch (a hover does; a background lint does not).
   */
  async classify(literal: string, ip: string, startHistory = false): Promise<ClusterVerdict | undefined> {
    if (!this.session.connected || !this.session.lookupsEnabled()) return undefined;
    const ctx = this.session.defaultContext();
    const history = startHistory ? this.session.historyFeed() : this.session.feeds().find((f) => this.session.isHistoryFeed(f));
    const [net, pod] = await Promise.all([this.networkFacts(ctx), withTimeout(this.session.lookup(ctx).findPodByIp(ip))]);
    const facts: ClusterFacts = {
      podByIp: (x) => (x === ip && pod ? holderOf(pod) : undefined),
      pastHolders: (x) => pastHolders(history, x, pod?.uid),
      nodeByIp: (x) => net.nodes.get(x),
      serviceByIp: (x) => net.services.get(x),
      podRanges: net.podRanges,
      serviceRanges: net.serviceRanges,
    };
    return classifyAgainstCluster(literal, ip, facts, clusterSeverities());
  }
}

export function registerClusterClassification(context: vscode.ExtensionContext, session: ClusterSession, classifier: ClusterClassifier): void {
  // When the IP history moves (a rollout, a deletion, an IP handed to someone else), what the open
  // manifests' literals are changes too: ask again, at most every second.
  let watched: { dispose(): void } | undefined;
  let timer: NodeJS.Timeout | undefined;
  const follow = (feed: PodWatchFeed | undefined): void => {
    watched?.dispose();
    watched = feed?.subscribe((events) => {
      if (timer || !events.some((e) => e.type === 'ip-assigned' || e.type === 'ip-released' || e.type === 'ip-reused' || e.type === 'deleted')) return;
      timer = setTimeout(() => {
        timer = undefined;
        relintOpenDocuments();
      }, 1000);
    });
  };
  context.subscriptions.push(
    session.onDidChangeHistory(follow),
    { dispose: () => (clearTimeout(timer), watched?.dispose()) },
    session.onDidChange(() => relintOpenDocuments()),
    registerFindingRefiner(async (f) => {
      if (f.rule !== 'ip-literal' || !f.ip) return undefined;
      const v = await classifier.classify(f.literal, f.ip);
      // Outside the cluster: the linter's own words (and severity) say it best.
      if (!v || v.class === 'outside') return undefined;
      return { message: v.message, severity: v.severity };
    }),
  );
}

