import assert from 'node:assert/strict';
import { test } from 'node:test';
import { errorPlainText, formatError } from '../../../renderers/error/formatError';
import { assertInertHtml, linksIn, visibleText } from './htmlChecks';
import { CAPTURED, fixtureCase, HAND_WRITTEN, loadFixture, payloadOf } from './rendererFixtures';

/** The condensed view (first `<pre>`) and the full traceback inside `<details>`, if any. */
function views(html: string): { condensed: string; full: string | undefined } {
  const pres = [...html.matchAll(/<pre class="cb-traceback">([\s\S]*?)<\/pre>/g)].map((match) => match[1]!);
  const folded = html.includes('<details');
  return { condensed: pres[0] ?? '', full: folded ? pres[1] : undefined };
}

test('every fixture renders to inert HTML whose text is the traceback without escapes', () => {
  for (const name of [...CAPTURED, ...HAND_WRITTEN]) {
    for (const c of loadFixture(name).cases) {
      const payload = payloadOf(c);
      const html = formatError(payload);
      assertInertHtml(html);
      const { condensed, full } = views(html);
      assert.equal(visibleText(full ?? condensed), errorPlainText(payload), `${name} ${c.id}`);
      assert.ok(!/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/.test(html), `${name} ${c.id}: no ESC, other C0 or C1 control`);
    }
  }
});

test('user frames and the error come first; library frames only behind "Show full traceback"', () => {
  const payload = payloadOf(fixtureCase(loadFixture('ipykernel.json'), 'library-raise'));
  const { condensed, full } = views(formatError(payload));
  assert.ok(full, 'a traceback with library frames folds');
  const shown = visibleText(condensed);
  assert.match(shown, /Cell In \[2\], line 2/);
  assert.match(shown, /3 library frames hidden/);
  assert.match(shown, /JSONDecodeError: Expecting property name enclosed in double quotes/);
  assert.doesNotMatch(shown, /json\/decoder\.py/);
  assert.ok(shown.indexOf('Cell In [2]') < shown.indexOf('library frames hidden'));
  assert.ok(shown.indexOf('library frames hidden') < shown.indexOf('JSONDecodeError: Expecting'));
  assert.match(visibleText(full!), /json\/decoder\.py:353/);
  assert.match(formatError(payload), /<details class="cb-full"><summary>Show full traceback<\/summary>/);
});

test('a chained traceback keeps both errors, the chain note and its own cell frames in the condensed view', () => {
  const payload = payloadOf(fixtureCase(loadFixture('ipykernel.json'), 'deep-library'));
  const shown = visibleText(views(formatError(payload)).condensed);
  assert.match(shown, /KeyError: 'b'[\s\S]*The above exception was the direct cause[\s\S]*Cell In \[6\], line 2[\s\S]*KeyError: 'b'/);
  assert.match(shown, /5 library frames hidden/);
  assert.match(shown, /2 library frames hidden/);
  assert.doesNotMatch(shown, /pandas\/core/);
});

test('user files outside libraries stay in the condensed view (home and hostile paths)', () => {
  const payload = payloadOf(fixtureCase(loadFixture('ipykernel.json'), 'user-modules'));
  const html = formatError(payload);
  assert.ok(!html.includes('<details'), 'nothing to fold');
  assert.match(visibleText(html), /File ~\/project\/helpers\.py:2/);
});

test('a traceback of only user frames is shown whole, with no toggle', () => {
  for (const id of ['nested-function', 'earlier-cell-frame', 'name-error', 'syntax-error', 'chained', 'recursion']) {
    const html = formatError(payloadOf(fixtureCase(loadFixture('ipykernel.json'), id)));
    assert.ok(!html.includes('<details'), id);
  }
});

test('folding can be turned off', () => {
  const payload = payloadOf(fixtureCase(loadFixture('ipykernel.json'), 'library-raise'));
  const html = formatError(payload, { foldLibraryFrames: false });
  assert.ok(!html.includes('<details'));
  assert.match(visibleText(html), /json\/decoder\.py:353/);
});

test('the folded view works for every format: IPython 7, raw xeus-python and plain Python library frames fold', () => {
  const cases = [
    ['ipython7.json', 'library-raise', /3 library frames hidden/],
    ['ipython8.0.json', 'library-raise', /2 library frames hidden/],
    ['xeus-python-raw.json', 'library-raise', /3 library frames hidden/],
    ['ipython8-later.json', 'windows-paths', /2 library frames hidden/],
    ['ipython8-later.json', 'plain-python', /2 library frames hidden/],
  ] as const;
  for (const [name, id, hidden] of cases) {
    const shown = visibleText(views(formatError(payloadOf(fixtureCase(loadFixture(name), id)))).condensed);
    assert.match(shown, hidden, `${name} ${id}: ${shown}`);
  }
  const windows = visibleText(views(formatError(payloadOf(fixtureCase(loadFixture('ipython8-later.json'), 'windows-paths')))).condensed);
  assert.match(windows, /util\.py:12/, "the user's own Windows file stays");
});

test('links carry execution count or file and line in data attributes, and href is always "#"', () => {
  const html = formatError(payloadOf(fixtureCase(loadFixture('xeus-python.json'), 'library-raise')), { foldLibraryFrames: false });
  const links = linksIn(html);
  assert.deepEqual(
    links.map((link) => [link.text, link.attributes.get('href'), link.attributes.get('data-cell-execution-count'), link.attributes.get('data-file'), link.attributes.get('data-line')]),
    [
      ['Cell In [2], line 2', '#', '2', undefined, '2'],
      ['File /usr/lib/python3.11/json/__init__.py:346', '#', undefined, '/usr/lib/python3.11/json/__init__.py', '346'],
      ['File /usr/lib/python3.11/json/decoder.py:337', '#', undefined, '/usr/lib/python3.11/json/decoder.py', '337'],
      ['File /usr/lib/python3.11/json/decoder.py:353', '#', undefined, '/usr/lib/python3.11/json/decoder.py', '353'],
    ],
  );
});

test('a link keeps the colours of the text it covers (the header is coloured in the middle)', () => {
  const html = formatError({ name: 'E', message: 'm', stack: 'Cell \u001b[0;32mIn [3], line 2\u001b[0m, in f()' });
  assert.match(html, /<a href="#" class="cb-link" data-cell-execution-count="3" data-line="2"[^>]*>Cell <span class="cb-fg-2">In \[3\], line 2<\/span><\/a>, in f\(\)/);
});

test('without messaging there are no links, only text', () => {
  const html = formatError(payloadOf(fixtureCase(loadFixture('ipykernel.json'), 'nested-function')), { links: false });
  assert.deepEqual(linksIn(html), []);
  assert.match(visibleText(html), /Cell In \[1\], line 7/);
});

test('no stack: `name: message`, escaped', () => {
  assert.equal(visibleText(formatError({ name: 'KernelDied', message: 'the kernel <died>' })).replace('Copy', ''), 'KernelDied: the kernel <died>');
  assert.equal(errorPlainText({ name: 'E', message: 'm', stack: '' }), 'E: m');
  assert.equal(errorPlainText({ name: 'E', message: 'm', stack: '\u001b[0m\n' }), 'E: m', 'a stack of escapes only counts as none');
  assert.equal(errorPlainText({ name: '', message: 'only a message' }), 'only a message');
});

test('the copy button carries no data or script, and plain text is what the copy button copies', () => {
  const payload = payloadOf(fixtureCase(loadFixture('ipykernel.json'), 'library-raise'));
  const html = formatError(payload);
  assert.match(html, /^<div class="cb-error"><button type="button" class="cb-copy" title="[^"]*" aria-label="[^"]*">Copy<\/button>/);
  const text = errorPlainText(payload);
  assert.ok(text.startsWith('-----'));
  assert.ok(text.endsWith('JSONDecodeError: Expecting property name enclosed in double quotes: line 1 column 2 (char 1)'));
  assert.ok(!/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/.test(text));
});

test('a traceback of thousands of frames renders quickly', () => {
  const frame: string = 'Cell \u001b[0;32mIn [8], line 2\u001b[0m, in \u001b[0;36mdown\u001b[0;34m(n)\u001b[0m\n\u001b[1;32m      1\u001b[0m \u001b[38;5;28;01mdef\u001b[39;00m \u001b[38;5;21mdown\u001b[39m(n):\n\u001b[0;32m----> 2\u001b[0m     \u001b[38;5;28;01mreturn\u001b[39;00m down(n \u001b[38;5;241m+\u001b[39m \u001b[38;5;241m1\u001b[39m)\n';
  const library: string = 'File \u001b[0;32m/usr/lib/python3/dist-packages/lib.py:10\u001b[0m, in \u001b[0;36mf\u001b[0;34m()\u001b[0m\n\u001b[0;32m---> 10\u001b[0m g()\n';
  const stack = Array.from({ length: 3000 }, (_, i) => (i % 2 ? frame : library)).concat(['\u001b[0;31mRecursionError\u001b[0m: deep']).join('\n');
  const started = Date.now();
  const html = formatError({ name: 'RecursionError', message: 'deep', stack });
  assert.ok(Date.now() - started < 2000, `took ${Date.now() - started} ms`);
  assert.equal(linksIn(html).length, 1500 + 3000);
});
