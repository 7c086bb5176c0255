import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DocumentOutputs } from '../../../../src/core/outputs/documentOutputs';
import { StreamBudget } from '../../../../src/core/outputs/streamBudget';

test('a budget keeps text up to its limit across streams and counts the rest per stream', () => {
  const budget = new StreamBudget(10);
  assert.equal(budget.admit('stdout', '123456'), '123456');
  assert.equal(budget.admit('stderr', 'abcdef'), 'abcd');
  assert.equal(budget.admit('stdout', 'xyz'), '');
  assert.equal(budget.dropped('stdout'), 3);
  assert.equal(budget.dropped('stderr'), 2);
  assert.match(budget.marker('stdout'), /3 more characters of stdout were dropped \(limit 10 characters per cell\)/);
  budget.reset();
  assert.equal(budget.marker('stdout'), '');
});

test('a capped cell shows the kept text with a marker naming how much was dropped, shown and raw', () => {
  const document = new DocumentOutputs({ maxStreamCharsPerCell: 8 });
  const cell = document.createCell();
  const changes: string[] = [];
  cell.onDidChange((change) => changes.push(change.kind));
  cell.apply({ type: 'stream', name: 'stdout', text: 'line1\n' });
  cell.apply({ type: 'stream', name: 'stdout', text: 'line2\n' });
  cell.apply({ type: 'stream', name: 'stdout', text: 'line3\n' });
  const [shown] = cell.outputs;
  assert.equal(shown?.output_type === 'stream' && shown.text, 'line1\nli\n[CellBridge: output truncated: 10 more characters of stdout were dropped (limit 8 characters per cell)]\n');
  assert.equal(cell.transcript().stdout, shown?.output_type === 'stream' ? shown.text : undefined);
  assert.deepEqual(changes, ['appended', 'updated', 'updated'], 'dropped text still refreshes the marker');
  document.dispose();
});

test('without a limit nothing is dropped and no marker appears', () => {
  const document = new DocumentOutputs();
  const cell = document.createCell();
  cell.apply({ type: 'stream', name: 'stderr', text: 'x'.repeat(100_000) });
  assert.equal(cell.transcript().stderr.length, 100_000);
  document.dispose();
});
