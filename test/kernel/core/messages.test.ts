import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { KERNELS, plain, shownStream, useTestDocument, transcriptOf } from '../helpers/kernels';

for (const kernelName of KERNELS) {
  describe(`iopub messages become outputs (${kernelName})`, () => {
    const doc = useTestDocument(kernelName);

    test('stream: stdout and stderr, merged per name, raw transcript kept', async () => {
      const run = await doc().runOne('import sys\nprint("a")\nprint("b")\nsys.stderr.write("err")\nsys.stderr.flush()');
      assert.equal(run.state, 'done');
      assert.equal(shownStream(run, 'stdout'), 'a\nb\n');
      assert.equal(shownStream(run, 'stderr'), 'err');
      const stdoutOutputs = run.outputs.outputs.filter((o) => o.output_type === 'stream' && o.name === 'stdout');
      assert.equal(stdoutOutputs.length, 1, 'consecutive stdout chunks merge into one output');
      assert.equal(transcriptOf(run).stdout, 'a\nb\n');
    });

    test('execute_result with its execution count', async () => {
      const run = await doc().runOne('a = 123\na');
      const [result] = run.outputs.outputs;
      assert.equal(result?.output_type, 'execute_result');
      assert.equal(result?.output_type === 'execute_result' && result.data['text/plain'], '123');
      assert.equal(result?.output_type === 'execute_result' && result.execution_count, run.executionCount);
      assert.ok(run.executionCount !== null && run.executionCount > 0);
      assert.deepEqual(transcriptOf(run).display, [{ 'text/plain': '123' }]);
    });

    test('display_data with several MIME types and metadata', async () => {
      const run = await doc().runOne('from IPython.display import display, HTML\ndisplay(HTML("<b>hi</b>"), metadata={"isolated": True})');
      const [shown] = run.outputs.outputs;
      assert.equal(shown?.output_type, 'display_data');
      if (shown?.output_type !== 'display_data') return;
      assert.equal(shown.data['text/html'], '<b>hi</b>');
      assert.ok(typeof shown.data['text/plain'] === 'string');
    });

    test('update_display_data replaces a display shown by an earlier cell', async () => {
      const first = await doc().runOne('from IPython.display import display\nh = display("v1", display_id="shared")');
      const second = await doc().runOne('h.update("v2")\nprint("updated")');
      assert.deepEqual(transcriptOf(first).display, [{ 'text/plain': "'v2'" }]);
      assert.deepEqual(transcriptOf(second).display, [], 'an update adds nothing to the cell that sends it');
      assert.equal(shownStream(second, 'stdout'), 'updated\n');
    });

    test('clear_output(wait=True) in a loop leaves only the last output', async () => {
      const run = await doc().runOne(
        'from IPython.display import clear_output, display\nfor i in range(20):\n    clear_output(wait=True)\n    display(f"frame {i}")',
      );
      assert.deepEqual(transcriptOf(run).display, [{ 'text/plain': "'frame 19'" }]);
      assert.equal(run.outputs.outputs.length, 1);
    });

    test('clear_output() clears at once, but the raw stdout keeps every byte', async () => {
      const run = await doc().runOne('from IPython.display import clear_output\nprint("gone")\nclear_output()\nprint("kept")');
      assert.equal(shownStream(run, 'stdout'), 'kept\n');
      assert.equal(transcriptOf(run).stdout, 'gone\nkept\n');
    });

    test('\\r progress output shows one line, as a terminal would', async () => {
      const run = await doc().runOne('import time\nfor i in range(1, 6):\n    print(f"\\rstep {i}/5", end="", flush=True)\n    time.sleep(0.01)\nprint()');
      assert.equal(shownStream(run, 'stdout'), 'step 5/5\n');
      assert.match(transcriptOf(run).stdout, /^\rstep 1\/5\rstep 2\/5/);
    });

    test('error: ename, evalue and a traceback naming the cell', async () => {
      const run = await doc().runOne('def f():\n    raise ValueError("bad value")\nf()');
      assert.equal(run.state, 'failed');
      assert.equal(run.failureReason, 'error');
      const [error] = transcriptOf(run).error;
      assert.equal(error?.ename, 'ValueError');
      assert.equal(error?.evalue, 'bad value');
      assert.match(plain(error?.traceback.join('\n') ?? ''), /ValueError/);
    });

    test('a matplotlib figure arrives as a non-empty PNG', async () => {
      const run = await doc().runOne('import matplotlib.pyplot as plt\nplt.plot([1, 2, 3], [1, 2, 3])\nplt.show()');
      const png = transcriptOf(run).display.find((bundle) => 'image/png' in bundle)?.['image/png'];
      assert.equal(typeof png, 'string');
      const bytes = Buffer.from(png as string, 'base64');
      assert.ok(bytes.length > 1000, `PNG of ${bytes.length} bytes`);
      assert.equal(bytes.subarray(1, 4).toString('latin1'), 'PNG');
    });
  });
}
