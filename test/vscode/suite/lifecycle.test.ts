import * as assert from 'node:assert/strict';
import { after, describe, it } from 'mocha';
import * as vscode from 'vscode';
import { answerInputBox, closeAllEditors, endedSince, errorOf, errorsOf, openNotebook, runAll, runCells, selectController, STDOUT_MIME, textOf, waitFor, workspaceUri } from './notebooks';

describe('kernel life cycle', () => {
  after(closeAllEditors);

  it('input() asks through an input box and the cell goes on with the answer; dismissing it ends the cell clearly', async () => {
    const notebook = await openNotebook('stdin.ipynb');
    await selectController();
    const cell = notebook.cellAt(0);
    let since = Date.now();
    await vscode.commands.executeCommand('notebook.cell.execute', { ranges: [{ start: 0, end: 1 }], document: notebook.uri });
    await answerInputBox('accept', () => endedSince(cell, since));
    assert.equal(cell.executionSummary?.success, true);
    assert.equal(textOf(cell, STDOUT_MIME), "got ''\n");

    since = Date.now();
    await vscode.commands.executeCommand('notebook.cell.execute', { ranges: [{ start: 0, end: 1 }], document: notebook.uri });
    await answerInputBox('dismiss', () => endedSince(cell, since));
    assert.equal(cell.executionSummary?.success, false);
    // The kernel's own KeyboardInterrupt (input() was interrupted) comes first, then why it was.
    assert.deepEqual(
      errorsOf(cell).map((error) => error.name),
      ['KeyboardInterrupt', 'InputCancelledError'],
    );
    assert.match(errorsOf(cell)[1]!.message, /input prompt \("Your name: "\) was dismissed/);
  });

  it('a blank cell is not sent to the kernel: no [N], its old outputs cleared, and the count goes on after it', async () => {
    const cell = (source: string, outputs: object[] = [], count: number | null = null): object => ({ cell_type: 'code', source, metadata: {}, outputs, execution_count: count });
    const old = { output_type: 'stream', name: 'stdout', text: 'from an earlier run\n' };
    const file = workspaceUri('blank-cells.ipynb');
    const content = { nbformat: 4, nbformat_minor: 4, metadata: { kernelspec: { name: 'python3', display_name: 'Python 3', language: 'python' } }, cells: [cell('1'), cell('   \n', [old], 5), cell('2')] };
    await vscode.workspace.fs.writeFile(file, new TextEncoder().encode(JSON.stringify(content)));
    const notebook = await openNotebook('blank-cells.ipynb');
    await selectController();
    assert.equal(notebook.cellAt(1).executionSummary?.executionOrder, 5, 'the saved [5] shows before the run');
    await runAll(notebook, [0, 1, 2]);
    assert.deepEqual(notebook.getCells().map((c) => c.executionSummary?.executionOrder), [1, undefined, 2]);
    assert.equal(notebook.cellAt(1).outputs.length, 0);
    assert.equal(notebook.cellAt(1).executionSummary?.success, undefined, 'neither passed nor failed: nothing ran');
  });

  it('interrupt stops a sleeping cell with KeyboardInterrupt; the kernel keeps its state', async () => {
    const notebook = await openNotebook('lifecycle.ipynb');
    await selectController();
    await runCells(notebook, [1]);
    const sleeper = notebook.cellAt(0);
    const since = Date.now();
    await vscode.commands.executeCommand('notebook.cell.execute', { ranges: [{ start: 0, end: 1 }], document: notebook.uri });
    await waitFor(() => textOf(sleeper, STDOUT_MIME).includes('sleeping'), 'the cell to start sleeping');
    await vscode.commands.executeCommand('notebook.cancelExecution', notebook.uri);
    await waitFor(() => endedSince(sleeper, since), 'the interrupted cell to end', 15_000);
    assert.equal(sleeper.executionSummary?.success, false);
    assert.equal(errorOf(sleeper)?.name, 'KeyboardInterrupt');
    await runCells(notebook, [2]);
    assert.equal(textOf(notebook.cellAt(2), STDOUT_MIME), '42\n', 'x survived the interrupt');
  });

  it('restart starts a fresh kernel: variables are gone and counting starts again', async () => {
    const notebook = await openNotebook('lifecycle.ipynb');
    await selectController();
    await runCells(notebook, [1, 2]);
    assert.equal(textOf(notebook.cellAt(2), STDOUT_MIME), '42\n');
    await vscode.commands.executeCommand('cellbridge.restartKernel');
    await runCells(notebook, [2]);
    const cell = notebook.cellAt(2);
    assert.equal(errorOf(cell)?.name, 'NameError');
    assert.equal(cell.executionSummary?.executionOrder, 1);
  });

  it("kernel start: opening a notebook starts a fork server and a Run's kernel is forked from it (not the extension host's child); with cellbridge.kernelStart spawn it is spawned", async () => {
    const source = { nbformat: 4, nbformat_minor: 4, metadata: { kernelspec: { name: 'python3', display_name: 'Python 3', language: 'python' } }, cells: [{ cell_type: 'code', execution_count: null, metadata: {}, outputs: [], source: 'import os\nprint(os.getppid())' }] };
    await vscode.workspace.fs.writeFile(workspaceUri('fork.ipynb'), new TextEncoder().encode(JSON.stringify(source)));
    const notebook = await openNotebook('fork.ipynb');
    await selectController();
    const parentOfKernel = async (): Promise<number> => {
      await runCells(notebook, [0]);
      return Number(textOf(notebook.cellAt(0), STDOUT_MIME).trim());
    };
    // The server takes a second or two to start (longer on a loaded machine); a Run before that spawns, so restart until one is forked.
    let parent = await parentOfKernel();
    for (const deadline = Date.now() + 60_000; parent === process.pid && Date.now() < deadline; parent = await parentOfKernel()) {
      await new Promise((resolve) => setTimeout(resolve, 1000));
      await vscode.commands.executeCommand('cellbridge.restartKernel');
    }
    assert.notEqual(parent, process.pid, "the kernel's parent is the fork server, not the extension host");
    const configuration = vscode.workspace.getConfiguration('cellbridge');
    await configuration.update('kernelStart', 'spawn', vscode.ConfigurationTarget.Global);
    try {
      await vscode.commands.executeCommand('cellbridge.restartKernel');
      assert.equal(await parentOfKernel(), process.pid, 'spawned by the extension host');
    } finally {
      await configuration.update('kernelStart', undefined, vscode.ConfigurationTarget.Global);
    }
  });

  it('a kernel that dies fails its cell with a clear error, and the next run gets a new kernel', async () => {
    const notebook = await openNotebook('lifecycle.ipynb');
    await selectController();
    await runCells(notebook, [3]);
    const died = notebook.cellAt(3);
    assert.equal(died.executionSummary?.success, false);
    const error = errorOf(died);
    assert.equal(error?.name, 'KernelDiedError');
    assert.match(error?.message ?? '', /The kernel died \(exit code 3\)/);
    await runCells(notebook, [1, 2]);
    assert.equal(textOf(notebook.cellAt(2), STDOUT_MIME), '42\n');
    assert.equal(notebook.cellAt(1).executionSummary?.executionOrder, 1, 'a new kernel counts from 1');
  });

  it('a cell that ignores the interrupt keeps running (a restart is offered), and a restart stops it', async () => {
    const notebook = await openNotebook('lifecycle.ipynb');
    await selectController();
    const stubborn = notebook.cellAt(4);
    const since = Date.now();
    await vscode.commands.executeCommand('notebook.cell.execute', { ranges: [{ start: 4, end: 5 }], document: notebook.uri });
    await waitFor(() => textOf(stubborn, STDOUT_MIME).includes('stubborn'), 'the cell to start');
    await vscode.commands.executeCommand('notebook.cancelExecution', notebook.uri);
    await new Promise((resolve) => setTimeout(resolve, 2000));
    assert.ok(!endedSince(stubborn, since), 'SIGINT is ignored: the cell still runs');
    await vscode.commands.executeCommand('cellbridge.restartKernel');
    await waitFor(() => endedSince(stubborn, since), 'the cell to end with the restart', 15_000);
    assert.equal(stubborn.executionSummary?.success, false);
    assert.match(errorOf(stubborn)?.message ?? '', /shut down while the cell ran/);
    await runCells(notebook, [1, 2]);
    assert.equal(textOf(notebook.cellAt(2), STDOUT_MIME), '42\n', 'the new kernel runs cells');
  });
});
