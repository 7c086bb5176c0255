import type { Disposable } from '../common/disposable';
import { Emitter, type Event } from '../common/emitter';
import { DisplayLimit } from './displayLimit';
import type { DisplayRegistry, DisplayTarget } from './displayRegistry';
import { ErrorLimit } from './errorLimit';
import type { DisplayDataOutput, ErrorOutput, MimeBundle, Output, OutputMetadata, RichOutput } from './nbformat';
import type { OutputEvent } from './outputEvent';
import type { CellOutputLimits } from './outputLimits';
import { displaySizeOf } from './outputSize';
import { ShownStreamLimit, type StreamName } from './streamBudget';
import { StreamText } from './streamText';
import { droppedOutputsNote } from './truncationNotes';

/** What changed in a cell's outputs; `index` is a position in `outputs` after the change. */
export type OutputChange = { kind: 'cleared' } | { kind: 'appended'; index: number } | { kind: 'updated'; index: number };

interface StreamEntry {
  readonly kind: 'stream';
  readonly name: 'stdout' | 'stderr';
  readonly text: StreamText;
}

interface RichEntry {
  readonly kind: 'rich';
  /** Replaced, never mutated, so snapshots handed out earlier stay as they were. */
  output: RichOutput;
  /** Its size as the display limit counts it (0 without one, when nobody needs it). */
  size: number;
  display?: { readonly id: string; readonly target: DisplayTarget };
}

interface ErrorItem {
  readonly kind: 'error';
  readonly output: ErrorOutput;
}

/** Stands where the first display or error a limit dropped would be, and says what the limits dropped. */
interface TruncationNote {
  readonly kind: 'truncationNote';
  /**
   * Written when a snapshot is taken, not on every drop (a flood drops millions), and kept until the counts
   * change, so an unchanged note is the same object in every snapshot.
   */
  output: DisplayDataOutput | undefined;
}

type OutputEntry = StreamEntry | RichEntry | ErrorItem | TruncationNote;

/**
 * The outputs of one cell, reduced from its output events the way JupyterLab's output area
 * model does: streams merge into a trailing stream of the same name, rich outputs append,
 * `clear_output(wait)` defers the clear to the cell's next output, and `update_display_data`
 * replaces every output showing a display id anywhere in the document (through the registry).
 *
 * Create it with `DocumentOutputs.createCell()` so cells of one notebook share display ids.
 */
export class CellOutputs implements Disposable {
  private readonly changes = new Emitter<OutputChange>();
  /** Fires after each change, including updates made from another cell's `update_display_data`. */
  readonly onDidChange: Event<OutputChange> = this.changes.event;
  private readonly applied = new Emitter<OutputEvent>();
  /** Every event this cell is given, as given, before it is reduced (for a transcript of raw logs). */
  readonly onDidApply: Event<OutputEvent> = this.applied.event;
  private readonly startedOver = new Emitter<void>();
  /** The cell is run again: what was recorded of its last run no longer applies. */
  readonly onDidStartOver: Event<void> = this.startedOver.event;

  private entries: OutputEntry[] = [];
  /** `clear_output(wait=True)` was received: clear just before the next output arrives, so the old one does not flicker away. */
  private clearBeforeNextOutput = false;
  private outputsSnapshot: readonly Output[] | undefined;
  /** Where the note about dropped displays and errors stands, once there is one (until the outputs are cleared). */
  private truncationNote: { readonly entry: TruncationNote; readonly index: number } | undefined;
  private disposed = false;
  /** Caps the stream text shown, across this cell's stream outputs. */
  private readonly shownLimit: ShownStreamLimit | undefined;
  private readonly displayLimit: DisplayLimit | undefined;
  private readonly errorLimit: ErrorLimit | undefined;

  constructor(
    private readonly displays: DisplayRegistry,
    private readonly onDispose: () => void = () => undefined,
    /** What this cell keeps of each kind of output; no limit for a kind left out. */
    limits: CellOutputLimits = {},
  ) {
    const { maxStreamCharsPerCell, maxDisplayCharsPerCell, maxErrorCharsPerCell } = limits;
    if (maxStreamCharsPerCell !== undefined) this.shownLimit = new ShownStreamLimit(maxStreamCharsPerCell);
    if (maxDisplayCharsPerCell !== undefined) this.displayLimit = new DisplayLimit(maxDisplayCharsPerCell);
    if (maxErrorCharsPerCell !== undefined) this.errorLimit = new ErrorLimit(maxErrorCharsPerCell);
  }

  apply(event: OutputEvent): void {
    // Late iopub messages can still arrive for a cell whose view is gone; they have nowhere to go.
    if (this.disposed) return;
    this.applied.fire(event);
    switch (event.type) {
      case 'stream': {
        // An empty chunk shows nothing; it neither makes an empty output nor fires a deferred clear.
        if (event.text === '') return;
        this.clearIfDeferred();
        this.writeStream(event.name, event.text);
        return;
      }
      case 'display_data':
        this.clearIfDeferred();
        this.appendRich({ output_type: 'display_data', data: event.data, metadata: event.metadata, ...transientOf(event.displayId) }, event.displayId);
        return;
      case 'execute_result':
        this.clearIfDeferred();
        this.appendRich(
          {
            output_type: 'execute_result',
            execution_count: event.executionCount,
            data: event.data,
            metadata: event.metadata,
            ...transientOf(event.displayId),
          },
          event.displayId,
        );
        return;
      case 'update_display_data':
        // Changes existing outputs only: it appends nothing and is not the "next output" a deferred clear waits for.
        this.displays.update(event.displayId, event.data, event.metadata);
        return;
      case 'clear_output':
        if (event.wait) {
          this.clearBeforeNextOutput = true;
        } else {
          this.clearOutputs();
        }
        return;
      case 'error': {
        this.clearIfDeferred();
        const error = { ename: event.ename, evalue: event.evalue, traceback: [...event.traceback] };
        const kept = this.errorLimit ? this.errorLimit.fit(error) : error;
        if (!kept) return this.noteDropped();
        this.append({ kind: 'error', output: { output_type: 'error', ...kept } });
        return;
      }
      default:
        return assertNever(event);
    }
  }

  /** The outputs as nbformat v4 shows them. A snapshot: later events do not change an array already returned. */
  get outputs(): readonly Output[] {
    if (!this.outputsSnapshot) this.outputsSnapshot = Object.freeze(this.withTruncationMarkers(this.entries.map((entry) => this.outputOf(entry))));
    return this.outputsSnapshot;
  }

  /** The marker goes at the end of the last output of the stream that lost text. */
  private withTruncationMarkers(outputs: Output[]): Output[] {
    if (!this.shownLimit) return outputs;
    for (const name of ['stdout', 'stderr'] as const) {
      const marker = this.shownLimit.dropped.marker(name);
      if (!marker) continue;
      const at = outputs.map((o) => o.output_type === 'stream' && o.name === name).lastIndexOf(true);
      const last = outputs[at];
      if (last?.output_type === 'stream') outputs[at] = { ...last, text: last.text + marker };
    }
    return outputs;
  }

  /** Starts the cell over for a re-run: outputs and pending clear go, and observers are told (onDidStartOver). */
  clear(): void {
    if (this.disposed) return;
    this.startedOver.fire();
    this.clearOutputs();
  }

  /** Takes this cell's outputs out of the document's display index and drops listeners. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.unregisterDisplays();
    this.changes.dispose();
    this.applied.dispose();
    this.startedOver.dispose();
    this.onDispose();
  }

  private clearIfDeferred(): void {
    if (this.clearBeforeNextOutput) this.clearOutputs();
  }

  private clearOutputs(): void {
    this.clearBeforeNextOutput = false;
    this.shownLimit?.reset();
    this.displayLimit?.reset();
    this.errorLimit?.reset();
    if (this.entries.length === 0) return;
    this.unregisterDisplays();
    this.entries = [];
    this.truncationNote = undefined;
    this.changed({ kind: 'cleared' });
  }

  private writeStream(name: StreamName, text: string): void {
    if (this.shownLimit?.refuses(name, text)) return this.droppedFrom(name);
    const lastIndex = this.entries.length - 1;
    const last = this.entries[lastIndex];
    if (last?.kind === 'stream' && last.name === name) {
      const lengthBefore = last.text.length;
      last.text.write(text);
      this.shownLimit?.fit(name, last.text, lengthBefore);
      this.changed({ kind: 'updated', index: lastIndex });
      return;
    }
    const streamText = new StreamText();
    streamText.write(text);
    // Appended even when the limit kept none of it: the output then carries the marker that says so.
    this.shownLimit?.fit(name, streamText, 0);
    this.append({ kind: 'stream', name, text: streamText });
  }

  /**
   * Text the limit dropped changes the marker, which stands at the stream's last output; a stream with no
   * output yet gets one, empty but for the marker (once: later drops find it).
   */
  private droppedFrom(name: StreamName): void {
    let index = this.entries.length - 1;
    while (index >= 0 && !isStreamOf(this.entries[index], name)) index--;
    if (index === -1) this.append({ kind: 'stream', name, text: new StreamText() });
    else this.changed({ kind: 'updated', index });
  }

  private appendRich(output: RichOutput, displayId: string | undefined): void {
    const size = this.displayLimit ? displaySizeOf(output.data, output.metadata) : 0;
    // A dropped display is not registered either: updates to its id find nothing here to change.
    if (this.displayLimit && !this.displayLimit.admitsDisplay(size)) return this.noteDropped();
    const entry: RichEntry = { kind: 'rich', output, size };
    if (displayId !== undefined) {
      const target: DisplayTarget = { replaceDisplay: (data, metadata) => this.replaceDisplay(entry, data, metadata) };
      entry.display = { id: displayId, target };
      this.displays.register(displayId, target);
    }
    this.append(entry);
  }

  private replaceDisplay(entry: RichEntry, data: MimeBundle, metadata: OutputMetadata): void {
    const index = this.entries.indexOf(entry);
    // Cleared entries are unregistered, so this only guards against a registry out of step.
    if (index === -1) return;
    const size = this.displayLimit ? displaySizeOf(data, metadata) : 0;
    if (this.displayLimit && !this.displayLimit.admitsUpdate(entry.size, size)) return this.noteDropped();
    entry.output = { ...entry.output, data, metadata };
    entry.size = size;
    this.changed({ kind: 'updated', index });
  }

  /**
   * A limit dropped a display, an update or an error: the note says so, placed where the first of them would
   * have been (appended then), and rewritten as more are dropped.
   */
  private noteDropped(): void {
    if (!this.truncationNote) {
      const entry: TruncationNote = { kind: 'truncationNote', output: undefined };
      this.truncationNote = { entry, index: this.entries.length };
      return this.append(entry);
    }
    this.truncationNote.entry.output = undefined;
    this.changed({ kind: 'updated', index: this.truncationNote.index });
  }

  private outputOf(entry: OutputEntry): Output {
    switch (entry.kind) {
      case 'stream':
        return { output_type: 'stream', name: entry.name, text: entry.text.text };
      case 'rich':
      case 'error':
        return entry.output;
      case 'truncationNote':
        entry.output ??= { output_type: 'display_data', data: { 'text/plain': droppedOutputsNote(this.displayLimit, this.errorLimit) }, metadata: {} };
        return entry.output;
    }
  }

  private append(entry: OutputEntry): void {
    this.entries.push(entry);
    this.changed({ kind: 'appended', index: this.entries.length - 1 });
  }

  private unregisterDisplays(): void {
    for (const entry of this.entries) {
      if (entry.kind === 'rich' && entry.display) this.displays.unregister(entry.display.id, entry.display.target);
    }
  }

  private changed(change: OutputChange): void {
    this.outputsSnapshot = undefined;
    this.changes.fire(change);
  }
}

function isStreamOf(entry: OutputEntry | undefined, name: StreamName): boolean {
  return entry?.kind === 'stream' && entry.name === name;
}

function transientOf(displayId: string | undefined): { transient?: { display_id: string } } {
  return displayId === undefined ? {} : { transient: { display_id: displayId } };
}

function assertNever(value: never): never {
  throw new Error(`Unhandled output event: ${JSON.stringify(value)}`);
}
