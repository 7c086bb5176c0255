/**
 * Limits on the stream text one cell keeps. Past a limit, text is dropped and counted, so a cell that prints
 * without end cannot exhaust memory, and the reader is told exactly how much is missing.
 */

import type { StreamText } from './streamText';

export type StreamName = 'stdout' | 'stderr';

/** What a limit dropped, per stream, and the line that says so. */
export class DroppedText {
  private readonly chars = { stdout: 0, stderr: 0 };

  constructor(readonly limitChars: number) {}

  add(name: StreamName, count: number): void {
    this.chars[name] += count;
  }

  count(name: StreamName): number {
    return this.chars[name];
  }

  /** The line that stands where the dropped text would be, or '' when nothing was dropped. */
  marker(name: StreamName): string {
    const dropped = this.chars[name];
    if (dropped === 0) return '';
    return `\n[CellBridge: output truncated: ${dropped.toLocaleString('en')} more characters of ${name} were dropped (limit ${this.limitChars.toLocaleString('en')} characters per cell)]\n`;
  }

  reset(): void {
    this.chars.stdout = 0;
    this.chars.stderr = 0;
  }
}

/**
 * A cap on raw text as it passes (the run-cells transcript's `stdout`/`stderr`, which keep every byte as
 * sent): each chunk keeps the part that fits in what is left.
 */
export class StreamBudget {
  private used = 0;
  readonly dropped: DroppedText;

  constructor(readonly limitChars: number) {
    this.dropped = new DroppedText(limitChars);
  }

  /** The part of `text` that fits; the rest is counted as dropped. */
  admit(name: StreamName, text: string): string {
    const room = Math.max(0, this.limitChars - this.used);
    const kept = text.length <= room ? text : text.slice(0, room);
    this.used += kept.length;
    this.dropped.add(name, text.length - kept.length);
    return kept;
  }

  reset(): void {
    this.used = 0;
    this.dropped.reset();
  }
}

/**
 * The cap on the stream text a cell shows, counted as shown (after `\r` and `\b`), so a progress bar that
 * rewrites one line a million times takes the room of that one line. The write that passes the limit is
 * cut to fit, and the cell is then full: later stream text is dropped whole, unwritten, until a clear empties
 * the cell. So a cut line is never rewritten by a later `\r`, and a runaway loop costs nothing per message.
 */
export class ShownStreamLimit {
  private shownChars = 0;
  private full = false;
  readonly dropped: DroppedText;

  constructor(readonly limitChars: number) {
    this.dropped = new DroppedText(limitChars);
  }

  /** True when the cell takes no more text; the chunk is then counted as dropped. */
  refuses(name: StreamName, chunk: string): boolean {
    if (!this.full) return false;
    this.dropped.add(name, chunk.length);
    return true;
  }

  /** After a write grew one output's `text` from `lengthBefore`: cuts what passed the limit, and counts it. */
  fit(name: StreamName, text: StreamText, lengthBefore: number): void {
    this.shownChars += text.length - lengthBefore;
    const excess = this.shownChars - this.limitChars;
    if (excess <= 0) return;
    // The cell was within the limit before this write, so only what the write added is cut.
    text.truncate(text.length - excess);
    this.shownChars -= excess;
    this.dropped.add(name, excess);
    this.full = true;
  }

  /** The cell's outputs were cleared: what is no longer shown no longer counts, and what it dropped is gone with it. */
  reset(): void {
    this.shownChars = 0;
    this.full = false;
    this.dropped.reset();
  }
}
