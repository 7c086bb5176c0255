import { jsonLengthOf } from '../core/outputs/outputSize';
import { bareCell, cellWithErrorsOnly } from './reducedCells';
import type { CellResponse, RunResponse } from './runResponse';

/**
 * A run-cells answer as JSON, within a size limit, in pieces to be written one after another. One
 * JSON.stringify of the whole answer can pass V8's longest string (about 512 MiB), throwing away every
 * cell's result, or hold a second copy of hundreds of megabytes at once; here each cell is written on its
 * own, and its size is estimated first (outputSize.ts), so a cell that cannot fit is never written out.
 */
export interface ResponseText {
  readonly pieces: readonly string[];
  readonly bytes: number;
}

/**
 * What goes in first, as room allows: the answer's own fields and every cell's status, count and time (a
 * bare form of each cell: reducedCells.ts); then the fetched files, each whole or not at all; then each cell's
 * outputs, in order, whole, or with only its errors, or not at all; a later, smaller cell may still fit where
 * an earlier one did not. The `message` says what was left out, and each cell left out says so itself.
 */
export function responseText(response: RunResponse, limitBytes = Infinity): ResponseText {
  const cells = response.cells.map((cell) => new CellText(cell, limitBytes));
  let room = limitBytes - envelopeBytesOf(response) - cells.reduce((sum, cell) => sum + cell.bareBytes + 1, 0);
  const leftOut: LeftOut = { cells: 0, files: [], unlisted: 0 };
  let listed = cells;
  const files: Array<[string, string]> = [];
  if (room < 0) {
    // Not even every status fits (a request of very many cells): as many as fit, and no files.
    listed = listedWithin(cells, room);
    leftOut.unlisted = cells.length - listed.length;
    leftOut.files = Object.keys(response.files);
  } else {
    for (const entry of Object.entries(response.files)) {
      const bytes = jsonLengthOf(entry[0], utf8Bytes) + jsonLengthOf(entry[1], utf8Bytes) + 2;
      if (bytes <= room) {
        files.push(entry);
        room -= bytes;
      } else {
        leftOut.files.push(entry[0]);
      }
    }
    for (const cell of cells) {
      room -= cell.fillWithin(room);
      if (cell.form !== 'full') leftOut.cells++;
    }
  }
  return assemble(response, listed, files, messageOf(response.message, leftOut, cells.length, limitBytes));
}

/** Bytes of JSON in UTF-8, the unit of the limit. */
const utf8Bytes = (text: string): number => Buffer.byteLength(text, 'utf8');

/** Room kept for what `message` says about the parts left out, decided after the rest is measured. */
const MESSAGE_ROOM_BYTES = 4096;
/** The files left out that the message names; the rest it counts. */
const NAMED_FILES = 10;

type CellForm = 'full' | 'errorsOnly' | 'bare';

/** One cell of the answer and the form it takes in the text. */
class CellText {
  readonly bare: string;
  readonly bareBytes: number;
  /** The full cell's size as JSON, estimated (never more than the real size). */
  private readonly fullBytes: number;
  private chosen: { form: CellForm; text: string } | undefined;

  constructor(private readonly cell: CellResponse, private readonly limitBytes: number) {
    this.fullBytes = jsonLengthOf(cell, utf8Bytes);
    this.bare = JSON.stringify(bareCell(cell, this.fullBytes, limitBytes));
    this.bareBytes = utf8Bytes(this.bare);
  }

  get form(): CellForm {
    return this.chosen?.form ?? 'bare';
  }

  get text(): string {
    return this.chosen?.text ?? this.bare;
  }

  /** Takes the fullest form whose bytes beyond the bare form's fit in `room`; returns those bytes. */
  fillWithin(room: number): number {
    const candidates: Array<[CellForm, CellResponse, number]> = [['full', this.cell, this.fullBytes]];
    if (this.cell.error.length > 0) {
      const errorsOnly = cellWithErrorsOnly(this.cell, this.fullBytes, this.limitBytes);
      candidates.push(['errorsOnly', errorsOnly, jsonLengthOf(errorsOnly, utf8Bytes)]);
    }
    for (const [form, value, estimate] of candidates) {
      if (estimate - this.bareBytes > room) continue;
      const text = stringifiedOrUndefined(value);
      if (text === undefined) continue;
      const extra = utf8Bytes(text) - this.bareBytes;
      if (extra > room) continue;
      this.chosen = { form, text };
      return extra;
    }
    return 0;
  }
}

/** JSON.stringify throws on a text past V8's longest string, and on a value nested deeper than its stack. */
function stringifiedOrUndefined(value: unknown): string | undefined {
  try {
    return JSON.stringify(value);
  } catch {
    return undefined;
  }
}

/** The answer without cells or files, with room for the message to grow. */
function envelopeBytesOf(response: RunResponse): number {
  return utf8Bytes(JSON.stringify({ ...response, cells: [], files: {} })) + MESSAGE_ROOM_BYTES;
}

/** The first cells whose bare forms fit, when not all do (`room` is how far short they fall). */
function listedWithin(cells: CellText[], room: number): CellText[] {
  let count = cells.length;
  while (count > 0 && room < 0) room += cells[--count]!.bareBytes + 1;
  return cells.slice(0, count);
}

interface LeftOut {
  /** Cells whose outputs, or some of them, were left out. */
  cells: number;
  files: string[];
  /** Cells left out of the list altogether. */
  unlisted: number;
}

function messageOf(original: string, leftOut: LeftOut, cellCount: number, limitBytes: number): string {
  const parts: string[] = [];
  if (leftOut.unlisted > 0) parts.push(`only the first ${cellCount - leftOut.unlisted} of ${cellCount} cells are listed, with their outputs left out`);
  if (leftOut.cells > 0) parts.push(`the outputs of ${leftOut.cells} of ${cellCount} cells were left out, each saying so in its stderr`);
  if (leftOut.files.length > 0) {
    const named = leftOut.files.slice(0, NAMED_FILES).map((name) => JSON.stringify(name.slice(0, 200)));
    const more = leftOut.files.length > NAMED_FILES ? ` and ${leftOut.files.length - NAMED_FILES} more` : '';
    parts.push(`fetched files left out: ${named.join(', ')}${more}`);
  }
  if (parts.length === 0) return original;
  const note = `The answer would pass its size limit of ${limitBytes.toLocaleString('en')} bytes: ${parts.join('; ')}.`;
  return original ? `${original} ${note}` : note;
}

/** The JSON of the answer, its fields in their order, cells and files written piece by piece. */
function assemble(response: RunResponse, cells: CellText[], files: Array<[string, string]>, message: string): ResponseText {
  const out = new PieceWriter();
  out.write('{');
  Object.entries({ ...response, message }).forEach(([key, value], index) => {
    out.write(`${index > 0 ? ',' : ''}${JSON.stringify(key)}:`);
    if (key === 'cells') {
      out.write('[');
      cells.forEach((cell, i) => {
        if (i > 0) out.write(',');
        out.write(cell.text);
      });
      out.write(']');
    } else if (key === 'files') {
      out.write('{');
      files.forEach(([name, content], i) => out.write(`${i > 0 ? ',' : ''}${JSON.stringify(name)}:${JSON.stringify(content)}`));
      out.write('}');
    } else {
      out.write(JSON.stringify(value));
    }
  });
  out.write('}');
  return out.finish();
}

/** Joins small pieces into pieces of about a mebibyte, so a thousand tiny cells are not a thousand writes. */
class PieceWriter {
  private static readonly PIECE_CHARS = 1 << 20;
  private readonly pieces: string[] = [];
  private pending: string[] = [];
  private pendingChars = 0;
  private bytes = 0;

  write(text: string): void {
    this.bytes += utf8Bytes(text);
    if (text.length >= PieceWriter.PIECE_CHARS) {
      // A large piece stays as it is: joining it to others would copy it.
      this.flush();
      this.pieces.push(text);
      return;
    }
    this.pending.push(text);
    this.pendingChars += text.length;
    if (this.pendingChars >= PieceWriter.PIECE_CHARS) this.flush();
  }

  finish(): ResponseText {
    this.flush();
    return { pieces: this.pieces, bytes: this.bytes };
  }

  private flush(): void {
    if (this.pending.length === 0) return;
    this.pieces.push(this.pending.length === 1 ? this.pending[0]! : this.pending.join(''));
    this.pending = [];
    this.pendingChars = 0;
  }
}
