import { withTimeout } from '../common/async';
import type { Disposable } from '../common/disposable';
import type { Logger } from '../common/logger';
import type { KernelHandle } from '../kernel/kernelHandle';
import { DocumentOutputs } from '../outputs/documentOutputs';
import type { CellOutputLimits } from '../outputs/outputLimits';
import type { CellRequest, CellRun } from './cellRun';
import { ExecutionQueue, type StopState } from './executionQueue';
import { KernelSession } from './kernelSession';
import { KernelComms } from '../comms/kernelComms';
import { OutputWidgetCapture } from '../comms/outputWidgetCapture';
import { Emitter, type Event } from '../common/emitter';
import type { InputProvider } from './stdin';

export interface DocumentRunnerOptions {
  /** Starts the document's kernel: on first use, and again after a restart, a death or a replaced kernel. */
  launch: () => Promise<KernelHandle>;
  /** true (a notebook): a failing cell cancels the cells queued after it, unless tagged `raises-exception`. */
  stopOnError: boolean;
  cellTimeoutMs?: number;
  /** How long a timed-out or stopped cell gets to stop when interrupted before its kernel is replaced. */
  interruptGraceMs?: number;
  stdin?: InputProvider;
  /** What each cell shows of each kind of output; the rest is dropped and counted in a note. Unlimited when left out. */
  outputLimits?: CellOutputLimits;
  /**
   * Outputs made inside `with out:` go to the Output widget `out` (outputWidgetCapture.ts), as in JupyterLab
   * and nbclient. Off, they stay in the cell: for a face that cannot draw widgets (yet), where they would vanish.
   */
  captureOutputWidgets?: boolean;
  logger: Logger;
}

/** A kernel of the document with its comms and the Output widgets that capture its outputs. */
export interface AttachedKernel {
  readonly kernel: KernelHandle;
  readonly comms: KernelComms;
  readonly outputWidgets: OutputWidgetCapture;
}

/** How an interrupt ended: nothing was running, the running cell stopped, or it still ran when the wait ran out. */
export type InterruptOutcome = 'nothingRunning' | 'stopped' | 'ignored';

/**
 * The engine's front door for one document (a notebook, an interactive window, a run-cells request): its
 * kernel over time, the outputs of its cells, and their queue, with the policies both faces share: how a
 * restart, an interrupt and a stop work. A cell goes in through `enqueue` and comes back as a CellRun whose
 * state, count and outputs change as the kernel answers (cellExecutor → outputs reducer).
 */
export class DocumentRunner implements Disposable {
  readonly session: KernelSession;
  readonly outputs: DocumentOutputs;
  private readonly queue: ExecutionQueue;
  private disposed = false;
  private attached: AttachedKernel | undefined;
  private readonly attachedEmitter = new Emitter<AttachedKernel>();
  /** Each kernel the document starts, with its comms, before any cell runs on it (for widget relays and recorders). */
  readonly onDidAttachKernel: Event<AttachedKernel> = this.attachedEmitter.event;

  constructor(options: DocumentRunnerOptions) {
    const { logger } = options;
    this.session = new KernelSession(options.launch, logger);
    this.outputs = new DocumentOutputs(options.outputLimits);
    this.queue = new ExecutionQueue({
      session: this.session,
      outputs: this.outputs,
      stopOnError: options.stopOnError,
      logger,
      ...(options.cellTimeoutMs ? { cellTimeoutMs: options.cellTimeoutMs } : {}),
      ...(options.interruptGraceMs === undefined ? {} : { interruptGraceMs: options.interruptGraceMs }),
      ...(options.stdin ? { stdin: options.stdin } : {}),
      ...(options.captureOutputWidgets ? { outputWidgetsOf: (kernel: KernelHandle) => (this.attached?.kernel === kernel ? this.attached.outputWidgets : undefined) } : {}),
    });
    this.session.onDidStartKernel((kernel) => this.attach(kernel));
  }

  /** The current kernel's comms, once one has started. */
  get attachedKernel(): AttachedKernel | undefined {
    return this.attached;
  }

  private attach(kernel: KernelHandle): void {
    this.detach();
    const comms = new KernelComms(kernel);
    this.attached = { kernel, comms, outputWidgets: new OutputWidgetCapture(kernel, comms, () => this.outputs.createCell()) };
    this.attachedEmitter.fire(this.attached);
  }

  private detach(): void {
    this.attached?.outputWidgets.dispose();
    this.attached?.comms.dispose();
    this.attached = undefined;
  }

  /** Queues cells behind any already queued; each run reports its own progress and result. */
  enqueue(requests: readonly CellRequest[]): CellRun[] {
    return this.queue.enqueue(requests);
  }

  get runningCell(): CellRun | undefined {
    return this.queue.runningCell;
  }

  /** Resolves when nothing is queued or running. */
  whenIdle(): Promise<void> {
    return this.queue.whenIdle();
  }

  /** A queued run is dropped; a running one is interrupted. */
  cancel(run: CellRun): Promise<void> {
    return this.queue.cancel(run);
  }

  /**
   * Interrupts the running cell. `sent`: the kernel has been asked; `outcome`: whether the cell stopped within
   * `waitMs` after that (a kernel that ignores interrupts needs a restart, which the caller may offer).
   */
  interrupt(waitMs: number): { sent: Promise<void>; outcome: Promise<InterruptOutcome> } {
    const running = this.queue.runningCell;
    if (!running) return { sent: Promise.resolve(), outcome: Promise.resolve('nothingRunning') };
    const sent = this.queue.interrupt();
    const outcome = sent.then(() => withTimeout(running.finished.then(() => 'stopped' as const), waitMs, () => 'ignored' as const));
    return { sent, outcome };
  }

  /** Cancels what is queued, stops what runs, and starts a fresh kernel. */
  async restart(): Promise<void> {
    this.queue.cancelQueued('Cancelled because the kernel was restarted.');
    await this.session.restart();
  }

  /**
   * Stops everything at once, as a limit or whoever runs the cells does: the queued cells are cancelled, the
   * running one ends as `state`, and the kernel is shut down without waiting for it to agree (a busy kernel
   * may not). Resolves once the kernel is gone.
   */
  async stop(reason: string, state: Exclude<StopState, 'cancelled'>): Promise<void> {
    this.queue.stopAll(reason, state);
    await this.queue.whenIdle();
    await this.session.shutdownCurrent({ now: true });
  }

  /**
   * Cancels what is queued and running, then shuts the kernel down as a kernel is asked to (shutdown_request,
   * then signals); resolves when nothing of it is left, connection file included. `now`: the kernel is killed
   * without being asked, for a kernel nobody will use again (its atexit handlers do not run).
   */
  async shutdown(options: { now?: boolean } = {}): Promise<void> {
    this.queue.dispose();
    await this.session.shutdown(options);
    this.dispose();
  }

  /** Cancels what is queued and running, releases the outputs and kills the kernel at once, without waiting. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.queue.dispose();
    this.detach();
    this.attachedEmitter.dispose();
    this.outputs.dispose();
    this.session.dispose();
  }
}
