import { CancellationTokenSource } from '../common/cancellation';
import type { Disposable } from '../common/disposable';
import { CellBridgeError, CellCancelledError, errorMessage } from '../common/errors';
import type { Logger } from '../common/logger';
import type { DocumentOutputs } from '../outputs/documentOutputs';
import { CellOutcome, executeCell } from './cellExecutor';
import { CellRequest, CellRun } from './cellRun';
import type { KernelSession } from './kernelSession';
import type { InputProvider } from './stdin';

export interface ExecutionQueueOptions {
  session: KernelSession;
  outputs: DocumentOutputs;
  /** true (notebook default): a failing cell cancels the cells queued after it, unless tagged `raises-exception`. */
  stopOnError: boolean;
  cellTimeoutMs?: number;
  interruptGraceMs?: number;
  stdin?: InputProvider;
  logger: Logger;
}

const DEFAULT_INTERRUPT_GRACE_MS = 3000;

/** The cells of one document, run strictly in order, one `execute_request` at a time. */
export class ExecutionQueue implements Disposable {
  private readonly pending: CellRun[] = [];
  private active: { run: CellRun; stop: CancellationTokenSource } | undefined;
  private draining: Promise<void> | undefined;
  private nextIndex = 0;
  private disposed = false;

  constructor(private readonly options: ExecutionQueueOptions) {}

  /** Queues cells behind any already queued; each run reports its own progress and result. */
  enqueue(requests: readonly CellRequest[]): CellRun[] {
    if (this.disposed) throw new Error('The execution queue is closed');
    const runs = requests.map((request) => new CellRun(this.nextIndex++, request, this.options.outputs.createCell()));
    this.pending.push(...runs);
    this.draining ??= this.drain().finally(() => (this.draining = undefined));
    return runs;
  }

  get runningCell(): CellRun | undefined {
    return this.active?.run;
  }

  /** Resolves when nothing is queued or running. */
  async whenIdle(): Promise<void> {
    while (this.draining) await this.draining;
  }

  /** A queued run is dropped; a running one is interrupted. */
  async cancel(run: CellRun): Promise<void> {
    const at = this.pending.indexOf(run);
    if (at >= 0) {
      this.pending.splice(at, 1);
      run.finish('cancelled', { cause: new CellCancelledError('Cancelled before it ran.') });
    } else if (this.active?.run === run) {
      await this.interrupt();
    }
  }

  cancelQueued(reason: string): void {
    for (const run of this.pending.splice(0)) run.finish('cancelled', { cause: new CellCancelledError(reason) });
  }

  async interrupt(): Promise<void> {
    if (this.active) await this.options.session.interrupt();
  }

  /** Stops everything at once: queued runs are cancelled and the running one ends as `timedOut` (a run-wide limit). */
  stopAll(reason: string): void {
    this.cancelQueued(reason);
    this.active?.stop.cancel();
  }

  private async drain(): Promise<void> {
    for (let run = this.pending.shift(); run; run = this.pending.shift()) {
      await this.runOne(run);
    }
  }

  private async runOne(run: CellRun): Promise<void> {
    const { session, logger } = this.options;
    const stop = new CancellationTokenSource();
    this.active = { run, stop };
    run.markRunning();
    try {
      const kernel = await session.kernel();
      const outcome = await executeCell(
        kernel,
        run,
        {
          ...(this.options.stdin ? { stdin: this.options.stdin } : {}),
          ...(this.options.cellTimeoutMs ? { timeoutMs: this.options.cellTimeoutMs } : {}),
          interruptGraceMs: this.options.interruptGraceMs ?? DEFAULT_INTERRUPT_GRACE_MS,
          logger,
        },
        stop.token,
      );
      await this.conclude(run, outcome);
    } catch (error) {
      // The kernel could not be started (or reached): this cell fails and nothing after it can run.
      logger.error(`Cell ${run.index} could not run: ${errorMessage(error)}`);
      this.fail(run, error instanceof Error ? error : new Error(errorMessage(error)), 'kernelDied');
      this.cancelQueued('Cancelled because the kernel could not be started.');
    } finally {
      this.active = undefined;
      stop.dispose();
    }
  }

  private async conclude(run: CellRun, outcome: CellOutcome): Promise<void> {
    const { session, stopOnError } = this.options;
    switch (outcome.kind) {
      case 'ok':
        run.finish('done');
        return;
      case 'error':
        run.finish('failed', { reason: 'error' });
        if (stopOnError && !run.expectsError) this.cancelQueued(`Cancelled because cell ${run.index + 1} failed.`);
        return;
      case 'aborted':
        run.finish('cancelled', { cause: new CellCancelledError('The kernel aborted this cell.') });
        return;
      case 'died':
        this.fail(run, outcome.error, 'kernelDied');
        this.cancelQueued('Cancelled because the kernel died.');
        return;
      case 'stdinUnavailable':
        if (outcome.kernelUnusable) await session.restart({ now: true });
        this.fail(run, outcome.error, 'stdinUnavailable');
        if (stopOnError) this.cancelQueued(`Cancelled because cell ${run.index + 1} failed.`);
        return;
      case 'timedOut':
        // A kernel that ignored the interrupt is replaced so that later cells can run (on a fresh state).
        if (outcome.kernelUnusable) await session.restart({ now: true });
        run.outputs.apply(engineErrorEvent(outcome.error));
        run.finish('timedOut', { cause: outcome.error });
        if (stopOnError) this.cancelQueued(`Cancelled because cell ${run.index + 1} timed out.`);
        return;
      case 'stopped':
        run.finish('timedOut', { cause: new CellCancelledError('Stopped by a run-wide limit.') });
        return;
    }
  }

  private fail(run: CellRun, error: Error, reason: 'kernelDied' | 'stdinUnavailable'): void {
    run.outputs.apply(engineErrorEvent(error));
    run.finish('failed', { reason, cause: error });
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.stopAll('Cancelled because the document was closed.');
  }
}

/** An error output that explains, in the cell, why the engine ended it. */
function engineErrorEvent(error: Error): { type: 'error'; ename: string; evalue: string; traceback: string[] } {
  const ename = error instanceof CellBridgeError ? error.name : 'Error';
  return { type: 'error', ename, evalue: error.message, traceback: [`${ename}: ${error.message}`] };
}
