import * as vscode from 'vscode';
import type { Disposable } from '../core/common/disposable';
import type { CellOutputs } from '../core/outputs/cellOutputs';
import type { Output } from '../core/outputs/nbformat';
import { mapOutput } from './outputMapping';
import { OutputPatchStep, outputPatch, patchSize } from './outputPatch';
import { toCellOutput, toOutputItems } from './vscodeOutputs';

/** The output half of a NotebookCellExecution: what a write needs. */
export type OutputSink = Pick<vscode.NotebookCellExecution, 'replaceOutput' | 'appendOutput' | 'replaceOutputItems' | 'appendOutputItems'>;

/**
 * Lends a sink for one write. Resolves false when the cell cannot be written now (its next run is queued
 * but has not started); the owner calls `flush()` again once it can.
 */
export type SinkLease = (write: (sink: OutputSink) => Promise<void>) => Promise<boolean>;

export interface WritePacing {
  /** The shortest gap between two writes: about a frame, so a burst of messages becomes one edit. */
  minDelayMs: number;
  /** After a large write, wait as long as sending this many characters takes, so the renderer keeps up. */
  charsPerMs: number;
}

export const DEFAULT_PACING: WritePacing = { minDelayMs: 16, charsPerMs: 20_000 };

interface Shown {
  source: Output;
  readonly output: vscode.NotebookCellOutput;
}

/**
 * Mirrors one cell's engine outputs into VS Code. Changes are coalesced: at most one write per frame,
 * carrying only what changed since the last one (see outputPatch). A cell printing 200,000 lines, or
 * updating a display 1,000 times, costs VS Code a few dozen edits instead of one per message.
 */
export class CellOutputWriter implements Disposable {
  private shown: Shown[] = [];
  private dirty = false;
  private timer: NodeJS.Timeout | undefined;
  private writing: Promise<void> | undefined;
  private nextDelayMs: number;
  /** The last write found the cell not writable (queued); only the owner's `flush()` tries again. */
  private blocked = false;
  private disposed = false;
  private readonly subscription: Disposable;

  constructor(
    readonly outputs: CellOutputs,
    private readonly lease: SinkLease,
    private readonly onWriteFailed: (error: unknown) => void,
    private readonly pacing: WritePacing = DEFAULT_PACING,
  ) {
    this.nextDelayMs = pacing.minDelayMs;
    this.subscription = outputs.onDidChange(() => this.schedule());
  }

  /** Writes whatever changed now, after any write in flight. */
  async flush(): Promise<void> {
    while (this.writing) await this.writing;
    if (this.disposed || !this.dirty) return;
    this.cancelTimer();
    this.blocked = false;
    this.dirty = false;
    const writing = this.write().catch((error: unknown) => this.onWriteFailed(error));
    this.writing = writing;
    try {
      await writing;
    } finally {
      this.writing = undefined;
      if (this.dirty) this.schedule();
    }
  }

  private schedule(): void {
    this.dirty = true;
    if (this.disposed || this.blocked || this.timer || this.writing) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      // flush() reports a failed write through onWriteFailed and never rejects.
      void this.flush();
    }, this.nextDelayMs);
  }

  private async write(): Promise<void> {
    const next = this.outputs.outputs;
    const steps = outputPatch(this.shown, next);
    if (steps.length === 0) return;
    const written = await this.lease((sink) => this.apply(sink, steps));
    if (!written) {
      this.dirty = true;
      this.blocked = true;
      return;
    }
    this.nextDelayMs = Math.max(this.pacing.minDelayMs, patchSize(steps) / this.pacing.charsPerMs);
  }

  /** Sends every step before waiting for any: VS Code applies one execution's edits in order. */
  private async apply(sink: OutputSink, steps: readonly OutputPatchStep[]): Promise<void> {
    const sent: Thenable<void>[] = [];
    for (const step of steps) {
      switch (step.kind) {
        case 'replaceAll': {
          const shown = step.outputs.map((source) => ({ source, output: toCellOutput(source) }));
          sent.push(sink.replaceOutput(shown.map((s) => s.output)));
          this.shown = shown;
          break;
        }
        case 'append': {
          const shown = step.outputs.map((source) => ({ source, output: toCellOutput(source) }));
          sent.push(sink.appendOutput(shown.map((s) => s.output)));
          this.shown.push(...shown);
          break;
        }
        case 'appendStreamText': {
          const target = this.shown[step.index]!;
          const isStderr = step.output.output_type === 'stream' && step.output.name === 'stderr';
          const item = isStderr ? vscode.NotebookCellOutputItem.stderr(step.text) : vscode.NotebookCellOutputItem.stdout(step.text);
          sent.push(sink.appendOutputItems([item], target.output));
          target.source = step.output;
          break;
        }
        case 'replaceItems': {
          const target = this.shown[step.index]!;
          sent.push(sink.replaceOutputItems(toOutputItems(mapOutput(step.output).items), target.output));
          target.source = step.output;
          break;
        }
      }
    }
    await Promise.all(sent);
  }

  private cancelTimer(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.cancelTimer();
    this.subscription.dispose();
  }
}
