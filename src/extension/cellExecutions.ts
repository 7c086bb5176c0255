import type * as vscode from 'vscode';
import type { Disposable } from '../core/common/disposable';
import type { Logger } from '../core/common/logger';
import { errorMessage } from '../core/common/errors';
import type { OutputSink, SinkLease } from './cellOutputWriter';

interface LiveExecution {
  readonly execution: vscode.NotebookCellExecution;
  started: boolean;
  /** A short-lived execution that only rewrites outputs of a cell that is not running (a display update). */
  readonly temporary: boolean;
  readonly released: Promise<void>;
  readonly release: () => void;
}

/**
 * The NotebookCellExecutions of one notebook, and who may write each cell's outputs. VS Code lets only an
 * execution edit outputs, allows one per cell, and refuses edits before `start()`. So: a running cell is
 * written through its own execution; a cell that is not running (an earlier cell whose display a later one
 * updates) through a temporary execution that puts back its previous order and timing; a queued cell not at
 * all until its run starts (which clears it anyway) or is cancelled.
 */
export class CellExecutions implements Disposable {
  private readonly live = new Map<vscode.NotebookCell, LiveExecution>();
  /**
   * How each cell's last real run ended, as we ended it. A temporary execution puts this back rather than
   * `cell.executionSummary`, which reaches the extension host late and may still show the previous
   * temporary execution running (no success, no timing).
   */
  private readonly settled = new WeakMap<vscode.NotebookCell, vscode.NotebookCellExecutionSummary>();

  constructor(private readonly controller: vscode.NotebookController, private readonly logger: Logger) {}

  /** A new execution for a queued cell, once any temporary one on it has ended. */
  async create(cell: vscode.NotebookCell): Promise<vscode.NotebookCellExecution> {
    for (let current = this.live.get(cell); current?.temporary; current = this.live.get(cell)) await current.released;
    return this.track(cell, this.controller.createNotebookCellExecution(cell), false).execution;
  }

  markStarted(cell: vscode.NotebookCell): void {
    const live = this.live.get(cell);
    if (live) live.started = true;
  }

  /** Forgets the cell's execution (it has ended), and how it ended when it was a real run. */
  release(cell: vscode.NotebookCell, execution: vscode.NotebookCellExecution, summary?: vscode.NotebookCellExecutionSummary): void {
    const live = this.live.get(cell);
    if (live?.execution !== execution) return;
    this.live.delete(cell);
    if (summary) this.settled.set(cell, summary);
    live.release();
  }

  isBusy(cell: vscode.NotebookCell): boolean {
    const live = this.live.get(cell);
    return live !== undefined && !live.temporary;
  }

  leaseFor(cell: vscode.NotebookCell): SinkLease {
    return async (write) => {
      const live = this.live.get(cell);
      if (live?.started && !live.temporary) {
        await write(live.execution);
        return true;
      }
      if (live && !live.temporary) return false;
      if (live) await live.released;
      // A deleted cell shows nothing any more; the write is dropped.
      if (cell.index < 0 || cell.notebook.isClosed) return true;
      return this.writeThroughTemporary(cell, write);
    };
  }

  private async writeThroughTemporary(cell: vscode.NotebookCell, write: (sink: OutputSink) => Promise<void>): Promise<boolean> {
    if (this.live.get(cell)) return false;
    const summary = this.settled.get(cell) ?? cell.executionSummary;
    if (summary) this.settled.set(cell, summary);
    let temporary: LiveExecution;
    try {
      temporary = this.track(cell, this.controller.createNotebookCellExecution(cell), true);
    } catch (error) {
      // Another controller is running this cell now; its own run will replace these outputs.
      this.logger.debug(`Display update of cell ${cell.index + 1} skipped: ${errorMessage(error)}`);
      return true;
    }
    const { execution } = temporary;
    try {
      execution.executionOrder = summary?.executionOrder;
      execution.start(summary?.timing?.startTime);
      await write(execution);
    } finally {
      execution.end(summary?.success, summary?.timing?.endTime);
      this.release(cell, execution);
    }
    return true;
  }

  private track(cell: vscode.NotebookCell, execution: vscode.NotebookCellExecution, temporary: boolean): LiveExecution {
    let release = (): void => undefined;
    const released = new Promise<void>((resolve) => (release = resolve));
    const live: LiveExecution = { execution, started: temporary, temporary, released, release };
    this.live.set(cell, live);
    return live;
  }

  /** Ends every execution still open (the notebook closed, or its kernel was switched). */
  dispose(): void {
    for (const [cell, live] of [...this.live]) {
      try {
        live.execution.end(live.temporary ? cell.executionSummary?.success : undefined);
      } catch {
        // Already ended by VS Code (the notebook closed under it).
      }
      this.release(cell, live.execution);
    }
  }
}
