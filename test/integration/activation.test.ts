import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { existsSync } from 'node:fs';
import * as path from 'node:path';

const EXTENSION_ID = 'pod-ip-lens.pod-ip-lens';

describe('activation', () => {
  it('activates when a YAML file opens and registers its commands', async () => {
    const ext = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(ext, `extension ${EXTENSION_ID} is loaded`);
    const folder = vscode.workspace.workspaceFolders?.[0];
    assert.ok(folder, 'the test workspace is open');
    const doc = await vscode.workspace.openTextDocument(path.join(folder.uri.fsPath, 'backend.yaml'));
    await vscode.window.showTextDocument(doc);
    assert.equal(doc.languageId, 'yaml');
    for (let i = 0; i < 100 && !ext.isActive; i++) await new Promise((r) => setTimeout(r, 100));
    assert.ok(ext.isActive, "opening a YAML document activated the extension");
    const all = await vscode.commands.getCommands(true);
    const declared: { command: string }[] = ext.packageJSON.contributes.commands;
    for (const { command } of declared) assert.ok(all.includes(command), `command ${command} is registered`);
  });

  it('has not loaded the demo cluster (dist/demo.js) or client-node (dist/client-node.js) by activating', () => {
    const ext = vscode.extensions.getExtension(EXTENSION_ID)!;
    const demoBundle = path.join(ext.extensionPath, 'dist', 'demo.js');
    assert.ok(existsSync(demoBundle), `${demoBundle} is built`);
    assert.ok(ext.isActive);
    assert.ok(!(demoBundle in require.cache), 'the demo cluster bundle is required only when a demo cluster starts');
    const clientNode = path.join(ext.extensionPath, 'dist', 'client-node.js');
    assert.ok(existsSync(clientNode), `${clientNode} is built`);
    assert.ok(!(clientNode in require.cache), '@kubernetes/client-node is required only when a kubeconfig is first read');
  });

  it('has a "Pod IP Lens" log output channel', async () => {
    const ext = vscode.extensions.getExtension(EXTENSION_ID)!;
    const api = await ext.activate();
    assert.equal(api.log.name, 'Pod IP Lens');
    assert.equal(typeof api.log.info, 'function', 'a LogOutputChannel');
    await vscode.commands.executeCommand('podIpLens.showOutput');
  });
});
