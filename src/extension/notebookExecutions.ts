import * as vscode from 'vscode';
import { Disposable, DisposableStore } from '../core/common/disposable';
import { errorMessage } from '../core/common/errors';
import type { Logger } from '../core/common/logger';
import type { CellRun } from '../core/execution/cellRun';
import type { DocumentRunner } from '../core/execution/documentRunner';
import type { Output } from '../core/outputs/nbformat';
import { CellSlots } from './cellSlots';
import { tagsOf } from './notebookMetadata';

/**
 * Maps one notebook's cells to the engine's runs, and each run to the VS Code execution that shows it. A cell
 * gets its execution when queued (VS Code shows it pending), `start()` and cleared outputs when its run
 * starts, `[N]` as soon as the kernel numbers it, and `end(success)` once the kernel is done with it.
 */
export class NotebookExecutions implements Disposable {
  private readonly slots: CellSlots;
  private enqueueing: Promise<void> = Promise.resolve();
  private disposed = false;

  constructor(
    private readonly notebook: vscode.NotebookDocument,
    private readonly runner: DocumentRunner,
    controller: vscode.NotebookController,
    private readonly logger: Logger,
  ) {
    this.slots = new CellSlots(controller, logger, (error) => this.writeFailed(error));
  }

  /** Queues the code cells in order, behind any already queued; a cell already queued or running is skipped. */
  execute(cells: readonly vscode.NotebookCell[]): Promise<void> {
    const next = this.enqueueing.then(() => this.enqueue(cells));
    this.enqueueing = next.catch(() => undefined);
    return next;
  }

  /** The cell's outputs as nbformat, as the engine reduced them (for export). */
  nbformatOutputsOf(cell: vscode.NotebookCell): readonly Output[] {
    return this.slots.outputsOf(cell);
  }

  private async enqueue(cells: readonly vscode.NotebookCell[]): Promise<void> {
    for (const cell of cells) {
      if (this.disposed) return;
      if (cell.kind !== vscode.NotebookCellKind.Code || cell.index < 0 || this.slots.isBusy(cell)) continue;
      const execution = await this.slots.queue(cell);
      const [run] = this.runner.enqueue([{ code: cell.document.getText(), tags: tagsOf(cell) }]);
      this.follow(cell, run!, execution);
    }
  }

  private follow(cell: vscode.NotebookCell, run: CellRun, execution: vscode.NotebookCellExecution): void {
    const subscriptions = new DisposableStore();
    subscriptions.add(run.onDidChangeState((state) => state === 'running' && this.started(cell, run, execution)));
    subscriptions.add(run.onDidChangeExecutionCount((count) => (execution.executionOrder = count)));
    // Without an interrupt handler VS Code would cancel this token; ours is set, so this is the notebook closing.
    subscriptions.add(
      execution.token.onCancellationRequested(() => {
        this.runner.cancel(run).catch((error: unknown) => this.logger.warn(`Could not stop the cell: ${errorMessage(error)}`));
      }),
    );
    // `finished` never rejects; showing how the cell ended can fail (the notebook closed), which is logged.
    void run.finished.then(() => this.finished(cell, run, execution, subscriptions)).catch((error: unknown) => this.writeFailed(error));
  }

  private started(cell: vscode.NotebookCell, run: CellRun, execution: vscode.NotebookCellExecution): void {
    execution.start(run.startedAt);
    this.slots.start(cell, execution, run.outputs);
    // Cleared now, not when queued, so a queued cell keeps showing its last outputs until it runs.
    if (cell.outputs.length > 0) void execution.clearOutput().then(undefined, (error: unknown) => this.writeFailed(error));
  }

  private async finished(cell: vscode.NotebookCell, run: CellRun, execution: vscode.NotebookCellExecution, subscriptions: DisposableStore): Promise<void> {
    subscriptions.dispose();
    if (run.state === 'skipped') return this.clearBlank(cell, run, execution);
    if (run.startedAt === undefined) {
      // Cancelled while queued: its previous outputs stay, and a display update held meanwhile can now be shown.
      this.end(execution, undefined, undefined);
      this.slots.release(cell, execution);
      run.outputs.dispose();
      await this.slots.flush(cell);
      return;
    }
    // Every cell's pending writes, not only this one's: its display updates may target earlier cells, and
    // whoever waits for this cell to end expects to see them.
    await this.slots.flushAll();
    const executionOrder = run.executionCount ?? undefined;
    if (executionOrder !== undefined) execution.executionOrder = executionOrder;
    const success = run.state === 'done';
    const endTime = run.endedAt ?? Date.now();
    this.end(execution, success, endTime);
    this.slots.release(cell, execution, { executionOrder, success, timing: { startTime: run.startedAt, endTime } });
  }

  /** A blank cell is not sent to the kernel; as in JupyterLab, running it clears its outputs and its `[N]`. */
  private async clearBlank(cell: vscode.NotebookCell, run: CellRun, execution: vscode.NotebookCellExecution): Promise<void> {
    this.slots.forgetOutputs(cell);
    run.outputs.dispose();
    const now = Date.now();
    try {
      execution.start(now);
      await execution.clearOutput();
    } catch (error) {
      this.writeFailed(error);
    }
    // Neither ✓ nor ✗ nor [N]: nothing ran. A display update that later reaches the cell puts back this, not its last run.
    this.end(execution, undefined, now);
    this.slots.release(cell, execution, { timing: { startTime: now, endTime: now } });
  }

  private end(execution: vscode.NotebookCellExecution, success: boolean | undefined, endTime: number | undefined): void {
    try {
      execution.end(success, endTime);
    } catch (error) {
      // Already ended: the notebook closed, or its kernel was switched, while the cell ran.
      this.logger.debug(`Cell execution already ended: ${errorMessage(error)}`);
    }
  }

  private writeFailed(error: unknown): void {
    if (!this.disposed) this.logger.warn(`Could not show outputs in ${this.notebook.uri.toString()}: ${errorMessage(error)}`);
  }

  /** Ends every open execution and stops writing; the runs themselves are the runner's. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.slots.dispose();
  }
}
