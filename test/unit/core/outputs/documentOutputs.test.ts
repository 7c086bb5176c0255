import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DocumentOutputs } from '../../../../src/core/outputs/documentOutputs';
import { applyAll, clearOutput, display, recordChanges, result, stdout, update } from './outputEvents';

test('update_display_data replaces data and metadata in place and appends nothing', () => {
  const cell = new DocumentOutputs().createCell();
  applyAll(cell, [
    display({ 'text/plain': 'loading' }, 'progress', { stale: true }),
    stdout('between\n'),
    update('progress', { 'text/plain': 'done', 'text/html': '<b>done</b>' }, { fresh: true }),
  ]);
  assert.deepEqual(cell.outputs, [
    {
      output_type: 'display_data',
      data: { 'text/plain': 'done', 'text/html': '<b>done</b>' },
      metadata: { fresh: true },
      transient: { display_id: 'progress' },
    },
    { output_type: 'stream', name: 'stdout', text: 'between\n' },
  ]);
});

test('an execute_result with a display id keeps its execution count when updated', () => {
  const cell = new DocumentOutputs().createCell();
  applyAll(cell, [result(7, { 'text/plain': 'v1' }, 'r'), update('r', { 'text/plain': 'v2' })]);
  assert.deepEqual(cell.outputs, [
    { output_type: 'execute_result', execution_count: 7, data: { 'text/plain': 'v2' }, metadata: {}, transient: { display_id: 'r' } },
  ]);
});

test('an update for an unknown display id is ignored', () => {
  const cell = new DocumentOutputs().createCell();
  const changes = recordChanges(cell);
  applyAll(cell, [display({ 'text/plain': 'a' }, 'known'), update('unknown', { 'text/plain': 'b' })]);
  assert.deepEqual(cell.outputs.map((o) => (o.output_type === 'display_data' ? o.data : undefined)), [{ 'text/plain': 'a' }]);
  assert.deepEqual(changes, [{ kind: 'appended', index: 0 }]);
});

test('an update from a later cell changes the output of an earlier cell of the same document', () => {
  const document = new DocumentOutputs();
  const first = document.createCell();
  const second = document.createCell();
  const firstChanges = recordChanges(first);
  const secondChanges = recordChanges(second);
  applyAll(first, [stdout('header\n'), display({ 'text/plain': 'v1' }, 'shared')]);
  applyAll(second, [update('shared', { 'text/plain': 'v2' })]);
  assert.deepEqual(first.outputs[1], {
    output_type: 'display_data',
    data: { 'text/plain': 'v2' },
    metadata: {},
    transient: { display_id: 'shared' },
  });
  assert.deepEqual(second.outputs, [], 'the updating cell shows nothing');
  assert.deepEqual(firstChanges.at(-1), { kind: 'updated', index: 1 });
  assert.deepEqual(secondChanges, []);
});

test('one display id shown several times, in one cell and in another, updates everywhere', () => {
  const document = new DocumentOutputs();
  const first = document.createCell();
  const second = document.createCell();
  applyAll(first, [display({ 'text/plain': 'v1' }, 'twice'), display({ 'text/plain': 'other' }), display({ 'text/plain': 'v1' }, 'twice')]);
  applyAll(second, [display({ 'text/plain': 'v1' }, 'twice')]);
  assert.equal(document.displayCount('twice'), 3);
  const firstChanges = recordChanges(first);
  first.apply(update('twice', { 'text/plain': 'v2' }));
  const shownData = (cell: typeof first) => cell.outputs.map((o) => (o.output_type === 'display_data' ? o.data['text/plain'] : undefined));
  assert.deepEqual(shownData(first), ['v2', 'other', 'v2']);
  assert.deepEqual(shownData(second), ['v2']);
  assert.deepEqual(firstChanges, [
    { kind: 'updated', index: 0 },
    { kind: 'updated', index: 2 },
  ]);
});

test('update_display_data does not fire a deferred clear', () => {
  const cell = new DocumentOutputs().createCell();
  applyAll(cell, [display({ 'text/plain': 'v1' }, 'd'), stdout('log\n'), clearOutput(true), update('d', { 'text/plain': 'v2' })]);
  assert.equal(cell.outputs.length, 2, 'nothing cleared yet');
  assert.deepEqual(cell.outputs[0], { output_type: 'display_data', data: { 'text/plain': 'v2' }, metadata: {}, transient: { display_id: 'd' } });
  cell.apply(stdout('next\n'));
  assert.deepEqual(cell.outputs, [{ output_type: 'stream', name: 'stdout', text: 'next\n' }], 'the next real output still clears');
});

test('an update from another cell does not fire that cell’s deferred clear either', () => {
  const document = new DocumentOutputs();
  const first = document.createCell();
  const second = document.createCell();
  applyAll(first, [display({ 'text/plain': 'v1' }, 'd'), clearOutput(true)]);
  second.apply(update('d', { 'text/plain': 'v2' }));
  assert.equal(first.outputs.length, 1);
});

test('cleared outputs leave the display index: later updates no longer reach them', () => {
  const document = new DocumentOutputs();
  const cell = document.createCell();
  applyAll(cell, [display({ 'text/plain': 'v1' }, 'd'), clearOutput(false)]);
  assert.equal(document.displayCount('d'), 0);
  const changes = recordChanges(cell);
  cell.apply(update('d', { 'text/plain': 'v2' }));
  assert.deepEqual(cell.outputs, []);
  assert.deepEqual(changes, []);

  applyAll(cell, [display({ 'text/plain': 'v1' }, 'e'), clearOutput(true), display({ 'text/plain': 'fresh' }, 'e')]);
  assert.equal(document.displayCount('e'), 1, 'the deferred clear removed the old one; the new one is registered');
  cell.clear();
  assert.equal(document.displayCount('e'), 0, 'clear() for a re-run unregisters too');
});

test('a display shown again after a clear can be updated', () => {
  const cell = new DocumentOutputs().createCell();
  applyAll(cell, [display({ 'text/plain': 'a' }, 'd'), clearOutput(true), display({ 'text/plain': 'b' }, 'd'), update('d', { 'text/plain': 'c' })]);
  assert.deepEqual(cell.outputs, [{ output_type: 'display_data', data: { 'text/plain': 'c' }, metadata: {}, transient: { display_id: 'd' } }]);
});

test('dispose() takes a cell’s outputs out of the display index; other cells keep theirs', () => {
  const document = new DocumentOutputs();
  const first = document.createCell();
  const second = document.createCell();
  first.apply(display({ 'text/plain': 'v1' }, 'd'));
  second.apply(display({ 'text/plain': 'v1' }, 'd'));
  assert.equal(document.displayCount('d'), 2);
  first.dispose();
  assert.equal(document.displayCount('d'), 1);
  second.apply(update('d', { 'text/plain': 'v2' }));
  assert.deepEqual(first.outputs[0], { output_type: 'display_data', data: { 'text/plain': 'v1' }, metadata: {}, transient: { display_id: 'd' } });
  assert.deepEqual(second.outputs[0], { output_type: 'display_data', data: { 'text/plain': 'v2' }, metadata: {}, transient: { display_id: 'd' } });
});

test('disposing the document disposes every cell and refuses new ones', () => {
  const document = new DocumentOutputs();
  const cells = [document.createCell(), document.createCell()];
  cells.forEach((cell, i) => cell.apply(display({ 'text/plain': String(i) }, 'd')));
  document.dispose();
  assert.equal(document.displayCount('d'), 0);
  cells[0]!.apply(stdout('late'));
  assert.equal(cells[0]!.outputs.length, 1);
  assert.throws(() => document.createCell(), /disposed/);
});

test('cells of different documents do not share display ids', () => {
  const a = new DocumentOutputs().createCell();
  const b = new DocumentOutputs().createCell();
  a.apply(display({ 'text/plain': 'a' }, 'same'));
  b.apply(update('same', { 'text/plain': 'b' }));
  assert.deepEqual(a.outputs[0], { output_type: 'display_data', data: { 'text/plain': 'a' }, metadata: {}, transient: { display_id: 'same' } });
});

test('a change listener that clears another cell during an update does not break the update', () => {
  const document = new DocumentOutputs();
  const first = document.createCell();
  const second = document.createCell();
  first.apply(display({ 'text/plain': 'v1' }, 'd'));
  second.apply(display({ 'text/plain': 'v1' }, 'd'));
  first.onDidChange(() => second.apply(clearOutput(false)));
  first.apply(update('d', { 'text/plain': 'v2' }));
  assert.deepEqual(first.outputs[0], { output_type: 'display_data', data: { 'text/plain': 'v2' }, metadata: {}, transient: { display_id: 'd' } });
  assert.deepEqual(second.outputs, []);
});
