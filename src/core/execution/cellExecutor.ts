import { Kernel, KernelMessage } from '@jupyterlab/services';
import { delay } from '../common/async';
import { CancellationToken, CancellationTokenSource } from '../common/cancellation';
import { DisposableStore } from '../common/disposable';
import { CellTimeoutError, KernelDiedError, errorMessage } from '../common/errors';
import type { Logger } from '../common/logger';
import type { KernelHandle } from '../kernel/kernelHandle';
import { toOutputEvent } from '../outputs/outputEvent';
import type { CellRun } from './cellRun';
import type { InputProvider } from './stdin';

export interface CellExecutionOptions {
  stdin?: InputProvider;
  /** 0 or undefined: no limit. */
  timeoutMs?: number;
  /** How long an interrupted cell gets to stop before its kernel is given up. */
  interruptGraceMs: number;
  logger: Logger;
}

/** How one execution ended. `kernelUnusable`: the kernel did not stop when interrupted and must be replaced. */
export type CellOutcome =
  | { kind: 'ok' }
  | { kind: 'error' }
  | { kind: 'aborted' }
  | { kind: 'died'; error: KernelDiedError }
  | { kind: 'timedOut'; error: CellTimeoutError; kernelUnusable: boolean }
  | { kind: 'stdinUnavailable'; error: Error; kernelUnusable: boolean }
  | { kind: 'stopped' };

type ExecuteFuture = Kernel.IShellFuture<KernelMessage.IExecuteRequestMsg, KernelMessage.IExecuteReplyMsg>;

type Settled = { kind: 'done' } | { kind: 'died'; error: KernelDiedError } | { kind: 'timer' } | { kind: 'stopped' };

/**
 * Runs one cell: sends `execute_request`, feeds its iopub messages to the run's outputs, answers `input()`,
 * and waits until the kernel has sent both the reply and idle (`future.done`), it dies, the timeout
 * passes, or `stop` is cancelled.
 */
export async function executeCell(kernel: KernelHandle, run: CellRun, options: CellExecutionOptions, stop: CancellationToken): Promise<CellOutcome> {
  const store = new DisposableStore();
  const inputCancellation = store.add(new CancellationTokenSource());
  let replyStatus: string | undefined;
  let stdinFailure: Error | undefined;
  try {
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
      if (KernelMessage.isExecuteInputMsg(msg)) run.executionCount = msg.content.execution_count;
      const event = toOutputEvent(msg);
      if (event) run.outputs.apply(event);
    };
    kernel.connection.iopubMessage.connect(onIOPub);
    store.add({ dispose: () => kernel.connection.iopubMessage.disconnect(onIOPub) });
    future.onReply = (reply) => {
      replyStatus = reply.content.status;
      if (typeof reply.content.execution_count === 'number') run.executionCount = reply.content.execution_count;
    };
    future.onStdin = (msg) => {
      if (!KernelMessage.isInputRequestMsg(msg) || !options.stdin) return;
      answerInput(future, msg, options.stdin, inputCancellation.token).catch((error: unknown) => {
        stdinFailure = error instanceof Error ? error : new Error(errorMessage(error));
        options.logger.info(`Input for cell ${run.index} unavailable: ${stdinFailure.message}`);
        // input() is blocked in the kernel; an interrupt raises KeyboardInterrupt there and ends the cell.
        kernel.interrupt().catch((e: unknown) => options.logger.warn(`Interrupt failed: ${errorMessage(e)}`));
      });
    };

    const settled = await settle(kernel, future, options.timeoutMs, stop, store);
    switch (settled.kind) {
      case 'done':
        if (stdinFailure) return { kind: 'stdinUnavailable', error: stdinFailure, kernelUnusable: false };
        return replyStatus === 'ok' ? { kind: 'ok' } : replyStatus === 'aborted' ? { kind: 'aborted' } : { kind: 'error' };
      case 'died':
        return { kind: 'died', error: settled.error };
      case 'stopped':
        return { kind: 'stopped' };
      case 'timer': {
        inputCancellation.cancel();
        const stopped = await interruptAndWait(kernel, future, options, store);
        return { kind: 'timedOut', error: new CellTimeoutError((options.timeoutMs ?? 0) / 1000), kernelUnusable: !stopped };
      }
    }
  } finally {
    inputCancellation.cancel();
    store.dispose();
  }
}

async function answerInput(
  future: ExecuteFuture,
  msg: KernelMessage.IInputRequestMsg,
  stdin: InputProvider,
  token: CancellationToken,
): Promise<void> {
  const value = await stdin({ prompt: msg.content.prompt, password: msg.content.password }, token);
  if (token.isCancellationRequested) return;
  future.sendInputReply({ status: 'ok', value }, msg.header);
}

function settle(
  kernel: KernelHandle,
  future: ExecuteFuture,
  timeoutMs: number | undefined,
  stop: CancellationToken,
  store: DisposableStore,
): Promise<Settled> {
  return new Promise<Settled>((resolve) => {
    if (kernel.diedWith) return resolve({ kind: 'died', error: kernel.diedWith });
    future.done.then(
      () => resolve({ kind: 'done' }),
      // A future is disposed without a reply when its connection goes away: the kernel died.
      () => resolve(kernel.diedWith ? { kind: 'died', error: kernel.diedWith } : { kind: 'stopped' }),
    );
    store.add(kernel.onDidDie((error) => resolve({ kind: 'died', error })));
    store.add(stop.onCancellationRequested(() => resolve({ kind: 'stopped' })));
    if (timeoutMs && timeoutMs > 0) {
      const timer = setTimeout(() => resolve({ kind: 'timer' }), timeoutMs);
      store.add({ dispose: () => clearTimeout(timer) });
    }
  });
}

/** Interrupts and waits a grace period; true when the cell finished in time, false when the kernel must go. */
async function interruptAndWait(kernel: KernelHandle, future: ExecuteFuture, options: CellExecutionOptions, store: DisposableStore): Promise<boolean> {
  try {
    await kernel.interrupt();
  } catch (error) {
    options.logger.warn(`Interrupt failed: ${errorMessage(error)}`);
    return false;
  }
  const finished = await Promise.race([
    future.done.then(() => true, () => false),
    delay(options.interruptGraceMs).then(() => false),
    new Promise<boolean>((resolve) => store.add(kernel.onDidDie(() => resolve(false)))),
  ]);
  return finished;
}
