import assert from 'node:assert/strict';
import { test } from 'node:test';
import { responseText } from '../../../src/runner/responseText';
import type { CellResponse, RunResponse } from '../../../src/runner/runResponse';

function cellOf(stdout: string, overrides: Partial<CellResponse> = {}): CellResponse {
  return {
    stdout,
    stderr: '',
    display: [],
    error: [],
    status: 'ok',
    execution_count: 1,
    execution_time: 0.001,
    // Left empty: a cell's size is then its stdout's, which keeps the arithmetic of these tests plain.
    outputs: [],
    ...overrides,
  };
}

function answerOf(cells: CellResponse[], files: Record<string, string> = {}): RunResponse {
  return {
    status: 'Success',
    message: '',
    driver: { status: 'Finished', execution_time: 1, return_code: 0, stdout: '', stderr: '' },
    cells,
    executor_pod_name: null,
    files,
  };
}

function parsed(text: { pieces: readonly string[]; bytes: number }): RunResponse {
  const json = text.pieces.join('');
  assert.equal(Buffer.byteLength(json), text.bytes, 'bytes counts what is sent');
  return JSON.parse(json) as RunResponse;
}

test('within its limit the text is the answer as JSON.stringify writes it, field for field', () => {
  const answer = answerOf([cellOf('a\n'), cellOf('é😀\n', { display: [{ 'text/plain': '1' }] })], { 'out.txt': 'aGk=' });
  const text = responseText(answer, 1_000_000);
  assert.equal(text.pieces.join(''), JSON.stringify(answer));
  assert.equal(responseText(answer).pieces.join(''), JSON.stringify(answer), 'and with no limit');
});

test('past its limit, cells keep their statuses; the outputs that do not fit are left out, each saying so', () => {
  const statuses = ['ok', 'error', 'ok', 'timeout', 'ok'] as const;
  const cells = statuses.map((status, i) => cellOf(`${i}`.repeat(3000), { status, execution_count: i + 1 }));
  const text = responseText(answerOf(cells), 12_000);
  assert.ok(text.bytes <= 12_000, `${text.bytes} bytes`);
  const answer = parsed(text);
  assert.deepEqual(answer.cells.map((cell) => cell.status), [...statuses]);
  assert.deepEqual(answer.cells.map((cell) => cell.execution_count), [1, 2, 3, 4, 5]);
  assert.ok(answer.cells[0]?.stdout === '0'.repeat(3000), 'the first cell whole');
  assert.ok(answer.cells[1]?.stdout === '1'.repeat(3000), 'the second cell whole');
  for (const cell of answer.cells.slice(2)) {
    assert.equal(cell.stdout, '');
    assert.match(cell.stderr, /^\[CellBridge: output left out: this cell's output \(at least 3,\d{3} bytes of JSON\) would take the answer past its size limit of 12,000 bytes\]\n$/);
    assert.deepEqual(cell.outputs, [{ output_type: 'stream', name: 'stderr', text: cell.stderr }]);
  }
  assert.equal(answer.status, 'Success');
  assert.equal(answer.message, 'The answer would pass its size limit of 12,000 bytes: the outputs of 3 of 5 cells were left out, each saying so in its stderr.');
});

test('a later cell small enough still fits after a larger one was left out', () => {
  const text = responseText(answerOf([cellOf('x'.repeat(20_000)), cellOf('small')]), 8000);
  const answer = parsed(text);
  assert.match(answer.cells[0]?.stderr ?? '', /output left out/);
  assert.equal(answer.cells[1]?.stdout, 'small');
});

test('a cell whose outputs do not fit keeps its errors when they do', () => {
  const error = { ename: 'ValueError', evalue: 'bad', traceback: ['ValueError: bad'] };
  const answer = parsed(responseText(answerOf([cellOf('x'.repeat(20_000), { status: 'error', error: [error] })]), 8000));
  assert.deepEqual(answer.cells[0]?.error, [error]);
  assert.match(answer.cells[0]?.stderr ?? '', /its errors are kept/);
});

test('fetched files come after every status and before the cells\' outputs; one that does not fit is named', () => {
  const files = { 'small.txt': 'c21hbGw=', 'big.bin': 'A'.repeat(20_000) };
  const answer = parsed(responseText(answerOf([cellOf('x'.repeat(3000))], files), 8000));
  assert.deepEqual(answer.files, { 'small.txt': 'c21hbGw=' });
  assert.ok(answer.cells[0]?.stdout === 'x'.repeat(3000), 'the cell whole');
  assert.match(answer.message, /fetched files left out: "big\.bin"/);
});

test('a cell that JSON.stringify cannot write (nested past the stack) is left out, not the answer', () => {
  let deep: unknown = 'x';
  for (let depth = 0; depth < 200_000; depth++) deep = [deep];
  const answer = parsed(responseText(answerOf([cellOf('', { display: [{ 'application/json': deep }] }), cellOf('next')])));
  assert.match(answer.cells[0]?.stderr ?? '', /output left out/);
  assert.equal(answer.cells[1]?.stdout, 'next');
});

test('when not even every status fits, the first cells are listed and the message says how many', () => {
  const cells = Array.from({ length: 200 }, (_, i) => cellOf('', { execution_count: i + 1 }));
  const text = responseText(answerOf(cells), 20_000);
  const answer = parsed(text);
  assert.ok(answer.cells.length > 0 && answer.cells.length < 200);
  assert.match(answer.message, new RegExp(`only the first ${answer.cells.length} of 200 cells are listed`));
  assert.ok(text.bytes <= 20_000 + 4096, `${text.bytes} bytes`);
});

test('a large answer comes in pieces, none of them the whole', () => {
  const cells = Array.from({ length: 8 }, () => cellOf('y'.repeat(1 << 20)));
  const text = responseText(answerOf(cells));
  assert.ok(text.pieces.length >= 8);
  assert.equal(parsed(text).cells.length, 8);
});
