// `pod-ip-lens cluster`: runs the demo cluster in the foreground on 127.0.0.1 and writes a
// kubeconfig for it, so kubectl (and the extension) can use it like a real cluster.
import { resolve } from 'node:path';
import { startRolloutScenario } from '../demo/scenario';
import { startDemoCluster, parseFaultSchedule, applyFault, type FaultSchedule, type DemoClusterOptions } from '../demo';

export const CLUSTER_USAGE = `Usage: pod-ip-lens cluster --kubeconfig FILE [options]

Runs a simulated Kubernetes API server (the demo cluster) on 127.0.0.1 over HTTPS until
interrupted (Ctrl+C / SIGTERM). Writes a kubeconfig with its CA and a random bearer token to
FILE; then: export KUBECONFIG=FILE and use kubectl as usual. Prints a line with "ready" once
kubectl can use it.

  --kubeconfig FILE              where to write the kubeconfig (required)
  --port N                       port on 127.0.0.1 (default 0: a free port)
  --nodes N                      number of nodes (default 3: a control-plane node and 2 workers)
  --pod-cidr CIDR                cluster pod CIDR; node N gets its Nth /24 (default 10.244.0.0/16)
  --ip-allocation MODE           sequential (like host-local IPAM, default): freed IPs come back
                                 only after the range wraps; reuse-first: freed IPs go out first
  --dual-stack                   give Pods an IPv6 address too
  --speed X                      time factor for Pod startup/termination delays (default 1)
  --data-dir DIR                 keep the cluster's objects in DIR across runs
  --no-system-workloads          no CoreDNS / kube-proxy in kube-system
  --fault KIND[:COUNT]@SECONDS   inject a fault every SECONDS (repeatable). KIND: cut-watches,
                                 reset-watches, expire (410 Gone), error500, throttle (429),
                                 stall, restart. COUNT: requests failed by error500/throttle.
                                 Example: --fault cut-watches@30 --fault error500:3@45
  --rollout-every SECONDS        keep a rollout going: create Deployment and Service backend
                                 (app=backend) if missing, then set a new image every SECONDS
  --verbose                      log every request
`;

interface ClusterArgs {
  options: DemoClusterOptions;
  faults: FaultSchedule[];
  rolloutEverySeconds?: number;
}

export function parseClusterArgs(args: string[]): { ok: true; value: ClusterArgs } | { ok: false; help: boolean; message?: string } {
  const options: DemoClusterOptions = {};
  const faults: FaultSchedule[] = [];
  let rolloutEverySeconds: number | undefined;
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === '--help' || a === '-h') return { ok: false, help: true };
    const [flag, inline] = a.startsWith('--') && a.includes('=') ? [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)] : [a, undefined];
    const value = (): string => {
      const v = inline ?? args[++i];
      if (v === undefined || (inline === undefined && v.startsWith('--'))) throw new Error(`${flag} needs a value`);
      return v;
    };
    const int = (name: string, v: string): number => {
      if (!/^\d+$/.test(v)) throw new Error(`${name} must be a whole number, got ${JSON.stringify(v)}`);
      return Number(v);
    };
    try {
      switch (flag) {
        case '--kubeconfig':
          options.kubeconfigPath = resolve(value());
          break;
        case '--port':
          options.port = int('--port', value());
          break;
        case '--nodes':
          options.nodes = int('--nodes', value());
          break;
        case '--pod-cidr':
          options.podCidr = value();
          break;
        case '--ip-allocation': {
          const v = value();
          if (v !== 'sequential' && v !== 'reuse-first') throw new Error(`--ip-allocation must be sequential or reuse-first, got ${JSON.stringify(v)}`);
          options.ipAllocation = v;
          break;
        }
        case '--dual-stack':
          options.dualStack = true;
          break;
        case '--speed': {
          const v = value();
          const n = Number(v);
          if (!(n > 0) || !Number.isFinite(n)) throw new Error(`--speed must be a positive number, got ${JSON.stringify(v)}`);
          options.speed = n;
          break;
        }
        case '--data-dir':
          options.dataDir = resolve(value());
          break;
        case '--no-system-workloads':
          options.systemWorkloads = false;
          break;
        case '--fault':
          faults.push(parseFaultSchedule(value()));
          break;
        case '--verbose':
          options.verbose = true;
          break;
        case '--rollout-every': {
          const v = value();
          rolloutEverySeconds = Number(v);
          if (!(rolloutEverySeconds > 0) || !Number.isFinite(rolloutEverySeconds)) throw new Error(`--rollout-every must be a positive number of seconds, got ${JSON.stringify(v)}`);
          break;
        }
        default:
          return { ok: false, help: false, message: `unknown option ${JSON.stringify(a)}` };
      }
    } catch (e) {
      return { ok: false, help: false, message: e instanceof Error ? e.message : String(e) };
    }
  }
  if (!options.kubeconfigPath) return { ok: false, help: false, message: '--kubeconfig FILE is required' };
  return { ok: true, value: { options, faults, rolloutEverySeconds } };
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
  const { options, faults, rolloutEverySeconds } = parsed.value;
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
