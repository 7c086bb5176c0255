import assert from 'node:assert/strict';
import { test } from 'node:test';
import { displaySizeOf, errorSizeOf, jsonLengthOf } from '../../../../src/core/outputs/outputSize';

test('a value without escapes measures exactly its JSON length', () => {
  const values: unknown[] = [
    'text',
    '',
    42,
    -1.5e-7,
    true,
    false,
    null,
    [],
    {},
    [1, 'two', [3], { four: 4 }],
    { 'text/html': '<b>x</b>', 'application/json': { a: [1, 2, { b: null }], c: 'd' }, empty: {} },
  ];
  for (const value of values) assert.equal(jsonLengthOf(value), JSON.stringify(value).length, JSON.stringify(value));
});

test('escapes are not counted, so the measure is never more than the real length', () => {
  const value = { 'text/plain': 'a "quoted"\n\u0000 line' };
  assert.ok(jsonLengthOf(value) < JSON.stringify(value).length);
});

test('undefined members are left out, as JSON leaves them out', () => {
  assert.equal(jsonLengthOf({ a: 1, b: undefined }), JSON.stringify({ a: 1, b: undefined }).length);
});

test('a string measure in UTF-8 bytes counts what the wire carries', () => {
  const value = { 'text/plain': 'é€😀' };
  assert.equal(jsonLengthOf(value, (text) => Buffer.byteLength(text)), Buffer.byteLength(JSON.stringify(value)));
});

test('a value nested deeper than the call stack, and an array too long to spread, are measured', () => {
  let deep: unknown = 'x';
  for (let depth = 0; depth < 200_000; depth++) deep = [deep];
  assert.equal(jsonLengthOf(deep), 200_000 * 2 + 3);
  const long = new Array<number>(1_000_000).fill(7);
  assert.equal(jsonLengthOf(long), JSON.stringify(long).length);
});

test('a display counts its bundle and its metadata; an error its name, value and traceback', () => {
  assert.equal(displaySizeOf({ 'text/plain': 'abc' }, { isolated: true }), JSON.stringify({ 'text/plain': 'abc' }).length + JSON.stringify({ isolated: true }).length);
  assert.equal(errorSizeOf({ ename: 'ValueError', evalue: 'bad', traceback: ['line 1', 'line 22'] }), 10 + 3 + 6 + 7);
});
