// A suite that passes when the harness works: run inside the remote extension host by the workbench.
// Plain JavaScript because the extension host loads it as is. It prints the lines harness.test.ts looks for,
// in the shapes a mocha reporter produces (format strings, several lines at once, raw stdout writes).
const assert = require('node:assert/strict');
const path = require('node:path');
const vscode = require('vscode');

exports.run = async function run() {
  const folders = vscode.workspace.workspaceFolders ?? [];
  assert.equal(folders.length, 1, 'one workspace folder');
  const folder = folders[0].uri;
  console.log('selftest: workspace %s', folder.fsPath);

  // The workspace is a fresh copy of the fixture: readable, and writable without touching the fixture.
  const hello = new TextDecoder().decode(await vscode.workspace.fs.readFile(vscode.Uri.joinPath(folder, 'hello.txt')));
  assert.match(hello, /self-test workspace/);
  await vscode.workspace.fs.writeFile(vscode.Uri.joinPath(folder, 'written-by-suite.txt'), new TextEncoder().encode('x'));

  const extension = vscode.extensions.getExtension('cellbridge.cellbridge-harness-selftest');
  assert.ok(extension, 'the extension under development is loaded');
  await extension.activate();
  assert.equal(path.basename(extension.extensionPath), 'extension');

  console.log('selftest: vscode %s', vscode.version);
  console.log('selftest: env token %s', process.env.CELLBRIDGE_SELFTEST_TOKEN);
  console.log('  %s %s', '\u001b[32m✔\u001b[0m', 'selftest: mocha-style line');
  console.log('selftest: first of two\nselftest: second of two');
  process.stdout.write('selftest: raw stdout write\n');
  console.log('selftest: pass');
};
