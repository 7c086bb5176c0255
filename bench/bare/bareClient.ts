import * as zmq from 'zeromq';
import type { ConnectionInfo } from '../../src/core/kernel/connectionInfo';
import { BareMessage, BareWire } from './bareWire';

interface PendingRequest {
  needsIdle: boolean;
  replied: boolean;
  idle: boolean;
  resolve: () => void;
}

const READY_TIMEOUT_MS = 60_000;
const READY_RETRY_MS = 50;

/**
 * A bare Jupyter client over ZeroMQ: one DEALER for shell, one for control, one SUB for iopub, and
 * nothing else. The floor any client on `zeromq` could reach, against which the engine is compared.
 */
export class BareClient {
  private readonly wire: BareWire;
  private readonly shell = new zmq.Dealer({ linger: 0 });
  private readonly control = new zmq.Dealer({ linger: 0 });
  private readonly iopub = new zmq.Subscriber({ linger: 0, receiveHighWaterMark: 0 });
  private readonly pending = new Map<string, PendingRequest>();
  private iopubSeen = false;
  private closed = false;

  constructor(info: ConnectionInfo) {
    this.wire = new BareWire(info.key);
    const url = (port: number): string => `tcp://${info.ip}:${port}`;
    this.iopub.subscribe();
    this.iopub.connect(url(info.iopub_port));
    this.shell.connect(url(info.shell_port));
    this.control.connect(url(info.control_port));
    this.readLoop(this.shell, (msg) => this.onReply(msg));
    this.readLoop(this.control, (msg) => this.onReply(msg));
    this.readLoop(this.iopub, (msg) => this.onIopub(msg));
  }

  /** Asks kernel_info until it is answered and iopub has delivered (the slow-joiner problem). */
  async waitReady(isAlive: () => boolean): Promise<void> {
    const deadline = Date.now() + READY_TIMEOUT_MS;
    while (Date.now() < deadline) {
      if (!isAlive()) throw new Error('the kernel exited during start-up');
      const answered = await Promise.race([this.request(this.shell, 'kernel_info_request', {}, false).then(() => true), sleep(1000).then(() => false)]);
      if (answered && this.iopubSeen) return;
      await sleep(READY_RETRY_MS);
    }
    throw new Error('the kernel did not answer kernel_info in time');
  }

  /** Runs code; resolves once both its execute_reply and its idle status have arrived. */
  execute(code: string): Promise<void> {
    return this.request(this.shell, 'execute_request', { code, silent: false, store_history: true, user_expressions: {}, allow_stdin: false, stop_on_error: false }, true);
  }

  shutdownRequest(): Promise<void> {
    return this.request(this.control, 'shutdown_request', { restart: false }, false);
  }

  private async request(socket: zmq.Dealer, msgType: string, content: object, needsIdle: boolean): Promise<void> {
    const { msgId, frames } = this.wire.request(msgType, content);
    const done = new Promise<void>((resolve) => this.pending.set(msgId, { needsIdle, replied: false, idle: false, resolve }));
    await socket.send(frames);
    return done;
  }

  private onReply(msg: BareMessage): void {
    const pending = this.pending.get(msg.parent_header.msg_id ?? '');
    if (!pending) return;
    pending.replied = true;
    this.settleIfDone(msg.parent_header.msg_id!, pending);
  }

  private onIopub(msg: BareMessage): void {
    this.iopubSeen = true;
    if (msg.header.msg_type !== 'status' || msg.content.execution_state !== 'idle') return;
    const pending = this.pending.get(msg.parent_header.msg_id ?? '');
    if (!pending) return;
    pending.idle = true;
    this.settleIfDone(msg.parent_header.msg_id!, pending);
  }

  private settleIfDone(msgId: string, pending: PendingRequest): void {
    if (!pending.replied || (pending.needsIdle && !pending.idle)) return;
    this.pending.delete(msgId);
    pending.resolve();
  }

  private readLoop(socket: zmq.Dealer | zmq.Subscriber, handle: (msg: BareMessage) => void): void {
    // Ends when the socket closes; a failure before that is reported, never left unhandled.
    void (async () => {
      try {
        for await (const frames of socket) {
          const msg = this.wire.parse(frames);
          if (msg) handle(msg);
        }
      } catch (error) {
        if (!this.closed) process.stderr.write(`bare client: receive failed: ${String(error)}\n`);
      }
    })();
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const socket of [this.shell, this.control, this.iopub]) socket.close();
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
