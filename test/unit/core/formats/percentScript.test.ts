import { test } from 'node:test';
import assert from 'node:assert/strict';
import { hasCellMarker, splitPercentScript } from '../../../../src/core/formats/percentScript';

/** The cells without the line ranges they span (tested on their own below). */
function cellsOf(text: string): Array<{ kind: string; source: string; firstLine: number }> {
  return splitPercentScript(text).map(({ kind, source, firstLine }) => ({ kind, source, firstLine }));
}
import { readRepoFile } from '../../inputTestSupport';

const lines = (...text: string[]): string => text.join('\n');

test('a file without markers is one code cell', () => {
  assert.deepEqual(cellsOf('import os\nprint(os.getcwd())\n'), [
    { kind: 'code', source: 'import os\nprint(os.getcwd())', firstLine: 1 },
  ]);
});

test('a blank file has no cells', () => {
  assert.deepEqual(cellsOf(''), []);
  assert.deepEqual(cellsOf('\n  \n\t\n'), []);
});

test('# %% and #%% start code cells; firstLine points at the first source line in the file', () => {
  const text = lines('# %%', 'a = 1', '', '#%%', 'b = 2', '', '');
  assert.deepEqual(cellsOf(text), [
    { kind: 'code', source: 'a = 1', firstLine: 2 },
    { kind: 'code', source: 'b = 2', firstLine: 5 },
  ]);
});

test('code before the first marker is a cell when it is not blank', () => {
  assert.deepEqual(cellsOf(lines('import sys', '# %%', 'x = 1')), [
    { kind: 'code', source: 'import sys', firstLine: 1 },
    { kind: 'code', source: 'x = 1', firstLine: 3 },
  ]);
  assert.deepEqual(cellsOf(lines('', '   ', '# %%', 'x = 1')), [{ kind: 'code', source: 'x = 1', firstLine: 4 }]);
});

test('markers may carry a title; [markdown] and [md] make markdown cells with the comment prefix stripped', () => {
  const text = lines(
    '# %% Load the data',
    'data = [1, 2]',
    '# %% [markdown]',
    '# # Results',
    '#',
    '# Two  spaces kept: `  x`',
    '# %% Notes [md]',
    '# short',
    'not a comment',
  );
  assert.deepEqual(cellsOf(text), [
    { kind: 'code', source: 'data = [1, 2]', firstLine: 2 },
    { kind: 'markdown', source: '# Results\n\nTwo  spaces kept: `  x`', firstLine: 4 },
    { kind: 'markdown', source: 'short\nnot a comment', firstLine: 8 },
  ]);
});

test('nbconvert markers # In[ ]: and # In[12]: start code cells', () => {
  const text = lines('#!/usr/bin/env python', '# coding: utf-8', '', '# In[1]:', '', '', 'x = 1', '', '', '# In[ ]:', '', '', 'x + 1', '');
  assert.deepEqual(cellsOf(text), [
    { kind: 'code', source: '#!/usr/bin/env python\n# coding: utf-8', firstLine: 1 },
    { kind: 'code', source: 'x = 1', firstLine: 7 },
    { kind: 'code', source: 'x + 1', firstLine: 13 },
  ]);
});

test('blank lines are trimmed at both ends, kept inside; empty cells are dropped', () => {
  const text = lines('# %%', '', 'def f():', '', '    return 1', '', '', '# %%', '', '# %%   ', '# %% [markdown]', '#', '# %%', 'f()');
  assert.deepEqual(cellsOf(text), [
    { kind: 'code', source: 'def f():\n\n    return 1', firstLine: 3 },
    { kind: 'code', source: 'f()', firstLine: 14 },
  ]);
});

test('look-alikes are not markers: cell magics, indented comments, other comments', () => {
  const text = lines('# %%', '# %%capture', 'if True:', '    # %%', '    pass', '## %%', '# In[x]:');
  assert.deepEqual(cellsOf(text), [
    { kind: 'code', source: '# %%capture\nif True:\n    # %%\n    pass\n## %%\n# In[x]:', firstLine: 2 },
  ]);
});

test('Windows line ends and a BOM are read like plain newlines', () => {
  assert.deepEqual(cellsOf('\uFEFF# %%\r\na = 1\r\nb = 2\r\n# %%\r\nc = 3\r\n'), [
    { kind: 'code', source: 'a = 1\nb = 2', firstLine: 2 },
    { kind: 'code', source: 'c = 3', firstLine: 5 },
  ]);
});

test('examples/demo.py splits into a markdown intro and six code cells', () => {
  const cells = splitPercentScript(readRepoFile('examples/demo.py'));
  assert.deepEqual(
    cells.map((cell) => cell.kind),
    ['markdown', 'code', 'code', 'code', 'code', 'code', 'code'],
  );
  assert.match(cells[0]?.source ?? '', /^# CellBridge demo\n\n/);
  assert.deepEqual(cells[1], { kind: 'code', source: 'a = 123\na', firstLine: 9, startLine: 8, endLine: 11 });
});

test('each cell spans from its marker to the line before the next marker, for CodeLens and the current cell', () => {
  const cells = splitPercentScript('import os\n\n# %% second\nx = 1\n\n#%%\n\ny = 2\n');
  assert.deepEqual(
    cells.map(({ startLine, endLine, firstLine }) => ({ startLine, endLine, firstLine })),
    [
      { startLine: 1, endLine: 2, firstLine: 1 },
      { startLine: 3, endLine: 5, firstLine: 4 },
      { startLine: 6, endLine: 9, firstLine: 8 },
    ],
  );
});

test('hasCellMarker: a percent or nbconvert marker line, not a commented-out cell magic', () => {
  assert.equal(hasCellMarker('x = 1\n# %%\ny = 2'), true);
  assert.equal(hasCellMarker('#%%\n'), true);
  assert.equal(hasCellMarker('# In[3]:\nx'), true);
  assert.equal(hasCellMarker('# %%capture\nx = 1'), false);
  assert.equal(hasCellMarker('print("# %%")'), false);
});
