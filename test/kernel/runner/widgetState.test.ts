import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { WIDGET_STATE_MIME, type SavedWidgetModel, type WidgetStateMetadata } from '../../../src/core/outputs/widgetState';
import { assertValidNbformat } from '../../shared/nbformatValidation';
import { runCli } from '../helpers/cli';
import { useCurrentStackKernel } from '../helpers/currentStack';
import { TestJupyterServer } from '../helpers/jupyterServer';
import { assertNotebookOutputsMatch, type NotebookWithOutputs, writeClearedCopy } from '../helpers/nbclientNormalisation';

/**
 * Jupyter widgets and other comms through `cellbridge run --output`, on a kernel with the current Jupyter
 * stack: nbclient's JupyterWidgets.ipynb and "Other Comms.ipynb" must give their stored outputs, and the
 * executed notebook must carry the widget state (metadata.widgets) a viewer needs without a kernel.
 */
const IPY_MODEL = 'IPY_MODEL_';

interface SavedNotebook extends NotebookWithOutputs {
  metadata: { widgets?: Record<string, WidgetStateMetadata> };
  cells: Array<{ cell_type: string; execution_count?: number | null; outputs?: Array<{ data?: Record<string, unknown> }> }>;
}

let kernel: string;
const work = mkdtempSync(path.join(os.tmpdir(), 'cellbridge-widgets-'));
before(() => {
  kernel = useCurrentStackKernel();
});
after(() => rmSync(work, { recursive: true, force: true }));

/** Runs a file with --output and checks what every run must satisfy; returns the written notebook. */
async function runToNotebook(input: string, extraArgs: string[] = []): Promise<{ notebook: SavedNotebook; stderr: string; statuses: string[] }> {
  const output = path.join(work, `executed-${path.basename(input, path.extname(input))}.ipynb`);
  const result = await runCli(['run', input, '--kernel', kernel, '--output', output, ...extraArgs], { cwd: work });
  assert.deepEqual(result.leftovers, []);
  const response = JSON.parse(result.stdout) as { status: string; message: string; cells: Array<{ status: string }> };
  assert.notEqual(response.status, 'SandboxError', `${response.message}\n${result.stderr}`);
  assertValidNbformat(output);
  const notebook = JSON.parse(readFileSync(output, 'utf8')) as SavedNotebook;
  return { notebook, stderr: result.stderr, statuses: response.cells.map((cell) => cell.status) };
}

/** The widget state in the notebook, checked against @jupyter-widgets/schema's v2/state.schema.json by hand. */
function widgetStateOf(notebook: SavedNotebook): Record<string, SavedWidgetModel> {
  const saved = notebook.metadata.widgets?.[WIDGET_STATE_MIME];
  assert.ok(saved, 'metadata.widgets holds the widget state');
  assert.equal(saved.version_major, 2);
  assert.equal(saved.version_minor, 0);
  for (const [id, model] of Object.entries(saved.state)) {
    assert.equal(typeof model.model_name, 'string', `${id}.model_name`);
    assert.equal(typeof model.model_module, 'string', `${id}.model_module`);
    assert.equal(typeof model.model_module_version, 'string', `${id}.model_module_version`);
    assert.ok(typeof model.state === 'object' && model.state !== null && !Array.isArray(model.state), `${id}.state is an object`);
    for (const buffer of model.buffers ?? []) {
      assert.equal(buffer.encoding, 'base64', `${id}.buffers[].encoding`);
      assert.equal(typeof buffer.data, 'string', `${id}.buffers[].data`);
      assert.ok(Array.isArray(buffer.path) && buffer.path.every((p) => typeof p === 'string' || typeof p === 'number'), `${id}.buffers[].path`);
    }
  }
  return saved.state;
}

function modelsNamed(state: Record<string, SavedWidgetModel>, name: string): Array<[string, SavedWidgetModel]> {
  return Object.entries(state).filter(([, model]) => model.model_name === name);
}

function viewModelIds(notebook: SavedNotebook): string[] {
  return notebook.cells.flatMap((cell) =>
    (cell.outputs ?? []).flatMap((output) => {
      const view = output.data?.['application/vnd.jupyter.widget-view+json'] as { model_id?: unknown } | undefined;
      return typeof view?.model_id === 'string' ? [view.model_id] : [];
    }),
  );
}

describe('Jupyter widgets and comms through cellbridge run --output', () => {
  test("nbclient's JupyterWidgets.ipynb: stored outputs and counts, and the Label's state saved for viewers", { timeout: 120_000 }, async () => {
    const { input, expected } = writeClearedCopy<SavedNotebook>('JupyterWidgets.ipynb', work);
    const { notebook, stderr, statuses } = await runToNotebook(input, ['--stop-on-error']);
    assert.deepEqual(statuses, ['ok', 'ok'], stderr);
    assertNotebookOutputsMatch(expected, notebook);

    const state = widgetStateOf(notebook);
    const labels = modelsNamed(state, 'LabelModel');
    assert.equal(labels.length, 1, 'one Label');
    const [labelId, label] = labels[0]!;
    assert.equal(label.state.value, 'Hello World');
    assert.equal(label.model_module, '@jupyter-widgets/controls');
    for (const ref of ['layout', 'style']) {
      const value = label.state[ref];
      assert.ok(typeof value === 'string' && value.startsWith(IPY_MODEL), `the Label's ${ref} is a model reference: ${String(value)}`);
      assert.ok(state[value.slice(IPY_MODEL.length)], `the Label's ${ref} (${value}) is a model in the saved state`);
    }
    assert.deepEqual(viewModelIds(notebook), [labelId], 'the displayed view shows the saved Label');
  });

  test('nbclient\'s "Other Comms.ipynb": a comm nobody handles gives no output, no error, no noise, and no widget state', { timeout: 120_000 }, async () => {
    const { input, expected } = writeClearedCopy<SavedNotebook>('Other Comms.ipynb', work);
    const { notebook, stderr, statuses } = await runToNotebook(input, ['--stop-on-error']);
    assert.deepEqual(statuses, ['ok', 'ok', 'ok'], stderr);
    assert.equal(stderr, '', 'nothing on stderr');
    assertNotebookOutputsMatch(expected, notebook);
    assert.equal(notebook.metadata.widgets, undefined, 'a non-widget comm is not saved as a widget');
  });

  test('an Output widget: what its `with` block printed is saved in its state, not in the cell, as nbclient saves it (a .py script)', { timeout: 120_000 }, async () => {
    const script = path.join(work, 'output-widget.py');
    writeFileSync(script, ['# %%', 'import ipywidgets', 'out = ipywidgets.Output()', 'out', '# %%', 'with out:', '    print("captured")', 'print("in the cell")', ''].join('\n'));
    const { notebook, stderr, statuses } = await runToNotebook(script);
    assert.deepEqual(statuses, ['ok', 'ok'], stderr);
    const outputs = modelsNamed(widgetStateOf(notebook), 'OutputModel')[0]?.[1].state.outputs;
    assert.deepEqual(outputs, [{ output_type: 'stream', name: 'stdout', text: 'captured\n' }]);
    const code = notebook.cells.filter((cell) => cell.cell_type === 'code');
    // A saved notebook keeps text as a list of lines.
    assert.deepEqual((code[1]?.outputs ?? []).map((output) => [(output as { text?: string | string[] }).text].flat().join('')), ['in the cell\n']);
  });

  test('a binary widget value is saved base64 at its buffer path, as last set; a closed widget is dropped (a .py script)', { timeout: 120_000 }, async () => {
    const first = Buffer.concat([Buffer.from('\x89PNG\r\n\x1a\n', 'latin1'), Buffer.from(Array.from({ length: 256 }, (_, i) => i))]);
    const script = path.join(work, 'image.py');
    writeFileSync(
      script,
      [
        '# %%',
        'import ipywidgets',
        `img = ipywidgets.Image(value=bytes.fromhex("${first.toString('hex')}"), format="png")`,
        'img',
        '# %%',
        'img.value = b"second value"',
        '# %%',
        'gone = ipywidgets.IntSlider(value=3)',
        'print(gone.model_id)',
        'gone.close()',
        '',
      ].join('\n'),
    );
    const { notebook, stderr, statuses } = await runToNotebook(script);
    assert.deepEqual(statuses, ['ok', 'ok', 'ok'], stderr);
    const state = widgetStateOf(notebook);
    const images = modelsNamed(state, 'ImageModel');
    assert.equal(images.length, 1);
    const [imageId, image] = images[0]!;
    assert.deepEqual(viewModelIds(notebook), [imageId]);
    assert.deepEqual(image.buffers, [{ path: ['value'], data: Buffer.from('second value').toString('base64'), encoding: 'base64' }]);
    assert.equal('value' in image.state, false, 'the binary value is in buffers only');
    assert.equal(image.state.format, 'png');
    const goneId = (notebook.cells[2]?.outputs?.[0] as { text?: string[] } | undefined)?.text?.join('').trim();
    assert.ok(goneId && /^[0-9a-f]{32}$/.test(goneId), `the closed slider's id was printed: ${goneId}`);
    assert.equal(state[goneId], undefined, 'a closed widget is not saved');
    assert.deepEqual(modelsNamed(state, 'IntSliderModel'), []);
  });

  test('widgets of a kernel replaced after a timeout are saved with those of its replacement (a .json request)', { timeout: 120_000 }, async () => {
    const request = path.join(work, 'replaced.json');
    const ignoresInterrupt = 'import signal, time\nsignal.signal(signal.SIGINT, signal.SIG_IGN)\ntime.sleep(60)';
    const cells = ['import ipywidgets\nipywidgets.Label("before")', ignoresInterrupt, 'import ipywidgets\nipywidgets.Label("after")'];
    // Room for `import ipywidgets` on a loaded machine, in the first kernel and again in its replacement.
    writeFileSync(request, JSON.stringify({ cells, kernel, cell_timeout: 8 }));
    const { notebook, stderr, statuses } = await runToNotebook(request);
    assert.deepEqual(statuses, ['ok', 'timeout', 'ok'], stderr);
    const state = widgetStateOf(notebook);
    const values = modelsNamed(state, 'LabelModel').map(([, model]) => model.state.value).sort();
    assert.deepEqual(values, ['after', 'before']);
    for (const id of viewModelIds(notebook)) assert.ok(state[id], `view ${id} resolves to a saved model`);
  });

  test("on a Jupyter Server's kernel, binary values arrive through the WebSocket's binary frames and are saved alike", { timeout: 120_000 }, async () => {
    // Started after useCurrentStackKernel(), so the server finds the current-stack kernelspec on JUPYTER_PATH.
    const server = await TestJupyterServer.start();
    try {
      const notebook = path.join(work, 'remote.ipynb');
      const source = 'import ipywidgets\nipywidgets.Image(value=bytes(range(256)) * 3, format="png")';
      const cell = { cell_type: 'code', source, metadata: {}, outputs: [], execution_count: null };
      writeFileSync(notebook, JSON.stringify({ nbformat: 4, nbformat_minor: 4, metadata: {}, cells: [cell] }));
      const { notebook: saved, stderr, statuses } = await runToNotebook(notebook, ['--server', server.url, '--server-token', server.token]);
      assert.deepEqual(statuses, ['ok'], stderr);
      const images = modelsNamed(widgetStateOf(saved), 'ImageModel');
      assert.equal(images.length, 1);
      const [imageId, image] = images[0]!;
      assert.deepEqual(viewModelIds(saved), [imageId]);
      const bytes = Buffer.from(Array.from({ length: 768 }, (_, i) => i % 256));
      assert.deepEqual(image.buffers, [{ path: ['value'], data: bytes.toString('base64'), encoding: 'base64' }]);
    } finally {
      await server.stop();
    }
  });
});
