import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CellTranscriptRecorder } from '../../../../src/core/outputs/cellTranscript';
import { DisplayLimit } from '../../../../src/core/outputs/displayLimit';
import { DocumentOutputs } from '../../../../src/core/outputs/documentOutputs';
import type { Output } from '../../../../src/core/outputs/nbformat';
import { displaySizeOf } from '../../../../src/core/outputs/outputSize';
import { applyAll, clearOutput, display, recordChanges, result, stdout, update } from './outputEvents';

/** A bundle of exactly `size` characters by the display limit's measure. */
function bundleOf(size: number, tag = 'x'): Record<string, string> {
  const overhead = displaySizeOf({ 'text/html': '' }, {});
  return { 'text/html': tag.repeat(size - overhead) };
}

const noteOf = (outputs: readonly Output[]): string | undefined => {
  const last = outputs[outputs.length - 1];
  const text = last?.output_type === 'display_data' ? last.data['text/plain'] : undefined;
  return typeof text === 'string' && text.startsWith('[CellBridge') ? text : undefined;
};

test('a limit admits displays up to its size; the first that passes it is dropped and fills the cell', () => {
  const limit = new DisplayLimit(100);
  assert.equal(limit.admitsDisplay(60), true);
  assert.equal(limit.admitsDisplay(50), false);
  assert.equal(limit.admitsDisplay(10), false, 'full: even a display that would fit is dropped');
  assert.deepEqual(limit.droppedDisplays, { count: 2, chars: 60 });
  assert.equal(limit.admitsUpdate(60, 100), true, 'an update that keeps the cell within the limit applies, full or not');
  assert.equal(limit.admitsUpdate(100, 101), false);
  assert.deepEqual(limit.droppedUpdates, { count: 1, chars: 101 });
  limit.reset();
  assert.equal(limit.admitsDisplay(100), true);
  assert.deepEqual(limit.droppedDisplays, { count: 0, chars: 0 });
});

test('a display flood keeps the displays that fit, then one note that counts the rest and names the limit', () => {
  const document = new DocumentOutputs({ maxDisplayCharsPerCell: 1000 });
  const cell = document.createCell();
  const recorder = new CellTranscriptRecorder(cell);
  cell.apply(stdout('before\n'));
  for (let i = 0; i < 50; i++) cell.apply(display(bundleOf(300)));
  cell.apply(result(1, bundleOf(30)));
  cell.apply(stdout('after\n'));
  const kinds = cell.outputs.map((o) => o.output_type);
  assert.deepEqual(kinds, ['stream', 'display_data', 'display_data', 'display_data', 'display_data', 'stream']);
  const note = cell.outputs[4];
  assert.equal(
    note?.output_type === 'display_data' && note.data['text/plain'],
    '[CellBridge: output truncated: 48 displays (14,130 characters) were dropped (limit 1,000 characters of display data per cell)]',
  );
  const transcript = recorder.transcript();
  assert.equal(transcript.display.length, 4, 'three displays and the note');
  assert.match(String(transcript.display[3]?.['text/plain']), /48 displays/);
  document.dispose();
});

test('200,000 dropped displays cost no more than counting them, and the note is written once per look', { timeout: 20_000 }, () => {
  const document = new DocumentOutputs({ maxDisplayCharsPerCell: 1000 });
  const cell = document.createCell();
  const changes = recordChanges(cell);
  const bundle = bundleOf(100);
  for (let i = 0; i < 200_000; i++) cell.apply(display(bundle));
  assert.equal(cell.outputs.length, 11);
  assert.match(noteOf(cell.outputs) ?? '', /199,990 displays \(19,999,000 characters\) were dropped/);
  assert.equal(cell.outputs[10], cell.outputs[10], 'the same note while nothing changes');
  assert.deepEqual(changes[10], { kind: 'appended', index: 10 });
  assert.deepEqual(changes[11], { kind: 'updated', index: 10 });
  document.dispose();
});

test('an update that would pass the limit is not applied: the display keeps its last bundle, and the note counts it', () => {
  const document = new DocumentOutputs({ maxDisplayCharsPerCell: 1000 });
  const cell = document.createCell();
  cell.apply(display(bundleOf(100, 'a'), 'frame'));
  for (let i = 1; i <= 10; i++) cell.apply(update('frame', bundleOf(i * 200, 'b')));
  const [shown, note] = cell.outputs;
  assert.equal(shown?.output_type === 'display_data' && shown.data['text/html'], bundleOf(1000, 'b')['text/html'], 'the last update that fit');
  assert.equal(
    note?.output_type === 'display_data' && note.data['text/plain'],
    '[CellBridge: output truncated: 5 display updates (8,000 characters) were not applied (limit 1,000 characters of display data per cell)]',
  );
  cell.apply(update('frame', bundleOf(50, 'c')));
  assert.equal(cell.outputs[0]?.output_type === 'display_data' && cell.outputs[0].data['text/html'], bundleOf(50, 'c')['text/html'], 'a smaller one applies again');
  document.dispose();
});

test('an update from another cell is weighed by the cell that shows the display', () => {
  const document = new DocumentOutputs({ maxDisplayCharsPerCell: 500 });
  const shower = document.createCell();
  const updater = document.createCell();
  shower.apply(display(bundleOf(100), 'd'));
  updater.apply(update('d', bundleOf(600)));
  assert.equal(shower.outputs.length, 2);
  assert.match(noteOf(shower.outputs) ?? '', /1 display update \(600 characters\) was not applied/);
  assert.deepEqual(updater.outputs, []);
  document.dispose();
});

test('a clear empties the cell: room, counts and note go with what was shown', () => {
  const document = new DocumentOutputs({ maxDisplayCharsPerCell: 500 });
  const cell = document.createCell();
  applyAll(cell, [display(bundleOf(400)), display(bundleOf(400)), clearOutput(true), display(bundleOf(450))]);
  assert.deepEqual(cell.outputs.map((o) => o.output_type), ['display_data']);
  assert.equal(noteOf(cell.outputs), undefined);
  // A dropped display still counts as the output a deferred clear waits for.
  applyAll(cell, [clearOutput(true), display(bundleOf(501))]);
  assert.deepEqual(cell.outputs.map((o) => o.output_type), ['display_data']);
  assert.match(noteOf(cell.outputs) ?? '', /1 display \(501 characters\) was dropped/);
  document.dispose();
});

test('a dropped display with an id is not registered: updates to it change nothing', () => {
  const document = new DocumentOutputs({ maxDisplayCharsPerCell: 100 });
  const cell = document.createCell();
  cell.apply(display(bundleOf(200), 'big'));
  assert.equal(document.displayCount('big'), 0);
  cell.apply(update('big', bundleOf(30)));
  assert.equal(cell.outputs.length, 1, 'only the note');
  document.dispose();
});

test('without a display limit nothing is measured or dropped', () => {
  const document = new DocumentOutputs({ maxStreamCharsPerCell: 10 });
  const cell = document.createCell();
  for (let i = 0; i < 20; i++) cell.apply(display(bundleOf(1000)));
  assert.equal(cell.outputs.length, 20);
  document.dispose();
});
