// One watch per (context, namespace or all, label selector), shared by every consumer of that scope
// (timeline panels, hovers, status bar). The last consumer to leave stops it.
import type { KubeConfig } from '@kubernetes/client-node';
import type { WatchScope } from '../core/events';
import { splitSelector } from '../core/labelSelector';
import { KubeClient } from './client';
import { KubeError } from './errors';
import { PodWatchFeed, type PodWatchFeedOptions } from './feed';

export interface FeedLease {
  readonly feed: PodWatchFeed;
  /** Stop using the feed; the watch stops when nobody uses it. Idempotent. */
  release(): void;
}

/** `app=web, tier in (a,b)` and `tier in (a,b),app=web` watch the same Pods: one key for both. */
export function normalizeSelector(selector: string): string {
  return splitSelector(selector)
    .map((p) => p.replace(/\s+/g, ' ').replace(/\s*(!=|==|=|\(|\)|,)\s*/g, '$1').trim())
    .sort()
    .join(',');
}

/** The server is part of the key: the same context name in another kubeconfig is another watch. */
export function scopeKey(scope: WatchScope): string {
  return JSON.stringify([scope.server ?? null, scope.context, scope.namespace ?? null, normalizeSelector(scope.labelSelector)]);
}

export class WatchHub {
  private readonly entries = new Map<string, { feed: PodWatchFeed; users: number }>();
  private readonly clients = new Map<string, KubeClient>();

  constructor(
    private readonly kubeConfig: () => KubeConfig,
    private readonly options: PodWatchFeedOptions = {},
  ) {}

  /** A client for a context (cached). Throws a KubeError for an unknown context. */
  client(context?: string): KubeClient {
    const kc = this.kubeConfig();
    const name = context ?? kc.currentContext;
    let c = this.clients.get(name);
    if (!c) {
      c = new KubeClient(kc, name);
      this.clients.set(c.context, c);
    }
    return c;
  }

  /**
   * A lease on the watch of `scope` on the server its context points at now (`scope.server`, when
   * given, must be that server: a scope saved for another server is not silently moved).
   */
  acquire(scope: WatchScope): FeedLease {
    const client = this.client(scope.context);
    if (scope.server !== undefined && scope.server !== client.server) {
      throw new KubeError('unknown-context', `Context '${scope.context}' now points at ${client.server}, not at ${scope.server} where this timeline was watching.`);
    }
    const normalized: WatchScope = { context: client.context, namespace: scope.namespace, labelSelector: normalizeSelector(scope.labelSelector), server: client.server };
    const key = scopeKey(normalized);
    let entry = this.entries.get(key);
    if (!entry) {
      const feed = new PodWatchFeed(client, normalized, this.options).start();
      entry = { feed, users: 0 };
      this.entries.set(key, entry);
    }
    entry.users++;
    const e = entry;
    let released = false;
    return {
      feed: e.feed,
      release: () => {
        if (released) return;
        released = true;
        e.users--;
        if (e.users === 0 && this.entries.get(key) === e) {
          this.entries.delete(key);
          void e.feed.dispose();
        }
      },
    };
  }

  /** Running feeds (for lookups that prefer live data over a request). */
  feeds(): PodWatchFeed[] {
    return [...this.entries.values()].map((e) => e.feed);
  }

  /** Forget cached clients, e.g. after the kubeconfig changed. Running feeds keep theirs. */
  resetClients(): void {
    this.clients.clear();
  }

  async dispose(): Promise<void> {
    const all = [...this.entries.values()];
    this.entries.clear();
    await Promise.all(all.map((e) => e.feed.dispose()));
  }
}
