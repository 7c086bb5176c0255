import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadRunInput } from '../../../src/runner/cellSource';
import { assertInvalid, readRepoFile } from '../inputTestSupport';

test('a notebook runs its code cells on its own kernel, with their tags', () => {
  const input = loadRunInput('examples/demo.ipynb', readRepoFile('examples/demo.ipynb'));
  assert.equal(input.kind, 'notebook');
  assert.equal(input.request.kernel, 'python3');
  assert.equal(input.request.cells.length, 6);
  assert.equal(input.request.cells[0], 'a = 123\na');
  assert.deepEqual(input.request.cellTags, [[], [], [], [], [], []]);
  assert.equal(input.request.totalTimeoutSeconds, 45);
});

test('a notebook without a kernelspec runs on python3; a saved kernel name is honoured and checked', () => {
  const notebook = (metadata: unknown): string =>
    JSON.stringify({
      nbformat: 4,
      nbformat_minor: 4,
      metadata,
      cells: [{ cell_type: 'code', metadata: { tags: ['raises-exception'] }, source: '1/0', outputs: [], execution_count: null }],
    });
  const plain = loadRunInput('a.ipynb', notebook({}));
  assert.equal(plain.request.kernel, 'python3');
  assert.deepEqual(plain.request.cellTags, [['raises-exception']]);
  assert.equal(loadRunInput('a.IPYNB', notebook({ kernelspec: { name: 'xpython' } })).request.kernel, 'xpython');
  assertInvalid(() => loadRunInput('a.ipynb', notebook({ kernelspec: { name: '../../x' } })), 'metadata.kernelspec.name', /not a kernel name/);
});

test('a script runs its code cells and keeps its markdown cells for the report', () => {
  const input = loadRunInput('examples/demo.py', readRepoFile('examples/demo.py'));
  assert.ok(input.kind === 'script');
  assert.equal(input.cells.length, 7);
  assert.equal(input.request.cells.length, 6);
  assert.equal(input.request.kernel, 'python3');
  assert.equal(input.request.cellTags, undefined);
});

test('a .json file is a run request', () => {
  const input = loadRunInput('req.json', '{"cells": ["1 + 1"], "cell_timeout": 3, "language": "python"}');
  assert.equal(input.kind, 'request');
  assert.deepEqual(input.request.cells, ['1 + 1']);
  assert.equal(input.request.cellTimeoutSeconds, 3);
  assertInvalid(() => loadRunInput('req.json', '{"cells": ["1"],\n}'), 'request', /not valid JSON at line 2, column 1/);
  assertInvalid(() => loadRunInput('req.json', '{"cells": [1]}'), 'cells[0]', /string/);
});

test('errors inside a notebook name the cell', () => {
  assertInvalid(() => loadRunInput('bad.ipynb', readRepoFile('test/fixtures/bad-source.ipynb')), 'cells[1].source');
});

test('an unknown extension is refused with the formats that work', () => {
  assertInvalid(() => loadRunInput('notes.txt', 'print(1)'), 'file', /notes\.txt.*\.ipynb.*\.py.*\.json/);
  assertInvalid(() => loadRunInput('Makefile', ''), 'file');
});
