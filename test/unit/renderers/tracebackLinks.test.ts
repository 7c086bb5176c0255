import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseAnsi, splitLines } from '../../../renderers/error/ansi';
import { findLinks, LinkTarget } from '../../../renderers/error/tracebackLinks';
import { fixtureCase, loadFixture } from './rendererFixtures';

/** The link targets of a traceback, line by line, as the formatter finds them. */
function targets(traceback: readonly string[]): LinkTarget[] {
  const plain = splitLines(parseAnsi(traceback.join('\n'))).map((runs) => runs.map((run) => run.text).join(''));
  return plain.flatMap((line, i) => findLinks(line, plain.slice(i + 1, i + 41)).map((link) => link.target));
}

const cell = (executionCount: number, line?: number): LinkTarget => ({ kind: 'cell', executionCount, line });
const file = (path: string, line?: number): LinkTarget => ({ kind: 'file', path, line });

for (const name of ['ipykernel.json', 'ipykernel7-ipython9.json', 'xeus-python.json']) {
  const fixture = loadFixture(name);
  const of = (id: string) => targets(fixtureCase(fixture, id).output.traceback);
  const stdlib = fixture.stdlib ?? '/usr/lib/python3.11';

  test(`${fixture.kernel}: a nested function's frames link to their cell and lines`, () => {
    const count = fixtureCase(fixture, 'nested-function').execution_count;
    assert.deepEqual(of('nested-function'), [cell(count, 7), cell(count, 5), cell(count, 2)]);
  });

  test(`${fixture.kernel}: frames of an earlier cell link to that cell, not to the failing one`, () => {
    const defined = fixtureCase(fixture, 'nested-function').execution_count;
    const failing = fixtureCase(fixture, 'earlier-cell-frame').execution_count;
    assert.notEqual(defined, failing);
    assert.deepEqual(of('earlier-cell-frame'), [cell(failing, 1), cell(defined, 5), cell(defined, 2)]);
  });

  test(`${fixture.kernel}: library frames link to the file and line`, () => {
    const count = fixtureCase(fixture, 'library-raise').execution_count;
    assert.deepEqual(of('library-raise'), [
      cell(count, 2),
      file(`${stdlib}/json/__init__.py`, 346),
      file(`${stdlib}/json/decoder.py`, 337),
      file(`${stdlib}/json/decoder.py`, 353),
    ]);
  });

  test(`${fixture.kernel}: syntax and name errors link to their cell`, () => {
    assert.deepEqual(of('syntax-error'), [cell(fixtureCase(fixture, 'syntax-error').execution_count, 1)]);
    assert.deepEqual(of('name-error'), [cell(fixtureCase(fixture, 'name-error').execution_count, 1)]);
  });

  test(`${fixture.kernel}: home (~) paths, paths with quotes and angle brackets, Cython sources`, () => {
    assert.deepEqual(of('user-modules').slice(1), [file('~/project/helpers.py', 2), file(`${fixture.hostileDir}/hostile.py`, 2)]);
    // Cython sources are named relative to pandas; their lines change with its version.
    assert.ok(of('deep-library').some((t) => t.kind === 'file' && t.path === 'pandas/_libs/hashtable_class_helper.pxi' && (t.line ?? 0) > 0));
  });

  test(`${fixture.kernel}: %xmode Plain frames (\`File path:line in f\`)`, () => {
    const count = fixtureCase(fixture, 'plain-mode').execution_count;
    assert.deepEqual(of('plain-mode'), [
      cell(count, 3),
      file(`${stdlib}/json/__init__.py`, 346),
      file(`${stdlib}/json/decoder.py`, 337),
      file(`${stdlib}/json/decoder.py`, 353),
    ]);
  });
}

test('raw xeus-python: `In  [N]:` and `File path, in f:` frames take their line from `Line M:`', () => {
  const fixture = loadFixture('xeus-python-raw.json');
  const of = (id: string) => targets(fixtureCase(fixture, id).output.traceback);
  const nested = fixtureCase(fixture, 'nested-function').execution_count;
  assert.deepEqual(of('nested-function'), [cell(nested, 7), cell(nested, 5), cell(nested, 2)]);
  assert.deepEqual(of('earlier-cell-frame'), [cell(fixtureCase(fixture, 'earlier-cell-frame').execution_count, 1), cell(nested, 5), cell(nested, 2)]);
  assert.deepEqual(of('library-raise'), [
    cell(fixtureCase(fixture, 'library-raise').execution_count, 2),
    file('/usr/lib/python3.11/json/__init__.py', 346),
    file('/usr/lib/python3.11/json/decoder.py', 337),
    file('/usr/lib/python3.11/json/decoder.py', 353),
  ]);
  assert.deepEqual(of('user-modules').slice(1), [file(`${fixture.home}/project/helpers.py`, 2), file(`${fixture.hostileDir}/hostile.py`, 2)]);
});

test('IPython 7: `<ipython-input-N-…>` frames (line from the arrow), `/path.py in f` frames, syntax errors', () => {
  const fixture = loadFixture('ipython7.json');
  const of = (id: string) => targets(fixtureCase(fixture, id).output.traceback);
  assert.deepEqual(of('earlier-cell-frame'), [cell(5, 1), cell(1, 5), cell(1, 2)]);
  assert.deepEqual(of('library-raise'), [
    cell(2, 2),
    file('/usr/lib/python3.8/json/__init__.py', 357),
    file('/usr/lib/python3.8/json/decoder.py', 337),
    file('/usr/lib/python3.8/json/decoder.py', 353),
  ]);
  assert.deepEqual(of('syntax-error'), [cell(3, 3)]);
  assert.deepEqual(of('name-error'), [cell(4, 1)]);
  assert.deepEqual(of('module-with-parentheses'), [cell(7, 1)]);
});

test('IPython 8.0–8.3: `Input In [N]` with `<cell line: M>`, or the arrow, or no line at all', () => {
  const fixture = loadFixture('ipython8.0.json');
  const of = (id: string) => targets(fixtureCase(fixture, id).output.traceback);
  assert.deepEqual(of('earlier-cell-frame'), [cell(5, 1), cell(1, 5), cell(1, 2)]);
  assert.deepEqual(of('library-raise'), [cell(2, 2), file('/usr/lib/python3.10/json/__init__.py', 346), file('/usr/lib/python3.10/json/decoder.py', 337)]);
  assert.deepEqual(of('syntax-error'), [cell(3)]);
});

test('later IPython 8: `Cell In[N]` without a space; Windows and home paths', () => {
  const fixture = loadFixture('ipython8-later.json');
  const of = (id: string) => targets(fixtureCase(fixture, id).output.traceback);
  assert.deepEqual(of('earlier-cell-frame'), [cell(12, 1), cell(3, 5), cell(3, 2)]);
  assert.deepEqual(of('windows-paths'), [
    cell(4, 2),
    file('c:\\Users\\me\\project\\util.py', 12),
    file('~\\miniconda3\\Lib\\json\\__init__.py', 346),
    file('C:\\Python312\\Lib\\json\\decoder.py', 337),
  ]);
});

test('plain Python: `File "path", line N` frames and a bare `path:line`; `<frozen …>` is no link', () => {
  const fixture = loadFixture('ipython8-later.json');
  assert.deepEqual(targets(fixtureCase(fixture, 'plain-python').output.traceback), [
    file('/home/me/project/app.py', 3),
    file('/home/me/project/app.py', 8),
    file('/home/me/project/app.py', 5),
    file('/usr/lib/python3.12/json/__init__.py', 346),
  ]);
});

test('colours in the middle of a frame header do not break detection', () => {
  const ESC = '\u001b';
  assert.deepEqual(targets([`${ESC}[1mCell${ESC}[0m ${ESC}[32mIn${ESC}[0m [${ESC}[31m3${ESC}[0m], line ${ESC}[4m2${ESC}[0m`]), [cell(3, 2)]);
  assert.deepEqual(targets([`File ${ESC}[0;32m/srv/app/${ESC}[1mmain.py${ESC}[0m:${ESC}[33m41${ESC}[0m, in main()`]), [file('/srv/app/main.py', 41)]);
});

test('link offsets cover the header text only', () => {
  const line = 'Cell In [5], line 1, in f()';
  const [link] = findLinks(line);
  assert.equal(line.slice(link!.start, link!.end), 'Cell In [5], line 1');
  const [fileLink] = findLinks('File /a b/c.py:3, in g()');
  assert.deepEqual(fileLink?.target, file('/a b/c.py', 3), 'IPython 8 file frames may have spaces in the path');
});

test('not links: URLs, relative `a/b:1` in text, source listing lines, zero or huge numbers', () => {
  assert.deepEqual(findLinks('see http://example.com:8080/x.py:3 for details'), []);
  assert.deepEqual(findLinks('ratio 3/4:5'), []);
  assert.deepEqual(findLinks('----> 2 open("/etc/passwd:3")', []), []);
  assert.deepEqual(findLinks('      4 x = "Cell In [3], line 2"'), []);
  assert.deepEqual(findLinks('Cell In [0], line 2'), []);
  assert.deepEqual(findLinks('Cell In [99999999999999999999], line 2'), []);
  assert.deepEqual(findLinks('File /x.py:0, in f()').map((l) => l.target), [file('/x.py', undefined)], 'line 0 is not a line');
});

test('a message may mention a frame: `<ipython-input-…>` and absolute `path:line` inside text link too', () => {
  assert.deepEqual(findLinks('SyntaxError: invalid syntax (<ipython-input-3-2c4b3ad5a0f7>, line 3)').map((l) => l.target), [cell(3, 3)]);
  assert.deepEqual(findLinks('warning at /srv/app/x.py:12: careful').map((l) => l.target), [file('/srv/app/x.py', 12)]);
});
