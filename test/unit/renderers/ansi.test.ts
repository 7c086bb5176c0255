import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseAnsi, splitLines, stripAnsi } from '../../../renderers/error/ansi';
import { applySgr, PLAIN_STYLE } from '../../../renderers/error/sgr';
import { CAPTURED, HAND_WRITTEN, loadFixture } from './rendererFixtures';

const ESC = '\u001b';
/** Nothing a reader should never see: ESC, other C0 controls but \n and \t, DEL, C1 controls. */
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/;

const styleOf = (input: string, text: string) => parseAnsi(input).find((run) => run.text === text)?.style;

test('SGR attributes switch on and off: bold, dim, italic, underline, inverse, strike-through', () => {
  const style = applySgr(PLAIN_STYLE, '1;2;3;4;7;9');
  assert.deepEqual(style, { ...PLAIN_STYLE, bold: true, dim: true, italic: true, underline: true, inverse: true, strikethrough: true });
  assert.deepEqual(applySgr(style, '22;23;24;27;29'), PLAIN_STYLE);
  assert.equal(applySgr(PLAIN_STYLE, '21').underline, true, 'double underline shows as underline');
  assert.equal(applySgr(PLAIN_STYLE, '4:3').underline, true, 'curly underline (4:3) shows as underline');
  assert.equal(applySgr(applySgr(PLAIN_STYLE, '4'), '4:0').underline, false);
});

test('the 16 colours map to palette 0–15 for foreground and background', () => {
  for (let n = 0; n < 8; n++) {
    assert.deepEqual(applySgr(PLAIN_STYLE, String(30 + n)).foreground, { kind: 'palette', index: n });
    assert.deepEqual(applySgr(PLAIN_STYLE, String(90 + n)).foreground, { kind: 'palette', index: n + 8 });
    assert.deepEqual(applySgr(PLAIN_STYLE, String(40 + n)).background, { kind: 'palette', index: n });
    assert.deepEqual(applySgr(PLAIN_STYLE, String(100 + n)).background, { kind: 'palette', index: n + 8 });
  }
});

test('256-colour and truecolor, in semicolon and colon forms, for foreground and background', () => {
  assert.deepEqual(applySgr(PLAIN_STYLE, '38;5;241').foreground, { kind: 'palette', index: 241 });
  assert.deepEqual(applySgr(PLAIN_STYLE, '48;5;21').background, { kind: 'palette', index: 21 });
  assert.deepEqual(applySgr(PLAIN_STYLE, '38;2;255;128;0').foreground, { kind: 'rgb', r: 255, g: 128, b: 0 });
  assert.deepEqual(applySgr(PLAIN_STYLE, '48;2;1;2;3').background, { kind: 'rgb', r: 1, g: 2, b: 3 });
  assert.deepEqual(applySgr(PLAIN_STYLE, '38:5:196').foreground, { kind: 'palette', index: 196 });
  assert.deepEqual(applySgr(PLAIN_STYLE, '38:2::10:20:30').foreground, { kind: 'rgb', r: 10, g: 20, b: 30 });
  assert.deepEqual(applySgr(PLAIN_STYLE, '48:2:10:20:30').background, { kind: 'rgb', r: 10, g: 20, b: 30 });
  // IPython's own combinations: colour, bold, then a background in one sequence.
  const ipython = applySgr(PLAIN_STYLE, '38;5;241;43');
  assert.deepEqual([ipython.foreground, ipython.background], [{ kind: 'palette', index: 241 }, { kind: 'palette', index: 3 }]);
  assert.equal(applySgr(PLAIN_STYLE, '38;5;28;01').bold, true, 'parameters after an extended colour still apply');
});

test('out-of-range or truncated extended colours are ignored, and their arguments are not read as styles', () => {
  assert.equal(applySgr(PLAIN_STYLE, '38;5;256').foreground, undefined);
  assert.equal(applySgr(PLAIN_STYLE, '38;2;300;0;0').foreground, undefined);
  assert.equal(applySgr(PLAIN_STYLE, '38;5').foreground, undefined);
  // 58 (underline colour) is not shown, but its "1" must not turn bold on.
  assert.equal(applySgr(PLAIN_STYLE, '58;5;1').bold, false);
});

test('resets: 0 (and an empty parameter), 39 and 49 for colours', () => {
  const styled = applySgr(PLAIN_STYLE, '1;31;42');
  assert.deepEqual(applySgr(styled, '0'), PLAIN_STYLE);
  assert.deepEqual(applySgr(styled, ''), PLAIN_STYLE);
  assert.equal(applySgr(styled, '39').foreground, undefined);
  assert.equal(applySgr(styled, '39').background?.kind, 'palette');
  assert.equal(applySgr(styled, '49').background, undefined);
  assert.equal(applySgr(styled, ';1').bold, true, '`;1` resets, then sets bold');
  assert.equal(applySgr(styled, ';1').foreground, undefined);
});

test('runs carry the style in effect and merge when it does not change', () => {
  const runs = parseAnsi(`a${ESC}[31mb${ESC}[0m${ESC}[0mc${ESC}[1m${ESC}[22md`);
  assert.deepEqual(runs.map((run) => run.text), ['a', 'b', 'cd']);
  assert.deepEqual(runs[1]!.style.foreground, { kind: 'palette', index: 1 });
  assert.deepEqual(styleOf(`${ESC}[1;3;4;9mx`, 'x'), { ...PLAIN_STYLE, bold: true, italic: true, underline: true, strikethrough: true });
});

test('the 8-bit CSI (U+009B) styles text like ESC [', () => {
  assert.deepEqual(styleOf('\u009b31mred', 'red')?.foreground, { kind: 'palette', index: 1 });
});

test('every non-SGR CSI is removed whole: cursor moves, erase, private modes, intermediates', () => {
  const input = `a${ESC}[2Jb${ESC}[1;1Hc${ESC}[?25ld${ESC}[?1049he${ESC}[Kf${ESC}[3Ag${ESC}[>4;1mh${ESC}[1 qi${ESC}[0"pj${ESC}[?2004lk\u009b2Kl`;
  assert.equal(stripAnsi(input), 'abcdefghijkl');
  assert.equal(styleOf(`${ESC}[>4;1mx`, 'x')?.bold, false, 'a private `>…m` is not SGR');
});

test('OSC is removed whole, ended by BEL or ST; an OSC 8 hyperlink keeps its text and loses its URL', () => {
  assert.equal(stripAnsi(`${ESC}]0;window title\u0007text`), 'text');
  assert.equal(stripAnsi(`${ESC}]2;title${ESC}\\text`), 'text');
  assert.equal(stripAnsi(`${ESC}]8;;https://example.com${ESC}\\link text${ESC}]8;;${ESC}\\ after`), 'link text after');
  assert.equal(stripAnsi(`${ESC}]8;id=1;javascript:alert(1)\u0007click${ESC}]8;;\u0007`), 'click');
  assert.equal(stripAnsi(`\u009d8;;file:///etc/passwd\u009cname\u009d8;;\u009c`), 'name');
});

test('an unterminated OSC stops at the end of its line, so it cannot swallow the rest of the traceback', () => {
  assert.equal(stripAnsi(`before${ESC}]0;never ended\nnext line`), 'before\nnext line');
  assert.equal(stripAnsi(`${ESC}]0;title${ESC}[31mred`), 'red', 'an ESC starts the next sequence');
});

test('other control strings (DCS, SOS, PM, APC) and other ESC sequences are removed', () => {
  assert.equal(stripAnsi(`a${ESC}P1$r0m${ESC}\\b${ESC}Xsos${ESC}\\c${ESC}^pm${ESC}\\d${ESC}_apc${ESC}\\e`), 'abcde');
  assert.equal(stripAnsi(`a${ESC}(Bb${ESC}7c${ESC}8d${ESC}=e${ESC}cf${ESC}Mg${ESC}\\h`), 'abcdefgh');
});

test('a lone ESC and broken sequences vanish without eating the text after them', () => {
  assert.equal(stripAnsi(`end${ESC}`), 'end');
  assert.equal(stripAnsi(`a${ESC}\nb`), 'a\nb');
  assert.equal(stripAnsi(`a${ESC}${ESC}[31mb`), 'ab');
  assert.equal(stripAnsi(`a${ESC}[31`), 'a', 'unterminated CSI at the end');
  assert.equal(stripAnsi(`a${ESC}[31\nb`), 'a\nb', 'a CSI broken by a newline keeps the newline');
  assert.equal(stripAnsi(`a${ESC}é`), 'aé');
});

test('C0 controls other than \\n and \\t, DEL and all C1 controls are removed', () => {
  let input = '';
  for (let code = 0; code < 0x20; code++) input += `${String.fromCharCode(code)}x`;
  input += '\u007fx';
  for (let code = 0x80; code <= 0x9f; code++) if (code !== 0x9b && code !== 0x9d && code !== 0x90 && code !== 0x98 && code !== 0x9e && code !== 0x9f) input += `${String.fromCharCode(code)}x`;
  const out = stripAnsi(input);
  assert.ok(!CONTROL.test(out), JSON.stringify(out));
  assert.ok(out.includes('\tx') && out.includes('\nx'));
  assert.equal(out.replace(/[\t\n]/g, ''), 'x'.repeat(out.replace(/[\t\n]/g, '').length));
});

test('text outside escapes is kept as is, including non-ASCII and astral characters', () => {
  assert.equal(stripAnsi(`${ESC}[32mñandú 🐍 <b>&amp;${ESC}[0m`), 'ñandú 🐍 <b>&amp;');
});

test('splitLines cuts runs at newlines and keeps empty lines', () => {
  const lines = splitLines(parseAnsi(`${ESC}[31mone\ntwo${ESC}[0m\n\nfour`));
  assert.deepEqual(lines.map((line) => line.map((run) => run.text).join('')), ['one', 'two', '', 'four']);
  assert.deepEqual(lines[1]![0]!.style.foreground, { kind: 'palette', index: 1 }, 'the colour carries across the newline');
});

test('no fixture traceback leaves an escape or control character behind', () => {
  for (const name of [...CAPTURED, ...HAND_WRITTEN]) {
    for (const c of loadFixture(name).cases) {
      const out = stripAnsi(c.output.traceback.join('\n'));
      assert.ok(!out.includes(ESC) && !CONTROL.test(out), `${name} ${c.id}: ${JSON.stringify(out.match(CONTROL))}`);
    }
  }
});
