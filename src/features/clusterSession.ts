// The connection every cluster-aware feature shares: which kubeconfig and context, the demo cluster
// when it runs in this window, one WatchHub (one watch per scope, shared), and lookups for hovers
// and fixes. Nothing here connects until the user asks for a cluster feature (`request`): opening
// or editing a manifest never reads the kubeconfig, runs its exec plugin or dials a cluster; work
// in the background (node-IP messages) only uses a connection the user already asked for.
// Nothing at all connects in Restricted Mode.
import * as vscode from 'vscode';
import { delimiter } from 'node:path';
import type { KubeConfig } from '@kubernetes/client-node';
import type { WatchScope } from '../core/events';
import { ClusterLookup, type FeedLease, KubeError, loadKubeConfig, WatchHub } from '../kube';
import type { PodWatchFeed } from '../kube';
import type { DemoCluster } from '../demo';
import { RestrictedModeNotice } from './restrictedMode';

type Log = Pick<vscode.LogOutputChannel, 'info' | 'warn' | 'error' | 'debug'>;

export const SETTINGS = 'podIpLens.cluster';

/**
 * A demo cluster that runs outside this extension host (`pod-ip-lens cluster`, started by
 * `npm run demo` or by the user), which "Start Demo Cluster" uses instead of starting a second one.
 */
export interface ExternalDemoCluster {
  readonly external: true;
  url: string;
  kubeconfig: string;
  kubeconfigPath: string;
  contextName: string;
  /** Stops using it; the process that runs it keeps running. */
  stop(): Promise<void>;
}

/** The one demo cluster of this window: in this extension host, or an external one it uses. */
export type DemoClusterInUse = (DemoCluster & { readonly external?: false }) | ExternalDemoCluster;

export class ClusterSession implements vscode.Disposable {
  private kc?: KubeConfig;
  private hubInstance?: WatchHub;
  private readonly lookups = new Map<string, ClusterLookup>();
  private history?: { key: string; lease: FeedLease };
  private demoCluster?: DemoClusterInUse;
  /** The user asked for a cluster feature since the configuration last changed. */
  private asked = false;
  readonly restricted: RestrictedModeNotice;
  private readonly changed = new vscode.EventEmitter<void>();
  /** Fires when the kubeconfig, the context or the demo cluster changed. */
  readonly onDidChange = this.changed.event;
  private readonly historyChanged = new vscode.EventEmitter<PodWatchFeed | undefined>();
  /** Fires with the IP-history watch when it starts (and undefined when it stops). */
  readonly onDidChangeHistory = this.historyChanged.event;
  private readonly subs: vscode.Disposable[] = [];

  constructor(private readonly log: Log) {
    this.restricted = new RestrictedModeNotice(log);
    this.subs.push(
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration(SETTINGS)) this.reset('settings changed');
      }),
      vscode.workspace.onDidGrantWorkspaceTrust(() => this.reset('the workspace is trusted now')),
    );
  }

  /** False in Restricted Mode: no cluster feature runs there. */
  get trusted(): boolean {
    return vscode.workspace.isTrusted;
  }

  /**
   * The user asked for a cluster feature (a hover on a flagged IP, Quick Fix, a timeline, the demo
   * cluster): true when it may connect. In Restricted Mode: false, and the user is told why (once,
   * or every time for a command run on purpose, `explicit`).
   */
  request(feature: string, explicit = false): boolean {
    if (!this.trusted) {
      this.restricted.notify(feature, explicit);
      return false;
    }
    this.asked = true;
    return true;
  }

  /**
   * Whether work the user did not ask for just now (a node-IP message while linting, fixes for a
   * light bulb that shows by itself) may use the cluster: only once the user asked for a cluster
   * feature with this configuration, or started the demo cluster.
   */
  get connected(): boolean {
    return this.trusted && (this.asked || !!this.demoCluster);
  }

  get demo(): DemoClusterInUse | undefined {
    return this.demoCluster;
  }

  /** Switches every cluster feature to the demo cluster (or back to the kubeconfig when undefined). */
  setDemo(demo: DemoClusterInUse | undefined): void {
    this.demoCluster = demo;
    this.reset(demo ? 'demo cluster started' : 'demo cluster stopped');
  }

  /** The kubeconfig in use: the demo cluster's while it runs, else the setting, else KUBECONFIG/~/.kube/config. */
  kubeConfig(): KubeConfig {
    // Reading the kubeconfig is where exec plugins and the cluster come in: never in Restricted Mode.
    if (!this.trusted) throw new KubeError('kubeconfig', 'Cluster features are off in Restricted Mode: trust the workspace to use them.');
    if (!this.kc) {
      if (this.demoCluster) this.kc = loadKubeConfig({ text: this.demoCluster.kubeconfig });
      else {
        const setting = vscode.workspace.getConfiguration(SETTINGS).get<string>('kubeconfig', '').trim();
        this.kc = loadKubeConfig(setting ? { files: setting.split(delimiter).filter(Boolean) } : {});
      }
    }
    return this.kc;
  }

  /** The context features use when none is chosen explicitly. */
  defaultContext(): string {
    if (this.demoCluster) return this.demoCluster.contextName;
    const setting = vscode.workspace.getConfiguration(SETTINGS).get<string>('context', '').trim();
    const kc = this.kubeConfig();
    const name = setting || kc.currentContext;
    if (!name) throw new KubeError('unknown-context', 'The kubeconfig has no current-context; set podIpLens.cluster.context.');
    return name;
  }

  get hub(): WatchHub {
    this.hubInstance ??= new WatchHub(() => this.kubeConfig(), { log: (m) => this.log.warn(m) });
    return this.hubInstance;
  }

  /** Lookups (Pod by IP, node by IP, Services selecting a Pod) for a context, backed by live watches first. */
  lookup(context = this.defaultContext()): ClusterLookup {
    let l = this.lookups.get(context);
    if (!l) {
      l = new ClusterLookup(this.hub.client(context), this.hub);
      this.lookups.set(context, l);
    }
    return l;
  }

  /** The `podIpLens.cluster.lookups` setting alone. */
  lookupsWanted(): boolean {
    return vscode.workspace.getConfiguration(SETTINGS).get<boolean>('lookups', true);
  }

  /** Whether hovers and fixes may ask the cluster (trust, the setting, and a kubeconfig that loads). */
  lookupsEnabled(): boolean {
    if (!this.trusted || !this.lookupsWanted()) return false;
    try {
      this.defaultContext();
      return true;
    } catch {
      return false;
    }
  }

  /**
   * A watch of every Pod the default context can see, kept while the window lives, so a hover can
   * say who held an IP before. Started by the first cluster-aware hover or fix, not at activation.
   */
  historyFeed(): PodWatchFeed | undefined {
    if (!this.lookupsEnabled()) return undefined;
    const scope: WatchScope = { context: this.defaultContext(), labelSelector: '' };
    const key = JSON.stringify(scope);
    if (this.history?.key !== key) {
      this.history?.lease.release();
      try {
        this.history = { key, lease: this.hub.acquire(scope) };
        this.log.info(`watching all Pods in context ${scope.context} for IP history`);
        this.historyChanged.fire(this.history.lease.feed);
      } catch (e) {
        this.history = undefined;
        this.log.warn(`cannot watch Pods for IP history: ${(e as Error).message}`);
        return undefined;
      }
    }
    return this.history.lease.feed;
  }

  /** Feeds that panels or the history opened (for the status bar). */
  feeds(): PodWatchFeed[] {
    return this.hubInstance?.feeds() ?? [];
  }

  isHistoryFeed(feed: PodWatchFeed): boolean {
    return this.history?.lease.feed === feed;
  }

  private reset(why: string): void {
    if (this.history) this.historyChanged.fire(undefined);
    this.history?.lease.release();
    this.history = undefined;
    this.kc = undefined;
    // Another kubeconfig (or exec plugin) is not one the user asked to use yet.
    this.asked = false;
    this.lookups.clear();
    // Panels keep the feeds they hold; new scopes get clients for the new configuration.
    this.hubInstance?.resetClients();
    this.log.info(`cluster connection reset: ${why}`);
    this.changed.fire();
  }

  dispose(): void {
    this.history?.lease.release();
    void this.hubInstance?.dispose();
    for (const s of this.subs) s.dispose();
    this.changed.dispose();
    this.historyChanged.dispose();
  }
}

/** One sentence for a user from anything a cluster call threw. */
export function describeError(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
