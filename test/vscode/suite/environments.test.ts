import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, realpathSync, symlinkSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { after, describe, it } from 'mocha';
import * as vscode from 'vscode';
import { closeAllEditors, endedSince, EXTENSION_ID, openNotebook, STDOUT_MIME, textOf, waitFor, workspaceUri } from './notebooks';

/** Where the cell runs: its environment's prefix as Python reached it, the activation subprocesses see, ipykernel's version. */
const WHERE_AM_I = 'import sys, os, ipykernel\nprint(sys.prefix, os.environ.get("VIRTUAL_ENV"), ipykernel.__version__, sep="\\n")';

/** A notebook as Jupyter saves one for the generic `python3` kernelspec, with one cell. */
function savedNotebook(source: string): string {
  return JSON.stringify({
    nbformat: 4,
    nbformat_minor: 5,
    metadata: { kernelspec: { name: 'python3', display_name: 'Python 3 (ipykernel)', language: 'python' }, language_info: { name: 'python' } },
    cells: [{ cell_type: 'code', id: 'where', metadata: {}, execution_count: null, outputs: [], source }],
  });
}

function repo(): string {
  return vscode.extensions.getExtension(EXTENSION_ID)!.extensionPath;
}

/** Runs the notebook's first cell and returns its stdout lines; `whileWaiting` is called until it ends. */
async function runFirstCell(notebook: vscode.NotebookDocument, timeoutMs: number, whileWaiting?: (ended: () => boolean) => Promise<void>): Promise<string[]> {
  const since = Date.now();
  await vscode.commands.executeCommand('notebook.cell.execute', { ranges: [{ start: 0, end: 1 }], document: notebook.uri });
  const ended = (): boolean => endedSince(notebook.cellAt(0), since);
  await whileWaiting?.(ended);
  await waitFor(ended, 'the cell to end', timeoutMs);
  const cell = notebook.cellAt(0);
  assert.equal(cell.executionSummary?.success, true, JSON.stringify(cell.outputs.map((o) => o.items.map((i) => new TextDecoder().decode(i.data)))));
  return textOf(cell, STDOUT_MIME).trim().split('\n');
}

describe('Python environments', () => {
  after(closeAllEditors);

  it("a notebook saved for python3 in a project with a .venv runs in that .venv, with no picker", async () => {
    const project = workspaceUri('venv-project').fsPath;
    mkdirSync(project);
    // The project's .venv is the test's current-stack venv (ipykernel 7.4), under the name users give it.
    symlinkSync(path.join(repo(), '.test-venvs', 'current'), path.join(project, '.venv'));
    writeFileSync(path.join(project, 'analysis.ipynb'), savedNotebook(WHERE_AM_I));
    const opening = Date.now();
    const notebook = await openNotebook('venv-project/analysis.ipynb');
    // The notebook's folder is searched once it opens; this waits for that search and its selection.
    await vscode.commands.executeCommand('cellbridge.refreshKernels');
    const [prefix, virtualEnv, version] = await runFirstCell(notebook, 90_000);
    console.log(`[measure] .venv notebook: open → first cell done in ${Date.now() - opening} ms (kernel start included)`);
    assert.equal(prefix, path.join(project, '.venv'));
    assert.equal(virtualEnv, path.join(project, '.venv'), 'the kernel runs with the venv activated');
    assert.match(version ?? '', /^7\./);
    // Saved, the notebook says what it ran on in a form Jupyter can run and CellBridge maps back to the .venv.
    await notebook.save();
    const saved = JSON.parse(readFileSync(path.join(project, 'analysis.ipynb'), 'utf8')) as { metadata: { kernelspec: { name: string; display_name: string; language: string } } };
    assert.equal(saved.metadata.kernelspec.name, 'python3');
    assert.equal(saved.metadata.kernelspec.language, 'python');
    assert.match(saved.metadata.kernelspec.display_name, /^\.venv \(Python \d+\.\d+\.\d+\)$/);
  });

  it("the user's pick of another kernel for that notebook is remembered when it opens again", async () => {
    const notebook = await openNotebook('venv-project/analysis.ipynb');
    await vscode.commands.executeCommand('notebook.selectKernel', { id: 'cellbridge.kernelspec.python3', extension: EXTENSION_ID });
    const [picked] = await runFirstCell(notebook, 60_000);
    assert.equal(picked, '/usr', "the pick runs on Debian's python3");
    await closeAllEditors();
    const reopened = await openNotebook('venv-project/analysis.ipynb');
    await vscode.commands.executeCommand('cellbridge.refreshKernels');
    const [again] = await runFirstCell(reopened, 60_000);
    assert.equal(again, '/usr', 'still the pick, not the .venv');
  });

  it('the interactive window of a .py file in that project uses the same .venv', async () => {
    const file = workspaceUri('venv-project/explore.py');
    writeFileSync(file.fsPath, `# %%\n${WHERE_AM_I}\n`);
    await vscode.window.showTextDocument(file);
    const since = Date.now();
    const windowUri = await vscode.commands.executeCommand<vscode.Uri | undefined>('cellbridge.runCurrentCell', file, 0);
    const window = vscode.workspace.notebookDocuments.find((doc) => doc.uri.toString() === windowUri?.toString());
    assert.ok(window, 'the code went to an interactive window');
    const cell = window.cellAt(window.cellCount - 1);
    await waitFor(() => endedSince(cell, since), 'the interactive cell to end', 90_000);
    assert.equal(textOf(cell, STDOUT_MIME).split('\n')[0], path.join(workspaceUri('venv-project').fsPath, '.venv'));
  });

  it('an environment without ipykernel is offered the install, and then runs', async function () {
    // pip installs ipykernel and its dependencies from the configured index: tens of seconds.
    this.timeout(300_000);
    const project = workspaceUri('bare-project').fsPath;
    mkdirSync(project);
    // A venv as `python3 -m venv .venv` makes it: pip, and nothing else.
    const python = execFileSync('python3', ['-c', 'import sys; print(sys.executable)'], { encoding: 'utf8' }).trim();
    execFileSync(python, ['-m', 'venv', path.join(project, '.venv')]);
    writeFileSync(path.join(project, 'first.ipynb'), savedNotebook(WHERE_AM_I));
    const notebook = await openNotebook('bare-project/first.ipynb');
    await vscode.commands.executeCommand('cellbridge.refreshKernels');
    // The offer is a quick pick whose first item installs; accepting it is what a person's Enter does.
    const [prefix, , version] = await runFirstCell(notebook, 240_000, async (ended) => {
      // The API cannot see the quick pick; accepting when none is open does nothing.
      const deadline = Date.now() + 240_000;
      while (!ended() && Date.now() < deadline) {
        await vscode.commands.executeCommand('workbench.action.acceptSelectedQuickOpenItem');
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
    });
    assert.equal(realpathSync(prefix!), realpathSync(path.join(project, '.venv')));
    assert.match(version ?? '', /^\d+\./, 'ipykernel is now in the venv');
  });
});
