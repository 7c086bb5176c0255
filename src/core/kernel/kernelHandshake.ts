import { KernelMessage } from '@jupyterlab/services';
import { randomUUID } from 'node:crypto';
import { KernelStartError } from '../common/errors';
import type { Logger } from '../common/logger';
import type { KernelOsProcess } from './kernelOsProcess';
import type { ZmqChannels } from './wire/zmqChannels';

const RESEND_AFTER_MS = 1000;
const TICK_MS = 50;
/**
 * How long after the kernel has answered on shell and published on iopub the stdin socket's handshake event
 * may still be missing before it is taken as done. Both sockets reach the same kernel at the same moment and
 * ZMTP's handshake takes milliseconds, so by then it has happened; only the event reporting it can be lost
 * (zeromq.js socket monitors are fragile while other sockets of the process close), and a lost event must
 * not hold a kernel start for the whole start timeout.
 */
const STDIN_EVENT_GRACE_MS = 3000;

/**
 * Waits until the kernel answers `kernel_info` on shell AND iopub delivers to us AND the stdin socket has
 * met the kernel. A SUB socket drops what is published before its subscription reaches the kernel
 * (ZeroMQ's slow-joiner problem), so the reply alone does not prove that a cell's first output would
 * arrive. Each request makes the kernel publish busy/idle, so asking again until one iopub message arrives
 * proves the subscription is live. The stdin ROUTER drops prompts to a peer it has not met (ZmqChannels).
 */
export function awaitKernelReady(channels: ZmqChannels, process: KernelOsProcess, kernelName: string, timeoutMs: number, logger: Logger): Promise<void> {
  return new Promise((resolve, reject) => {
    const session = randomUUID();
    const started = Date.now();
    let replied = false;
    let iopubLive = false;
    let stdinLive = false;
    let lastSentAt = 0;
    let pendingId: string | undefined;
    /** When the kernel had both answered and published, waiting only for the stdin event. */
    let otherwiseReadyAt: number | undefined;

    const finish = (error?: Error): void => {
      clearInterval(timer);
      subscription.dispose();
      if (error) reject(error);
      else resolve();
    };
    const subscription = channels.onMessage((msg) => {
      if (msg.channel === 'iopub') iopubLive = true;
      else if (msg.channel === 'shell' && msg.header.msg_type === 'kernel_info_reply') {
        replied = true;
        if (msg.parent_header && 'msg_id' in msg.parent_header && msg.parent_header.msg_id === pendingId) pendingId = undefined;
      }
      if (replied && iopubLive && stdinLive) finish();
    });
    // Never rejects: it resolves on the handshake or not at all (the timeout below decides then).
    void channels.stdinReady.then(() => {
      stdinLive = true;
      if (replied && iopubLive) finish();
    });
    const tick = (): void => {
      const exit = process.exit;
      if (process.spawnFailure) return finish(new KernelStartError(`Kernel '${kernelName}' could not be started: ${process.spawnFailure}`));
      if (exit) {
        const tail = process.stderrTail.trim();
        return finish(new KernelStartError(`Kernel '${kernelName}' exited during start-up (${exit.signal ?? `exit code ${exit.code}`})` + (tail ? `:\n${tail}` : '.')));
      }
      if (replied && iopubLive && !stdinLive) {
        otherwiseReadyAt ??= Date.now();
        if (Date.now() - otherwiseReadyAt > STDIN_EVENT_GRACE_MS) {
          logger.warn(`Kernel '${kernelName}': the stdin socket's handshake event never came; taking it as done (shell and iopub are live).`);
          return finish();
        }
      }
      if (Date.now() - started > timeoutMs) {
        const state = `kernel_info reply: ${replied ? 'yes' : 'no'}, iopub: ${iopubLive ? 'live' : 'silent'}, stdin: ${stdinLive ? 'connected' : 'not connected'}`;
        return finish(new KernelStartError(`Kernel '${kernelName}' did not answer within ${Math.round(timeoutMs / 1000)} s of starting (${state}).`));
      }
      // One request in flight at a time; ask again when it is answered (iopub not yet seen) or seems lost.
      if (pendingId === undefined || Date.now() - lastSentAt > RESEND_AFTER_MS) {
        const request = KernelMessage.createMessage({ msgType: 'kernel_info_request', channel: 'shell', session, content: {} });
        pendingId = request.header.msg_id;
        lastSentAt = Date.now();
        channels.send(request).catch((error: unknown) => finish(new KernelStartError(`Could not reach kernel '${kernelName}': ${String(error)}`)));
      }
    };
    const timer = setInterval(tick, TICK_MS);
    tick();
  });
}
