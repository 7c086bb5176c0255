/**
 * How much stream text one cell may keep. Past the limit, text is dropped and counted, so a cell that
 * prints without end cannot exhaust memory, and the reader is told exactly how much is missing.
 */
export class StreamBudget {
  private used = 0;
  private readonly droppedChars = { stdout: 0, stderr: 0 };

  constructor(readonly limitChars: number) {}

  /** The part of `text` that fits; the rest is counted as dropped. */
  admit(name: 'stdout' | 'stderr', text: string): string {
    const room = Math.max(0, this.limitChars - this.used);
    const kept = text.length <= room ? text : text.slice(0, room);
    this.used += kept.length;
    this.droppedChars[name] += text.length - kept.length;
    return kept;
  }

  dropped(name: 'stdout' | 'stderr'): number {
    return this.droppedChars[name];
  }

  /** The line that stands where the dropped text would be, or '' when nothing was dropped. */
  marker(name: 'stdout' | 'stderr'): string {
    const dropped = this.droppedChars[name];
    if (dropped === 0) return '';
    return `\n[CellBridge: output truncated: ${dropped.toLocaleString('en')} more characters of ${name} were dropped (limit ${this.limitChars.toLocaleString('en')} characters per cell)]\n`;
  }

  reset(): void {
    this.used = 0;
    this.droppedChars.stdout = 0;
    this.droppedChars.stderr = 0;
  }
}
