// Runs inside the extension host of `npm run bench -- activation` (as extensionTestsPath): opens a
// YAML document, the extension's activation event, waits for Pod IP Lens to be active, then reads
// VS Code's own record of the activation (the "Extension Activation Stats" of Developer: Startup
// Performance: time to load the code, to call activate, to finish it) and prints it as one line.
const vscode = require('vscode');

const ID = 'pod-ip-lens.pod-ip-lens';
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

exports.run = async function run() {
  const ext = vscode.extensions.getExtension(ID);
  if (!ext) throw new Error(`${ID} is not loaded`);
  if (ext.isActive) throw new Error(`${ID} was active before its activation event`);
  const doc = await vscode.workspace.openTextDocument({ language: 'yaml', content: 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\ndata:\n  url: "http://10.244.1.7:8080"\n' });
  await vscode.window.showTextDocument(doc);
  for (let i = 0; i < 400 && !ext.isActive; i++) await sleep(25);
  if (!ext.isActive) throw new Error(`${ID} did not activate on a YAML document`);
  // The report's content provider is registered when the command first runs.
  await vscode.commands.executeCommand('perfview.show');
  const perf = await vscode.workspace.openTextDocument(vscode.Uri.from({ scheme: 'perf', path: 'Startup Performance' }));
  // The report fills in once the workbench has its timings; it is re-rendered as they arrive.
  let table = '';
  let row;
  for (let i = 0; i < 200 && !row; i++, await sleep(50)) {
    table = perf.getText().split('## Extension Activation Stats')[1] ?? '';
    row = table
      .split('\n')
      .map((l) => l.split('|').map((c) => c.trim()))
      .find((cells) => cells[1] === ID);
  }
  if (!row) throw new Error(`no activation record of ${ID} in Startup Performance:\n${perf.getText().slice(0, 3000)}`);
  // Columns: Extension | Eager | Load Code | Call Activate | Finish Activate | Event | By
  const [, , eager, load, call, finish, event] = row;
  console.log(`activation-times ${JSON.stringify({ eager: eager === 'true', loadCodeMs: Number(load), callActivateMs: Number(call), finishActivateMs: Number(finish), event })}`);
};
