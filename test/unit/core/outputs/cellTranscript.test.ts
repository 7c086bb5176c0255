import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CellTranscriptRecorder } from '../../../../src/core/outputs/cellTranscript';
import { joinMultilineStrings } from '../../../../src/core/outputs/nbformat';
import { DocumentOutputs } from '../../../../src/core/outputs/documentOutputs';
import { applyAll, clearOutput, display, error, result, stderr, stdout, update } from './outputEvents';

test('stdout and stderr keep every byte as sent, while outputs show \\r and \\b applied', () => {
  const cell = new DocumentOutputs().createCell();
  const recorder = new CellTranscriptRecorder(cell);
  applyAll(cell, [stdout('  0%|\r'), stdout(' 50%|\r100%|\n'), stderr('warn\r\n'), stdout('ab\bc\n')]);
  const transcript = recorder.transcript();
  assert.equal(transcript.stdout, '  0%|\r 50%|\r100%|\nab\bc\n');
  assert.equal(transcript.stderr, 'warn\r\n');
  assert.deepEqual(
    cell.outputs.map((o) => (o.output_type === 'stream' ? o.text : '')),
    ['100%|\n', 'warn\n', 'ac\n'],
  );
});

test('clear_output does not erase the logs, but removes cleared displays', () => {
  const cell = new DocumentOutputs().createCell();
  const recorder = new CellTranscriptRecorder(cell);
  applyAll(cell, [
    stdout('first\n'),
    display({ 'text/plain': 'gone' }),
    clearOutput(false),
    stdout('second\n'),
    display({ 'text/plain': 'also gone' }),
    clearOutput(true),
    display({ 'text/plain': 'kept' }),
    result(2, { 'text/plain': '4' }),
  ]);
  const transcript = recorder.transcript();
  assert.equal(transcript.stdout, 'first\nsecond\n');
  assert.deepEqual(transcript.display, [{ 'text/plain': 'kept' }, { 'text/plain': '4' }]);
});

test('display holds bundles as finally shown: updates applied, including from another cell', () => {
  const document = new DocumentOutputs();
  const cell = document.createCell();
  const recorder = new CellTranscriptRecorder(cell);
  applyAll(cell, [display({ 'text/plain': 'v1' }, 'd'), stdout('x\n'), result(1, { 'text/plain': 'r' })]);
  document.createCell().apply(update('d', { 'text/plain': 'v2' }));
  assert.deepEqual(recorder.transcript().display, [{ 'text/plain': 'v2' }, { 'text/plain': 'r' }]);
});

test('multiline string values are joined; JSON values are kept as they are', () => {
  const cell = new DocumentOutputs().createCell();
  const recorder = new CellTranscriptRecorder(cell);
  cell.apply(display({ 'text/plain': ['line 1\n', 'line 2'], 'text/html': ['<p>', '</p>'], 'application/json': ['a', 'b'], 'image/png': 'iVBOR' }));
  assert.deepEqual(recorder.transcript().display, [
    { 'text/plain': 'line 1\nline 2', 'text/html': '<p></p>', 'application/json': ['a', 'b'], 'image/png': 'iVBOR' },
  ]);
  assert.deepEqual(joinMultilineStrings({ 'application/vnd.custom+json': ['x'], 'text/markdown': ['# t\n', 'body'] }), {
    'application/vnd.custom+json': ['x'],
    'text/markdown': '# t\nbody',
  });
  const shown = cell.outputs[0];
  assert.ok(shown?.output_type === 'display_data');
  assert.deepEqual(shown.data['text/plain'], ['line 1\n', 'line 2'], 'outputs keep the bundle as received');
});

test('every error is listed, even one whose output was cleared', () => {
  const cell = new DocumentOutputs().createCell();
  const recorder = new CellTranscriptRecorder(cell);
  applyAll(cell, [error('ValueError', 'bad', ['tb 1']), clearOutput(false), error('KeyError', "'k'", ['tb 2'])]);
  assert.deepEqual(recorder.transcript().error, [
    { ename: 'ValueError', evalue: 'bad', traceback: ['tb 1'] },
    { ename: 'KeyError', evalue: "'k'", traceback: ['tb 2'] },
  ]);
  assert.equal(cell.outputs.length, 1);
});

test('a transcript is a copy: reading it twice, or changing it, does not disturb the cell', () => {
  const cell = new DocumentOutputs().createCell();
  const recorder = new CellTranscriptRecorder(cell);
  applyAll(cell, [stdout('a'), stdout('b'), error('E', 'e', ['tb'])]);
  const first = recorder.transcript();
  first.error[0]!.traceback.push('tampered');
  cell.apply(stdout('c'));
  const second = recorder.transcript();
  assert.equal(first.stdout, 'ab');
  assert.equal(second.stdout, 'abc');
  assert.deepEqual(second.error, [{ ename: 'E', evalue: 'e', traceback: ['tb'] }]);
  assert.deepEqual(second, { stdout: 'abc', stderr: '', display: [], error: [{ ename: 'E', evalue: 'e', traceback: ['tb'] }] });
});
