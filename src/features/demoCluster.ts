// "Start Demo Cluster" / "Stop Demo Cluster": the simulated API server in the extension host, a
// kubeconfig for it in the extension's storage, and a terminal where kubectl talks to it.
import * as vscode from 'vscode';
import { join } from 'node:path';
import type { ClusterSession } from './clusterSession';
import { plainMessage } from './markdown';

type Log = Pick<vscode.LogOutputChannel, 'info' | 'warn' | 'error' | 'debug'>;

export const DEMO_TERMINAL_NAME = 'Pod IP Lens demo';

export interface DemoClusterFeature {
  /** Starts the demo cluster if it is not running; resolves with its kubeconfig path. */
  ensureStarted(): Promise<string>;
  /** The demo terminal (created, with KUBECONFIG set, if needed). */
  terminal(): vscode.Terminal;
}

export function registerDemoCluster(context: vscode.ExtensionContext, session: ClusterSession, log: Log): DemoClusterFeature {
  const kubeconfigPath = join(context.globalStorageUri.fsPath, 'demo-kubeconfig.yaml');
  let starting: Promise<string> | undefined;
  let term: vscode.Terminal | undefined;
  const demoUrl = () => session.demo?.url ?? '(stopped)';

  const ensureStarted = (): Promise<string> => {
    if (session.demo) return Promise.resolve(kubeconfigPath);
    starting ??= (async () => {
      const cfg = vscode.workspace.getConfiguration('podIpLens.demo');
      // Loaded on first use: the simulated API server (TLS, protobuf, controllers) costs nothing until then.
      const { startDemoCluster } = await import('../demo');
      const demo = await startDemoCluster({
        kubeconfigPath,
        speed: cfg.get<number>('speed', 1),
        ipAllocation: cfg.get<'sequential' | 'reuse-first'>('ipAllocation', 'sequential'),
        nodes: cfg.get<number>('nodes', 3),
        log: (line) => log.debug(`[demo cluster] ${line}`),
      });
      session.setDemo(demo);
      void vscode.commands.executeCommand('setContext', 'podIpLens.demoRunning', true);
      log.info(`demo cluster listening at ${demo.url}; kubeconfig ${kubeconfigPath}`);
      return kubeconfigPath;
    })().finally(() => (starting = undefined));
    return starting;
  };

  const terminal = (): vscode.Terminal => {
    if (term && term.exitStatus === undefined) return term;
    term = vscode.window.createTerminal({
      name: DEMO_TERMINAL_NAME,
      env: { KUBECONFIG: kubeconfigPath },
      message: `KUBECONFIG=${kubeconfigPath} — kubectl here talks to the Pod IP Lens demo cluster.`,
    });
    return term;
  };

  context.subscriptions.push(
    vscode.window.onDidCloseTerminal((t) => {
      if (t === term) term = undefined;
    }),
    vscode.commands.registerCommand('podIpLens.startDemoCluster', async (options?: { openTimeline?: boolean }) => {
      if (!session.request('the demo cluster', true)) return undefined;
      try {
        const wasRunning = !!session.demo;
        await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: 'Starting the Pod IP Lens demo cluster…' }, ensureStarted);
        terminal().show();
        if (wasRunning) return kubeconfigPath;
        if (options?.openTimeline) {
          await vscode.commands.executeCommand('podIpLens.openTimeline', { namespace: 'default', labelSelector: 'app=backend' });
          return kubeconfigPath;
        }
        void vscode.window
          .showInformationMessage(
            `Demo cluster running at ${demoUrl()}. Try "kubectl create deployment backend --image=nginx:1.28 --replicas=2" in the terminal.`,
            'Open Timeline (app=backend)',
          )
          .then((choice) => {
            if (choice) void vscode.commands.executeCommand('podIpLens.openTimeline', { namespace: 'default', labelSelector: 'app=backend' });
          });
        return kubeconfigPath;
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
      session.setDemo(undefined);
      void vscode.commands.executeCommand('setContext', 'podIpLens.demoRunning', false);
      await demo.stop();
      log.info('demo cluster stopped');
    }),
    vscode.commands.registerCommand('podIpLens.runInDemoTerminal', async (command?: string) => {
      if (typeof command !== 'string' || !command.trim()) return;
      if (!session.request('the demo cluster', true)) return;
      await ensureStarted();
      const t = terminal();
      t.show();
      t.sendText(command, true);
    }),
    { dispose: () => void session.demo?.stop() },
  );
  return { ensureStarted, terminal };
}
