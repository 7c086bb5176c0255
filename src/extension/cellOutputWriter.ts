import type { Disposable } from '../core/common/disposable';
import type { CellOutputs } from '../core/outputs/cellOutputs';
import type { Output } from '../core/outputs/nbformat';
import { OutputPatchStep, outputPatch, patchSize } from './outputPatch';

/**
 * The output half of a NotebookCellExecution: what a write needs. Generic so that the writer's pacing and
 * blocking can be tested in Node; in VS Code `TOutput` is a NotebookCellOutput and `TItem` an output item.
 */
export interface OutputSink<TOutput, TItem> {
  replaceOutput(outputs: readonly TOutput[]): Thenable<void>;
  appendOutput(outputs: readonly TOutput[]): Thenable<void>;
  replaceOutputItems(items: readonly TItem[], output: TOutput): Thenable<void>;
  appendOutputItems(items: readonly TItem[], output: TOutput): Thenable<void>;
}

/** How nbformat outputs become the sink's objects (vscodeOutputs.ts in VS Code). */
export interface OutputFactory<TOutput, TItem> {
  output(source: Output): TOutput;
  items(source: Output): TItem[];
  streamItem(stream: 'stdout' | 'stderr', text: string): TItem;
}

/**
 * Lends a sink for one write. Resolves false when the cell cannot be written now (its next run is queued
 * but has not started); the owner calls `flush()` again once it can.
 */
export type SinkLease<TOutput, TItem> = (write: (sink: OutputSink<TOutput, TItem>) => Promise<void>) => Promise<boolean>;

export interface WritePacing {
  /** The shortest gap between two writes: about a frame, so a burst of messages becomes one edit. */
  minDelayMs: number;
  /** After a large write, wait as long as sending this many characters takes, so the renderer keeps up. */
  charsPerMs: number;
}

export const DEFAULT_PACING: WritePacing = { minDelayMs: 16, charsPerMs: 20_000 };

interface Shown<TOutput> {
  source: Output;
  readonly output: TOutput;
}

/**
 * Where the writer is: `clean` (VS Code shows what the engine has), `due` (changes wait for the timer),
 * `writing` (a write is in flight; `changedSince` says whether another must follow), `blocked` (changes wait
 * until the owner flushes: the cell's next run is queued), `disposed`.
 */
type WriterState =
  | { kind: 'clean' }
  | { kind: 'due'; timer: NodeJS.Timeout }
  | { kind: 'writing'; done: Promise<void>; changedSince: boolean }
  | { kind: 'blocked' }
  | { kind: 'disposed' };

/**
 * Mirrors one cell's engine outputs into VS Code. Changes are coalesced: at most one write per frame,
 * carrying only what changed since the last one (see outputPatch). A cell printing 200,000 lines, or
 * updating a display 1,000 times, costs VS Code a few dozen edits instead of one per message.
 */
export class CellOutputWriter<TOutput, TItem> implements Disposable {
  private shown: Shown<TOutput>[] = [];
  private state: WriterState = { kind: 'clean' };
  private nextDelayMs: number;
  private readonly subscription: Disposable;

  constructor(
    readonly outputs: CellOutputs,
    private readonly lease: SinkLease<TOutput, TItem>,
    private readonly factory: OutputFactory<TOutput, TItem>,
    private readonly onWriteFailed: (error: unknown) => void,
    private readonly pacing: WritePacing = DEFAULT_PACING,
  ) {
    this.nextDelayMs = pacing.minDelayMs;
    this.subscription = outputs.onDidChange(() => this.changed());
  }

  /** Writes whatever changed now, after any write in flight; also what waited while the cell was blocked. */
  async flush(): Promise<void> {
    while (this.state.kind === 'writing') await this.state.done;
    const from = this.state;
    if (from.kind === 'clean' || from.kind === 'disposed') return;
    if (from.kind === 'due') clearTimeout(from.timer);
    let blocked = false;
    const done = this.write().then(
      (written) => void (blocked = !written),
      (error: unknown) => this.onWriteFailed(error),
    );
    const writing: WriterState = { kind: 'writing', done, changedSince: false };
    this.state = writing;
    await done;
    if (this.state !== writing) return; // disposed meanwhile
    if (blocked) this.state = { kind: 'blocked' };
    else if (writing.changedSince) this.schedule();
    else this.state = { kind: 'clean' };
  }

  private changed(): void {
    switch (this.state.kind) {
      case 'clean':
        return this.schedule();
      case 'writing':
        this.state.changedSince = true;
        return;
      case 'due':
      case 'blocked':
      case 'disposed':
        return;
    }
  }

  private schedule(): void {
    // flush() reports a failed write through onWriteFailed and never rejects.
    this.state = { kind: 'due', timer: setTimeout(() => void this.flush(), this.nextDelayMs) };
  }

  /** Resolves false when the cell could not be written now. */
  private async write(): Promise<boolean> {
    const steps = outputPatch(this.shown, this.outputs.outputs);
    if (steps.length === 0) return true;
    const written = await this.lease((sink) => this.apply(sink, steps));
    if (written) this.nextDelayMs = Math.max(this.pacing.minDelayMs, patchSize(steps) / this.pacing.charsPerMs);
    return written;
  }

  /** Sends every step before waiting for any: VS Code applies one execution's edits in order. */
  private async apply(sink: OutputSink<TOutput, TItem>, steps: readonly OutputPatchStep[]): Promise<void> {
    const { factory } = this;
    const sent: Thenable<void>[] = [];
    for (const step of steps) {
      switch (step.kind) {
        case 'replaceAll': {
          const shown = step.outputs.map((source) => ({ source, output: factory.output(source) }));
          sent.push(sink.replaceOutput(shown.map((s) => s.output)));
          this.shown = shown;
          break;
        }
        case 'append': {
          const shown = step.outputs.map((source) => ({ source, output: factory.output(source) }));
          sent.push(sink.appendOutput(shown.map((s) => s.output)));
          this.shown.push(...shown);
          break;
        }
        case 'appendStreamText': {
          const target = this.shown[step.index]!;
          const stream = step.output.output_type === 'stream' && step.output.name === 'stderr' ? 'stderr' : 'stdout';
          sent.push(sink.appendOutputItems([factory.streamItem(stream, step.text)], target.output));
          target.source = step.output;
          break;
        }
        case 'replaceItems': {
          const target = this.shown[step.index]!;
          sent.push(sink.replaceOutputItems(factory.items(step.output), target.output));
          target.source = step.output;
          break;
        }
      }
    }
    await Promise.all(sent);
  }

  dispose(): void {
    if (this.state.kind === 'disposed') return;
    if (this.state.kind === 'due') clearTimeout(this.state.timer);
    this.state = { kind: 'disposed' };
    this.subscription.dispose();
  }
}
