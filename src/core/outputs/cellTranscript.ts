import { isJsonMime, type ErrorEntry, type MimeBundle } from './nbformat';

/**
 * One cell's part of the run-cells contract (/work/shared/reference/run-jupyter.md):
 * raw logs and errors as they happened, displays as finally shown.
 */
export interface CellTranscript {
  /** Every byte of stdout stream text, in order, as sent: no `\r`/`\b` processing, not erased by `clear_output`. */
  stdout: string;
  stderr: string;
  /** MIME bundles of the rich outputs as finally shown, multiline strings joined. */
  display: MimeBundle[];
  /** Every error the cell raised, in order. */
  error: ErrorEntry[];
}

/** Records what a transcript keeps regardless of what is shown: raw stream text and errors. */
export class TranscriptRecorder {
  private stdout: string[] = [];
  private stderr: string[] = [];
  private errors: ErrorEntry[] = [];

  recordStream(name: 'stdout' | 'stderr', text: string): void {
    (name === 'stdout' ? this.stdout : this.stderr).push(text);
  }

  recordError(error: ErrorEntry): void {
    this.errors.push({ ename: error.ename, evalue: error.evalue, traceback: [...error.traceback] });
  }

  reset(): void {
    this.stdout = [];
    this.stderr = [];
    this.errors = [];
  }

  /** The transcript, given the bundles currently shown. */
  snapshot(shownBundles: readonly MimeBundle[]): CellTranscript {
    return {
      stdout: joinCompacting(this.stdout),
      stderr: joinCompacting(this.stderr),
      display: shownBundles.map(joinMultilineStrings),
      error: this.errors.map((e) => ({ ...e, traceback: [...e.traceback] })),
    };
  }
}

/** Joins the pieces and keeps the result as the only piece, so repeated snapshots stay cheap. */
function joinCompacting(pieces: string[]): string {
  const joined = pieces.join('');
  pieces.length = 0;
  if (joined !== '') pieces.push(joined);
  return joined;
}

/**
 * nbformat allows text values as line lists (`["a\n", "b"]`); the contract wants one string.
 * JSON MIME types are left alone: there an array is the value itself, not split lines.
 */
export function joinMultilineStrings(bundle: MimeBundle): MimeBundle {
  const joined: MimeBundle = {};
  for (const [mime, value] of Object.entries(bundle)) {
    joined[mime] = !isJsonMime(mime) && isStringList(value) ? value.join('') : value;
  }
  return joined;
}


function isStringList(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((item) => typeof item === 'string');
}
