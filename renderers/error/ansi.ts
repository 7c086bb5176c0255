/**
 * Terminal text → styled runs of plain text. Kernels colour tracebacks with SGR sequences, which a notebook can
 * show; every other escape sequence (cursor moves, erase, private modes, window titles, OSC 8 hyperlinks, …)
 * and every other control character means nothing in an output, so it is removed whole and never shown as
 * junk (issue 4). Only `\n` and `\t` survive among the controls.
 *
 * The scanner follows ECMA-48's shapes (CSI: parameter bytes 0x30–0x3F, intermediates 0x20–0x2F, a final
 * 0x40–0x7E; control strings ended by ST) for both the 7-bit (`ESC [`) and the 8-bit (U+009B) introducers.
 */
import { AnsiStyle, applySgr, PLAIN_STYLE, sameStyle } from './sgr';

export interface StyledRun {
  readonly text: string;
  readonly style: AnsiStyle;
}

const ESC = 0x1b;
const BEL = 0x07;
const CAN = 0x18;
const SUB = 0x1a;
const DEL = 0x7f;
const NEWLINE = 0x0a;
const TAB = 0x09;
const CSI_8BIT = 0x9b;
const ST_8BIT = 0x9c;
/** 8-bit introducers of control strings: DCS, SOS, OSC, PM, APC. */
const STRING_8BIT = new Set([0x90, 0x98, 0x9d, 0x9e, 0x9f]);
/** What follows ESC to open a control string: DCS `P`, SOS `X`, OSC `]`, PM `^`, APC `_`. */
const STRING_7BIT = new Set(['P', 'X', ']', '^', '_']);

const inRange = (code: number, low: number, high: number): boolean => code >= low && code <= high;

function isShownCharacter(code: number): boolean {
  if (code === NEWLINE || code === TAB) return true;
  return code >= 0x20 && code !== DEL && !inRange(code, 0x80, 0x9f);
}

/** Where a removed sequence ends, and the SGR parameters when it was a style change. */
interface Skipped {
  readonly end: number;
  readonly sgr?: string;
}

/** A CSI whose parameters start at `start`. An aborted or unterminated one is dropped up to where it broke. */
function skipCsi(input: string, start: number): Skipped {
  let i = start;
  while (i < input.length && inRange(input.charCodeAt(i), 0x30, 0x3f)) i++;
  const params = input.slice(start, i);
  const intermediatesStart = i;
  while (i < input.length && inRange(input.charCodeAt(i), 0x20, 0x2f)) i++;
  if (i >= input.length || !inRange(input.charCodeAt(i), 0x40, 0x7e)) return { end: i };
  // Private (`?25l`, `>…m`) and intermediate forms are never SGR, even when they end in `m`.
  const isSgr = input[i] === 'm' && i === intermediatesStart && /^[\d;:]*$/.test(params);
  return isSgr ? { end: i + 1, sgr: params } : { end: i + 1 };
}

/**
 * A control string (OSC, DCS, …) whose content starts at `start`, ended by BEL, ST (`ESC \` or U+009C) or
 * cancelled by CAN/SUB. It also stops before a newline or another ESC: an unterminated title must not swallow
 * the rest of the traceback.
 */
function skipControlString(input: string, start: number): Skipped {
  for (let i = start; i < input.length; i++) {
    const code = input.charCodeAt(i);
    if (code === BEL || code === ST_8BIT || code === CAN || code === SUB) return { end: i + 1 };
    if (code === ESC) return { end: input[i + 1] === '\\' ? i + 2 : i };
    if (code === NEWLINE) return { end: i };
  }
  return { end: input.length };
}

/** An escape sequence or control character at `start` (which is not a shown character). */
function skipControl(input: string, start: number): Skipped {
  const code = input.charCodeAt(start);
  if (code === CSI_8BIT) return skipCsi(input, start + 1);
  if (STRING_8BIT.has(code)) return skipControlString(input, start + 1);
  if (code !== ESC || start + 1 >= input.length) return { end: start + 1 };
  const next = input[start + 1] ?? '';
  if (next === '[') return skipCsi(input, start + 2);
  if (STRING_7BIT.has(next)) return skipControlString(input, start + 2);
  // Other escape sequences: ESC, any intermediates (0x20–0x2F), one final (0x30–0x7E): `ESC ( B`, `ESC 7`, `ESC c`.
  let i = start + 1;
  while (i < input.length && inRange(input.charCodeAt(i), 0x20, 0x2f)) i++;
  if (i < input.length && inRange(input.charCodeAt(i), 0x30, 0x7e)) return { end: i + 1 };
  // A lone ESC (before a control, a non-ASCII character or the end): drop it and what it had gathered.
  return { end: i };
}

/** Splits `input` into runs of shown text, each in the style the SGR sequences before it set. */
export function parseAnsi(input: string): StyledRun[] {
  const runs: StyledRun[] = [];
  let style = PLAIN_STYLE;
  const push = (text: string): void => {
    if (text === '') return;
    const last = runs[runs.length - 1];
    if (last && sameStyle(last.style, style)) runs[runs.length - 1] = { text: last.text + text, style };
    else runs.push({ text, style });
  };
  let textStart = 0;
  let i = 0;
  while (i < input.length) {
    if (isShownCharacter(input.charCodeAt(i))) {
      i++;
      continue;
    }
    push(input.slice(textStart, i));
    const skipped = skipControl(input, i);
    if (skipped.sgr !== undefined) style = applySgr(style, skipped.sgr);
    i = Math.max(skipped.end, i + 1);
    textStart = i;
  }
  push(input.slice(textStart));
  return runs;
}

/** The text a reader sees, without any escape sequence or control character (but `\n` and `\t`). */
export function stripAnsi(input: string): string {
  return parseAnsi(input)
    .map((run) => run.text)
    .join('');
}

/** Runs per line: a run that spans a newline is cut there, and the newlines themselves are dropped. */
export function splitLines(runs: readonly StyledRun[]): StyledRun[][] {
  const lines: StyledRun[][] = [[]];
  for (const run of runs) {
    run.text.split('\n').forEach((text, index) => {
      if (index > 0) lines.push([]);
      if (text !== '') lines[lines.length - 1]!.push({ text, style: run.style });
    });
  }
  return lines;
}
