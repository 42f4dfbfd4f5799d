// Wires the features together; each feature lives in its own file under src/features/.
import * as vscode from 'vscode';
import { registerDiagnostics } from './features/diagnostics';
import { registerCodeActions } from './features/codeActions';

export interface ExtensionApi {
  /** The "Pod IP Lens" log channel; tests and features write here. */
  readonly log: vscode.LogOutputChannel;
}

export function activate(context: vscode.ExtensionContext): ExtensionApi {
  const log = vscode.window.createOutputChannel('Pod IP Lens', { log: true });
  context.subscriptions.push(log);
  context.subscriptions.push(vscode.commands.registerCommand('podIpLens.showOutput', () => log.show()));
  registerDiagnostics(context, log);
  registerCodeActions(context, log);
  log.info(`Pod IP Lens ${context.extension.packageJSON.version} activated`);
  return { log };
}

export function deactivate(): void {
  // Disposables registered on the context are released by VS Code.
}
