import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CellTranscriptRecorder } from '../../../../src/core/outputs/cellTranscript';
import { DocumentOutputs } from '../../../../src/core/outputs/documentOutputs';
import { StreamBudget } from '../../../../src/core/outputs/streamBudget';

test('a budget keeps text up to its limit across streams and counts the rest per stream', () => {
  const budget = new StreamBudget(10);
  assert.equal(budget.admit('stdout', '123456'), '123456');
  assert.equal(budget.admit('stderr', 'abcdef'), 'abcd');
  assert.equal(budget.admit('stdout', 'xyz'), '');
  assert.equal(budget.dropped.count('stdout'), 3);
  assert.equal(budget.dropped.count('stderr'), 2);
  assert.match(budget.dropped.marker('stdout'), /3 more characters of stdout were dropped \(limit 10 characters per cell\)/);
  budget.reset();
  assert.equal(budget.dropped.marker('stdout'), '');
});

test('a capped cell shows the kept text with a marker naming how much was dropped, shown and raw', () => {
  const document = new DocumentOutputs({ maxStreamCharsPerCell: 8 });
  const cell = document.createCell();
  const recorder = new CellTranscriptRecorder(cell, { maxStreamCharsPerCell: 8 });
  const changes: string[] = [];
  cell.onDidChange((change) => changes.push(change.kind));
  cell.apply({ type: 'stream', name: 'stdout', text: 'line1\n' });
  cell.apply({ type: 'stream', name: 'stdout', text: 'line2\n' });
  cell.apply({ type: 'stream', name: 'stdout', text: 'line3\n' });
  const [shown] = cell.outputs;
  assert.equal(shown?.output_type === 'stream' && shown.text, 'line1\nli\n[CellBridge: output truncated: 10 more characters of stdout were dropped (limit 8 characters per cell)]\n');
  assert.equal(recorder.transcript().stdout, shown?.output_type === 'stream' ? shown.text : undefined);
  assert.deepEqual(changes, ['appended', 'updated', 'updated'], 'dropped text still refreshes the marker');
  document.dispose();
});

test('without a limit nothing is dropped and no marker appears', () => {
  const document = new DocumentOutputs();
  const cell = document.createCell();
  const recorder = new CellTranscriptRecorder(cell);
  cell.apply({ type: 'stream', name: 'stderr', text: 'x'.repeat(100_000) });
  assert.equal(recorder.transcript().stderr.length, 100_000);
  document.dispose();
});

test('the cap counts text as shown: a \\r progress bar that rewrites one line never fills it', () => {
  const document = new DocumentOutputs({ maxStreamCharsPerCell: 100 });
  const cell = document.createCell();
  const recorder = new CellTranscriptRecorder(cell, { maxStreamCharsPerCell: 100 });
  for (let step = 1; step <= 1000; step++) cell.apply({ type: 'stream', name: 'stdout', text: `\rprogress ${String(step).padStart(4)}/1000` });
  cell.apply({ type: 'stream', name: 'stdout', text: '\ndone\n' });
  const [shown] = cell.outputs;
  assert.equal(shown?.output_type === 'stream' && shown.text, 'progress 1000/1000\ndone\n', 'the last state, and no marker');
  // The transcript keeps the raw text as sent, so it fills its own cap of the same size and says so.
  assert.ok(recorder.transcript().stdout.startsWith('\rprogress    1/1000\rprogress    2/1000'));
  assert.match(recorder.transcript().stdout, /output truncated: [\d,]+ more characters of stdout were dropped/);
  document.dispose();
});

test('a capped stream that a clear_output empties has its room back, and its marker goes with it', () => {
  const document = new DocumentOutputs({ maxStreamCharsPerCell: 10 });
  const cell = document.createCell();
  cell.apply({ type: 'stream', name: 'stdout', text: '0123456789abc' });
  assert.deepEqual(cell.outputs.map((o) => o.output_type === 'stream' && o.text), ['0123456789\n[CellBridge: output truncated: 3 more characters of stdout were dropped (limit 10 characters per cell)]\n']);
  cell.apply({ type: 'clear_output', wait: false });
  cell.apply({ type: 'stream', name: 'stdout', text: 'fresh text' });
  assert.deepEqual(cell.outputs.map((o) => o.output_type === 'stream' && o.text), ['fresh text']);
  document.dispose();
});

test('a stream the cap keeps entirely out still shows its marker, under its own name', () => {
  const document = new DocumentOutputs({ maxStreamCharsPerCell: 4 });
  const cell = document.createCell();
  cell.apply({ type: 'stream', name: 'stdout', text: 'abcd' });
  cell.apply({ type: 'stream', name: 'stderr', text: 'oops\n' });
  assert.deepEqual(
    cell.outputs.map((o) => o.output_type === 'stream' && [o.name, o.text]),
    [['stdout', 'abcd'], ['stderr', '\n[CellBridge: output truncated: 5 more characters of stderr were dropped (limit 4 characters per cell)]\n']],
  );
  document.dispose();
});

test('once a write passes the cap the cell is full: later text is dropped unwritten, and a \\r cannot rewrite a cut line', () => {
  const document = new DocumentOutputs({ maxStreamCharsPerCell: 10 });
  const cell = document.createCell();
  cell.apply({ type: 'stream', name: 'stdout', text: 'aaaaaaa\nbbbbbbb\n' });
  cell.apply({ type: 'stream', name: 'stdout', text: '\rcc' });
  const [shown] = cell.outputs;
  assert.equal(shown?.output_type === 'stream' && shown.text, 'aaaaaaa\nbb\n[CellBridge: output truncated: 9 more characters of stdout were dropped (limit 10 characters per cell)]\n');
  document.dispose();
});

test('streams taking turns after the cap add no outputs: each stream keeps one carrier for its marker', () => {
  const document = new DocumentOutputs({ maxStreamCharsPerCell: 10 });
  const cell = document.createCell();
  cell.apply({ type: 'stream', name: 'stdout', text: '0123456789' });
  cell.apply({ type: 'stream', name: 'stdout', text: 'x' });
  for (let round = 0; round < 50; round++) {
    cell.apply({ type: 'stream', name: 'stderr', text: `err ${round}\n` });
    cell.apply({ type: 'stream', name: 'stdout', text: `out ${round}\n` });
  }
  assert.deepEqual(cell.outputs.map((o) => o.output_type === 'stream' && o.name), ['stdout', 'stderr']);
  document.dispose();
});

test('text past the cap costs no rewriting: a million dropped lines are counted, not written', { timeout: 20_000 }, () => {
  const document = new DocumentOutputs({ maxStreamCharsPerCell: 1000 });
  const cell = document.createCell();
  const line = 'x'.repeat(99) + '\n';
  for (let i = 0; i < 1_000_000; i++) cell.apply({ type: 'stream', name: 'stdout', text: line });
  const [shown] = cell.outputs;
  assert.ok(shown?.output_type === 'stream' && shown.text.startsWith(line.repeat(10)));
  assert.match(shown?.output_type === 'stream' ? shown.text : '', /99,999,000 more characters of stdout were dropped/);
  document.dispose();
});
