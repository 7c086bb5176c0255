/**
 * The on-disk spelling of .ipynb files, matched to what nbformat's Python writer produces so a notebook
 * saved by CellBridge diffs cleanly against one saved by Jupyter: keys sorted, 1-space indent, a trailing
 * newline, and multi-line strings stored as lists of lines that keep their line ends.
 */
import { isJsonObject } from './jsonInput';

/**
 * Python's `str.splitlines(keepends=True)`, which nbformat uses: besides \n, \r and \r\n it breaks at
 * \v, \f, \x1c-\x1e, \x85, \u2028 and \u2029. An empty string gives no lines.
 */
export function splitLinesKeepingEnds(text: string): string[] {
  const lineBreak = /\r\n|[\n\r\v\f\x1c-\x1e\x85\u2028\u2029]/g;
  const lines: string[] = [];
  let start = 0;
  for (let match = lineBreak.exec(text); match !== null; match = lineBreak.exec(text)) {
    const end = match.index + match[0].length;
    lines.push(text.slice(start, end));
    start = end;
  }
  if (start < text.length) lines.push(text.slice(start));
  return lines;
}

/** Reads a multi-line field stored either way nbformat allows: a string or a list of strings. */
export function joinMultiline(value: string | string[]): string {
  return typeof value === 'string' ? value : value.join('');
}

export function isMultiline(value: unknown): value is string | string[] {
  return typeof value === 'string' || (Array.isArray(value) && value.every((line) => typeof line === 'string'));
}

/**
 * nbformat splits text MIME types (and JavaScript and SVG, which are text too) into lines; base64 data
 * such as image/png stays one string, which is how Jupyter's own files look.
 */
export function isLineSplitMimeType(mimeType: string): boolean {
  return mimeType.startsWith('text/') || mimeType === 'application/javascript' || mimeType === 'image/svg+xml';
}

/**
 * `json.dumps(value, sort_keys=True, indent=1, ensure_ascii=False)` plus the newline nbformat appends.
 * Written out rather than left to JSON.stringify, because JavaScript objects list integer-like keys first
 * whatever order they were added in, and Python sorts every key as a string.
 */
export function stringifyLikeNbformat(value: unknown): string {
  return writeValue(value, '') + '\n';
}

function writeValue(value: unknown, indent: string): string {
  if (Array.isArray(value)) {
    if (value.length === 0) return '[]';
    const inner = indent + ' ';
    // JSON.stringify writes undefined array items as null; do the same.
    const items = value.map((item) => inner + (item === undefined ? 'null' : writeValue(item, inner)));
    return `[\n${items.join(',\n')}\n${indent}]`;
  }
  if (isJsonObject(value)) {
    const keys = Object.keys(value)
      .filter((key) => value[key] !== undefined)
      .sort(compareCodePoints);
    if (keys.length === 0) return '{}';
    const inner = indent + ' ';
    const members = keys.map((key) => `${inner}${JSON.stringify(key)}: ${writeValue(value[key], inner)}`);
    return `{\n${members.join(',\n')}\n${indent}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/** Python compares strings by code point; JavaScript's default sort compares UTF-16 units. */
function compareCodePoints(a: string, b: string): number {
  const left = Array.from(a);
  const right = Array.from(b);
  for (let i = 0; i < Math.min(left.length, right.length); i++) {
    const difference = (left[i]?.codePointAt(0) ?? 0) - (right[i]?.codePointAt(0) ?? 0);
    if (difference !== 0) return difference;
  }
  return left.length - right.length;
}
