import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DocumentOutputs } from '../../../../src/core/outputs/documentOutputs';
import { applyAll, clearOutput, display, error, recordChanges, result, stderr, stdout } from './outputEvents';
import { CellTranscriptRecorder } from '../../../../src/core/outputs/cellTranscript';

function newCell() {
  return new DocumentOutputs().createCell();
}

test('stream chunks of one name merge into one output with \\r and \\b applied', () => {
  const cell = newCell();
  applyAll(cell, [stdout('  0%|\r'), stdout(' 50%|#####\r'), stdout('100%|##########\n'), stdout('do'), stdout('ne\n')]);
  assert.deepEqual(cell.outputs, [{ output_type: 'stream', name: 'stdout', text: '100%|##########\ndone\n' }]);
});

test('interleaved streams: stdout, stderr, stdout make three outputs', () => {
  const cell = newCell();
  applyAll(cell, [stdout('a\n'), stdout('b\n'), stderr('warn\n'), stdout('c\n')]);
  assert.deepEqual(cell.outputs, [
    { output_type: 'stream', name: 'stdout', text: 'a\nb\n' },
    { output_type: 'stream', name: 'stderr', text: 'warn\n' },
    { output_type: 'stream', name: 'stdout', text: 'c\n' },
  ]);
});

test('a stream after a rich output starts a new stream output', () => {
  const cell = newCell();
  applyAll(cell, [stdout('before\n'), display({ 'text/plain': 'x' }), stdout('after\n')]);
  assert.deepEqual(
    cell.outputs.map((o) => o.output_type),
    ['stream', 'display_data', 'stream'],
  );
});

test('a carriage return does not reach across into a new stream output', () => {
  const cell = newCell();
  applyAll(cell, [stdout('abc\r'), stderr('err\n'), stdout('X')]);
  assert.deepEqual(
    cell.outputs.map((o) => (o.output_type === 'stream' ? o.text : '')),
    ['abc', 'err\n', 'X'],
  );
});

test('rich outputs append with metadata, execution count and display id', () => {
  const cell = newCell();
  applyAll(cell, [
    display({ 'image/png': 'iVBOR', 'text/plain': '<Figure>' }, undefined, { 'image/png': { width: 640 } }),
    display({ 'text/html': '<b>x</b>' }, 'd1'),
    result(3, { 'text/plain': '42' }),
  ]);
  assert.deepEqual(cell.outputs, [
    { output_type: 'display_data', data: { 'image/png': 'iVBOR', 'text/plain': '<Figure>' }, metadata: { 'image/png': { width: 640 } } },
    { output_type: 'display_data', data: { 'text/html': '<b>x</b>' }, metadata: {}, transient: { display_id: 'd1' } },
    { output_type: 'execute_result', execution_count: 3, data: { 'text/plain': '42' }, metadata: {} },
  ]);
});

test('an error appends an error output', () => {
  const cell = newCell();
  applyAll(cell, [stdout('x\n'), error('ZeroDivisionError', 'division by zero', ['Traceback…', 'ZeroDivisionError: division by zero'])]);
  assert.deepEqual(cell.outputs[1], {
    output_type: 'error',
    ename: 'ZeroDivisionError',
    evalue: 'division by zero',
    traceback: ['Traceback…', 'ZeroDivisionError: division by zero'],
  });
});

test('an empty stream chunk makes no output', () => {
  const cell = newCell();
  applyAll(cell, [stdout(''), stderr('')]);
  assert.deepEqual(cell.outputs, []);
});

test('clear_output without wait clears at once', () => {
  const cell = newCell();
  applyAll(cell, [stdout('old\n'), display({ 'text/plain': 'old' }), clearOutput(false)]);
  assert.deepEqual(cell.outputs, []);
  cell.apply(stdout('new\n'));
  assert.deepEqual(cell.outputs, [{ output_type: 'stream', name: 'stdout', text: 'new\n' }]);
});

test('clear_output with wait clears just before the next output', () => {
  const cell = newCell();
  applyAll(cell, [stdout('frame 1\n'), clearOutput(true)]);
  assert.deepEqual(cell.outputs, [{ output_type: 'stream', name: 'stdout', text: 'frame 1\n' }], 'still shown while waiting');
  cell.apply(stdout('frame 2\n'));
  assert.deepEqual(cell.outputs, [{ output_type: 'stream', name: 'stdout', text: 'frame 2\n' }], 'cleared, then applied: not merged');
  cell.apply(stdout('more\n'));
  assert.deepEqual(cell.outputs, [{ output_type: 'stream', name: 'stdout', text: 'frame 2\nmore\n' }], 'the clear happens once');
});

test('a deferred clear is fired by any kind of output', () => {
  for (const next of [display({ 'text/plain': 'd' }), result(1, { 'text/plain': 'r' }), error('E', 'e'), stderr('s')]) {
    const cell = newCell();
    applyAll(cell, [stdout('old\n'), display({ 'text/plain': 'old' }), clearOutput(true), next]);
    assert.equal(cell.outputs.length, 1, next.type);
  }
});

test('a deferred clear with no output after it leaves the outputs as they are', () => {
  const cell = newCell();
  applyAll(cell, [stdout('last frame\n'), clearOutput(true)]);
  assert.deepEqual(cell.outputs, [{ output_type: 'stream', name: 'stdout', text: 'last frame\n' }]);
});

test('clear_output with wait then without wait clears once, and nothing stays deferred', () => {
  const cell = newCell();
  const changes = recordChanges(cell);
  applyAll(cell, [stdout('a'), clearOutput(true), clearOutput(false), stdout('b'), stdout('c')]);
  assert.deepEqual(cell.outputs, [{ output_type: 'stream', name: 'stdout', text: 'bc' }]);
  assert.deepEqual(changes, [
    { kind: 'appended', index: 0 },
    { kind: 'cleared' },
    { kind: 'appended', index: 0 },
    { kind: 'updated', index: 0 },
  ]);
});

test('change events: appended, updated on stream growth, cleared before the output that fired a deferred clear', () => {
  const cell = newCell();
  const changes = recordChanges(cell);
  applyAll(cell, [stdout('a'), stdout('b'), stderr('c'), display({ 'text/plain': 'd' }), clearOutput(true), stdout('e')]);
  assert.deepEqual(changes, [
    { kind: 'appended', index: 0 },
    { kind: 'updated', index: 0 },
    { kind: 'appended', index: 1 },
    { kind: 'appended', index: 2 },
    { kind: 'cleared' },
    { kind: 'appended', index: 0 },
  ]);
});

test('clearing an empty cell reports nothing', () => {
  const cell = newCell();
  const changes = recordChanges(cell);
  cell.apply(clearOutput(false));
  cell.clear();
  assert.deepEqual(changes, []);
});

test('outputs is a snapshot: later events do not change an array already returned', () => {
  const cell = newCell();
  cell.apply(stdout('a'));
  const before = cell.outputs;
  assert.equal(cell.outputs, before, 'the same array while nothing changes');
  cell.apply(stdout('b'));
  assert.deepEqual(before, [{ output_type: 'stream', name: 'stdout', text: 'a' }]);
  assert.deepEqual(cell.outputs, [{ output_type: 'stream', name: 'stdout', text: 'ab' }]);
  assert.ok(Object.isFrozen(before));
});

test('clear() starts the cell over for a re-run, including a pending deferred clear; an attached transcript starts over too', () => {
  const cell = newCell();
  const recorder = new CellTranscriptRecorder(cell);
  applyAll(cell, [stdout('run 1\n'), clearOutput(true)]);
  cell.clear();
  applyAll(cell, [stdout('run 2\n'), stdout('more\n')]);
  assert.deepEqual(cell.outputs, [{ output_type: 'stream', name: 'stdout', text: 'run 2\nmore\n' }]);
  assert.equal(recorder.transcript().stdout, 'run 2\nmore\n');
});

test('a disposed cell ignores late events and reports no more changes', () => {
  const cell = newCell();
  const changes = recordChanges(cell);
  cell.apply(stdout('a'));
  cell.dispose();
  cell.apply(stdout('late'));
  cell.dispose();
  assert.deepEqual(cell.outputs, [{ output_type: 'stream', name: 'stdout', text: 'a' }]);
  assert.deepEqual(changes, [{ kind: 'appended', index: 0 }]);
});
