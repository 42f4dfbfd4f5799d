// `pod-ip-lens`: the command-line face of Pod IP Lens. Each subcommand lives in src/cli/.
import { version } from '../package.json';

export const USAGE = `pod-ip-lens ${version} — see and stop hard-coded Pod IPs

Usage:
  pod-ip-lens <command> [options]

Commands:
  help                 Show this help (also: --help, -h)
  version              Print the version (also: --version, -V)
  timeline FILE|-      Replay 'kubectl get pods -w -o json' output as Pod IP lifecycle events
  lint [PATH…]         Lint manifests for hard-coded IPs, hostNetwork and hostPort (text/json/sarif)
  audit                Find hard-coded IPs in a live cluster's workloads and ConfigMaps, and what holds them now
  cluster              Run the demo cluster, a simulated Kubernetes API server for kubectl (--kubeconfig FILE)

Run 'pod-ip-lens <command> --help' for a command's options.
`;

type Command = (args: string[]) => Promise<number>;

const commands: Record<string, () => Promise<Command>> = {
  timeline: async () => (await import('./cli/timeline')).run,
  lint: async () => (await import('./cli/lint')).run,
  audit: async () => (await import('./cli/audit')).run,
  cluster: async () => (await import('./cli/demoCluster')).run,
};

export async function main(argv: string[]): Promise<number> {
  const [cmd, ...rest] = argv;
  if (cmd === undefined || cmd === 'help' || cmd === '--help' || cmd === '-h') {
    process.stdout.write(USAGE);
    return cmd === undefined ? 2 : 0;
  }
  if (cmd === 'version' || cmd === '--version' || cmd === '-V') {
    process.stdout.write(`${version}\n`);
    return 0;
  }
  const load = commands[cmd];
  if (!load) {
    process.stderr.write(`pod-ip-lens: unknown command '${cmd}'. Run 'pod-ip-lens --help' for the list.\n`);
    return 2;
  }
  return (await load())(rest);
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (err: unknown) => {
      process.stderr.write(`pod-ip-lens: ${err instanceof Error ? err.message : String(err)}\n`);
      process.exitCode = 2;
    },
  );
}
