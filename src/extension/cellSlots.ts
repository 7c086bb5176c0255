import type * as vscode from 'vscode';
import type { Disposable } from '../core/common/disposable';
import { errorMessage } from '../core/common/errors';
import type { Logger } from '../core/common/logger';
import type { CellOutputs } from '../core/outputs/cellOutputs';
import type { Output } from '../core/outputs/nbformat';
import { CellOutputWriter, type OutputSink, type SinkLease } from './cellOutputWriter';
import { type VsCodeOutputWriter, vscodeOutputFactory } from './vscodeOutputs';

type Sink = OutputSink<vscode.NotebookCellOutput, vscode.NotebookCellOutputItem>;

/**
 * Which NotebookCellExecution may write a cell's outputs now. VS Code lets only an execution edit outputs,
 * allows one per cell, and refuses edits before `start()`. So:
 * - `idle`: none; a display update from another cell writes through a temporary execution.
 * - `queued`: its next run waits, shown pending; nothing writes it until the run starts (and clears it) or is cancelled.
 * - `running`: its run writes through its own execution.
 * - `temporary`: a short-lived execution rewrites the outputs of a cell that is not running, putting back its
 *   last order and timing; whoever else needs the cell waits for `ended`.
 */
type Slot =
  | { kind: 'idle' }
  | { kind: 'queued'; execution: vscode.NotebookCellExecution }
  | { kind: 'running'; execution: vscode.NotebookCellExecution }
  | { kind: 'temporary'; execution: vscode.NotebookCellExecution; ended: Promise<void>; end: () => void };

interface CellState {
  slot: Slot;
  /** The writer of the outputs the cell shows now: its last run's. */
  writer?: VsCodeOutputWriter;
  /**
   * How its last run ended, as we ended it. A temporary execution puts this back rather than
   * `cell.executionSummary`, which reaches the extension host late and may still show the previous
   * temporary execution running (no success, no timing).
   */
  lastRun?: vscode.NotebookCellExecutionSummary;
}

/** One notebook's cells as VS Code sees them: each cell's slot, the writer of its outputs, and how its last run ended. */
export class CellSlots implements Disposable {
  private readonly cells = new Map<vscode.NotebookCell, CellState>();

  constructor(
    private readonly controller: vscode.NotebookController,
    private readonly logger: Logger,
    private readonly onWriteFailed: (error: unknown) => void,
  ) {}

  /** Its run is queued or running: another Run of it changes nothing. */
  isBusy(cell: vscode.NotebookCell): boolean {
    const { kind } = this.stateOf(cell).slot;
    return kind === 'queued' || kind === 'running';
  }

  /** A new execution for a cell whose run is queued, once any temporary one on it has ended. */
  async queue(cell: vscode.NotebookCell): Promise<vscode.NotebookCellExecution> {
    const state = this.stateOf(cell);
    while (state.slot.kind === 'temporary') await state.slot.ended;
    const execution = this.controller.createNotebookCellExecution(cell);
    state.slot = { kind: 'queued', execution };
    return execution;
  }

  /** The cell's run and its execution have started: from now on the cell shows this run's outputs. */
  start(cell: vscode.NotebookCell, execution: vscode.NotebookCellExecution, outputs: CellOutputs): void {
    const state = this.stateOf(cell);
    state.slot = { kind: 'running', execution };
    this.retireWriter(state);
    state.writer = new CellOutputWriter(outputs, this.leaseFor(cell, state), vscodeOutputFactory, this.onWriteFailed);
  }

  /** The cell shows no run's outputs any more (a blank cell ran): later display updates leave it alone. */
  forgetOutputs(cell: vscode.NotebookCell): void {
    this.retireWriter(this.stateOf(cell));
  }

  /** The cell's execution has ended; `lastRun` says how its run ended (none for a run cancelled while queued). */
  release(cell: vscode.NotebookCell, execution: vscode.NotebookCellExecution, lastRun?: vscode.NotebookCellExecutionSummary): void {
    const state = this.stateOf(cell);
    if (state.slot.kind === 'idle' || state.slot.execution !== execution) return;
    state.slot = { kind: 'idle' };
    if (lastRun) state.lastRun = lastRun;
  }

  /** Writes the cell's pending changes, including those that waited while it was queued. */
  flush(cell: vscode.NotebookCell): Promise<void> {
    return this.stateOf(cell).writer?.flush() ?? Promise.resolve();
  }

  /** Writes every cell's pending changes: a run's display updates may target earlier cells. */
  async flushAll(): Promise<void> {
    await Promise.all([...this.cells.values()].map((state) => state.writer?.flush()));
  }

  /** The cell's outputs as nbformat, as the engine reduced them (for export). */
  outputsOf(cell: vscode.NotebookCell): readonly Output[] {
    return this.cells.get(cell)?.writer?.outputs.outputs ?? [];
  }

  private stateOf(cell: vscode.NotebookCell): CellState {
    let state = this.cells.get(cell);
    if (!state) this.cells.set(cell, (state = { slot: { kind: 'idle' } }));
    return state;
  }

  private leaseFor(cell: vscode.NotebookCell, state: CellState): SinkLease<vscode.NotebookCellOutput, vscode.NotebookCellOutputItem> {
    return async (write) => {
      if (state.slot.kind === 'running') {
        await write(state.slot.execution);
        return true;
      }
      if (state.slot.kind === 'queued') return false;
      while (state.slot.kind === 'temporary') await state.slot.ended;
      // A deleted cell shows nothing any more; the write is dropped.
      if (cell.index < 0 || cell.notebook.isClosed) return true;
      return this.writeThroughTemporary(cell, state, write);
    };
  }

  private async writeThroughTemporary(cell: vscode.NotebookCell, state: CellState, write: (sink: Sink) => Promise<void>): Promise<boolean> {
    // Queued meanwhile: its run will replace these outputs, and until then nothing may write them.
    if (state.slot.kind !== 'idle') return false;
    const summary = (state.lastRun ??= cell.executionSummary);
    let execution: vscode.NotebookCellExecution;
    try {
      execution = this.controller.createNotebookCellExecution(cell);
    } catch (error) {
      // Another controller is running this cell now; its own run will replace these outputs.
      this.logger.debug(`Display update of cell ${cell.index + 1} skipped: ${errorMessage(error)}`);
      return true;
    }
    let end = (): void => undefined;
    const ended = new Promise<void>((resolve) => (end = resolve));
    const slot: Slot = { kind: 'temporary', execution, ended, end };
    state.slot = slot;
    try {
      execution.executionOrder = summary?.executionOrder;
      execution.start(summary?.timing?.startTime);
      await write(execution);
    } finally {
      if (state.slot === slot) state.slot = { kind: 'idle' };
      // Waiters resume only after this synchronous step, so after the execution has ended.
      end();
      execution.end(summary?.success, summary?.timing?.endTime);
    }
    return true;
  }

  private retireWriter(state: CellState): void {
    const { writer } = state;
    if (!writer) return;
    state.writer = undefined;
    writer.dispose();
    // Its outputs leave the document's display index: a later update_display_data must not revive them.
    writer.outputs.dispose();
  }

  /** Ends every execution still open (the notebook closed, or its kernel was switched) and retires every writer. */
  dispose(): void {
    for (const state of this.cells.values()) {
      const { slot } = state;
      if (slot.kind !== 'idle') {
        try {
          slot.execution.end(slot.kind === 'temporary' ? state.lastRun?.success : undefined);
        } catch {
          // Already ended by VS Code (the notebook closed under it).
        }
        state.slot = { kind: 'idle' };
        if (slot.kind === 'temporary') slot.end();
      }
      this.retireWriter(state);
    }
    this.cells.clear();
  }
}
