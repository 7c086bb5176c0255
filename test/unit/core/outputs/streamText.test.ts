import { test } from 'node:test';
import assert from 'node:assert/strict';
import { StreamText } from '../../../../src/core/outputs/streamText';

/** The text shown after writing `chunks` one write each. */
function shown(...chunks: string[]): string {
  const stream = new StreamText();
  for (const chunk of chunks) stream.write(chunk);
  assert.equal(stream.length, stream.text.length, 'length agrees with text');
  return stream.text;
}

/**
 * The rules read one character at a time, with nothing else: the model the fast paths must agree with.
 * Lines are kept separately so a control character can visibly never cross a newline.
 */
function shownByCharacter(raw: string): string {
  const lines: string[] = [];
  let line = '';
  let returnPending = false;
  for (const char of raw) {
    if (char === '\n') {
      lines.push(line + '\n');
      line = '';
      returnPending = false;
    } else if (char === '\r') {
      returnPending = true;
    } else if (char === '\b') {
      if (returnPending) returnPending = false;
      else line = line.slice(0, -1);
    } else {
      if (returnPending) line = '';
      returnPending = false;
      line += char;
    }
  }
  return lines.join('') + line;
}

test('plain text and newlines pass through unchanged', () => {
  assert.equal(shown('hello\n', 'world'), 'hello\nworld');
  assert.equal(shown('a', 'b', '\n', '\n', 'c\n'), 'ab\n\nc\n');
  assert.equal(shown(''), '');
  assert.equal(shown('', 'x', ''), 'x');
});

test('a carriage return makes the next text replace the whole current line', () => {
  assert.equal(shown('abc\rX'), 'X');
  assert.equal(shown('first\nabc\rX\nlast'), 'first\nX\nlast');
  assert.equal(shown('abcdef\rXY\n'), 'XY\n', 'not an overwrite of the first characters: the whole line goes');
  assert.equal(shown('a\r\r\rb'), 'b');
});

test('a trailing carriage return leaves the line visible until something follows', () => {
  assert.equal(shown('abc\r'), 'abc');
  const stream = new StreamText();
  stream.write('abc\r');
  assert.equal(stream.text, 'abc');
  stream.write('\n');
  assert.equal(stream.text, 'abc\n', 'a later newline keeps the line');
});

test('\\r\\n counts as a newline, also when the chunk boundary falls between \\r and \\n', () => {
  assert.equal(shown('one\r\ntwo\r\n'), 'one\ntwo\n');
  assert.equal(shown('one\r', '\ntwo\r', '\n'), 'one\ntwo\n');
  assert.equal(shown('one\r\r\n'), 'one\n');
  assert.equal(shown('one\r', '\r\nX'), 'one\nX');
  assert.equal(shown('one\r', 'two\r', '\n'), 'two\n');
});

test('a tqdm-like progress bar split across chunks ends as its last state', () => {
  const frames = ['  0%|          | 0/100', ' 50%|#####     | 50/100', '100%|##########| 100/100'];
  const raw = `${frames[0]}\r${frames[1]}\r${frames[2]}\n`;
  assert.equal(shown(raw), `${frames[2]}\n`);
  // Every way of cutting it into two or three chunks shows the same thing.
  for (let i = 0; i <= raw.length; i++) {
    assert.equal(shown(raw.slice(0, i), raw.slice(i)), `${frames[2]}\n`, `cut at ${i}`);
    for (let j = i; j <= raw.length; j += 7) {
      assert.equal(shown(raw.slice(0, i), raw.slice(i, j), raw.slice(j)), `${frames[2]}\n`, `cut at ${i}, ${j}`);
    }
  }
  // tqdm writes each frame as its own message, starting with `\r`.
  assert.equal(shown(`\r${frames[0]}`, `\r${frames[1]}`, `\r${frames[2]}`, '\n', 'done\n'), `${frames[2]}\ndone\n`);
  assert.equal(shown(`\r${frames[0]}`, `\r${frames[1]}`), frames[1], 'mid-way, the latest frame shows');
});

test('a backspace deletes the previous character of the current line only', () => {
  assert.equal(shown('abc\b\bX'), 'aX');
  assert.equal(shown('ab', '\b', 'c'), 'ac');
  assert.equal(shown('a\b\b\bb'), 'b', 'extra backspaces at the line start do nothing');
  assert.equal(shown('line\n\b\bx'), 'line\nx', 'never crosses a newline');
  assert.equal(shown('spin|\b/\b-\b\\\b|'), 'spin|');
  assert.equal(shown('smile 😀\b!'), 'smile !', 'an astral character goes as a whole');
});

test('a backspace right after a pending carriage return cancels the return', () => {
  assert.equal(shown('abc\r\bX'), 'abcX');
  assert.equal(shown('abc\r', '\b', 'X'), 'abcX');
  assert.equal(shown('abc\r\b\bX'), 'abX', 'the second backspace deletes again');
});

test('chunked writing equals writing the concatenation, and both follow the per-character rules', () => {
  const alphabet = ['a', 'b', '\r', '\n', '\b'];
  const maxLength = 6;
  let strings = [''];
  for (let length = 1; length <= maxLength; length++) {
    strings = strings.flatMap((s) => alphabet.map((c) => s + c));
    for (const raw of strings) {
      const expected = shownByCharacter(raw);
      assert.equal(shown(raw), expected, JSON.stringify(raw));
      for (let i = 1; i < raw.length; i++) {
        assert.equal(shown(raw.slice(0, i), raw.slice(i)), expected, `${JSON.stringify(raw)} cut at ${i}`);
      }
      assert.equal(shown(...raw), expected, `${JSON.stringify(raw)} one character per chunk`);
    }
  }
});

test('text and length stay right across interleaved reads and writes', () => {
  const stream = new StreamText();
  stream.write('a\nb');
  const first = stream.text;
  assert.equal(stream.text, first);
  stream.write('c\rd');
  assert.equal(stream.text, 'a\nd');
  assert.equal(stream.length, 3);
});

test('2,000,000 lines in 2,000 chunks give the exact text and length', () => {
  const lineCount = 2_000_000;
  // Built in blocks: two arrays of 2,000,000 small strings would cost the test more than the stream does.
  const rawBlocks: string[] = [];
  const wantBlocks: string[] = [];
  const rawBlock: string[] = [];
  const wantBlock: string[] = [];
  for (let i = 0; i < lineCount; i++) {
    const line = 'line ' + i;
    // A mix of an overwritten progress line, a Windows newline and plain text (the fast path).
    rawBlock.push(i % 3 === 0 ? 'progress ' + i + '\r' + line + '\n' : i % 3 === 1 ? line + '\r\n' : line + '\n');
    wantBlock.push(line + '\n');
    if (rawBlock.length === 10_000 || i === lineCount - 1) {
      rawBlocks.push(rawBlock.join(''));
      wantBlocks.push(wantBlock.join(''));
      rawBlock.length = 0;
      wantBlock.length = 0;
    }
  }
  const all = rawBlocks.join('');
  const want = wantBlocks.join('');
  const chunkCount = 2_000;
  const chunkSize = Math.ceil(all.length / chunkCount);
  const stream = new StreamText();
  let chunks = 0;
  for (let start = 0; start < all.length; start += chunkSize) {
    stream.write(all.slice(start, start + chunkSize));
    chunks++;
    // A live view reads the text now and then while chunks still arrive; reading must not disturb what follows.
    if (chunks % 100 === 0) assert.equal(stream.text.length, stream.length);
  }
  assert.equal(chunks, chunkCount);
  assert.equal(stream.length, want.length);
  assert.ok(stream.text === want, 'text differs from the expected 2,000,000 lines');

  // Plain text, no control characters at all: the fast path alone.
  const plain = new StreamText();
  const plainChunkSize = Math.ceil(want.length / chunkCount);
  for (let start = 0; start < want.length; start += plainChunkSize) plain.write(want.slice(start, start + plainChunkSize));
  assert.equal(plain.length, want.length);
  assert.ok(plain.text === want, 'plain text differs');
});

test('truncate keeps the first characters as shown; what follows the last kept newline is the line a \\r rewrites', () => {
  const text = new StreamText();
  text.write('one\ntwo\nthree');
  text.truncate(6);
  assert.equal(text.text, 'one\ntw');
  assert.equal(text.length, 6);
  text.write('\rTWO\n');
  assert.equal(text.text, 'one\nTWO\n');
  text.truncate(100);
  assert.equal(text.text, 'one\nTWO\n', 'a length beyond the text changes nothing');
  text.write('partial');
  text.truncate(10);
  assert.equal(text.text, 'one\nTWO\npa');
});
