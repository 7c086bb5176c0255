import { CancellationTokenSource } from '../common/cancellation';
import type { Disposable } from '../common/disposable';
import { CellBridgeError, CellCancelledError, errorMessage } from '../common/errors';
import type { Logger } from '../common/logger';
import type { KernelHandle } from '../kernel/kernelHandle';
import type { DocumentOutputs } from '../outputs/documentOutputs';
import { CellOutcome, executeCell } from './cellExecutor';
import { CellRequest, CellRun, isSkipped } from './cellRun';
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

/** How a running cell ends when the queue stops it: a run-wide limit, its runner stopping it, or the document closing. */
export type StopState = 'timedOut' | 'stopped' | 'cancelled';

/** The cells of one document, run strictly in order, one `execute_request` at a time. */
export class ExecutionQueue implements Disposable {
  private readonly pending: CellRun[] = [];
  private active: { run: CellRun; stop: CancellationTokenSource; stopped?: { state: StopState; reason: string } } | undefined;
  private draining: Promise<void> | undefined;
  /** A kernel whose cell was stopped without waiting: whether the interrupt worked decides if the next run may use it. */
  private abandoned: { kernel: KernelHandle; interrupted: Promise<boolean> } | undefined;
  private nextIndex = 0;
  private disposed = false;

  constructor(private readonly options: ExecutionQueueOptions) {}

  /** Queues cells behind any already queued; each run reports its own progress and result. */
  enqueue(requests: readonly CellRequest[]): CellRun[] {
    if (this.disposed) throw new Error('The execution queue is closed');
    const runs = requests.map((request) => new CellRun(this.nextIndex++, request, this.options.outputs.createCell()));
    this.pending.push(...runs);
    this.draining ??= this.drain();
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
      finishUnrun(run, 'Cancelled before it ran.');
    } else if (this.active?.run === run) {
      await this.interrupt();
    }
  }

  cancelQueued(reason: string): void {
    for (const run of this.pending.splice(0)) finishUnrun(run, reason);
  }

  async interrupt(): Promise<void> {
    if (this.active) await this.options.session.interrupt();
  }

  /**
   * Stops everything at once: queued runs are cancelled and the running one ends as `state`: `timedOut` for a
   * run-wide limit, `stopped` when whoever runs the cells stops them (Ctrl-C, a client that hung up).
   */
  stopAll(reason: string, state: Exclude<StopState, 'cancelled'>): void {
    this.cancelQueued(reason);
    this.stopActive(state, reason);
  }

  /** Ends the running cell at once as `state`; the kernel is asked to interrupt it, but nobody waits for that. */
  private stopActive(state: StopState, reason: string): void {
    if (!this.active) return;
    this.active.stopped ??= { state, reason };
    this.active.stop.cancel();
  }

  private async drain(): Promise<void> {
    try {
      // Start after enqueue() has returned, so that its caller can subscribe to the first run's `running`.
      await Promise.resolve();
      for (let run = this.pending.shift(); run; run = this.pending.shift()) {
        await this.runOne(run);
      }
    } catch (error) {
      // runOne handles every failure of a run; this is a bug in the engine, reported rather than left unhandled.
      this.options.logger.error(`The execution queue failed: ${errorMessage(error)}`);
      this.cancelQueued('Cancelled because the execution queue failed.');
    } finally {
      // Cleared in the same synchronous step that found nothing left to run, so a cell enqueued from a
      // continuation of the previous run's `finished` always either joins this loop or starts a new one.
      // (Clearing it in a `.finally()` callback left a gap in which such a cell stayed queued forever.)
      this.draining = undefined;
    }
  }

  private async runOne(run: CellRun): Promise<void> {
    if (isSkipped(run.request)) return run.finish('skipped');
    const { session, logger } = this.options;
    const stop = new CancellationTokenSource();
    this.active = { run, stop };
    run.markRunning();
    try {
      await this.settleAbandonedKernel();
      const kernel = await session.kernel();
      // Stopped while its kernel was starting: the cell is never sent.
      if (stop.token.isCancellationRequested) return await this.conclude(run, { kind: 'stopped', interrupted: Promise.resolve(true) });
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
      if (outcome.kind === 'stopped') this.abandoned = { kernel, interrupted: outcome.interrupted };
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
    const { stopOnError } = this.options;
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
        if (outcome.kernelUnusable) await this.dropKernel();
        this.fail(run, outcome.error, 'stdinUnavailable', outcome.kernelUnusable ? KERNEL_REPLACED : undefined);
        if (stopOnError) this.cancelQueued(`Cancelled because cell ${run.index + 1} failed.`);
        return;
      case 'timedOut':
        // A kernel that ignored the interrupt is replaced so that later cells can run (on a fresh state).
        if (outcome.kernelUnusable) await this.dropKernel();
        // The outputs are what the kernel produced: an interrupted cell shows the kernel's own KeyboardInterrupt,
        // and its state says why it was interrupted. Only a cell the kernel never answered (it was killed) gets
        // an error that says what ended it.
        if (!outcome.kernelReportedError) run.outputs.apply(engineErrorEvent(outcome.error));
        run.finish('timedOut', { cause: outcome.error });
        if (stopOnError) this.cancelQueued(`Cancelled because cell ${run.index + 1} timed out.`);
        return;
      case 'stopped': {
        // Without a stop of ours, the kernel's connection was closed under the running cell (a shutdown).
        const stopped = this.active?.stopped ?? { state: 'cancelled', reason: 'The kernel was shut down while the cell ran.' };
        // Nobody waits for the kernel's answer to a stop, so the cell says itself why it ended.
        const cause = new CellCancelledError(stopped.reason);
        run.outputs.apply(engineErrorEvent(cause));
        run.finish(stopped.state, { cause });
        return;
      }
    }
  }

  /** Before a run after a stop: a kernel still busy with the stopped cell (it ignored the interrupt) is replaced. */
  private async settleAbandonedKernel(): Promise<void> {
    const abandoned = this.abandoned;
    this.abandoned = undefined;
    if (!abandoned || (await abandoned.interrupted)) return;
    if (this.options.session.kernelIfStarted === abandoned.kernel) await this.dropKernel();
  }

  /**
   * Shuts down a kernel that cannot go on (it ignored an interrupt, or died of one). The next run starts a
   * fresh one: starting it only then leaves no idle kernel behind when nothing follows.
   */
  private async dropKernel(): Promise<void> {
    const { session, logger } = this.options;
    await session.shutdownCurrent({ now: true }).catch((error: unknown) => logger.warn(`Kernel shutdown failed: ${errorMessage(error)}`));
  }

  private fail(run: CellRun, error: Error, reason: 'kernelDied' | 'stdinUnavailable', note?: string): void {
    run.outputs.apply(engineErrorEvent(error, note));
    run.finish('failed', { reason, cause: error });
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    const reason = 'Cancelled because the document was closed.';
    this.cancelQueued(reason);
    this.stopActive('cancelled', reason);
  }
}

/** A queued run that will not run: cancelled, unless it would never have been sent anyway. */
function finishUnrun(run: CellRun, reason: string): void {
  if (isSkipped(run.request)) run.finish('skipped');
  else run.finish('cancelled', { cause: new CellCancelledError(reason) });
}

const KERNEL_REPLACED = 'The kernel did not survive the interrupt and was shut down; the next cell starts a new one.';

/** An error output that explains, in the cell, why the engine ended it. */
function engineErrorEvent(error: Error, note?: string): { type: 'error'; ename: string; evalue: string; traceback: string[] } {
  const ename = error instanceof CellBridgeError ? error.name : 'Error';
  const evalue = note ? `${error.message} ${note}` : error.message;
  return { type: 'error', ename, evalue, traceback: [`${ename}: ${evalue}`] };
}
