import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { CellRun } from '../../../src/core/execution/cellRun';
import type { Output } from '../../../src/core/outputs/nbformat';
import { WidgetStateRecorder } from '../../../src/core/outputs/widgetState';
import { until } from '../helpers/cellWaits';
import { CURRENT_STACK_KERNEL, useCurrentStackKernel } from '../helpers/currentStack';
import { shownStream, type TestDocument, useTestDocument } from '../helpers/kernels';

/**
 * ipywidgets 8's Output widget on a real kernel (ipykernel 7.4, ipywidgets 8.1.9): what a cell does inside
 * `with out:` goes to the widget, not the cell; the kernel's model learns the captured outputs before the
 * next cell runs; and the recorded widget state holds them, as a saved notebook needs them.
 */
before(() => void useCurrentStackKernel());
const document = useTestDocument(CURRENT_STACK_KERNEL, { captureOutputWidgets: true });
let doc: TestDocument;
const recorder = new WidgetStateRecorder();

before(async () => {
  doc = document();
  doc.runner.onDidAttachKernel(({ comms, outputWidgets }) => recorder.observe(comms, outputWidgets));
  await doc.runOne('import ipywidgets as widgets\nfrom IPython.display import display, HTML\nout = widgets.Output()\ndisplay(out)');
});

after(() => recorder.dispose());

async function run(code: string): Promise<CellRun> {
  const cell = await doc.runOne(code);
  assert.equal(cell.state, 'done', JSON.stringify(cell.outputs.outputs));
  return cell;
}

/** The Output widget's outputs as the kernel's model holds them. */
async function kernelOutputs(name = 'out'): Promise<Array<Record<string, unknown>>> {
  const cell = await run(`import json\nprint(json.dumps(list(${name}.outputs)))`);
  return JSON.parse(shownStream(cell, 'stdout')) as Array<Record<string, unknown>>;
}

async function recordedOutputs(name = 'out'): Promise<Output[]> {
  const id = shownStream(await run(`print(${name}.model_id)`), 'stdout').trim();
  return recorder.toMetadata()?.state[id]?.state.outputs as Output[];
}

describe('the Output widget', () => {
  test('prints and displays inside `with out:` go to the widget, not the cell; the kernel knows them by the next cell', async () => {
    const cell = await run('print("before")\nwith out:\n    print("inside")\n    display(HTML("<b>shown</b>"))\nprint("after")');
    assert.equal(shownStream(cell, 'stdout'), 'before\nafter\n');
    assert.equal(cell.outputs.outputs.filter((output) => output.output_type === 'display_data').length, 0, 'the display went to the widget');
    const outputs = await kernelOutputs();
    assert.deepEqual(outputs[0], { output_type: 'stream', name: 'stdout', text: 'inside\n' });
    assert.equal(outputs[1]?.output_type, 'display_data');
    assert.deepEqual((outputs[1] as { data: Record<string, unknown> }).data['text/html'], '<b>shown</b>');
    assert.deepEqual((await recordedOutputs()).map((output) => output.output_type), ['stream', 'display_data']);
  });

  test("an error inside is shown in the widget (ipywidgets' Output swallows it), and the cell goes on", async () => {
    const cell = await run('with out:\n    1 / 0\nprint("went on")');
    assert.equal(shownStream(cell, 'stdout'), 'went on\n');
    assert.equal(cell.outputs.outputs.some((output) => output.output_type === 'error'), false);
    const error = (await kernelOutputs()).at(-1);
    assert.equal(error?.output_type, 'error');
    assert.equal(error?.ename, 'ZeroDivisionError');
  });

  test('clear_output inside clears the widget; append_stdout from the kernel and a capture after it keep both', async () => {
    await run('with out:\n    from IPython.display import clear_output\n    clear_output()\n    print("fresh")');
    assert.deepEqual(await kernelOutputs(), [{ output_type: 'stream', name: 'stdout', text: 'fresh\n' }]);
    await run('out.append_stdout("appended\\n")');
    await run('with out:\n    print("captured")');
    assert.deepEqual(
      (await kernelOutputs()).map((output) => output.text),
      ['fresh\nappended\ncaptured\n'],
      'consecutive stdout is one stream, as a notebook shows it',
    );
    await run('out.clear_output()');
    assert.deepEqual(await kernelOutputs(), []);
    assert.deepEqual(await recordedOutputs(), []);
  });

  test('nested `with` blocks: the innermost widget takes the output, the outer one what comes after it', async () => {
    await run('inner = widgets.Output()\nwith out:\n    with inner:\n        print("to inner")\n    print("to outer")');
    assert.deepEqual((await kernelOutputs('inner')).map((output) => output.text), ['to inner\n']);
    assert.deepEqual((await kernelOutputs()).map((output) => output.text), ['to outer\n']);
  });

  test("`interact`: a change of its slider from this side runs the function in the kernel, and what it prints lands in interact's Output widget, with no cell running", async () => {
    await run('def show(x):\n    print("x is", x)\nw = widgets.interactive(show, x=5)\ndisplay(w)');
    const sliderId = shownStream(await run('print(w.children[0].model_id)'), 'stdout').trim();
    const outputId = shownStream(await run('print(w.out.model_id)'), 'stdout').trim();
    const attached = doc.runner.attachedKernel!;
    const seen: string[] = [];
    const watching = attached.outputWidgets.onDidChangeOutputs(({ commId, outputs }) => {
      if (commId === outputId) seen.push(outputs.map((output) => (output.output_type === 'stream' ? output.text : '')).join(''));
    });
    try {
      attached.comms.send(sliderId, { method: 'update', state: { value: 6 }, buffer_paths: [] });
      await until(() => seen.some((text) => text.includes('x is 6')), "interact's output to show x is 6");
    } finally {
      watching.dispose();
    }
    assert.match(JSON.stringify(await kernelOutputs('w.out')), /x is 6/);
  });

  test('a loop of 2,000 prints inside reaches the kernel whole, in far fewer syncs than prints', async () => {
    await run('out.clear_output()');
    let syncs = 0;
    const counting = doc.runner.attachedKernel!.outputWidgets.onDidChangeOutputs(() => syncs++);
    const cell = await run('with out:\n    for i in range(2000):\n        print(i)');
    counting.dispose();
    assert.ok(syncs >= 1 && syncs < 200, `${syncs} syncs`);
    assert.equal(shownStream(cell, 'stdout'), '');
    const text = (await kernelOutputs()).map((output) => output.text).join('');
    assert.equal(text.split('\n').length - 1, 2000);
    assert.ok(text.endsWith('1999\n'));
  });
});

describe('a face that cannot draw widgets (captureOutputWidgets off)', () => {
  const plainDoc = useTestDocument(CURRENT_STACK_KERNEL);

  test('keeps what `with out:` prints in the cell, where it can be seen', async () => {
    const cell = await plainDoc().runOne('import ipywidgets as widgets\nout = widgets.Output()\nwith out:\n    print("still visible")');
    assert.equal(shownStream(cell, 'stdout'), 'still visible\n');
  });
});
