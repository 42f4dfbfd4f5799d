// Commands the "Pod IP Lens: the ephemeral Pod IP" walkthrough links to, beyond the demo cluster's.
import * as vscode from 'vscode';

export function registerWalkthrough(context: vscode.ExtensionContext): void {
  context.subscriptions.push(
    vscode.commands.registerCommand('podIpLens.openSampleManifest', async () => {
      // An untitled copy: the user can edit and fix it without touching the installed extension.
      const sample = await vscode.workspace.fs.readFile(vscode.Uri.joinPath(context.extensionUri, 'media', 'walkthrough', 'sample-frontend.yaml'));
      const doc = await vscode.workspace.openTextDocument({ language: 'yaml', content: new TextDecoder().decode(sample) });
      return vscode.window.showTextDocument(doc);
    }),
    vscode.commands.registerCommand('podIpLens.openWalkthrough', () =>
      vscode.commands.executeCommand('workbench.action.openWalkthrough', `${context.extension.id}#podIpLens.lesson`, false),
    ),
  );
}
