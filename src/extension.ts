// Wires the features together; each feature lives in its own file under src/features/.
import * as vscode from 'vscode';
import { registerAudit } from './features/audit';
import { registerDiagnostics } from './features/diagnostics';
import { registerCodeActions, registerServiceCandidateSource, registerLiveIpSource } from './features/codeActions';
import { ClusterSession } from './features/clusterSession';
import { ClusterClassifier, registerClusterClassification } from './features/clusterClassification';
import { ClusterServiceSource } from './features/clusterFixes';
import { registerDemoCluster, type DemoClusterFeature } from './features/demoCluster';
import { registerHover } from './features/hover';
import { registerStatusBar } from './features/statusBar';
import { registerTimelineCommands } from './features/timelineCommands';
import { registerWalkthrough } from './features/walkthrough';
import { openTimelinePanels, type TimelinePanel } from './features/timelinePanel';

export interface ExtensionApi {
  /** The "Pod IP Lens" log channel; tests and features write here. */
  readonly log: vscode.LogOutputChannel;
  /** The cluster connection shared by hovers, fixes, the timeline and the status bar. */
  readonly session: ClusterSession;
  readonly demo: DemoClusterFeature;
  readonly statusBar: vscode.StatusBarItem;
  /** The open timeline panels (tests read which server each one watches). */
  timelines(): TimelinePanel[];
}

export function activate(context: vscode.ExtensionContext): ExtensionApi {
  const log = vscode.window.createOutputChannel('Pod IP Lens', { log: true });
  context.subscriptions.push(log);
  context.subscriptions.push(vscode.commands.registerCommand('podIpLens.showOutput', () => log.show()));
  registerDiagnostics(context, log);
  registerCodeActions(context, log);
  // Cluster-aware parts: nothing here connects to a cluster until a feature is used.
  const session = new ClusterSession(log);
  context.subscriptions.push(session);
  const classifier = new ClusterClassifier(session, log);
  const clusterSource = new ClusterServiceSource(session, log, classifier);
  context.subscriptions.push(registerServiceCandidateSource(clusterSource), registerLiveIpSource(clusterSource));
  registerHover(context, session, classifier, log);
  registerClusterClassification(context, session, classifier);
  registerAudit(context, session, log);
  const demo = registerDemoCluster(context, session, log);
  registerTimelineCommands(context, session, log);
  const statusBar = registerStatusBar(context, session);
  registerWalkthrough(context, session, log);
  log.info(`Pod IP Lens ${context.extension.packageJSON.version} activated`);
  return { log, session, demo, statusBar, timelines: openTimelinePanels };
}

export function deactivate(): void {
  // Disposables registered on the context are released by VS Code.
}
