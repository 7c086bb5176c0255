import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ERROR_STYLES, themeColorVariable } from '../../../renderers/error/errorStyles';
import { escapeHtml } from '../../../renderers/error/escapeHtml';
import { applySgr, PLAIN_STYLE } from '../../../renderers/error/sgr';
import { paletteRgb, spanAttributes } from '../../../renderers/error/styleClasses';

const attributes = (params: string) => spanAttributes(applySgr(PLAIN_STYLE, params));

test('plain text gets no class and no style', () => {
  assert.deepEqual(spanAttributes(PLAIN_STYLE), { className: '', style: '' });
});

test('attributes become classes', () => {
  assert.equal(attributes('1;2;3;4;9').className, 'cb-bold cb-dim cb-italic cb-underline cb-strike');
});

test('the 16 colours become classes that take VS Code terminal theme colours', () => {
  assert.deepEqual(attributes('31'), { className: 'cb-fg-1', style: '' });
  assert.deepEqual(attributes('91;44'), { className: 'cb-fg-9 cb-bg-4', style: '' });
  assert.equal(attributes('38;5;3').className, 'cb-fg-3', '256-colour 0–15 are the theme colours too');
  assert.equal(themeColorVariable(1), '--vscode-terminal-ansiRed');
  assert.equal(themeColorVariable(9), '--vscode-terminal-ansiBrightRed');
  assert.equal(themeColorVariable(15), '--vscode-terminal-ansiBrightWhite');
  assert.match(ERROR_STYLES, /\.cb-fg-1 \{ color: var\(--vscode-terminal-ansiRed\); \}/);
  assert.match(ERROR_STYLES, /\.cb-bg-11 \{ background-color: color-mix\(in srgb, var\(--vscode-terminal-ansiBrightYellow\) 25%, transparent\); \}/);
});

test('the stylesheet takes its colours only from --vscode-* theme variables', () => {
  const variables = [...ERROR_STYLES.matchAll(/var\((--[\w-]+)/g)].map((match) => match[1]);
  assert.ok(variables.length > 40);
  // Besides the renderer's own two, which hold a span's fixed colour.
  assert.deepEqual(variables.filter((name) => !name!.startsWith('--vscode-') && name !== '--cb-fg' && name !== '--cb-bg'), []);
});

test('256-colour and truecolor become inline rgb custom properties, which the stylesheet adjusts per theme', () => {
  assert.deepEqual(attributes('38;5;241'), { className: 'cb-fg-rgb', style: '--cb-fg: rgb(98, 98, 98)' });
  assert.deepEqual(attributes('38;5;21'), { className: 'cb-fg-rgb', style: '--cb-fg: rgb(0, 0, 255)' });
  assert.deepEqual(attributes('38;2;1;2;3;48;2;4;5;6'), { className: 'cb-fg-rgb cb-bg-rgb', style: '--cb-fg: rgb(1, 2, 3); --cb-bg: rgb(4, 5, 6)' });
  assert.match(ERROR_STYLES, /\.cb-error \.cb-fg-rgb \{ color: var\(--cb-fg\); \}/);
  assert.match(ERROR_STYLES, /body\.vscode-dark \.cb-error \.cb-fg-rgb[^{]*\{ color: color-mix\(in srgb, var\(--cb-fg\) 50%, var\(--vscode-editor-foreground\)\); \}/);
  assert.deepEqual(paletteRgb(16), { r: 0, g: 0, b: 0 });
  assert.deepEqual(paletteRgb(196), { r: 255, g: 0, b: 0 });
  assert.deepEqual(paletteRgb(231), { r: 255, g: 255, b: 255 });
  assert.deepEqual(paletteRgb(232), { r: 8, g: 8, b: 8 });
  assert.deepEqual(paletteRgb(255), { r: 238, g: 238, b: 238 });
});

test('inverse swaps colours and makes the background solid; defaults swap to the page colours', () => {
  assert.equal(attributes('7').className, 'cb-fg-inverse cb-bg-inverse');
  assert.equal(attributes('7;31').className, 'cb-fg-inverse cb-bg-solid-1');
  assert.equal(attributes('7;31;42').className, 'cb-fg-2 cb-bg-solid-1');
  assert.deepEqual(attributes('7;38;5;200'), { className: 'cb-fg-inverse cb-bg-rgb-solid', style: '--cb-bg: rgb(255, 0, 215)' });
});

test('escapeHtml escapes the five characters that matter in text and attributes', () => {
  assert.equal(escapeHtml(`<a href="x" onclick='y'>&amp;</a>`), '&lt;a href=&quot;x&quot; onclick=&#39;y&#39;&gt;&amp;amp;&lt;/a&gt;');
  assert.equal(escapeHtml('plain ñ 🐍'), 'plain ñ 🐍');
});
