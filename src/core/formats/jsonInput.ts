/**
 * Small readers for untrusted JSON: parse with a located error, and tell objects from arrays and null.
 * Every failure is an InvalidInputError naming the part at fault, so a CLI user or an HTTP client can fix it.
 */
import { InvalidInputError } from '../common/errors';

export type JsonObject = Record<string, unknown>;

export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Deeper nesting than any real request or notebook has (its outputs included); deeper only costs the parser and the event loop time. */
export const MAX_JSON_DEPTH = 256;

/** Parses JSON text; a syntax error names `field` and, when the engine reports one, the line and column. */
export function parseJsonText(field: string, text: string): unknown {
  // A UTF-8 BOM is legal at the start of a file but not in JSON; editors on Windows add one.
  const body = text.startsWith('\uFEFF') ? text.slice(1) : text;
  const depth = nestingDepth(body);
  if (depth > MAX_JSON_DEPTH) throw new InvalidInputError(field, `nests arrays and objects ${depth} deep; at most ${MAX_JSON_DEPTH} levels are read`);
  try {
    return JSON.parse(body);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new InvalidInputError(field, `not valid JSON${describePosition(body, reason)}: ${reason}`);
  }
}

/** How deep arrays and objects nest in JSON text, found in one pass without parsing (brackets in strings skipped). */
export function nestingDepth(text: string): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++; // a backslash escapes the next character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) deepest = Math.max(deepest, ++depth);
    else if (c === 0x5d || c === 0x7d) depth--;
  }
  return deepest;
}

/**
 * V8 reports some errors as "... at position N" and others (an unexpected token) with only a snippet,
 * so the line and column are given when a position is known and left out otherwise.
 */
function describePosition(text: string, reason: string): string {
  const match = /at position (\d+)/.exec(reason);
  const offset = match ? Number(match[1]) : /Unexpected end of JSON input/.test(reason) ? text.length : undefined;
  if (offset === undefined) return '';
  const { line, column } = lineAndColumn(text, offset);
  return ` at line ${line}, column ${column}`;
}

export function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset);
  const lineStart = before.lastIndexOf('\n') + 1;
  return { line: before.split('\n').length, column: offset - lineStart + 1 };
}

/** Describes a value's JSON type for messages: "a number", "null", "an array"... */
export function describeJsonType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'undefined') return 'missing';
  return `a ${typeof value}`;
}
