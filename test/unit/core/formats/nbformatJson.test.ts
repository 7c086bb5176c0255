import { test } from 'node:test';
import assert from 'node:assert/strict';
import { splitLinesKeepingEnds, stringifyLikeNbformat } from '../../../../src/core/formats/nbformatJson';

test('lines are split like Python str.splitlines(keepends=True)', () => {
  assert.deepEqual(splitLinesKeepingEnds(''), []);
  assert.deepEqual(splitLinesKeepingEnds('one'), ['one']);
  assert.deepEqual(splitLinesKeepingEnds('a\nb\n'), ['a\n', 'b\n']);
  assert.deepEqual(splitLinesKeepingEnds('a\r\nb\rc'), ['a\r\n', 'b\r', 'c']);
  assert.deepEqual(splitLinesKeepingEnds('\rstep 1\rstep 2'), ['\r', 'step 1\r', 'step 2']);
  assert.deepEqual(splitLinesKeepingEnds('a\vb\fc\x1cd\u2028e\x85f'), ['a\v', 'b\f', 'c\x1c', 'd\u2028', 'e\x85', 'f']);
  assert.deepEqual(splitLinesKeepingEnds('\n\n'), ['\n', '\n']);
});

test('JSON is written with sorted keys, a one-space indent and a trailing newline', () => {
  assert.equal(
    stringifyLikeNbformat({ b: [1, { d: null, c: 'x' }], a: {}, e: [] }),
    '{\n "a": {},\n "b": [\n  1,\n  {\n   "c": "x",\n   "d": null\n  }\n ],\n "e": []\n}\n',
  );
});

test('keys are sorted as strings, as Python sorts them, not integer-like keys first', () => {
  const text = stringifyLikeNbformat({ b: 1, '10': 2, '9': 3, A: 4 });
  assert.deepEqual(
    [...text.matchAll(/"(\w+)":/g)].map((match) => match[1]),
    ['10', '9', 'A', 'b'],
  );
});

test('strings keep non-ASCII text and escape control characters', () => {
  assert.equal(stringifyLikeNbformat(['é ✓ \u001b[0m \t']), '[\n "é ✓ \\u001b[0m \\t"\n]\n');
});
