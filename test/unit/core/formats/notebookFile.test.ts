import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Output } from '../../../../src/core/outputs/nbformat';
import {
  codeCellsOf,
  kernelNameOf,
  NotebookDocument,
  parseNotebook,
  serializeNotebook,
  withOutputs,
} from '../../../../src/core/formats/notebookFile';
import { assertInvalid, readRepoFile } from '../../inputTestSupport';

/** A notebook's JSON text with the given cells; nbformat 4.5 unless told otherwise. */
function notebookText(cells: unknown[], extra: Record<string, unknown> = {}): string {
  return JSON.stringify({ nbformat: 4, nbformat_minor: 5, metadata: {}, cells, ...extra });
}

const codeCell = (source: unknown, more: Record<string, unknown> = {}): Record<string, unknown> => ({
  cell_type: 'code',
  id: 'c',
  metadata: {},
  source,
  outputs: [],
  execution_count: null,
  ...more,
});

test('examples/demo.ipynb: nbformat 4.5, kernel python3, a markdown intro then six code cells', () => {
  const nb = parseNotebook(readRepoFile('examples/demo.ipynb'));
  assert.equal(nb.nbformat, 4);
  assert.equal(nb.nbformat_minor, 5);
  assert.equal(kernelNameOf(nb), 'python3');
  assert.equal(nb.cells[0]?.cell_type, 'markdown');
  const code = codeCellsOf(nb);
  assert.deepEqual(
    code.map((cell) => cell.index),
    [1, 2, 3, 4, 5, 6],
  );
  assert.deepEqual(code[0], { index: 1, source: 'a = 123\na', tags: [] });
});

test('a notebook saved by Jupyter is written back byte for byte', () => {
  // demo-executed.ipynb was run and saved by nbclient/nbformat: streams split at \r, a PNG, HTML, timing metadata.
  for (const file of ['examples/demo.ipynb', 'test/fixtures/demo-executed.ipynb']) {
    const text = readRepoFile(file);
    assert.equal(serializeNotebook(parseNotebook(text)), text, file);
  }
});

test('multi-line fields are joined in memory, whether saved as a string or a list of lines', () => {
  const nb = parseNotebook(
    notebookText([
      codeCell('x = 1\ny = 2'),
      codeCell(['x = 1\n', 'y = 2'], {
        outputs: [
          { output_type: 'stream', name: 'stdout', text: ['a\n', 'b'] },
          { output_type: 'display_data', metadata: {}, data: { 'text/html': ['<b>\n', '</b>'], 'application/json': ['kept', 'as list'] } },
        ],
      }),
    ]),
  );
  const [first, second] = nb.cells;
  assert.equal(first?.source, 'x = 1\ny = 2');
  assert.equal(second?.source, 'x = 1\ny = 2');
  assert.ok(second?.cell_type === 'code');
  assert.deepEqual(second.outputs, [
    { output_type: 'stream', name: 'stdout', text: 'a\nb' },
    { output_type: 'display_data', metadata: {}, data: { 'text/html': '<b>\n</b>', 'application/json': ['kept', 'as list'] } },
  ]);
});

test('invalid JSON is reported with its line and column', () => {
  assertInvalid(() => parseNotebook(readRepoFile('test/fixtures/malformed.ipynb')), 'notebook', /not valid JSON at line 6, column 3/);
  assertInvalid(() => parseNotebook('{"cells": ['), 'notebook', /not valid JSON at line 1, column 12/);
  assertInvalid(() => parseNotebook(''), 'notebook', /not valid JSON/);
});

test('a cell whose source is a number is named in the error', () => {
  const badSource = readRepoFile('test/fixtures/bad-source.ipynb');
  assertInvalid(() => parseNotebook(badSource), 'cells[1].source', /string or a list of strings, got a number/);
  const missingSource = notebookText([codeCell('ok'), codeCell('ok'), codeCell('ok'), codeCell(undefined)]);
  assertInvalid(() => parseNotebook(missingSource), 'cells[3].source', /got missing/);
  assertInvalid(() => parseNotebook(notebookText([codeCell(['a\n', 2])])), 'cells[0].source', /list of strings/);
});

test('the notebook, its version and its cell list are checked', () => {
  assertInvalid(() => parseNotebook('[]'), 'notebook', /JSON object, got an array/);
  assertInvalid(() => parseNotebook('{"cells": []}'), 'nbformat', /whole number, got missing; is this a Jupyter notebook/);
  assertInvalid(() => parseNotebook(JSON.stringify({ nbformat: 3, nbformat_minor: 0, worksheets: [] })), 'nbformat', /version 3 .*nbconvert/);
  assertInvalid(() => parseNotebook(notebookText([], { nbformat: 5 })), 'nbformat', /version 5 is not supported/);
  assertInvalid(() => parseNotebook(notebookText([], { nbformat_minor: '5' })), 'nbformat_minor', /got a string/);
  assertInvalid(() => parseNotebook(notebookText([], { cells: {} })), 'cells', /list of cells, got an object/);
  assertInvalid(() => parseNotebook(notebookText([], { metadata: [] })), 'metadata', /got an array/);
});

test('each cell part is checked and named', () => {
  const parse = (cell: unknown) => () => parseNotebook(notebookText([cell]));
  assertInvalid(parse('x = 1'), 'cells[0]', /cell object, got a string/);
  assertInvalid(parse(codeCell('x', { cell_type: 'heading' })), 'cells[0].cell_type', /"code", "markdown" or "raw", got "heading"/);
  assertInvalid(parse(codeCell('x', { metadata: 'none' })), 'cells[0].metadata', /got a string/);
  assertInvalid(parse(codeCell('x', { outputs: {} })), 'cells[0].outputs', /list of outputs/);
  assertInvalid(parse(codeCell('x', { execution_count: '1' })), 'cells[0].execution_count', /whole number or null/);
  assertInvalid(parse(codeCell('x', { id: 7 })), 'cells[0].id', /non-empty string/);
  assertInvalid(parse(codeCell('x', { outputs: [{ output_type: 'pager' }] })), 'cells[0].outputs[0].output_type', /got "pager"/);
  assertInvalid(parse(codeCell('x', { outputs: [{ output_type: 'stream', name: 'stdout', text: 1 }] })), 'cells[0].outputs[0].text', /got a number/);
  assertInvalid(parse(codeCell('x', { outputs: [{ output_type: 'stream', name: 'log', text: '' }] })), 'cells[0].outputs[0].name', /"stdout" or "stderr"/);
  assertInvalid(parse(codeCell('x', { outputs: [{ output_type: 'display_data', data: 'x' }] })), 'cells[0].outputs[0].data', /MIME type/);
  const badError = { output_type: 'error', ename: 'E', evalue: 'v', traceback: 'tb' };
  assertInvalid(parse(codeCell('x', { outputs: [badError] })), 'cells[0].outputs[0].traceback', /list of strings/);
  assertInvalid(parse({ cell_type: 'markdown', source: '', attachments: { 'a.png': 'x' } }), 'cells[0].attachments["a.png"]', /MIME type/);
});

test('cell ids: made up when a 4.5 file lacks one, dropped from files older than 4.5', () => {
  const withoutId = parseNotebook(notebookText([{ cell_type: 'markdown', metadata: {}, source: 'hi' }]));
  assert.match(withoutId.cells[0]?.id ?? '', /^[0-9a-f-]{36}$/);
  const old = parseNotebook(notebookText([codeCell('x')], { nbformat_minor: 4 }));
  assert.equal(old.cells[0]?.id, undefined);
  assert.doesNotMatch(serializeNotebook(old), /"id"/);
});

test('kernelNameOf reads metadata.kernelspec.name, and codeCellsOf keeps string tags only', () => {
  const nb = parseNotebook(
    notebookText(
      [codeCell('1', { metadata: { tags: ['raises-exception', 3, 'skip-execution'] } }), { cell_type: 'raw', metadata: {}, source: '' }, codeCell('2')],
      { metadata: { kernelspec: { name: 'xpython', display_name: 'xeus' } } },
    ),
  );
  assert.equal(kernelNameOf(nb), 'xpython');
  assert.deepEqual(codeCellsOf(nb), [
    { index: 0, source: '1', tags: ['raises-exception', 'skip-execution'] },
    { index: 2, source: '2', tags: [] },
  ]);
  assert.equal(kernelNameOf(parseNotebook(notebookText([]))), undefined);
  assert.equal(kernelNameOf(parseNotebook(notebookText([], { metadata: { kernelspec: { name: '' } } }))), undefined);
});

const demoOutputs: Output[] = [
  { output_type: 'stream', name: 'stdout', text: 'step 5/5\ndone\n' },
  { output_type: 'stream', name: 'stderr', text: 'warning' },
  {
    output_type: 'display_data',
    data: {
      'text/markdown': '**done**',
      'text/plain': '<Markdown>',
      'image/png': 'iVBORw0KGgo=\n',
      'application/vnd.custom+json': { a: [1, 2] },
    },
    metadata: { 'image/png': { width: 10 } },
    transient: { display_id: 'abc' },
  },
  { output_type: 'execute_result', execution_count: 3, data: { 'text/plain': '  a\n0  1', 'text/html': '<table>\n</table>' }, metadata: {} },
  { output_type: 'error', ename: 'ValueError', evalue: 'bad', traceback: ['line 1', 'line 2'] },
];

test('withOutputs fills the listed code cells, leaves the rest and the input unchanged', () => {
  const nb = parseNotebook(readRepoFile('examples/demo.ipynb'));
  const before = serializeNotebook(nb);
  const updated = withOutputs(nb, [
    { index: 1, outputs: demoOutputs, executionCount: 3 },
    { index: 2, outputs: [], executionCount: null },
  ]);
  assert.equal(serializeNotebook(nb), before, 'the input notebook is not changed');
  const [intro, first, second, third] = updated.cells;
  assert.deepEqual(intro, nb.cells[0]);
  assert.ok(first?.cell_type === 'code' && second?.cell_type === 'code' && third?.cell_type === 'code');
  assert.equal(first.execution_count, 3);
  assert.deepEqual(first.outputs, demoOutputs);
  assert.equal(second.execution_count, null);
  assert.deepEqual(third, nb.cells[3]);
  assertInvalid(() => withOutputs(nb, [{ index: 0, outputs: [], executionCount: 1 }]), 'results[0].index', /not the index of a code cell/);
  assertInvalid(() => withOutputs(nb, [{ index: 99, outputs: [], executionCount: 1 }]), 'results[0].index', /99/);
});

test('outputs are saved the way Jupyter saves them', () => {
  const nb = withOutputs(parseNotebook(readRepoFile('examples/demo.ipynb')), [{ index: 1, outputs: demoOutputs, executionCount: 3 }]);
  const text = serializeNotebook(nb);
  assert.ok(text.endsWith('}\n'), 'a trailing newline');
  assert.ok(text.startsWith('{\n "cells": [\n  {\n   "cell_type"'), 'one-space indent, sorted keys');
  assert.doesNotMatch(text, /transient/);
  const saved = (JSON.parse(text) as { cells: { outputs?: unknown[] }[] }).cells[1]?.outputs;
  assert.deepEqual(saved, [
    { name: 'stdout', output_type: 'stream', text: ['step 5/5\n', 'done\n'] },
    { name: 'stderr', output_type: 'stream', text: ['warning'] },
    {
      data: {
        'application/vnd.custom+json': { a: [1, 2] },
        'image/png': 'iVBORw0KGgo=\n',
        'text/markdown': ['**done**'],
        'text/plain': ['<Markdown>'],
      },
      metadata: { 'image/png': { width: 10 } },
      output_type: 'display_data',
    },
    {
      data: { 'text/html': ['<table>\n', '</table>'], 'text/plain': ['  a\n', '0  1'] },
      execution_count: 3,
      metadata: {},
      output_type: 'execute_result',
    },
    { ename: 'ValueError', evalue: 'bad', output_type: 'error', traceback: ['line 1', 'line 2'] },
  ]);
});

test('round trip: parse → withOutputs → serialize → parse gives the same notebook', () => {
  const nb = parseNotebook(readRepoFile('examples/demo.ipynb'));
  const withoutTransient = demoOutputs.map((output) => {
    if (output.output_type !== 'display_data' && output.output_type !== 'execute_result') return output;
    const { transient: _transient, ...saved } = output;
    return saved;
  });
  const updated: NotebookDocument = withOutputs(nb, [{ index: 6, outputs: demoOutputs, executionCount: 7 }]);
  const reread = parseNotebook(serializeNotebook(updated));
  assert.deepEqual(reread, withOutputs(nb, [{ index: 6, outputs: withoutTransient, executionCount: 7 }]));
  assert.equal(serializeNotebook(reread), serializeNotebook(updated));
});
