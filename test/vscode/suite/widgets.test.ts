import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import { after, describe, it } from 'mocha';
import { closeAllEditors, openNotebook, runCells, selectController, STDOUT_MIME, text, textOf } from './notebooks';

// Jupyter widgets as the extension host sees them, on the current stack's kernel (ipywidgets 8.1.9; the
// harness puts its kernelspec on JUPYTER_PATH). The widget renderer runs for real in the notebook's webview:
// the jslink between two sliders lives there, so a value the kernel reads back through it was set by the
// client side and reached the kernel through the extension's relay.

const CURRENT_STACK_CONTROLLER = 'cellbridge.kernelspec.python3-current';
const WIDGET_VIEW_MIME = 'application/vnd.jupyter.widget-view+json';
const WIDGET_STATE_MIME = 'application/vnd.jupyter.widget-state+json';

interface SavedModel {
  model_name: string;
  state: Record<string, unknown>;
}

describe('Jupyter widgets', () => {
  after(closeAllEditors);

  it("a jslink and a jsdlink in the renderer set sliders' values, which reach the kernel; an Output widget captures a print; both are saved in the file", async () => {
    const notebook = await openNotebook('widgets.ipynb');
    await selectController(CURRENT_STACK_CONTROLLER);
    await runCells(notebook, [0], [0], 120_000);
    const view = notebook.cellAt(0).outputs.flatMap((output) => output.items).find((item) => item.mime === WIDGET_VIEW_MIME);
    assert.ok(view, `the HBox is a widget view: ${notebook.cellAt(0).outputs.map((o) => o.items.map((i) => i.mime)).join()}`);
    assert.match(text(view).replace(/\s/g, ''), /"model_id":"[0-9a-f]{32}"/);

    // `a` changes in the kernel; only the renderer's link models can carry the change over to `b` and `c`.
    await runCells(notebook, [1]);
    // The renderer's update travels after the cell: read again until it has arrived.
    let seen = '';
    for (const deadline = Date.now() + 60_000; ; ) {
      await runCells(notebook, [2]);
      seen = textOf(notebook.cellAt(2), STDOUT_MIME);
      if (seen === '9 9\n' || Date.now() > deadline) break;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    assert.equal(seen, '9 9\n', "the kernel reads b.value and c.value 9, set by the renderer's jslink and jsdlink");

    // What `with out:` prints goes to the widget (its outputs, synced to the kernel), not to the cell.
    await runCells(notebook, [3, 4]);
    assert.equal(textOf(notebook.cellAt(3), STDOUT_MIME), '', 'the print is not in the cell');
    assert.ok(notebook.cellAt(3).outputs.some((output) => output.items.some((item) => item.mime === WIDGET_VIEW_MIME)), 'the cell shows the Output widget');
    assert.equal(textOf(notebook.cellAt(4), STDOUT_MIME), "['captured by out\\n']\n", 'the kernel knows what the widget captured');

    // Saved: the models and their last values go into the file's metadata.
    assert.ok(await notebook.save(), 'the notebook saved');
    const saved = JSON.parse(await fs.readFile(notebook.uri.fsPath, 'utf8')) as { metadata: { widgets?: Record<string, { state: Record<string, SavedModel> }>; language_info?: { version?: string } }; cells: Array<{ execution_count: number | null }> };
    const counts = notebook.getCells().map((cell) => cell.executionSummary?.executionOrder);
    assert.ok(counts.every((count) => typeof count === 'number'), `every cell ran: ${JSON.stringify(counts)}`);
    assert.deepEqual(saved.cells.map((cell) => cell.execution_count), counts, 'the execution counts are saved');
    assert.match(saved.metadata.language_info?.version ?? '', /^3\.\d+/, "the kernel's language_info is recorded");
    const models = Object.values(saved.metadata.widgets?.[WIDGET_STATE_MIME]?.state ?? {});
    const slider = (description: string) => models.find((model) => model.model_name === 'IntSliderModel' && model.state.description === description);
    assert.equal(slider('a')?.state.value, 9);
    assert.equal(slider('b')?.state.value, 9);
    assert.equal(slider('c')?.state.value, 9);
    assert.ok(models.some((model) => model.model_name === 'LinkModel'), 'the link is saved');
    assert.ok(models.some((model) => model.model_name === 'DirectionalLinkModel'), 'the directional link is saved');
    const output = models.find((model) => model.model_name === 'OutputModel');
    assert.deepEqual(output?.state.outputs, [{ output_type: 'stream', name: 'stdout', text: 'captured by out\n' }]);
    // The view in the saved cell names a model that the file holds.
    const viewId = (JSON.parse(text(view)) as { model_id: string }).model_id;
    assert.ok(saved.metadata.widgets?.[WIDGET_STATE_MIME]?.state[viewId], 'the shown HBox is among the saved models');

    // Reopened: the counts come back from the file.
    await closeAllEditors();
    const reopened = await openNotebook('widgets.ipynb');
    assert.deepEqual(reopened.getCells().map((cell) => cell.executionSummary?.executionOrder), counts);
  });
});
