import * as assert from 'node:assert/strict';
import { after, describe, it } from 'mocha';
import * as vscode from 'vscode';
import { assertValidNbformat } from '../../shared/nbformatValidation';
import { closeAllEditors, EXTENSION_ID, endedSince, errorOf, STDOUT_MIME, textOf, waitFor, workspaceUri } from './notebooks';

// cells.py: three `# %%` cells; the third defines broken() on file lines 8-9 and calls it on line 11.
describe('the interactive window', () => {
  after(closeAllEditors);

  async function runCell(file: vscode.Uri, index: number): Promise<vscode.NotebookCell> {
    const since = Date.now();
    const windowUri = await vscode.commands.executeCommand<vscode.Uri | undefined>('cellbridge.runCurrentCell', file, index);
    assert.ok(windowUri, 'the code went to an interactive window');
    const window = vscode.workspace.notebookDocuments.find((doc) => doc.uri.toString() === windowUri.toString());
    assert.ok(window && window.notebookType === 'interactive');
    const cell = window.cellAt(window.cellCount - 1);
    await waitFor(() => endedSince(cell, since), `cell ${index} of cells.py to end in the interactive window`);
    return cell;
  }

  it('runs the cells of a .py file, echoed as input cells, with state kept between runs; errors link back to the file', async () => {
    const file = workspaceUri('cells.py');
    const editor = await vscode.window.showTextDocument(file);
    await vscode.extensions.getExtension(EXTENSION_ID)!.activate();

    const first = await runCell(file, 0);
    assert.equal(first.document.getText(), 'x = 40', 'the code is echoed as the input cell');
    const second = await runCell(file, 1);
    assert.equal(second.notebook, first.notebook, 'one window per file');
    assert.equal(textOf(second, STDOUT_MIME), '42\n', 'x survived from the earlier run');

    const failing = await runCell(file, 2);
    assert.equal(failing.executionSummary?.success, false);
    assert.equal(errorOf(failing)?.name, 'ZeroDivisionError');

    // What a click on "Cell In[3], line 2, in broken()" does: line 2 of that cell is line 9 of cells.py.
    await vscode.window.showNotebookDocument(failing.notebook);
    await vscode.commands.executeCommand('cellbridge.revealTracebackFrame', { type: 'cellbridge.revealFrame', executionCount: failing.executionSummary?.executionOrder, line: 2 });
    await waitFor(() => vscode.window.activeTextEditor?.document.uri.toString() === file.toString() && vscode.window.activeTextEditor, 'cells.py to be revealed');
    assert.equal(vscode.window.activeTextEditor!.selection.active.line + 1, 9);

    // Run Selection/Line: the current line of the file.
    await vscode.window.showTextDocument(editor.document);
    vscode.window.activeTextEditor!.selection = new vscode.Selection(4, 0, 4, 0);
    const since = Date.now();
    await vscode.commands.executeCommand('cellbridge.runSelection');
    const window = first.notebook;
    const line = window.cellAt(window.cellCount - 1);
    assert.equal(line.document.getText(), 'print(x + 2)');
    await waitFor(() => endedSince(line, since), 'the line to run');
    assert.equal(textOf(line, STDOUT_MIME), '42\n');

    // Export: code and outputs, as standard nbformat.
    await vscode.window.showNotebookDocument(window);
    const target = workspaceUri('exported.ipynb');
    await vscode.commands.executeCommand('cellbridge.exportInteractive', target);
    const exported = JSON.parse(new TextDecoder().decode(await vscode.workspace.fs.readFile(target))) as { cells: { source: string[]; outputs: { output_type: string; text?: string[] }[] }[] };
    // Saved as Jupyter saves: multi-line text as lists of lines.
    assert.deepEqual(
      exported.cells.map((cell) => cell.source.join('')),
      ['x = 40', 'print(x + 2)', 'def broken():\n    return 1 / 0\n\nbroken()', 'print(x + 2)'],
    );
    assert.deepEqual(exported.cells[1]!.outputs[0]!.text, ['42\n']);
    assert.equal(exported.cells[2]!.outputs[0]!.output_type, 'error');
    assertValidNbformat(target.fsPath);
  });

  it('Run Above, Clear and Restart work in the interactive window', async () => {
    const file = workspaceUri('cells.py');
    await vscode.window.showTextDocument(file);
    let since = Date.now();
    const windowUri = await vscode.commands.executeCommand<vscode.Uri>('cellbridge.runAbove', file, 2);
    const window = vscode.workspace.notebookDocuments.find((doc) => doc.uri.toString() === windowUri.toString())!;
    const last = window.cellAt(window.cellCount - 1);
    assert.equal(last.document.getText(), 'print(x + 2)', 'the cells above the third, in order');
    await waitFor(() => endedSince(last, since), 'the cells above to run');
    assert.equal(textOf(last, STDOUT_MIME), '42\n');

    await vscode.window.showNotebookDocument(window);
    await vscode.commands.executeCommand('cellbridge.clearInteractive');
    await waitFor(() => window.cellCount === 0, 'the window to be cleared');
    await vscode.commands.executeCommand('cellbridge.restartKernel');
    since = Date.now();
    await vscode.commands.executeCommand('cellbridge.runCurrentCell', file, 1);
    const after = window.cellAt(window.cellCount - 1);
    await waitFor(() => endedSince(after, since), 'the cell to run on the restarted kernel');
    assert.equal(errorOf(after)?.name, 'NameError', 'the restart dropped x');
  });
});
