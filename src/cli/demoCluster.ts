// `pod-ip-lens cluster`: runs the demo cluster in the foreground on 127.0.0.1 and writes a
// kubeconfig for it, so kubectl (and the extension) can use it like a real cluster.
import { resolve } from 'node:path';
import type { DemoClusterOptions, FaultSchedule } from '../demo';
import { formatUsage, parseCommandLine, UsageError, wholeNumber, type Parsed } from './args';

export const CLUSTER_USAGE = formatUsage(
  'pod-ip-lens cluster --kubeconfig FILE [options]',
  `Runs a simulated Kubernetes API server (the demo cluster) on 127.0.0.1 over HTTPS until
interrupted (Ctrl+C / SIGTERM). Writes a kubeconfig with its CA and a random bearer token to
FILE; then: export KUBECONFIG=FILE and use kubectl as usual. Prints a line with "ready" once
kubectl can use it.`,
  [
    ['--kubeconfig FILE', 'where to write the kubeconfig (required)'],
    ['--port N', 'port on 127.0.0.1 (default 0: a free port)'],
    ['--nodes N', 'number of nodes (default 3: a control-plane node and 2 workers)'],
    ['--pod-cidr CIDR', 'cluster pod CIDR; node N gets its Nth /24 (default 10.244.0.0/16)'],
    ['--ip-allocation MODE', 'sequential (like host-local IPAM, default): freed IPs come back\nonly after the range wraps; reuse-first: freed IPs go out first'],
    ['--dual-stack', 'give Pods an IPv6 address too'],
    ['--speed X', 'time factor for Pod startup/termination delays (default 1)'],
    ['--data-dir DIR', "keep the cluster's objects in DIR across runs"],
    ['--no-system-workloads', 'no CoreDNS / kube-proxy in kube-system'],
    ['--history-ms MS', 'watch history kept for resuming, in milliseconds (default 300000,\nlike etcd compaction); older resourceVersions get 410 Gone'],
    ['--history-events N', 'watch history kept for resuming, in events (default 10000)'],
    ['--fault KIND[:COUNT]@SECONDS', 'inject a fault every SECONDS (repeatable). KIND: cut-watches,\nreset-watches, expire (410 Gone), error500, throttle (429),\nstall, restart. COUNT: requests failed by error500/throttle.\nExample: --fault cut-watches@30 --fault error500:3@45'],
    ['--rollout-every SECONDS', 'keep a rollout going: create Deployment and Service backend\n(app=backend) if missing, then set a new image every SECONDS'],
    ['--verbose', 'log every request'],
  ],
  'Exit status: 0 after a clean stop, 1 when the cluster cannot start (port in use, unwritable\nkubeconfig), 2 for usage errors.',
);

interface ClusterArgs {
  options: DemoClusterOptions;
  /** `--fault` values, checked by the demo cluster's own parser once it is loaded. */
  faults: string[];
  rolloutEverySeconds?: number;
}

export function parseClusterArgs(args: string[]): Parsed<ClusterArgs> {
  const parsed = parseCommandLine(
    args,
    {
      kubeconfig: { type: 'string' },
      port: { type: 'string' },
      nodes: { type: 'string' },
      'pod-cidr': { type: 'string' },
      'ip-allocation': { type: 'string' },
      'dual-stack': { type: 'boolean' },
      speed: { type: 'string' },
      'data-dir': { type: 'string' },
      'no-system-workloads': { type: 'boolean' },
      'history-ms': { type: 'string' },
      'history-events': { type: 'string' },
      fault: { type: 'string', multiple: true },
      'rollout-every': { type: 'string' },
      verbose: { type: 'boolean' },
    },
    { hints: { 'ip-allocation': 'sequential or reuse-first', fault: 'KIND[:COUNT]@SECONDS' } },
  );
  if (!parsed.ok) return parsed;
  const v = parsed.line.values as Record<string, string | undefined> & { fault?: string[]; 'dual-stack'?: boolean; 'no-system-workloads'?: boolean; verbose?: boolean };
  const positive = (name: string, value: string | undefined, what: string): number | undefined => {
    if (value === undefined) return undefined;
    const n = Number(value);
    if (!(n > 0) || !Number.isFinite(n)) throw new UsageError(`${name} must be ${what}, got ${JSON.stringify(value)}`);
    return n;
  };
  try {
    const options: DemoClusterOptions = {};
    if (v.kubeconfig !== undefined) options.kubeconfigPath = resolve(v.kubeconfig);
    if (v.port !== undefined) options.port = wholeNumber('--port', v.port);
    if (v.nodes !== undefined) options.nodes = wholeNumber('--nodes', v.nodes);
    if (v['pod-cidr'] !== undefined) options.podCidr = v['pod-cidr'];
    const alloc = v['ip-allocation'];
    if (alloc !== undefined) {
      if (alloc !== 'sequential' && alloc !== 'reuse-first') throw new UsageError(`--ip-allocation must be sequential or reuse-first, got ${JSON.stringify(alloc)}`);
      options.ipAllocation = alloc;
    }
    if (v['dual-stack']) options.dualStack = true;
    if (v.speed !== undefined) options.speed = positive('--speed', v.speed, 'a positive number');
    if (v['data-dir'] !== undefined) options.dataDir = resolve(v['data-dir']);
    if (v['no-system-workloads']) options.systemWorkloads = false;
    if (v['history-ms'] !== undefined) options.historyMs = wholeNumber('--history-ms', v['history-ms'], 'a whole number of milliseconds');
    if (v['history-events'] !== undefined) {
      options.historySize = wholeNumber('--history-events', v['history-events'], 'a whole number above 0');
      if (options.historySize === 0) throw new UsageError('--history-events must be a whole number above 0, got "0"');
    }
    if (v.verbose) options.verbose = true;
    const rolloutEverySeconds = positive('--rollout-every', v['rollout-every'], 'a positive number of seconds');
    if (!options.kubeconfigPath) return { ok: false, help: false, message: '--kubeconfig FILE is required' };
    return { ok: true, value: { options, faults: v.fault ?? [], ...(rolloutEverySeconds !== undefined ? { rolloutEverySeconds } : {}) } };
  } catch (e) {
    if (e instanceof UsageError) return { ok: false, help: false, message: e.message };
    throw e;
  }
}

export async function run(args: string[]): Promise<number> {
  const parsed = parseClusterArgs(args);
  if (!parsed.ok) {
    if (parsed.help) {
      process.stdout.write(CLUSTER_USAGE);
      return 0;
    }
    process.stderr.write(`pod-ip-lens cluster: ${parsed.message}\n\n${CLUSTER_USAGE}`);
    return 2;
  }
  const { options, rolloutEverySeconds } = parsed.value;
  // The demo cluster is a bundle of its own (dist/demo.js), loaded only by this command.
  const { startDemoCluster, parseFaultSchedule, applyFault, startRolloutScenario } = await import('../demo');
  let faults: FaultSchedule[];
  try {
    faults = parsed.value.faults.map(parseFaultSchedule);
  } catch (e) {
    process.stderr.write(`pod-ip-lens cluster: ${e instanceof Error ? e.message : String(e)}\n\n${CLUSTER_USAGE}`);
    return 2;
  }
  const log = (line: string) => process.stderr.write(`${new Date().toISOString()} ${line}\n`);
  let cluster;
  try {
    cluster = await startDemoCluster({ ...options, log });
  } catch (e) {
    process.stderr.write(`pod-ip-lens cluster: ${e instanceof Error ? e.message : String(e)}\n`);
    return 1;
  }
  const intervals = faults.map((f) =>
    setInterval(() => {
      applyFault(cluster.faults, f).then(
        (what) => log(`fault: ${what}`),
        (e) => log(`fault ${f.kind} failed: ${e instanceof Error ? e.message : String(e)}`),
      );
    }, f.everySeconds * 1000),
  );
  const scenario = rolloutEverySeconds ? startRolloutScenario(cluster.api, { everySeconds: rolloutEverySeconds, log }) : undefined;
  process.stdout.write(
    `Demo cluster ready at ${cluster.url} (context ${cluster.contextName}, ${options.nodes ?? 3} nodes)\n` +
      `  export KUBECONFIG=${options.kubeconfigPath}\n` +
      `Stop with Ctrl+C.\n`,
  );
  await new Promise<void>((done) => {
    const onSignal = (sig: NodeJS.Signals) => {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      log(`${sig}: stopping`);
      done();
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  });
  for (const t of intervals) clearInterval(t);
  scenario?.stop();
  await cluster.stop();
  process.stdout.write('Demo cluster stopped.\n');
  return 0;
}
