import { Disposable, DisposableStore } from '../common/disposable';
import type { CellOutputs } from './cellOutputs';
import type { DocumentOutputs } from './documentOutputs';
import { ErrorLimit } from './errorLimit';
import { joinMultilineStrings, type ErrorEntry, type MimeBundle } from './nbformat';
import type { OutputEvent } from './outputEvent';
import type { CellOutputLimits } from './outputLimits';
import { StreamBudget } from './streamBudget';
import { droppedOutputsNote } from './truncationNotes';

/**
 * One cell's part of the run-cells contract (/work/shared/reference/run-jupyter.md):
 * raw logs and errors as they happened, displays as finally shown.
 */
export interface CellTranscript {
  /** Every byte of stdout stream text, in order, as sent: no `\r`/`\b` processing, not erased by `clear_output`. */
  stdout: string;
  stderr: string;
  /** MIME bundles of the rich outputs as finally shown, multiline strings joined (with the cell's note of dropped displays). */
  display: MimeBundle[];
  /** Every error the cell raised, in order; past the error limit, cut, and then counted in the last one's traceback. */
  error: ErrorEntry[];
}

/**
 * Records one cell's transcript by watching the events its outputs reduce: raw stream text and errors (each
 * capped on its own, since they are not erased by a clear as shown outputs are), plus, when asked, the
 * bundles shown at that moment (capped where they are shown, CellOutputs). Only the run-cells runner attaches
 * one; VS Code shows outputs and keeps no second copy of every character.
 */
export class CellTranscriptRecorder implements Disposable {
  private stdout: string[] = [];
  private stderr: string[] = [];
  private errors: ErrorEntry[] = [];
  private readonly budget: StreamBudget | undefined;
  private readonly errorLimit: ErrorLimit | undefined;
  private readonly subscriptions = new DisposableStore();

  /** `limits`: the raw logs keep `maxStreamCharsPerCell` characters of their own, the errors `maxErrorCharsPerCell`. */
  constructor(private readonly cell: CellOutputs, limits: CellOutputLimits = {}) {
    const { maxStreamCharsPerCell, maxErrorCharsPerCell } = limits;
    this.budget = maxStreamCharsPerCell === undefined ? undefined : new StreamBudget(maxStreamCharsPerCell);
    this.errorLimit = maxErrorCharsPerCell === undefined ? undefined : new ErrorLimit(maxErrorCharsPerCell);
    this.subscriptions.add(cell.onDidApply((event) => this.record(event)));
    this.subscriptions.add(cell.onDidStartOver(() => this.reset()));
  }

  private record(event: OutputEvent): void {
    if (event.type === 'stream') {
      const text = this.budget ? this.budget.admit(event.name, event.text) : event.text;
      if (text !== '') (event.name === 'stdout' ? this.stdout : this.stderr).push(text);
    } else if (event.type === 'error') {
      const error = { ename: event.ename, evalue: event.evalue, traceback: [...event.traceback] };
      const kept = this.errorLimit ? this.errorLimit.fit(error) : error;
      if (kept) this.errors.push(kept);
    }
  }

  private reset(): void {
    this.stdout = [];
    this.stderr = [];
    this.errors = [];
    this.budget?.reset();
    this.errorLimit?.reset();
  }

  /** The transcript now: logs and errors so far, and the rich outputs the cell shows at this moment. */
  transcript(): CellTranscript {
    const shown: MimeBundle[] = [];
    for (const output of this.cell.outputs) {
      if (output.output_type === 'display_data' || output.output_type === 'execute_result') shown.push(output.data);
    }
    const marker = (name: 'stdout' | 'stderr'): string => this.budget?.dropped.marker(name) ?? '';
    return {
      stdout: joinCompacting(this.stdout) + marker('stdout'),
      stderr: joinCompacting(this.stderr) + marker('stderr'),
      display: shown.map(joinMultilineStrings),
      error: this.errorsWithDroppedNote(),
    };
  }

  /**
   * Copies of the errors kept; when the limit dropped later ones, the last kept one (the one cut to fit, as
   * the limit cuts before it drops) ends with a line that counts them.
   */
  private errorsWithDroppedNote(): ErrorEntry[] {
    const errors = this.errors.map((e) => ({ ...e, traceback: [...e.traceback] }));
    const note = droppedOutputsNote(undefined, this.errorLimit);
    if (note) errors[errors.length - 1]?.traceback.push(note);
    return errors;
  }

  dispose(): void {
    this.subscriptions.dispose();
  }
}

/** A transcript recorder on every cell of a document, from the moment each cell is made. */
export class DocumentTranscripts implements Disposable {
  private readonly recorders = new WeakMap<CellOutputs, CellTranscriptRecorder>();
  private readonly subscriptions = new DisposableStore();

  constructor(document: DocumentOutputs, private readonly limits: CellOutputLimits = {}) {
    this.subscriptions.add(
      document.onDidCreateCell((cell) => {
        const recorder = this.subscriptions.add(new CellTranscriptRecorder(cell, this.limits));
        this.recorders.set(cell, recorder);
      }),
    );
  }

  /** The transcript of a cell of the document. */
  of(cell: CellOutputs): CellTranscript {
    const recorder = this.recorders.get(cell);
    if (!recorder) throw new Error('DocumentTranscripts.of: the cell was made before its transcript was attached');
    return recorder.transcript();
  }

  dispose(): void {
    this.subscriptions.dispose();
  }
}

/** Joins the pieces and keeps the result as the only piece, so repeated snapshots stay cheap. */
function joinCompacting(pieces: string[]): string {
  const joined = pieces.join('');
  pieces.length = 0;
  if (joined !== '') pieces.push(joined);
  return joined;
}
