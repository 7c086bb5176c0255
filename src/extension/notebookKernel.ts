import * as vscode from 'vscode';
import { Disposable, DisposableStore } from '../core/common/disposable';
import { errorMessage } from '../core/common/errors';
import type { Logger } from '../core/common/logger';
import type { CellRun } from '../core/execution/cellRun';
import { DocumentRunner, type InterruptOutcome } from '../core/execution/documentRunner';
import type { KernelSession } from '../core/execution/kernelSession';
import type { InputProvider } from '../core/execution/stdin';
import type { KernelHandle } from '../core/kernel/kernelHandle';
import type { Output } from '../core/outputs/nbformat';
import { CellExecutions } from './cellExecutions';
import { CellOutputWriter } from './cellOutputWriter';
import type { KernelChoice } from './kernelChoice';
import { tagsOf } from './notebookMetadata';

export interface NotebookKernelOptions {
  notebook: vscode.NotebookDocument;
  choice: KernelChoice;
  controller: vscode.NotebookController;
  launch: () => Promise<KernelHandle>;
  stdin: InputProvider;
  logger: Logger;
  /** Stream text each cell keeps; the rest is dropped and counted in a marker, so the window stays usable. */
  maxStreamCharsPerCell: number | undefined;
}

export type { InterruptOutcome } from '../core/execution/documentRunner';

/**
 * One notebook on one kernel: the engine's DocumentRunner, and the VS Code executions that show its runs.
 * Each cell gets its execution when queued (VS Code shows it pending), `start()` and cleared outputs
 * when it starts, `[N]` as soon as the kernel numbers it, and `end(success)` once the kernel is done with it.
 */
export class NotebookKernel implements Disposable {
  private readonly runner: DocumentRunner;
  private readonly executions: CellExecutions;
  /** The writer of the outputs each cell shows now: its last run's. */
  private readonly writers = new Map<vscode.NotebookCell, CellOutputWriter>();
  private enqueueing: Promise<void> = Promise.resolve();
  private disposed = false;

  constructor(private readonly options: NotebookKernelOptions) {
    const { logger } = options;
    this.runner = new DocumentRunner({
      launch: options.launch,
      stopOnError: true,
      stdin: options.stdin,
      logger,
      ...(options.maxStreamCharsPerCell === undefined ? {} : { maxStreamCharsPerCell: options.maxStreamCharsPerCell }),
    });
    this.executions = new CellExecutions(options.controller, logger);
  }

  get session(): KernelSession {
    return this.runner.session;
  }

  get choice(): KernelChoice {
    return this.options.choice;
  }

  get notebook(): vscode.NotebookDocument {
    return this.options.notebook;
  }

  get isRunning(): boolean {
    return this.runner.runningCell !== undefined;
  }

  /** The cell's outputs as nbformat, as the engine reduced them (for export). */
  nbformatOutputsOf(cell: vscode.NotebookCell): readonly Output[] {
    return this.writers.get(cell)?.outputs.outputs ?? [];
  }

  /** Queues the code cells in order, behind any already queued; a cell already queued or running is skipped. */
  execute(cells: readonly vscode.NotebookCell[]): Promise<void> {
    const next = this.enqueueing.then(() => this.enqueue(cells));
    this.enqueueing = next.catch(() => undefined);
    return next;
  }

  /**
   * Interrupts the running cell. `sent`: the kernel has been asked; `outcome`: whether the cell stopped
   * within `waitMs` after that.
   */
  interrupt(waitMs: number): { sent: Promise<void>; outcome: Promise<InterruptOutcome> } {
    return this.runner.interrupt(waitMs);
  }

  /** Cancels what is queued, stops what runs, and starts a fresh kernel. */
  restart(): Promise<void> {
    return this.runner.restart();
  }

  private async enqueue(cells: readonly vscode.NotebookCell[]): Promise<void> {
    for (const cell of cells) {
      if (this.disposed) return;
      if (cell.kind !== vscode.NotebookCellKind.Code || cell.index < 0 || this.executions.isBusy(cell)) continue;
      const execution = await this.executions.create(cell);
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
        this.runner.cancel(run).catch((error: unknown) => this.options.logger.warn(`Could not stop the cell: ${errorMessage(error)}`));
      }),
    );
    // `finished` never rejects; showing how the cell ended can fail (the notebook closed), which is logged.
    void run.finished.then(() => this.finished(cell, run, execution, subscriptions)).catch((error: unknown) => this.writeFailed(error));
  }

  private started(cell: vscode.NotebookCell, run: CellRun, execution: vscode.NotebookCellExecution): void {
    this.executions.markStarted(cell);
    execution.start(run.startedAt);
    this.retireWriter(cell);
    // Cleared now, not when queued, so a queued cell keeps showing its last outputs until it runs.
    if (cell.outputs.length > 0) void execution.clearOutput().then(undefined, (error: unknown) => this.writeFailed(error));
    this.writers.set(cell, new CellOutputWriter(run.outputs, this.executions.leaseFor(cell), (error) => this.writeFailed(error)));
  }

  private async finished(cell: vscode.NotebookCell, run: CellRun, execution: vscode.NotebookCellExecution, subscriptions: DisposableStore): Promise<void> {
    subscriptions.dispose();
    if (run.state === 'skipped') return this.clearBlank(cell, run, execution);
    if (run.startedAt === undefined) {
      // Cancelled while queued: its previous outputs stay, and a display update held meanwhile can now be shown.
      this.end(execution, undefined, undefined);
      this.executions.release(cell, execution);
      run.outputs.dispose();
      await this.writers.get(cell)?.flush();
      return;
    }
    // Every cell's pending writes, not only this one's: its display updates may target earlier cells, and
    // whoever waits for this cell to end expects to see them.
    await Promise.all([...this.writers.values()].map((writer) => writer.flush()));
    const executionOrder = run.executionCount ?? undefined;
    if (executionOrder !== undefined) execution.executionOrder = executionOrder;
    const success = run.state === 'done';
    const endTime = run.endedAt ?? Date.now();
    this.end(execution, success, endTime);
    this.executions.release(cell, execution, { executionOrder, success, timing: { startTime: run.startedAt, endTime } });
  }

  /** A blank cell is not sent to the kernel; as in JupyterLab, running it clears its outputs and its `[N]`. */
  private async clearBlank(cell: vscode.NotebookCell, run: CellRun, execution: vscode.NotebookCellExecution): Promise<void> {
    this.retireWriter(cell);
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
    this.executions.release(cell, execution, { timing: { startTime: now, endTime: now } });
  }

  private end(execution: vscode.NotebookCellExecution, success: boolean | undefined, endTime: number | undefined): void {
    try {
      execution.end(success, endTime);
    } catch (error) {
      // Already ended: the notebook closed, or its kernel was switched, while the cell ran.
      this.options.logger.debug(`Cell execution already ended: ${errorMessage(error)}`);
    }
  }

  private retireWriter(cell: vscode.NotebookCell): void {
    const writer = this.writers.get(cell);
    if (!writer) return;
    this.writers.delete(cell);
    writer.dispose();
    // Its outputs leave the document's display index: a later update_display_data must not revive them.
    writer.outputs.dispose();
  }

  private writeFailed(error: unknown): void {
    if (!this.disposed) this.options.logger.warn(`Could not show outputs in ${this.notebook.uri.toString()}: ${errorMessage(error)}`);
  }

  /** Stops everything and shuts the kernel down; resolves when nothing of it is left. */
  async shutdown(): Promise<void> {
    this.dispose();
    await this.runner.session.shutdown();
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.runner.dispose();
    this.executions.dispose();
    for (const cell of [...this.writers.keys()]) this.retireWriter(cell);
  }
}
