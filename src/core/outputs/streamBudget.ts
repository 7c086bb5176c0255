/**
 * Limits on the stream text one cell keeps. Past a limit, text is dropped and counted, so a cell that prints
 * without end cannot exhaust memory, and the reader is told exactly how much is missing.
 */

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
