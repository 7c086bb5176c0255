import assert from 'node:assert/strict';
import { test } from 'node:test';
import { assertNotebookOutputsMatch, normaliseOutput } from '../../kernel/helpers/nbclientNormalisation';

test('metadata goes, addresses and widget model ids are blanked, line lists are joined', () => {
  const stored = {
    output_type: 'display_data',
    metadata: { isolated: true },
    data: {
      'text/plain': ['<Foo at 0x7f3a9c2d1e80>\n', 'ok'],
      'application/vnd.jupyter.widget-view+json': { model_id: 'f46f26da84b54255bccc3a69d7eb08de', version_major: 2, version_minor: 0 },
      'application/json': ['a', 'b'],
    },
  };
  assert.deepEqual(normaliseOutput(stored), {
    output_type: 'display_data',
    data: {
      'text/plain': '<Foo at <HEXADDR>>\nok',
      'application/vnd.jupyter.widget-view+json': { model_id: '<MODEL_ID>', version_major: 2, version_minor: 0 },
      'application/json': ['a', 'b'],
    },
  });
  assert.deepEqual(normaliseOutput({ output_type: 'stream', name: 'stdout', text: ['at 0x10a2b3c4d\n'] }), {
    output_type: 'stream',
    name: 'stdout',
    text: 'at <HEXADDR>\n',
  });
  assert.equal(stored.data['text/plain'].length, 2, 'the argument is left as it was');
});

test('SVG compares as XML (whitespace between tags, attribute order, empty elements), base64 without its line wrapping', () => {
  const svg = (text: string | string[], png: string) => normaliseOutput({ output_type: 'display_data', metadata: {}, data: { 'image/svg+xml': text, 'image/png': png } });
  const a = svg(
    '<?xml version="1.0"?>\n<!-- drawn -->\n<svg height="100" width=\'100\'>\n  <g fill="red"   id="g1"></g>\n <circle r="40" cx="50"/>\n</svg>\n',
    'iVBOR\nw0KGgo=\n',
  );
  const b = svg(['<svg width="100" height="100"><g id="g1" fill="red"/>', '<circle cx="50" r="40" /></svg>'], 'iVBORw0KGgo=');
  assert.deepEqual(a, b);
  assert.notDeepEqual(svg('<svg><circle r="40"/></svg>', ''), svg('<svg><circle r="41"/></svg>', ''), 'values still count');
  assert.notDeepEqual(svg('<svg><g/><g/></svg>', ''), svg('<svg><g/></svg>', ''), 'elements still count');
});

test('tracebacks lose colours and the cell location of every IPython generation', () => {
  const lines = [
    '\x1b[0;31mZeroDivisionError\x1b[0m                         Traceback (most recent call last)',
    'Cell \x1b[0;32mIn[3], line 1\x1b[0m\n\x1b[0;32m----> 1\x1b[0m 1/0',
    'Input In [3], in <cell line: 1>()',
    'Input In [3], in <module>',
    '<ipython-input-3-9e1622b385b6> in <module>',
    '<ipython-input-3-9e1622b385b6> in <cell line: 12>()',
  ];
  assert.deepEqual(normaliseOutput({ output_type: 'error', ename: 'E', evalue: 'v', traceback: lines }).traceback, [
    'ZeroDivisionError                         Traceback (most recent call last)',
    '<IPY-INPUT>\n----> 1 1/0',
    '<IPY-INPUT>',
    '<IPY-INPUT>',
    '<IPY-INPUT>',
    '<IPY-INPUT>',
  ]);
});

test("the source shown around the failing line is dropped (IPython 9 shows more of it than 8), the failing line kept", () => {
  const frame = (lines: string[]): unknown => ({ output_type: 'error', ename: 'E', evalue: 'm', traceback: [['Cell In[1], line 3', ...lines].join('\n')] });
  const ipython8 = frame(['      2 print("hello")', '----> 3 raise E("m")', '      4 x = 1']);
  const ipython9 = frame(['      1 import sys', '      2 print("hello")', '----> 3 raise E("m")', '      4 x = 1', '     10 y = 2']);
  assert.deepEqual(normaliseOutput(ipython9), normaliseOutput(ipython8));
  assert.notDeepEqual(normaliseOutput(frame(['----> 4 raise E("m")'])), normaliseOutput(ipython8), 'another failing line differs');
});

test('notebooks match cell by cell, outputs and execution counts; the message names the cell that differs', () => {
  const expected = {
    cells: [
      { cell_type: 'markdown' },
      { cell_type: 'code', execution_count: 1, outputs: [{ output_type: 'stream', name: 'stdout', text: ['a\n', 'b\n'], metadata: {} }] },
    ],
  };
  const actual = { cells: [{ cell_type: 'markdown' }, { cell_type: 'code', execution_count: 1, outputs: [{ output_type: 'stream', name: 'stdout', text: 'a\nb\n' }] }] };
  assertNotebookOutputsMatch(expected, actual);
  assert.throws(() => assertNotebookOutputsMatch(expected, { cells: [actual.cells[0]!, { ...actual.cells[1]!, execution_count: 2 }] }), /cell 1 \(code\): execution counts differ/);
  assert.throws(() => assertNotebookOutputsMatch(expected, { cells: [actual.cells[0]!, { ...actual.cells[1]!, outputs: [] }] }), /cell 1 \(code\): outputs differ/);
  assert.throws(() => assertNotebookOutputsMatch(expected, { cells: [actual.cells[0]!] }), /as many cells/);
});
