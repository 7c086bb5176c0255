/**
 * The text of one stream output as a notebook shows it, built from chunks as they arrive.
 *
 * Terminal-like control characters follow JupyterLab's and the classic notebook's reading:
 * - `\r\n` (and any run of `\r` before `\n`) is a plain newline;
 * - a `\r` not followed by `\n` makes the next printable text replace the whole current line,
 *   so `"abc\rX"` shows `"X"`; until that text arrives the line stays visible;
 * - `\b` deletes the previous character of the current line, never crossing a `\n`;
 *   a `\b` right after a pending `\r` cancels that `\r` instead.
 *
 * Writing chunks one by one gives exactly the text of writing their concatenation, because a
 * `\r` at the end of a chunk is kept pending until the next chunk shows what follows it.
 *
 * Cost is linear in the text written: finished lines are kept as the chunks they came in and
 * only joined when `text` is read (then cached until the next write); only the current line
 * is ever rewritten.
 */
export class StreamText {
  /** Finished text, every chunk ending in `\n`; never rewritten, since control characters cannot cross a newline. */
  private readonly finished: string[] = [];
  private finishedLength = 0;
  /** The unfinished last line, the only part `\r` and `\b` can change. */
  private line = '';
  /** A `\r` seen with no character after it yet: the next character decides what it does. */
  private returnPending = false;
  private cachedText: string | undefined;

  /** Appends a chunk of raw stream text. */
  write(chunk: string): void {
    if (chunk === '') return;
    this.cachedText = undefined;
    // A run of `\r` before `\n` does nothing visible; folding it keeps Windows line endings on the fast path.
    const text = chunk.includes('\r\n') ? chunk.replace(CARRIAGE_RETURNS_BEFORE_NEWLINE, '\n') : chunk;
    if (text.includes('\r') || text.includes('\b')) {
      this.writeWithControls(text);
    } else {
      this.writePlain(text);
    }
  }

  /** The text as shown. */
  get text(): string {
    if (this.cachedText === undefined) {
      const finished = this.finished.join('');
      // Keep one joined piece so the next read joins a short array again.
      this.finished.length = 0;
      if (finished !== '') this.finished.push(finished);
      this.cachedText = finished + this.line;
    }
    return this.cachedText;
  }

  /** Length of `text`, without materializing it. */
  get length(): number {
    return this.finishedLength + this.line.length;
  }

  /**
   * Keeps only the first `length` characters of the text as shown (a cap on what a cell keeps). What is left
   * after the last kept newline becomes the current line, which a later `\r` may rewrite as usual.
   */
  truncate(length: number): void {
    if (length >= this.length) return;
    this.cachedText = undefined;
    this.returnPending = false;
    if (length >= this.finishedLength) {
      this.line = this.line.slice(0, length - this.finishedLength);
      return;
    }
    const kept = this.finished.join('').slice(0, length);
    const lastNewline = kept.lastIndexOf('\n');
    const done = kept.slice(0, lastNewline + 1);
    this.finished.length = 0;
    if (done !== '') this.finished.push(done);
    this.finishedLength = done.length;
    this.line = kept.slice(lastNewline + 1);
  }

  /** Splits on `\r` and `\b` only; the text between them may hold newlines and goes through the plain path. */
  private writeWithControls(text: string): void {
    // Jump between control characters with indexOf (native scanning) rather than visiting every character.
    let nextReturn = text.indexOf('\r');
    let nextBackspace = text.indexOf('\b');
    let start = 0;
    while (nextReturn !== -1 || nextBackspace !== -1) {
      const isReturn = nextBackspace === -1 || (nextReturn !== -1 && nextReturn < nextBackspace);
      const at = isReturn ? nextReturn : nextBackspace;
      if (at > start) this.writePlain(text.slice(start, at));
      if (isReturn) {
        this.returnPending = true;
        nextReturn = text.indexOf('\r', at + 1);
      } else {
        this.backspace();
        nextBackspace = text.indexOf('\b', at + 1);
      }
      start = at + 1;
    }
    if (start < text.length) this.writePlain(text.slice(start));
  }

  /** Writes text that holds no `\r` or `\b` (it may hold newlines). */
  private writePlain(text: string): void {
    if (this.returnPending) {
      this.returnPending = false;
      // `\r` then `\n` keeps the line; `\r` then anything printable starts it over.
      if (text[0] !== '\n') this.line = '';
    }
    const lastNewline = text.lastIndexOf('\n');
    if (lastNewline === -1) {
      this.line += text;
      return;
    }
    const done = this.line + text.slice(0, lastNewline + 1);
    this.finished.push(done);
    this.finishedLength += done.length;
    this.line = text.slice(lastNewline + 1);
  }

  private backspace(): void {
    if (this.returnPending) {
      this.returnPending = false;
      return;
    }
    if (this.line === '') return;
    // Delete a whole character: an astral one (emoji…) is two UTF-16 code units.
    const end = this.line.length;
    const removeTwo = end >= 2 && isLowSurrogate(this.line.charCodeAt(end - 1)) && isHighSurrogate(this.line.charCodeAt(end - 2));
    this.line = this.line.slice(0, removeTwo ? end - 2 : end - 1);
  }
}

const CARRIAGE_RETURNS_BEFORE_NEWLINE = /\r+\n/g;

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}

function isLowSurrogate(code: number): boolean {
  return code >= 0xdc00 && code <= 0xdfff;
}
