import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CellTranscriptRecorder } from '../../../../src/core/outputs/cellTranscript';
import { DocumentOutputs } from '../../../../src/core/outputs/documentOutputs';
import { ErrorLimit } from '../../../../src/core/outputs/errorLimit';
import type { ErrorEntry } from '../../../../src/core/outputs/nbformat';
import { errorSizeOf } from '../../../../src/core/outputs/outputSize';
import { display, error } from './outputEvents';

const NOTE = /\[CellBridge: error truncated: ([\d,]+) more characters of this error were dropped \(limit ([\d,]+) characters of errors per cell\)\]$/;

/** An error as ipykernel sends `raise ValueError(message)`: the message again in the last traceback line. */
function ipykernelError(message: string): ErrorEntry {
  return {
    ename: 'ValueError',
    evalue: message,
    traceback: ['-'.repeat(75), 'ValueError                                Traceback (most recent call last)', "Cell In[1], line 1\n----> 1 raise ValueError(message)", `ValueError: ${message}`],
  };
}

test('errors within the limit are kept whole', () => {
  const limit = new ErrorLimit(1000);
  const small = ipykernelError('bad value');
  assert.equal(limit.fit(small), small);
  assert.equal(limit.fit(small), small);
});

test('the error that passes the limit is cut to the room left: its name whole, its value and traceback from the start, a note in both', () => {
  const limit = new ErrorLimit(1000);
  const huge = ipykernelError('x'.repeat(10_000_000));
  const kept = limit.fit(huge);
  assert.ok(kept);
  assert.equal(kept.ename, 'ValueError');
  assert.ok(kept.evalue.startsWith('x'.repeat(400)), 'the start of the message');
  assert.match(kept.evalue, NOTE);
  assert.deepEqual(kept.traceback.slice(0, 3), huge.traceback.slice(0, 3), 'the frames');
  const note = kept.traceback[kept.traceback.length - 1]!;
  const [, dropped, limitChars] = NOTE.exec(note)!;
  assert.equal(limitChars, '1,000');
  const evalueKept = kept.evalue.slice(0, kept.evalue.indexOf('… ['));
  const keptChars = kept.ename.length + evalueKept.length + kept.traceback.slice(0, -1).reduce((sum, line) => sum + line.length, 0);
  assert.equal(keptChars, 1000, 'exactly the room');
  assert.equal(Number(dropped!.replaceAll(',', '')), errorSizeOf(huge) - 1000);
});

test('once an error was cut the cell is full: later errors are dropped and counted', () => {
  const limit = new ErrorLimit(100);
  assert.ok(limit.fit(ipykernelError('y'.repeat(500))));
  assert.equal(limit.fit(ipykernelError('z')), undefined);
  assert.equal(limit.droppedErrors.count, 1);
  limit.reset();
  assert.ok(limit.fit(ipykernelError('z')));
});

test('a name too long to read is cut too, and a cut never splits a surrogate pair', () => {
  // 1001: the value's share is then an odd number of characters, which would end inside a pair.
  const limit = new ErrorLimit(1001);
  const kept = limit.fit({ ename: 'E'.repeat(5000), evalue: '😀'.repeat(1000), traceback: [] });
  assert.ok(kept);
  assert.equal(kept.ename.length, 200);
  assert.ok(!/[\ud800-\udbff](?![\udc00-\udfff])/.test(kept.evalue), 'no lone high surrogate');
});

test('a cell shows its huge error cut, and the run-cells transcript records it cut the same way', () => {
  const document = new DocumentOutputs({ maxErrorCharsPerCell: 2000 });
  const cell = document.createCell();
  const recorder = new CellTranscriptRecorder(cell, { maxErrorCharsPerCell: 2000 });
  const huge = ipykernelError('m'.repeat(50_000_000));
  cell.apply({ type: 'error', ...huge });
  const [shown] = cell.outputs;
  assert.ok(shown?.output_type === 'error');
  assert.ok(errorSizeOf(shown) < 2500);
  assert.deepEqual(recorder.transcript().error, [{ ename: shown.ename, evalue: shown.evalue, traceback: shown.traceback }]);
  document.dispose();
});

test('errors dropped whole are counted: in the note among the outputs, and at the end of the last error recorded', () => {
  const document = new DocumentOutputs({ maxErrorCharsPerCell: 100, maxDisplayCharsPerCell: 10_000 });
  const cell = document.createCell();
  const recorder = new CellTranscriptRecorder(cell, { maxErrorCharsPerCell: 100 });
  cell.apply(error('ValueError', 'v'.repeat(200)));
  for (let i = 0; i < 3; i++) cell.apply(error('KeyError', 'k'));
  cell.apply(display({ 'text/plain': 'still shown' }));
  assert.deepEqual(cell.outputs.map((o) => o.output_type), ['error', 'display_data', 'display_data']);
  const note = cell.outputs[1];
  assert.equal(
    note?.output_type === 'display_data' && note.data['text/plain'],
    '[CellBridge: output truncated: 3 errors (60 characters) were dropped (limit 100 characters of errors per cell)]',
  );
  const recorded = recorder.transcript().error;
  assert.equal(recorded.length, 1);
  assert.match(recorded[0]!.traceback.at(-1)!, /3 errors \(60 characters\) were dropped/);
  document.dispose();
});
