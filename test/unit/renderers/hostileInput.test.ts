/**
 * Traceback content is attacker-controlled (a message, a file name, a printed escape sequence): none of it
 * may become markup, an attribute, a URL or script (issue 4).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatError } from '../../../renderers/error/formatError';
import { assertInertHtml, linksIn, visibleText } from './htmlChecks';
import { fixtureCase, loadFixture, payloadOf } from './rendererFixtures';

const ESC = '\u001b';
const IMG = '<img src=x onerror=alert(1)>';

function render(stack: string | undefined, message = 'm'): string {
  const html = formatError({ name: 'ValueError', message, stack });
  assert.ok(!/<img/i.test(html), 'no <img tag');
  assert.ok(!/<script/i.test(html), 'no <script tag');
  // `onerror=` may only appear as escaped text (between tags or inside a quoted value), never as an attribute.
  const tags = assertInertHtml(html);
  for (const tag of tags) assert.deepEqual([...tag.attributes.keys()].filter((name) => name.startsWith('on')), []);
  for (const link of linksIn(html)) assert.equal(link.attributes.get('href'), '#');
  assert.ok(!/href="(?!#")/.test(html), 'every href is "#"');
  return html;
}

test('markup in the message and in the stack is shown as text', () => {
  assert.match(visibleText(render(undefined, IMG)), /ValueError: <img src=x onerror=alert\(1\)>/);
  const html = render(`${ESC}[0;31mValueError${ESC}[0m: ${IMG}\n<script>alert(1)</script>\n"><svg onload=alert(1)>`);
  assert.ok(html.includes('&lt;img src=x onerror=alert(1)&gt;'));
  assert.ok(html.includes('&quot;&gt;&lt;svg onload=alert(1)&gt;'));
});

test('the real kernels\' traceback of a hostile message is inert, and its OSC 8 link keeps only its text', () => {
  for (const name of ['ipykernel.json', 'ipykernel7-ipython9.json', 'xeus-python.json', 'xeus-python-raw.json']) {
    const payload = payloadOf(fixtureCase(loadFixture(name), 'hostile-message'));
    const html = formatError(payload);
    assertInertHtml(html);
    assert.ok(!/<img/i.test(html) && !html.includes('javascript:alert(1)\u0007'));
    // The message was `<img…> ␛]8;;javascript:…␇click␛]8;;␇ ␛[2J␛[?25l "q" \x9b31m`: only its text remains.
    const errorLine = visibleText(html).split('\n').find((line) => line.startsWith('ValueError: '));
    assert.equal(errorLine, `ValueError: ${IMG} click  "q" `, `${name}: ${JSON.stringify(errorLine)}`);
  }
});

test('javascript: URLs in OSC 8 hyperlinks and in text never reach an href', () => {
  const html = render(`${ESC}]8;;javascript:alert(document.cookie)${ESC}\\Cell In [3], line 2${ESC}]8;;${ESC}\\\njavascript:alert(1)//:12`);
  assert.ok(!html.includes('javascript:alert(document.cookie)'), 'the OSC 8 URL is dropped');
  const [link] = linksIn(html);
  assert.equal(link?.attributes.get('data-cell-execution-count'), '3');
  assert.match(visibleText(html), /javascript:alert\(1\)\/\/:12/);
});

test('file names with quotes, angle brackets and ampersands are escaped in text and in data-file', () => {
  const path = `/tmp/we"ird '<dir>&/x" onclick="alert(1).py`;
  const html = render(`File ${ESC}[0;32m${path}:7${ESC}[0m, in f()\n${ESC}[0;32m----> 7${ESC}[0m boom()`);
  const [link] = linksIn(html);
  assert.equal(link?.attributes.get('data-file'), path);
  assert.equal(link?.attributes.get('data-line'), '7');
  assert.ok(html.includes('data-file="/tmp/we&quot;ird &#39;&lt;dir&gt;&amp;/x&quot; onclick=&quot;alert(1).py"'));
});

test('the real hostile directory from the kernels becomes an escaped data-file', () => {
  const fixture = loadFixture('ipykernel.json');
  const html = formatError(payloadOf(fixtureCase(fixture, 'user-modules')));
  assertInertHtml(html);
  const files = linksIn(html).map((link) => link.attributes.get('data-file'));
  assert.ok(files.includes(`${fixture.hostileDir}/hostile.py`), JSON.stringify(files));
});

test('entities and escapes in text are not decoded into markup', () => {
  const html = render('&lt;img src=x onerror=alert(1)&gt; \\x3cimg\\x3e &#60;b&#62;');
  assert.ok(html.includes('&amp;lt;img'));
  assert.equal(visibleText(html).replace('Copy', ''), '&lt;img src=x onerror=alert(1)&gt; \\x3cimg\\x3e &#60;b&#62;');
});

test('controls and escapes in a file name or a count cannot reach an attribute', () => {
  const html = render(`File /tmp/a${ESC}[31m"b${ESC}]0;t\u0007.py:3, in f()\nCell In [1${ESC}[0m2], line 4`);
  const [first, second] = linksIn(html);
  assert.equal(first?.attributes.get('data-file'), '/tmp/a"b.py');
  assert.equal(second?.attributes.get('data-cell-execution-count'), '12');
  assert.ok(!html.includes(ESC) && !html.includes('\u0007'));
});
