import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'mocha';
import * as vscode from 'vscode';
import { closeAllEditors, ERROR_MIME, errorOf, mimesOf, openNotebook, runAll, runCells, selectController, STDERR_MIME, STDOUT_MIME, text, textOf, waitFor } from './notebooks';

describe('notebook outputs', () => {
  before(async () => {
    const extension = vscode.extensions.getExtension('cellbridge.cellbridge');
    assert.ok(extension, 'CellBridge is loaded in this VS Code');
  });
  after(closeAllEditors);

  it('the seed example runs without a picker: the saved kernelspec picks our controller', async () => {
    const notebook = await openNotebook('seed.ipynb');
    // No selectController(): the notebook's kernelspec (python3) makes ours the preferred controller.
    const since = await runAll(notebook, [0, 1, 2, 3], 90_000);
    const [value, streams, raised, plot] = notebook.getCells();
    assert.equal(textOf(value!, 'text/plain'), '123');
    assert.equal(value!.outputs[0]!.metadata?.outputType, 'execute_result');
    assert.equal(textOf(streams!, STDOUT_MIME), '123\n');
    assert.equal(textOf(streams!, STDERR_MIME), '123');
    assert.equal(raised!.executionSummary?.success, false);
    assert.match(errorOf(raised!)?.message ?? '', /This exception doesn't interrupt cell execution/);
    // Tagged raises-exception, so the queue went on to the plot.
    assert.equal(plot!.executionSummary?.success, true);
    const png = plot!.outputs.flatMap((o) => o.items).find((item) => item.mime === 'image/png');
    assert.ok(png, 'the plot cell shows a PNG');
    assert.deepEqual([...png.data.slice(0, 4)], [0x89, 0x50, 0x4e, 0x47]);
    assert.deepEqual(
      notebook.getCells().map((cell) => cell.executionSummary?.executionOrder),
      [1, 2, 3, 4],
    );
    // Saved, the file holds the counts (VS Code's ipynb serializer takes them from what the controller set).
    assert.ok(await notebook.save(), 'the notebook saved');
    const saved = JSON.parse(readFileSync(notebook.uri.fsPath, 'utf8')) as { cells: Array<{ execution_count: number | null }> };
    assert.deepEqual(saved.cells.map((cell) => cell.execution_count), [1, 2, 3, 4], 'the saved execution counts');
    for (const cell of notebook.getCells()) {
      const timing = cell.executionSummary?.timing;
      assert.ok(timing && timing.startTime >= since - 1 && timing.endTime >= timing.startTime, `cell ${cell.index + 1} has its timing`);
    }
  });

  it('streams merge per name, \\r and \\b rewrite the line, and 20,000 lines arrive in a few edits', async () => {
    const notebook = await openNotebook('streams.ipynb');
    await selectController();
    await runCells(notebook, [0, 1, 2]);
    const [mixed, rewritten, many] = notebook.getCells();
    assert.deepEqual(
      mixed!.outputs.map((o) => mimesOf(o)[0]),
      [STDOUT_MIME, STDERR_MIME, STDOUT_MIME],
    );
    assert.equal(textOf(mixed!, STDOUT_MIME), 'out 1\nout 2\n');
    assert.equal(textOf(rewritten!, STDOUT_MIME), 'step 4\nabX\n');
    const lines = textOf(many!, STDOUT_MIME).split('\n');
    assert.equal(lines.length, 20_001);
    assert.equal(lines[19_999], 'line 19999');
    assert.equal(many!.outputs.length, 1, 'one stream output');
    // Coalesced: one item per write, not one per message the kernel sent.
    assert.ok(many!.outputs[0]!.items.length < 200, `${many!.outputs[0]!.items.length} items`);
  });

  it('a MIME bundle is ordered richest first, images are bytes, JSON is JSON, metadata is kept', async () => {
    const notebook = await openNotebook('rich.ipynb');
    await selectController();
    await runCells(notebook, [0, 1]);
    const [bundle, result] = notebook.getCells();
    const output = bundle!.outputs[0]!;
    assert.deepEqual(mimesOf(output), ['application/vnd.custom+json', 'text/html', 'image/png', 'application/json', 'text/plain']);
    assert.equal(output.metadata?.outputType, 'display_data');
    assert.deepEqual((output.metadata?.metadata as Record<string, unknown>)['image/png'], { width: 10 });
    const png = output.items.find((item) => item.mime === 'image/png')!;
    assert.deepEqual([...png.data.slice(0, 4)], [0x89, 0x50, 0x4e, 0x47]);
    assert.deepEqual(JSON.parse(text(output.items.find((item) => item.mime === 'application/json')!)), { a: 1 });
    assert.equal(textOf(result!, 'text/plain'), '42');
    assert.equal(result!.outputs[0]!.metadata?.executionCount, result!.executionSummary?.executionOrder);
  });

  it('update_display_data replaces the output in an earlier cell, 1,000 times over, and clear_output(wait) leaves one frame', async () => {
    const notebook = await openNotebook('displays.ipynb');
    await selectController();
    await runCells(notebook, [0, 1]);
    const shown = notebook.cellAt(0);
    assert.equal(textOf(shown, 'text/plain'), "'second'");
    assert.equal(textOf(notebook.cellAt(1), 'text/plain'), '', 'the updating cell shows nothing itself');
    await runCells(notebook, [2]);
    await waitFor(() => textOf(shown, 'text/plain') === "'update 999'", 'the last update in cell 1');
    assert.equal(shown.outputs.length, 1);
    // The earlier cell keeps its own execution order and success after being rewritten.
    assert.equal(shown.executionSummary?.success, true);
    await runCells(notebook, [3]);
    const frames = notebook.cellAt(3);
    assert.equal(frames.outputs.length, 1);
    assert.equal(textOf(frames, STDOUT_MIME), 'frame 2\n');
  });

  it('an error ends the cell unsuccessfully with the error output, and cancels the cells queued after it', async () => {
    const notebook = await openNotebook('errors.ipynb');
    await selectController();
    const since = Date.now();
    await runAll(notebook, [0, 1]);
    const [ok, failing, after] = notebook.getCells();
    assert.equal(ok!.executionSummary?.success, true);
    assert.equal(failing!.executionSummary?.success, false);
    const error = errorOf(failing!);
    assert.equal(error?.name, 'ZeroDivisionError');
    assert.equal(error?.message, 'division by zero');
    // eslint-disable-next-line no-control-regex
    assert.match((error?.stack ?? '').replace(/\u001b\[[0-9;]*m/g, ''), /----> 3 fails\(\)/);
    assert.equal(failing!.outputs[0]!.items[0]!.mime, ERROR_MIME);
    const original = failing!.outputs[0]!.metadata?.originalError as { ename: string; traceback: string[] };
    assert.equal(original.ename, 'ZeroDivisionError', 'nbformat error kept for saving');
    await new Promise((resolve) => setTimeout(resolve, 500));
    assert.ok(!((after!.executionSummary?.timing?.endTime ?? 0) >= since), 'the cell after the error did not run');
    assert.equal(after!.outputs.length, 0);
    // Saved, the error is standard nbformat again, so Jupyter and other tools read it.
    await notebook.save();
    const saved = JSON.parse(new TextDecoder().decode(await vscode.workspace.fs.readFile(notebook.uri))) as { cells: { outputs: Record<string, unknown>[] }[] };
    const [savedError] = saved.cells[1]!.outputs;
    assert.equal(savedError?.output_type, 'error');
    assert.equal(savedError?.ename, 'ZeroDivisionError');
    assert.equal(savedError?.evalue, 'division by zero');
    assert.ok(Array.isArray(savedError?.traceback) && (savedError.traceback as string[]).some((line) => line.includes('\u001b[')), 'the traceback keeps its lines and colours');
  });
});
