import { Kernel, KernelMessage } from '@jupyterlab/services';
import { Deferred, withTimeout } from '../common/async';
import { CancellationToken, CancellationTokenSource } from '../common/cancellation';
import { Disposable, DisposableStore } from '../common/disposable';
import { CellTimeoutError, KernelDiedError, StdinUnavailableError, errorMessage } from '../common/errors';
import type { Logger } from '../common/logger';
import type { KernelHandle } from '../kernel/kernelHandle';
import { toOutputEvent } from '../outputs/outputEvent';
import type { CellRun } from './cellRun';
import type { InputProvider, InputRequest } from './stdin';
import type { OutputWidgetCapture } from '../comms/outputWidgetCapture';

export interface CellExecutionOptions {
  stdin?: InputProvider;
  /** 0 or undefined: no limit. */
  timeoutMs?: number;
  /** How long an interrupted cell gets to stop before its kernel is given up. */
  interruptGraceMs: number;
  /** Output widgets of the kernel: outputs of a request one of them captures go to it, not to the cell. */
  outputWidgets?: OutputWidgetCapture | undefined;
  logger: Logger;
}

/**
 * How one cell ended, as its queue needs to know it: what ended it, the error that says so when the code did
 * not, and whether the kernel may run the next cell. `replaceKernel`: it did not stop when interrupted (or
 * died of the interrupt). `kernelReportedError`: the interrupted cell's own reply says it failed (the kernel
 * showed its KeyboardInterrupt). `stopped`: the caller's `stop` token ended the wait at once; the kernel was
 * interrupted, and `interrupted` says later (within the grace period) whether the cell really stopped.
 * `noKernel` comes from the queue: no kernel could be started to run the cell.
 */
export type CellOutcome =
  | { kind: 'ok' }
  | { kind: 'error' }
  | { kind: 'aborted' }
  | { kind: 'kernelDied'; cause: KernelDiedError }
  | { kind: 'noKernel'; cause: Error }
  | { kind: 'timedOut'; cause: CellTimeoutError; replaceKernel: boolean; kernelReportedError: boolean }
  | { kind: 'stdinUnavailable'; cause: Error; replaceKernel: boolean }
  | { kind: 'stopped'; interrupted: Promise<boolean> };

type ExecuteFuture = Kernel.IShellFuture<KernelMessage.IExecuteRequestMsg, KernelMessage.IExecuteReplyMsg>;

/** One `execute_request` in flight: its future, the reply status once known, and a failure to answer its input. */
interface Execution {
  readonly future: ExecuteFuture;
  readonly replyStatus: () => string | undefined;
  readonly replied: Promise<void>;
  /** When the last iopub message of this request arrived (ms since epoch). */
  readonly lastIopubAt: () => number;
  readonly stdinFailed: Promise<Error>;
}

/**
 * After the reply, how long iopub may stay silent before the idle status counts as lost. A kernel starved
 * of CPU can drop iopub messages at its own high-water mark (xeus-python does); without this a lost idle
 * would leave the cell running forever. nbclient's `iopub_timeout` guards the same case.
 */
const IDLE_AFTER_REPLY_GRACE_MS = 3000;

/**
 * Runs one cell: sends `execute_request`, feeds its iopub messages to the run's outputs, answers `input()`,
 * and waits until the kernel has sent both the reply and idle (`future.done`), it dies, the timeout
 * passes, input cannot be given, or `stop` is cancelled.
 */
export async function executeCell(kernel: KernelHandle, run: CellRun, options: CellExecutionOptions, stop: CancellationToken): Promise<CellOutcome> {
  const store = new DisposableStore();
  const inputCancellation = store.add(new CancellationTokenSource());
  try {
    const execution = startExecution(kernel, run, options, inputCancellation.token, store);
    return await settle({ kernel, run, execution, options, stop, inputCancellation, store });
  } finally {
    inputCancellation.cancel();
    store.dispose();
    // What the cell's Output widgets took reaches the kernel before the next request, which may read it.
    options.outputWidgets?.flush();
  }
}

function startExecution(
  kernel: KernelHandle,
  run: CellRun,
  options: CellExecutionOptions,
  inputToken: CancellationToken,
  store: DisposableStore,
): Execution {
  let replyStatus: string | undefined;
  let lastIopubAt = Date.now();
  const replied = new Deferred<void>();
  const stdinFailed = new Deferred<Error>();
  const future = kernel.connection.requestExecute({
    code: run.request.code,
    silent: false,
    store_history: true,
    // Without a way to answer, the kernel itself raises StdinNotImplementedError in the cell: nothing hangs.
    allow_stdin: options.stdin !== undefined,
    // The queue sends one request at a time and decides itself what an error means for the rest.
    stop_on_error: false,
  });
  // Outputs come from the connection's iopub signal, not the future: KernelConnection routes an
  // update_display_data only to the futures of the cells that first showed that display id, which are
  // gone once those cells finish. The document's own display registry needs every message, once.
  const requestId = future.msg.header.msg_id;
  const onIOPub = (_: unknown, msg: KernelMessage.IIOPubMessage): void => {
    if (msg.parent_header?.msg_id !== requestId) return;
    lastIopubAt = Date.now();
    if (KernelMessage.isExecuteInputMsg(msg)) run.executionCount = msg.content.execution_count;
    const event = toOutputEvent(msg);
    // Inside `with out:`, the Output widget takes it (outputWidgetCapture.ts, which sees the same message).
    if (event && !options.outputWidgets?.takes(requestId)) run.outputs.apply(event);
  };
  kernel.connection.iopubMessage.connect(onIOPub);
  store.add({ dispose: () => kernel.connection.iopubMessage.disconnect(onIOPub) });
  future.onReply = (reply) => {
    replyStatus = reply.content.status;
    if (typeof reply.content.execution_count === 'number') run.executionCount = reply.content.execution_count;
    replied.resolve();
  };
  future.onStdin = (msg) => {
    if (!KernelMessage.isInputRequestMsg(msg)) return;
    // A kernel that asks although allow_stdin was false would otherwise wait forever for an answer.
    if (!options.stdin) return stdinFailed.resolve(new StdinUnavailableError(msg.content.prompt));
    answerInput(future, msg, options.stdin, inputToken).catch((error: unknown) =>
      stdinFailed.resolve(error instanceof Error ? error : new Error(errorMessage(error))),
    );
  };
  return { future, replyStatus: () => replyStatus, replied: replied.promise, lastIopubAt: () => lastIopubAt, stdinFailed: stdinFailed.promise };
}

async function answerInput(
  future: ExecuteFuture,
  msg: KernelMessage.IInputRequestMsg,
  stdin: InputProvider,
  token: CancellationToken,
): Promise<void> {
  const value = await stdin(inputRequestOf(msg.content), token);
  if (token.isCancellationRequested) return;
  future.sendInputReply({ status: 'ok', value }, msg.header);
}

/**
 * The request as the protocol defines it. xeus 2 (under xeus-python 0.14) names the flag `pwd` instead of
 * `password` (fixed in later xeus), so getpass() would otherwise echo a password in a UI.
 */
function inputRequestOf(content: KernelMessage.IInputRequestMsg['content']): InputRequest {
  const legacy = (content as { pwd?: unknown }).pwd;
  return { prompt: content.prompt, password: content.password === true || legacy === true };
}

interface Settling {
  kernel: KernelHandle;
  run: CellRun;
  execution: Execution;
  options: CellExecutionOptions;
  stop: CancellationToken;
  inputCancellation: CancellationTokenSource;
  store: DisposableStore;
}

/**
 * Waits for the first of: the reply and idle, the kernel's death, the timeout, input that cannot be given,
 * the caller's stop. The first decides the outcome; the ones that follow it change nothing.
 */
function settle({ kernel, run, execution, options, stop, inputCancellation, store }: Settling): Promise<CellOutcome> {
  return new Promise<CellOutcome>((resolve) => {
    let decided = false;
    const end = (outcome: () => CellOutcome | Promise<CellOutcome>): void => {
      if (decided) return;
      decided = true;
      // Whatever ended the wait, an answer to a pending input() is now moot.
      inputCancellation.cancel();
      resolve(outcome());
    };
    const died = (error: KernelDiedError): void => end(() => ({ kind: 'kernelDied', cause: error }));
    const replied = (idleLost: boolean): void =>
      end(() => {
        if (idleLost) options.logger.warn(`Cell ${run.index}: the kernel replied but its idle status never came; some output may be missing.`);
        const status = execution.replyStatus();
        return status === 'ok' ? { kind: 'ok' } : status === 'aborted' ? { kind: 'aborted' } : { kind: 'error' };
      });
    // The caller has given up on this cell and does not wait; it must not go on running in the kernel
    // behind later cells, so the queue checks `interrupted` before it sends the next one.
    const stopped = (): void => end(() => ({ kind: 'stopped', interrupted: interruptAndWait(kernel, execution.future, options) }));

    if (kernel.diedWith) return died(kernel.diedWith);
    execution.future.done.then(
      () => replied(false),
      // A future is disposed without a reply when its connection goes away: the kernel died, or was shut down.
      () => (kernel.diedWith ? died(kernel.diedWith) : stopped()),
    );
    // A Deferred that only ever resolves.
    void execution.stdinFailed.then((error) =>
      end(async () => {
        // input() is blocked in the kernel and no answer will come; an interrupt raises KeyboardInterrupt there.
        options.logger.info(`Input for cell ${run.index} unavailable: ${error.message}`);
        const interrupted = await interruptAndWait(kernel, execution.future, options);
        return { kind: 'stdinUnavailable', cause: error, replaceKernel: !interrupted };
      }),
    );
    store.add(kernel.onDidDie(died));
    store.add(stop.onCancellationRequested(stopped));
    const { timeoutMs } = options;
    if (timeoutMs && timeoutMs > 0) {
      const timer = setTimeout(
        () =>
          end(async () => {
            const interrupted = await interruptAndWait(kernel, execution.future, options);
            return {
              kind: 'timedOut',
              cause: new CellTimeoutError(timeoutMs / 1000),
              replaceKernel: !interrupted,
              kernelReportedError: execution.replyStatus() === 'error',
            };
          }),
        timeoutMs,
      );
      store.add({ dispose: () => clearTimeout(timer) });
    }
    void execution.replied.then(() => watchForLostIdle(execution, store, () => replied(true)));
  });
}

function watchForLostIdle(execution: Execution, store: DisposableStore, onLost: () => void): void {
  if (store.isDisposed) return;
  const check = setInterval(() => {
    if (Date.now() - execution.lastIopubAt() < IDLE_AFTER_REPLY_GRACE_MS) return;
    clearInterval(check);
    // The connection would keep the future forever, waiting for an idle that will not come.
    execution.future.dispose();
    onLost();
  }, IDLE_AFTER_REPLY_GRACE_MS / 4);
  store.add({ dispose: () => clearInterval(check) });
}

async function interruptOrLog(kernel: KernelHandle, logger: Logger): Promise<boolean> {
  try {
    await kernel.interrupt();
    return true;
  } catch (error) {
    logger.warn(`Interrupt failed: ${errorMessage(error)}`);
    return false;
  }
}

/** Interrupts and waits a grace period; true when the cell finished in time, false when the kernel must go. */
async function interruptAndWait(kernel: KernelHandle, future: ExecuteFuture, options: CellExecutionOptions): Promise<boolean> {
  if (kernel.diedWith || !(await interruptOrLog(kernel, options.logger))) return false;
  let died: Disposable | undefined;
  const stoppedOrDied = Promise.race([
    future.done.then(() => !kernel.diedWith, () => false),
    new Promise<boolean>((resolve) => (died = kernel.onDidDie(() => resolve(false)))),
  ]);
  try {
    return await withTimeout(stoppedOrDied, options.interruptGraceMs, () => false);
  } finally {
    died?.dispose();
  }
}
