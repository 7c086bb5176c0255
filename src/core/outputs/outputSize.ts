/**
 * How big an output is, measured without serializing it: a cell may hold hundreds of megabytes, and building
 * its JSON just to learn its length would cost that much again (or throw, past V8's longest string).
 */

import type { ErrorEntry, MimeBundle, OutputMetadata } from './nbformat';

/** How many units a string takes: its UTF-16 length (characters), or its UTF-8 bytes. */
export type StringSize = (text: string) => number;

export const charactersOf: StringSize = (text) => text.length;

/**
 * The length of `value` written as JSON, every string, number, bracket, colon and comma counted but not the
 * escapes JSON.stringify would add: so never more than the real length, a lower bound a caller can trust to
 * rule a value out. Walks with a stack of its own, since a value from a kernel may nest deeper than the call
 * stack allows (JSON.parse takes such a value; a recursive walk would not).
 */
export function jsonLengthOf(value: unknown, stringSize: StringSize = charactersOf): number {
  let length = 0;
  const pending: unknown[] = [value];
  while (pending.length > 0) {
    const item = pending.pop();
    switch (typeof item) {
      case 'string':
        length += stringSize(item) + 2;
        break;
      case 'number':
        length += Number.isFinite(item) ? String(item).length : 4;
        break;
      case 'boolean':
        length += item ? 4 : 5;
        break;
      case 'object':
        length += item === null ? 4 : containerLength(item, pending, stringSize);
        break;
      default:
        // undefined, functions and symbols are left out of JSON (or written as null in an array: rare enough to ignore).
        break;
    }
  }
  return length;
}

/** The brackets and separators of an array or object, its keys; its values are pushed for the walk to count. */
function containerLength(container: object, pending: unknown[], stringSize: StringSize): number {
  if (Array.isArray(container)) {
    // One by one: spreading a long array into push() would pass more arguments than a call takes.
    for (const element of container) pending.push(element);
    return 2 + Math.max(0, container.length - 1);
  }
  let length = 2;
  let count = 0;
  for (const [key, value] of Object.entries(container)) {
    if (value === undefined) continue;
    length += stringSize(key) + 3;
    count++;
    pending.push(value);
  }
  return length + Math.max(0, count - 1);
}

/**
 * The size in characters of a display's bundle and metadata. Remembered per object: one update_display_data
 * replaces every output showing its id with the same bundle, and each of those cells weighs it.
 */
export function displaySizeOf(data: MimeBundle, metadata: OutputMetadata): number {
  return rememberedLength(data) + rememberedLength(metadata);
}

const lengths = new WeakMap<object, number>();

function rememberedLength(value: object): number {
  let length = lengths.get(value);
  if (length === undefined) {
    length = jsonLengthOf(value);
    lengths.set(value, length);
  }
  return length;
}

/** The size in characters of an error's text: its name, its value and every line of its traceback. */
export function errorSizeOf(error: ErrorEntry): number {
  let size = error.ename.length + error.evalue.length;
  for (const line of error.traceback) size += line.length;
  return size;
}
