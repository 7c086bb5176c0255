import type { Disposable } from '../common/disposable';
import { Emitter, type Event } from '../common/emitter';
import type { DisplayRegistry, DisplayTarget } from './displayRegistry';
import type { ErrorOutput, MimeBundle, Output, OutputMetadata, RichOutput } from './nbformat';
import type { OutputEvent } from './outputEvent';
import { ShownStreamLimit, type StreamName } from './streamBudget';
import { StreamText } from './streamText';

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
  display?: { readonly id: string; readonly target: DisplayTarget };
}

interface ErrorItem {
  readonly kind: 'error';
  readonly output: ErrorOutput;
}

type OutputEntry = StreamEntry | RichEntry | ErrorItem;

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
  private disposed = false;
  /** Caps the stream text shown, across this cell's stream outputs. */
  private readonly shownLimit: ShownStreamLimit | undefined;

  constructor(
    private readonly displays: DisplayRegistry,
    private readonly onDispose: () => void = () => undefined,
    /** Caps the stream text this cell shows; unlimited when undefined. */
    streamLimitChars?: number,
  ) {
    if (streamLimitChars !== undefined) this.shownLimit = new ShownStreamLimit(streamLimitChars);
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
      case 'error':
        this.clearIfDeferred();
        this.append({ kind: 'error', output: { output_type: 'error', ename: event.ename, evalue: event.evalue, traceback: [...event.traceback] } });
        return;
      default:
        return assertNever(event);
    }
  }

  /** The outputs as nbformat v4 shows them. A snapshot: later events do not change an array already returned. */
  get outputs(): readonly Output[] {
    if (!this.outputsSnapshot) this.outputsSnapshot = Object.freeze(this.withTruncationMarkers(this.entries.map(toOutput)));
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
    if (this.entries.length === 0) return;
    this.unregisterDisplays();
    this.entries = [];
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
    const entry: RichEntry = { kind: 'rich', output };
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
    entry.output = { ...entry.output, data, metadata };
    this.changed({ kind: 'updated', index });
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

function toOutput(entry: OutputEntry): Output {
  switch (entry.kind) {
    case 'stream':
      return { output_type: 'stream', name: entry.name, text: entry.text.text };
    case 'rich':
    case 'error':
      return entry.output;
  }
}

function assertNever(value: never): never {
  throw new Error(`Unhandled output event: ${JSON.stringify(value)}`);
}
