// "Start Demo Cluster" / "Stop Demo Cluster": one demo cluster per window. Either the one already
// running outside VS Code that `podIpLens.demo.kubeconfig` names (`npm run demo` starts one with
// `pod-ip-lens cluster` and sets it), or the simulated API server in the extension host, with a
// kubeconfig for it in the extension's storage. Every terminal of the window (the "Pod IP Lens demo"
// one and any new one) gets KUBECONFIG for it, so kubectl, the timeline and the hovers all talk to
// the same server.
import * as vscode from 'vscode';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ClusterSession, ExternalDemoCluster } from './clusterSession';
import { KubeClient, loadKubeConfig } from '../kube';
import { plainMessage } from './markdown';

type Log = Pick<vscode.LogOutputChannel, 'info' | 'warn' | 'error' | 'debug'>;

export const DEMO_TERMINAL_NAME = 'Pod IP Lens demo';
export const DEMO_SETTINGS = 'podIpLens.demo';

export interface DemoClusterFeature {
  /** Uses the running demo cluster, or starts one; resolves with its kubeconfig path. */
  ensureStarted(): Promise<string>;
  /** The demo terminal (created, with KUBECONFIG set, if needed). */
  terminal(): vscode.Terminal;
  /** The kubeconfig file of the demo cluster in use (undefined while none is). */
  kubeconfigPath(): string | undefined;
}

/**
 * The demo cluster `podIpLens.demo.kubeconfig` names, if that setting is set: its kubeconfig is read
 * and its server must answer (GET /version), or this throws a message saying what to do.
 */
async function attachExternal(file: string, log: Log): Promise<ExternalDemoCluster> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    throw new Error(`podIpLens.demo.kubeconfig names ${file}, which cannot be read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}). Start that demo cluster (pod-ip-lens cluster --kubeconfig ${file}, or npm run demo), or clear the setting to run one inside VS Code.`);
  }
  const kc = loadKubeConfig({ text });
  const client = new KubeClient(kc);
  try {
    await client.getJson('/version', {}, client.requestContext('get', 'version', undefined, undefined), 5000);
  } catch (e) {
    throw new Error(`the demo cluster of ${file} does not answer at ${client.server}: ${(e as Error).message} Start it again (npm run demo, or pod-ip-lens cluster --kubeconfig ${file}), or clear podIpLens.demo.kubeconfig to run one inside VS Code.`);
  }
  log.info(`demo cluster: using the one already running at ${client.server} (context ${client.context}, kubeconfig ${file}, from podIpLens.demo.kubeconfig)`);
  return { external: true, url: client.server, kubeconfig: text, kubeconfigPath: file, contextName: client.context, stop: async () => {} };
}

export function registerDemoCluster(context: vscode.ExtensionContext, session: ClusterSession, log: Log): DemoClusterFeature {
  const ownKubeconfig = join(context.globalStorageUri.fsPath, 'demo-kubeconfig.yaml');
  let starting: Promise<string> | undefined;
  let term: vscode.Terminal | undefined;
  let termKubeconfig: string | undefined;
  // KUBECONFIG for every new terminal of this window while the demo cluster is in use; not kept
  // after the window closes (the cluster's token and port are gone then).
  const termEnv = context.environmentVariableCollection;
  termEnv.persistent = false;
  termEnv.description = 'KUBECONFIG: the Pod IP Lens demo cluster';

  const current = () => session.demo;
  const kubeconfigPath = (): string | undefined => {
    const d = session.demo;
    return d ? (d.external ? d.kubeconfigPath : ownKubeconfig) : undefined;
  };

  const ensureStarted = (): Promise<string> => {
    const running = kubeconfigPath();
    if (running) return Promise.resolve(running);
    starting ??= (async () => {
      const cfg = vscode.workspace.getConfiguration(DEMO_SETTINGS);
      const externalFile = cfg.get<string>('kubeconfig', '').trim();
      if (externalFile) {
        session.setDemo(await attachExternal(externalFile, log));
      } else {
        // Loaded on first use: the simulated API server (TLS, protobuf, controllers) costs nothing until then.
        const { startDemoCluster } = await import('../demo');
        const demo = await startDemoCluster({
          kubeconfigPath: ownKubeconfig,
          speed: cfg.get<number>('speed', 1),
          ipAllocation: cfg.get<'sequential' | 'reuse-first'>('ipAllocation', 'sequential'),
          nodes: cfg.get<number>('nodes', 3),
          log: (line) => log.debug(`[demo cluster] ${line}`),
        });
        session.setDemo(demo);
        log.info(`demo cluster listening at ${demo.url} (context ${demo.contextName}); kubeconfig ${ownKubeconfig}`);
      }
      const path = kubeconfigPath()!;
      termEnv.replace('KUBECONFIG', path);
      void vscode.commands.executeCommand('setContext', 'podIpLens.demoRunning', true);
      return path;
    })().finally(() => (starting = undefined));
    return starting;
  };

  const terminal = (): vscode.Terminal => {
    const path = kubeconfigPath() ?? ownKubeconfig;
    if (term && term.exitStatus === undefined && termKubeconfig === path) return term;
    term?.dispose();
    termKubeconfig = path;
    term = vscode.window.createTerminal({
      name: DEMO_TERMINAL_NAME,
      env: { KUBECONFIG: path },
      message: `KUBECONFIG=${path} — kubectl here talks to the Pod IP Lens demo cluster at ${session.demo?.url ?? '(not running)'}.`,
    });
    return term;
  };

  const openTimeline = () => vscode.commands.executeCommand('podIpLens.openTimeline', { namespace: 'default', labelSelector: 'app=backend' });

  context.subscriptions.push(
    vscode.window.onDidCloseTerminal((t) => {
      if (t === term) term = undefined;
    }),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration(`${DEMO_SETTINGS}.kubeconfig`) && session.demo?.external) {
        log.info('demo cluster: podIpLens.demo.kubeconfig changed; Start Demo Cluster uses the new value');
        void stop();
      }
    }),
    vscode.commands.registerCommand('podIpLens.startDemoCluster', async (options?: { openTimeline?: boolean }) => {
      if (!session.request('the demo cluster', true)) return undefined;
      try {
        const before = session.demo;
        const path = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: 'Starting the Pod IP Lens demo cluster…' }, ensureStarted);
        terminal().show();
        if (before) return path;
        if (options?.openTimeline) {
          await openTimeline();
          return path;
        }
        const demo = current();
        if (demo?.external) {
          // Started on purpose (npm run demo, the walkthrough says what next): no notification over the screen.
          context.subscriptions.push(vscode.window.setStatusBarMessage(`$(server-environment) Pod IP Lens: using the demo cluster already running at ${demo.url}`, 15_000));
          return path;
        }
        const where = `Demo cluster running at ${demo?.url}`;
        void vscode.window
          .showInformationMessage(`${where}. Try "kubectl create deployment backend --image=nginx:1.28 --replicas=2" in the terminal.`, 'Open Timeline (app=backend)')
          .then((choice) => {
            if (choice) void openTimeline();
          });
        return path;
      } catch (e) {
        const message = `Could not start the demo cluster: ${(e as Error).message}`;
        log.error(message);
        void vscode.window.showErrorMessage(plainMessage(message));
        return undefined;
      }
    }),
    vscode.commands.registerCommand('podIpLens.stopDemoCluster', async () => {
      const demo = session.demo;
      if (!demo) {
        void vscode.window.showInformationMessage('The Pod IP Lens demo cluster is not running.');
        return;
      }
      await stop();
      if (demo.external) {
        void vscode.window.showInformationMessage(
          plainMessage(`Pod IP Lens no longer uses the demo cluster at ${demo.url}. It runs outside VS Code (npm run demo or pod-ip-lens cluster): stop it there with Ctrl+C.`),
        );
      }
    }),
    vscode.commands.registerCommand('podIpLens.runInDemoTerminal', (command?: string) => runInDemoTerminal(command)),
    { dispose: () => void session.demo?.stop() },
  );

  async function stop(): Promise<void> {
    const demo = session.demo;
    if (!demo) return;
    session.setDemo(undefined);
    termEnv.delete('KUBECONFIG');
    void vscode.commands.executeCommand('setContext', 'podIpLens.demoRunning', false);
    await demo.stop();
    log.info(demo.external ? `demo cluster: no longer using the one at ${demo.url}` : 'demo cluster stopped');
  }

  async function runInDemoTerminal(command?: string): Promise<boolean> {
    if (typeof command !== 'string' || !command.trim()) return false;
    if (!session.request('the demo cluster', true)) return false;
    try {
      await ensureStarted();
    } catch (e) {
      const message = `Could not start the demo cluster: ${(e as Error).message}`;
      log.error(message);
      void vscode.window.showErrorMessage(plainMessage(message));
      return false;
    }
    const t = terminal();
    t.show();
    t.sendText(command, true);
    return true;
  }

  return { ensureStarted, terminal, kubeconfigPath };
}
