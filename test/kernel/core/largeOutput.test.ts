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
