// The demo cluster's in-process entry point: `startDemoCluster()` starts the store, the simulated
// control plane and the HTTPS API server, and returns what a client needs (URL, kubeconfig) plus
// the fault injection and the store for tests. Used by `pod-ip-lens cluster`, the extension's
// "Start Demo Cluster" command and the tests.
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { ensurePrivateDir, writePrivateFileSync } from './privateFile';
import { Store, StoreSnapshot } from './store';
import { DemoApi } from './api';
import { ControlPlane, Timers } from './controllers';
import { ApiHttpServer } from './http';
import { generateDemoTls } from './tls';
import { renderKubeconfig } from './kubeconfig';
import { Faults } from './faults';
import { IpAllocation, parseCidr } from './ipam';

export { Store } from './store';
export type { KubeObject, StoreEvent, ObjectMeta } from './store';
export { DemoApi } from './api';
export { Faults, parseFaultSchedule, applyFault } from './faults';
export type { FaultSchedule } from './faults';
export { RESOURCE } from './resources';
export { startRolloutScenario } from './scenario';

export interface DemoClusterOptions {
  /** TCP port on 127.0.0.1; 0 (the default) picks a free one. */
  port?: number;
  /** Number of nodes (default 3: one control-plane node, tainted, and two workers). */
  nodes?: number;
  /** Cluster pod CIDR; node N gets the Nth /24 of it (default 10.244.0.0/16). */
  podCidr?: string;
  /** `sequential` (host-local IPAM, the default) or `reuse-first` (freed IPs are handed out first). */
  ipAllocation?: IpAllocation;
  /** Pods get an IPv6 address too (fd00:10:244:N::/64). */
  dualStack?: boolean;
  /** Time factor for the simulated delays: 2 runs twice as fast, 0.5 half as fast (default 1). */
  speed?: number;
  /** Also write the kubeconfig here (mode 0600). */
  kubeconfigPath?: string;
  /** Keep the cluster's objects here across runs (a JSON snapshot written on stop and every few seconds). */
  dataDir?: string;
  /**
   * Name of the kubeconfig context, cluster and user (default `pod-ip-lens-demo-<port>`: two demo
   * clusters, e.g. one from `pod-ip-lens cluster` and one in the editor, never share a context name).
   */
  contextName?: string;
  /** CoreDNS and kube-proxy in kube-system, as on a fresh cluster (default true). */
  systemWorkloads?: boolean;
  /** Record core/v1 Events (default true). */
  recordEvents?: boolean;
  /** Watch resume window: how many past events are kept (default 10,000; older resourceVersions get 410). */
  historySize?: number;
  /** Watch resume window in time, ms (default 5 minutes, like etcd's compaction; older resourceVersions get 410). */
  historyMs?: number;
  /** BOOKMARK period for watches that allow them, in ms (default 10,000). */
  bookmarkIntervalMs?: number;
  /** Lines of diagnostics (controller errors; every request when `verbose`). */
  log?: (line: string) => void;
  verbose?: boolean;
}

export interface DemoCluster {
  /** `https://127.0.0.1:<port>` */
  url: string;
  port: number;
  /** A complete kubeconfig (YAML) with the CA and the bearer token. */
  kubeconfig: string;
  contextName: string;
  token: string;
  caCert: string;
  faults: Faults;
  store: Store;
  api: DemoApi;
  /** Number of watch streams open now. */
  openWatches(): number;
  /** Stops everything: server, connections, controllers, timers. Idempotent. */
  stop(): Promise<void>;
}

const SNAPSHOT_FILE = 'cluster.json';

function validateOptions(o: DemoClusterOptions): void {
  if (o.port !== undefined && (!Number.isInteger(o.port) || o.port < 0 || o.port > 65535)) throw new Error(`port must be an integer 0-65535, got ${o.port}`);
  if (o.nodes !== undefined && (!Number.isInteger(o.nodes) || o.nodes < 1 || o.nodes > 256)) throw new Error(`nodes must be an integer 1-256, got ${o.nodes}`);
  if (o.speed !== undefined && !(o.speed > 0 && Number.isFinite(o.speed))) throw new Error(`speed must be a positive number, got ${o.speed}`);
  if (o.ipAllocation !== undefined && o.ipAllocation !== 'sequential' && o.ipAllocation !== 'reuse-first') {
    throw new Error(`ipAllocation must be 'sequential' or 'reuse-first', got ${JSON.stringify(o.ipAllocation)}`);
  }
  if (o.podCidr !== undefined) parseCidr(o.podCidr);
  if (o.historySize !== undefined && (!Number.isInteger(o.historySize) || o.historySize < 1)) throw new Error(`historySize must be a positive integer, got ${o.historySize}`);
  if (o.historyMs !== undefined && !(o.historyMs >= 0 && Number.isFinite(o.historyMs))) throw new Error(`historyMs must be a non-negative number of milliseconds, got ${o.historyMs}`);
}

export async function startDemoCluster(options: DemoClusterOptions = {}): Promise<DemoCluster> {
  validateOptions(options);
  const log = options.log ?? (() => {});
  const store = new Store({ windowSize: options.historySize, windowMs: options.historyMs });
  const snapshotPath = options.dataDir ? join(options.dataDir, SNAPSHOT_FILE) : undefined;
  if (snapshotPath) {
    ensurePrivateDir(options.dataDir!);
    let text: string | undefined;
    try {
      text = readFileSync(snapshotPath, 'utf8');
    } catch {
      // No snapshot yet: a fresh cluster.
    }
    if (text !== undefined) {
      try {
        store.restore(JSON.parse(text) as StoreSnapshot);
      } catch (e) {
        throw new Error(`cannot read the demo cluster data in ${snapshotPath}: ${e instanceof Error ? e.message : String(e)} (delete it to start fresh)`);
      }
    }
  }
  const tls = await generateDemoTls();
  const api = new DemoApi(store, { recordEvents: options.recordEvents ?? true });
  const timers = new Timers(options.speed ?? 1);
  timers.onError = (m) => log(`demo cluster: ${m}`);
  store.onListenerError = (e) => log(`demo cluster: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
  const controlPlane = new ControlPlane({
    api,
    timers,
    log,
    shape: {
      nodes: options.nodes ?? 3,
      podCidr: options.podCidr ?? '10.244.0.0/16',
      ipAllocation: options.ipAllocation ?? 'sequential',
      dualStack: options.dualStack ?? false,
      clusterName: 'demo',
      caCert: tls.caCert,
    },
  });
  controlPlane.start({ systemWorkloads: options.systemWorkloads ?? true });

  const token = randomBytes(24).toString('base64url');
  const server = new ApiHttpServer({
    api,
    token,
    cert: tls.serverCert,
    key: tls.serverKey,
    caCert: tls.caCert,
    faults: () => faults,
    bookmarkIntervalMs: options.bookmarkIntervalMs ?? 10_000,
    log,
    verbose: options.verbose ?? false,
  });
  let stopped = false;
  let restarting: Promise<void> | undefined;
  // The server reads it through a getter, when requests arrive, after this is set.
  const faults: Faults = new Faults({
    cutWatches: (abrupt) => server.cutWatches(abrupt),
    stallWatches: () => server.stallWatches(),
    expire: () => {
      store.compact();
      return server.expireWatches(store.oldestResourceVersion);
    },
    restart: async (downtimeMs) => {
      if (stopped) throw new Error('the demo cluster is stopped');
      if (restarting) return restarting;
      restarting = (async () => {
        const port = server.port;
        await server.close();
        if (downtimeMs > 0) await new Promise((r) => setTimeout(r, downtimeMs));
        if (!stopped) await server.listen(port);
      })().finally(() => (restarting = undefined));
      return restarting;
    },
  });
  let port: number;
  try {
    port = await server.listen(options.port ?? 0);
  } catch (e) {
    timers.stop();
    controlPlane.stop();
    const err = e as NodeJS.ErrnoException;
    throw new Error(err.code === 'EADDRINUSE' ? `port ${options.port} on 127.0.0.1 is already in use` : `cannot listen: ${err.message}`);
  }
  const url = `https://127.0.0.1:${port}`;
  const contextName = options.contextName ?? `pod-ip-lens-demo-${port}`;
  const kubeconfig = renderKubeconfig({ server: url, caCert: tls.caCert, token, contextName });
  if (options.kubeconfigPath) {
    try {
      ensurePrivateDir(dirname(options.kubeconfigPath));
      writePrivateFileSync(options.kubeconfigPath, kubeconfig);
    } catch (e) {
      timers.stop();
      controlPlane.stop();
      await server.close();
      throw new Error(`cannot write the kubeconfig: ${e instanceof Error ? e.message : String(e)}`);
    }
  }

  const saveSnapshot = () => {
    if (!snapshotPath) return;
    // It holds Secret data: private, atomic, never through a link.
    writePrivateFileSync(snapshotPath, JSON.stringify(store.snapshot()));
  };
  let savedRv = store.resourceVersion;
  if (snapshotPath) {
    timers.every(5000, () => {
      if (store.resourceVersion === savedRv) return;
      savedRv = store.resourceVersion;
      try {
        saveSnapshot();
      } catch (e) {
        log(`cannot save the demo cluster data: ${e instanceof Error ? e.message : String(e)}`);
      }
    });
  }

  return {
    url,
    port,
    kubeconfig,
    contextName,
    token,
    caCert: tls.caCert,
    faults,
    store,
    api,
    openWatches: () => server.openWatches,
    async stop() {
      if (stopped) return;
      stopped = true;
      timers.stop();
      controlPlane.stop();
      await restarting?.catch(() => {});
      await server.close();
      if (snapshotPath) saveSnapshot();
    },
  };
}
