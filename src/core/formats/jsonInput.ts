/**
 * Small readers for untrusted JSON: parse with a located error, and tell objects from arrays and null.
 * Every failure is an InvalidInputError naming the part at fault, so a CLI user or an HTTP client can fix it.
 */
import { InvalidInputError } from '../common/errors';

export type JsonObject = Record<string, unknown>;

export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Parses JSON text; a syntax error names `field` and, when the engine reports one, the line and column. */
export function parseJsonText(field: string, text: string): unknown {
  // A UTF-8 BOM is legal at the start of a file but not in JSON; editors on Windows add one.
  const body = text.startsWith('\uFEFF') ? text.slice(1) : text;
  try {
    return JSON.parse(body);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new InvalidInputError(field, `not valid JSON${describePosition(body, reason)}: ${reason}`);
  }
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
