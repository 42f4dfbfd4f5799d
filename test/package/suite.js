// Runs inside the extension host next to the Pod IP Lens installed from the .vsix (not the sources):
// the extension must come from the extensions folder, activate on a YAML file, lint it, and have
// its commands and walkthrough.
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const vscode = require('vscode');

exports.run = async function run() {
  const ext = vscode.extensions.getExtension('pod-ip-lens.pod-ip-lens');
  assert.ok(ext, 'the installed extension is known');
  const expected = process.env.POD_IP_LENS_PACKAGE_EXTENSIONS_DIR;
  assert.ok(ext.extensionPath.startsWith(expected), `loaded from the installed .vsix in ${expected}, not from ${ext.extensionPath}`);
  const doc = await vscode.workspace.openTextDocument({
    language: 'yaml',
    content: 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\ndata:\n  url: "http://10.244.1.7:8080"\n',
  });
  await vscode.window.showTextDocument(doc);
  for (let i = 0; i < 100 && !ext.isActive; i++) await new Promise((r) => setTimeout(r, 100));
  assert.ok(ext.isActive, 'activated by a YAML document');
  let diags = [];
  for (let i = 0; i < 100 && diags.length === 0; i++) {
    await new Promise((r) => setTimeout(r, 100));
    diags = vscode.languages.getDiagnostics(doc.uri);
  }
  assert.equal(diags.length, 1, 'the packaged linter flags the Pod IP');
  assert.equal(doc.getText(diags[0].range), '10.244.1.7:8080');
  const commands = await vscode.commands.getCommands(true);
  for (const c of ext.packageJSON.contributes.commands) assert.ok(commands.includes(c.command), `${c.command} registered`);
  // The demo cluster is its own bundle: not parsed at activation, required (from the package) when it starts.
  const demoBundle = path.join(ext.extensionPath, 'dist', 'demo.js');
  assert.ok(!(demoBundle in require.cache), 'activation did not load dist/demo.js');
  // Linting reads no kubeconfig, so client-node (its own bundle) is not loaded before a cluster feature.
  const clientNode = path.join(ext.extensionPath, 'dist', 'client-node.js');
  assert.ok(!(clientNode in require.cache), 'activating and linting did not load dist/client-node.js');
  const kubeconfig = await vscode.commands.executeCommand('podIpLens.startDemoCluster');
  assert.ok(typeof kubeconfig === 'string' && fs.existsSync(kubeconfig), `Start Demo Cluster wrote a kubeconfig (${kubeconfig})`);
  assert.ok(demoBundle in require.cache, 'Start Demo Cluster loaded dist/demo.js from the package');
  assert.match(ext.exports.session.demo?.url ?? '', /^https:\/\/127\.0\.0\.1:\d+$/, 'the demo cluster listens');
  // Starting the demo cluster is a cluster feature: the open manifest's IP may be classified against it
  // at once, which reads its kubeconfig; either way client-node comes from the package.
  const port = new URL(ext.exports.session.demo.url).port;
  assert.equal(ext.exports.session.kubeConfig().getCurrentContext(), `pod-ip-lens-demo-${port}`, 'the context is named after its server');
  assert.ok(clientNode in require.cache, 'reading the kubeconfig loaded dist/client-node.js from the package');
  await vscode.commands.executeCommand('podIpLens.stopDemoCluster');
  assert.equal(ext.exports.session.demo, undefined, 'and stops');
  console.log(`package probe: Pod IP Lens ${ext.packageJSON.version} from ${ext.extensionPath} activated, linted and ran the demo cluster`);
};
