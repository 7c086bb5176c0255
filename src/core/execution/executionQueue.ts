import { CancellationToken, CancellationTokenSource } from '../common/cancellation';
import type { Disposable } from '../common/disposable';
import { CellBridgeError, CellCancelledError, errorMessage } from '../common/errors';
import type { Logger } from '../common/logger';
import type { KernelHandle } from '../kernel/kernelHandle';
import type { DocumentOutputs } from '../outputs/documentOutputs';
import { CellOutcome, executeCell } from './cellExecutor';
import { CellRequest, CellRun, FailureReason, FinalCellRunState, isSkipped } from './cellRun';
import type { KernelSession } from './kernelSession';
import type { InputProvider } from './stdin';
import type { OutputWidgetCapture } from '../comms/outputWidgetCapture';

export interface ExecutionQueueOptions {
  session: KernelSession;
  outputs: DocumentOutputs;
  /** true (notebook default): a failing cell cancels the cells queued after it, unless tagged `raises-exception`. */
  stopOnError: boolean;
  cellTimeoutMs?: number;
  interruptGraceMs?: number;
  stdin?: InputProvider;
  /** The Output widgets of a kernel, which take the outputs of the requests they capture (outputWidgetCapture.ts). */
  outputWidgetsOf?: (kernel: KernelHandle) => OutputWidgetCapture | undefined;
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
    const stop = new CancellationTokenSource();
    this.active = { run, stop };
    run.markRunning();
    try {
      await this.conclude(run, await this.execute(run, stop.token));
    } finally {
      this.active = undefined;
      stop.dispose();
    }
  }

  private async execute(run: CellRun, stop: CancellationToken): Promise<CellOutcome> {
    const { session, logger } = this.options;
    try {
      await this.settleAbandonedKernel();
      const kernel = await session.kernel();
      // Stopped while its kernel was starting: the cell is never sent.
      if (stop.isCancellationRequested) return { kind: 'stopped', interrupted: Promise.resolve(true) };
      const outcome = await executeCell(
        kernel,
        run,
        {
          ...(this.options.stdin ? { stdin: this.options.stdin } : {}),
          ...(this.options.cellTimeoutMs ? { timeoutMs: this.options.cellTimeoutMs } : {}),
          interruptGraceMs: this.options.interruptGraceMs ?? DEFAULT_INTERRUPT_GRACE_MS,
          outputWidgets: this.options.outputWidgetsOf?.(kernel),
          logger,
        },
        stop,
      );
      if (outcome.kind === 'stopped') this.abandoned = { kernel, interrupted: outcome.interrupted };
      return outcome;
    } catch (error) {
      // The kernel could not be started (or reached): this cell fails and nothing after it can run.
      logger.error(`Cell ${run.index} could not run: ${errorMessage(error)}`);
      return { kind: 'noKernel', cause: error instanceof Error ? error : new Error(errorMessage(error)) };
    }
  }

  /** Ends the run as CONCLUSIONS says for its outcome: its state, the error it shows, and what happens to the cells after it. */
  private async conclude(run: CellRun, outcome: CellOutcome): Promise<void> {
    const conclusion = CONCLUSIONS[outcome.kind];
    const replaceKernel = 'replaceKernel' in outcome && outcome.replaceKernel;
    // A kernel that cannot go on is shut down; the next run starts a fresh one (on a fresh state).
    if (replaceKernel) await this.dropKernel();
    const { state, cause } = this.endingOf(outcome, conclusion);
    // The outputs are what the kernel produced: an interrupted cell shows the kernel's own KeyboardInterrupt,
    // and its state says why it was interrupted. Only what the kernel did not report gets an error that says
    // what ended the cell.
    const reported = 'kernelReportedError' in outcome && outcome.kernelReportedError;
    if (cause && conclusion.showsCause && !reported) {
      run.outputs.apply(engineErrorEvent(cause, replaceKernel && conclusion.saysKernelReplaced ? KERNEL_REPLACED : undefined));
    }
    run.finish(state, { ...(conclusion.reason ? { reason: conclusion.reason } : {}), ...(cause ? { cause } : {}) });
    const { rest } = conclusion;
    if (rest.kind === 'cancel' || (rest.kind === 'cancelOnError' && this.options.stopOnError && !(rest.unlessExpected && run.expectsError))) {
      this.cancelQueued(`Cancelled because ${rest.because(run.index + 1)}.`);
    }
  }

  private endingOf(outcome: CellOutcome, conclusion: Conclusion): { state: FinalCellRunState; cause?: Error } {
    switch (outcome.kind) {
      case 'stopped': {
        // Without a stop of ours, the kernel's connection was closed under the running cell (a shutdown).
        const stopped = this.active?.stopped ?? { state: 'cancelled', reason: 'The kernel was shut down while the cell ran.' };
        // Nobody waits for the kernel's answer to a stop, so the cell says itself why it ended.
        return { state: stopped.state, cause: new CellCancelledError(stopped.reason) };
      }
      case 'aborted':
        return { state: conclusion.state, cause: new CellCancelledError('The kernel aborted this cell.') };
      case 'ok':
      case 'error':
        return { state: conclusion.state };
      default:
        return { state: conclusion.state, cause: outcome.cause };
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

/**
 * What follows a cell's end, for each way it can end. `rest`: the cells queued after it run on, or are
 * cancelled (`cancelOnError`: only when the queue stops on errors, and for `unlessExpected` only when the cell
 * is not tagged `raises-exception`). `showsCause`: the cell shows, as an error output, what ended it, and with
 * `saysKernelReplaced` also that its kernel was shut down (a timed-out cell's error already implies it).
 */
interface Conclusion {
  state: FinalCellRunState;
  reason?: FailureReason;
  showsCause: boolean;
  saysKernelReplaced?: true;
  rest: { kind: 'run' } | { kind: 'cancel'; because: (cell: number) => string } | { kind: 'cancelOnError'; unlessExpected: boolean; because: (cell: number) => string };
}

const failed = (cell: number): string => `cell ${cell} failed`;

const CONCLUSIONS: { readonly [K in CellOutcome['kind']]: Conclusion } = {
  ok: { state: 'done', showsCause: false, rest: { kind: 'run' } },
  error: { state: 'failed', reason: 'error', showsCause: false, rest: { kind: 'cancelOnError', unlessExpected: true, because: failed } },
  aborted: { state: 'cancelled', showsCause: false, rest: { kind: 'run' } },
  kernelDied: { state: 'failed', reason: 'kernelDied', showsCause: true, rest: { kind: 'cancel', because: () => 'the kernel died' } },
  noKernel: { state: 'failed', reason: 'kernelDied', showsCause: true, rest: { kind: 'cancel', because: () => 'the kernel could not be started' } },
  stdinUnavailable: { state: 'failed', reason: 'stdinUnavailable', showsCause: true, saysKernelReplaced: true, rest: { kind: 'cancelOnError', unlessExpected: false, because: failed } },
  timedOut: { state: 'timedOut', showsCause: true, rest: { kind: 'cancelOnError', unlessExpected: false, because: (cell) => `cell ${cell} timed out` } },
  // Its state is the stop's (see endingOf); what was queued is the stop's business.
  stopped: { state: 'stopped', showsCause: true, rest: { kind: 'run' } },
};

const KERNEL_REPLACED = 'The kernel did not survive the interrupt and was shut down; the next cell starts a new one.';

/** An error output that explains, in the cell, why the engine ended it. */
function engineErrorEvent(error: Error, note?: string): { type: 'error'; ename: string; evalue: string; traceback: string[] } {
  const ename = error instanceof CellBridgeError ? error.name : 'Error';
  const evalue = note ? `${error.message} ${note}` : error.message;
  return { type: 'error', ename, evalue, traceback: [`${ename}: ${evalue}`] };
}
