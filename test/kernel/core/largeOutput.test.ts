import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { shownStream, useTestDocument, transcriptOf } from '../helpers/kernels';

/**
 * ipykernel batches stdout into few large stream messages, so 2,000,000 lines are cheap to carry.
 * xeus-python 0.14 sends every print() as two unbatched messages (the text, then "\n"), and its publisher
 * drops messages beyond ZeroMQ's default high-water mark of 1,000 when the machine is busy: measured here
 * under CPU load, Python's jupyter_client received 4,247 of 10,000 lines (and then hung on a lost idle).
 * That loss is the kernel's, before the wire; no client can prevent it. So xpython gets a burst that fits
 * under its mark (450 lines = 900 messages), where a correct client must receive every line, in order.
 */
const CASES = [
  { kernelName: 'python3', lines: 2_000_000 },
  { kernelName: 'xpython', lines: 450 },
] as const;

function expectedLines(count: number): string {
  const lines: string[] = new Array(count);
  for (let i = 0; i < count; i++) lines[i] = String(i);
  return lines.join('\n') + '\n';
}

function countLines(text: string): number {
  let count = 0;
  for (let at = text.indexOf('\n'); at >= 0; at = text.indexOf('\n', at + 1)) count++;
  return count;
}

for (const { kernelName, lines } of CASES) {
  describe(`large output (${kernelName})`, () => {
    const doc = useTestDocument(kernelName);

    test(`${lines.toLocaleString('en')} printed lines arrive whole, shown and raw`, { timeout: 120_000 }, async () => {
      const [run] = await doc().run(`for i in range(${lines}):\n    print(i)`);
      assert.equal(run?.state, 'done');
      const expected = expectedLines(lines);

      const shown = shownStream(run, 'stdout');
      assert.equal(countLines(shown), lines);
      assert.equal(shown.slice(shown.lastIndexOf('\n', shown.length - 2) + 1), `${lines - 1}\n`, 'the right last line');
      assert.ok(shown === expected, 'every line, in order, once');
      assert.equal(run.outputs.outputs.length, 1, 'one merged stream output');

      const raw = transcriptOf(run).stdout;
      assert.equal(countLines(raw), lines);
      assert.ok(raw === expected, 'the raw transcript holds every line too');
    });
  });
}

/**
 * Display data and errors past the per-cell limits, on both kernels: xeus-python names and formats errors its
 * own way. 500 displays stay under xeus-python's high-water mark (see above).
 */
for (const kernelName of ['python3', 'xpython']) {
  describe(`display and error limits (${kernelName})`, () => {
    const LIMIT = 2000;
    const doc = useTestDocument(kernelName, { outputLimits: { maxDisplayCharsPerCell: LIMIT, maxErrorCharsPerCell: LIMIT } });

    test('a display flood keeps what fits and counts the rest in one note', { timeout: 60_000 }, async () => {
      const [run] = await doc().run("from IPython.display import display, HTML\nfor i in range(500):\n    display(HTML('<p>' + 'x' * 1000 + '</p>'))");
      assert.equal(run?.state, 'done');
      const shown = run.outputs.outputs;
      assert.ok(shown.length >= 2 && shown.length <= 3, `${shown.length} outputs`);
      const note = shown.at(-1);
      const text = note?.output_type === 'display_data' ? String(note.data['text/plain']) : '';
      const [, dropped] = /^\[CellBridge: output truncated: ([\d,]+) displays \([\d,]+ characters\) were dropped \(limit 2,000 characters of display data per cell\)\]$/.exec(text) ?? [];
      assert.equal(Number(dropped) + shown.length - 1, 500, text);
      assert.deepEqual(transcriptOf(run).display.at(-1), { 'text/plain': text });
    });

    test('a huge error is cut to the limit, shown and recorded alike', { timeout: 60_000 }, async () => {
      const [run] = await doc().run("raise ValueError('e' * 5_000_000)");
      assert.equal(run?.state, 'failed');
      const shown = run.outputs.outputs.find((output) => output.output_type === 'error');
      assert.ok(shown?.output_type === 'error');
      assert.equal(shown.ename, 'ValueError');
      assert.match(shown.evalue, /^e{100}.*… \[CellBridge: error truncated: [\d,]+ more characters of this error were dropped \(limit 2,000 characters of errors per cell\)\]$/s);
      assert.match(shown.traceback.at(-1) ?? '', /^\[CellBridge: error truncated/);
      const kept = shown.ename.length + shown.evalue.length + shown.traceback.reduce((sum, line) => sum + line.length, 0);
      assert.ok(kept < LIMIT + 400, `${kept} characters kept`);
      assert.deepEqual(transcriptOf(run).error, [{ ename: shown.ename, evalue: shown.evalue, traceback: shown.traceback }]);
    });
  });
}
