/**
 * The cap on the error text one cell keeps: each error's name, value and traceback, counted in characters.
 * A cell can raise an exception whose message is hundreds of megabytes long (`raise ValueError(s)`), and
 * ipykernel repeats the message in the traceback; both would be kept whole, in the outputs and the answer.
 *
 * As with stream text (streamBudget.ts): an error that fits is kept whole; the one that passes the limit is
 * cut to fit, with a note inside it saying how much of it is missing, and the cell is then full: later errors
 * are dropped whole and counted. An error is cut, never dropped first, because the cell's own error (its type
 * and the start of its message) is what a reader looks for.
 */

import type { DroppedCount } from './displayLimit';
import type { ErrorEntry } from './nbformat';
import { errorSizeOf } from './outputSize';
import { cutErrorNote } from './truncationNotes';

/** An exception's name is a class name; one longer than this is not a name anyone reads to the end. */
const MAX_KEPT_NAME_CHARS = 200;

type ErrorLimitState = { kind: 'open'; keptChars: number } | { kind: 'full' };

export class ErrorLimit {
  private state: ErrorLimitState = { kind: 'open', keptChars: 0 };
  private dropped = { count: 0, chars: 0 };

  constructor(readonly limitChars: number) {}

  /** The error as kept (whole, or cut to the room left), or undefined when the cell is full: it is then counted as dropped. */
  fit(error: ErrorEntry): ErrorEntry | undefined {
    const size = errorSizeOf(error);
    if (this.state.kind === 'open' && this.state.keptChars + size <= this.limitChars) {
      this.state = { kind: 'open', keptChars: this.state.keptChars + size };
      return error;
    }
    const room = this.state.kind === 'open' ? this.limitChars - this.state.keptChars : 0;
    this.state = { kind: 'full' };
    if (room > 0) return cutError(error, room, this.limitChars);
    this.dropped.count++;
    this.dropped.chars += size;
    return undefined;
  }

  get droppedErrors(): DroppedCount {
    return { ...this.dropped };
  }

  /** Starts over (the outputs were cleared, or the cell runs again). */
  reset(): void {
    this.state = { kind: 'open', keptChars: 0 };
    this.dropped = { count: 0, chars: 0 };
  }
}

/**
 * Cuts an error to `room` characters: the name first (it is short), then the value gets at least half of what
 * is left, the traceback the rest, from its first line, so the frames survive though the message repeated in
 * the last line may not. The note is added beyond `room`: it is short and there is one per cell.
 */
function cutError(error: ErrorEntry, room: number, limitChars: number): ErrorEntry {
  const ename = prefix(error.ename, Math.min(room, MAX_KEPT_NAME_CHARS));
  let left = room - ename.length;
  const tracebackSize = error.traceback.reduce((sum, line) => sum + line.length, 0);
  const evalue = prefix(error.evalue, Math.max(Math.floor(left / 2), left - tracebackSize));
  left -= evalue.length;
  const traceback: string[] = [];
  for (const line of error.traceback) {
    if (left <= 0) break;
    const kept = prefix(line, left);
    traceback.push(kept);
    left -= kept.length;
    if (kept.length < line.length) break;
  }
  const keptSize = ename.length + evalue.length + traceback.reduce((sum, line) => sum + line.length, 0);
  const note = cutErrorNote(errorSizeOf(error) - keptSize, limitChars);
  return {
    ename,
    evalue: evalue.length < error.evalue.length ? `${evalue}… ${note}` : evalue,
    traceback: [...traceback, note],
  };
}

/** The first `length` characters of `text`, one fewer rather than half a surrogate pair. */
function prefix(text: string, length: number): string {
  if (text.length <= length) return text;
  const end = length > 0 && isHighSurrogate(text.charCodeAt(length - 1)) ? length - 1 : length;
  return text.slice(0, end);
}

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}
