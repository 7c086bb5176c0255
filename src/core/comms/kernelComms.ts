/**
 * The Jupyter comm protocol (messaging spec, "Custom messages") between one kernel and this side: the
 * kernel's `comm_open`, `comm_msg` and `comm_close` on iopub, routed by comm id to whoever listens, and ours
 * sent on shell. Binary buffers stay bytes both ways (widgets carry images and arrays in them). Kernel
 * connections are made with `handleComms: false` (one would otherwise answer every unknown comm with a
 * close), so this is the one place comms are handled.
 */
import { Kernel, KernelMessage } from '@jupyterlab/services';
import type { JSONObject } from '@lumino/coreutils';
import { randomUUID } from 'node:crypto';
import { bytesOf } from '../common/bytes';
import { type Disposable, DisposableStore } from '../common/disposable';
import { Emitter, type Event } from '../common/emitter';
import type { KernelHandle } from '../kernel/kernelHandle';

/** Something that happened to a comm, as the kernel said it; `parentMsgId` is the request that made it happen. */
export type CommEvent =
  | { type: 'open'; commId: string; targetName: string; data: JSONObject; metadata: JSONObject; buffers: Uint8Array[]; parentMsgId: string | undefined }
  | { type: 'msg'; commId: string; data: JSONObject; metadata: JSONObject; buffers: Uint8Array[]; parentMsgId: string | undefined }
  | { type: 'close'; commId: string; data: JSONObject; parentMsgId: string | undefined }
  /** The kernel is gone: every comm with it is closed, without a message. */
  | { type: 'kernelGone' };

export class CommClosedError extends Error {
  constructor(commId: string) {
    super(`Comm ${commId} is not open`);
    this.name = 'CommClosedError';
  }
}

/** The comms of one kernel, from its first message to its death. */
export class KernelComms implements Disposable {
  private readonly emitter = new Emitter<CommEvent>();
  /** Open comms: id → target name. */
  private readonly open = new Map<string, string>();
  private readonly disposables = new DisposableStore();
  private gone = false;
  /** Who waits for the kernel to have handled a message, by its id. */
  private readonly handled = new Map<string, Array<() => void>>();
  readonly onDidReceive: Event<CommEvent> = this.emitter.event;

  constructor(private readonly kernel: KernelHandle) {
    const onIopub = (_: Kernel.IKernelConnection, msg: KernelMessage.IIOPubMessage): void => this.receive(msg);
    kernel.connection.iopubMessage.connect(onIopub);
    this.disposables.add({ dispose: () => kernel.connection.iopubMessage.disconnect(onIopub) });
    this.disposables.add(kernel.onDidDie(() => this.kernelGone()));
    this.disposables.add(kernel.onDidChangeStatus((status) => status === 'dead' && this.kernelGone()));
  }

  /** The comms open now, by id, with their target names. */
  get openComms(): ReadonlyMap<string, string> {
    return this.open;
  }

  /** Opens a comm to a target the kernel registered; its id. */
  openComm(targetName: string, data: JSONObject = {}, buffers: ArrayBufferView[] = [], commId: string = randomUUID()): string {
    this.assertAlive();
    this.sendShell('comm_open', { comm_id: commId, target_name: targetName, data }, buffers);
    this.open.set(commId, targetName);
    return commId;
  }

  /**
   * Sends data (and buffers) to the kernel's side of an open comm; its msg id, the parent of what the kernel
   * does about it. A widget manager gives its own `msgId`: it matches the kernel's echo of a change to it.
   */
  send(commId: string, data: JSONObject, buffers: ArrayBufferView[] = [], msgId?: string): string {
    if (!this.open.has(commId)) throw new CommClosedError(commId);
    this.assertAlive();
    return this.sendShell('comm_msg', { comm_id: commId, data }, buffers, msgId);
  }

  /**
   * Resolves when the kernel has handled the message `msgId` (its idle status for it), or is gone: a widget
   * manager sends a model's next change only then.
   */
  whenHandled(msgId: string): Promise<void> {
    if (this.gone) return Promise.resolve();
    return new Promise((resolve) => {
      const waiting = this.handled.get(msgId) ?? [];
      waiting.push(resolve);
      this.handled.set(msgId, waiting);
    });
  }

  close(commId: string, data: JSONObject = {}): void {
    if (!this.open.delete(commId) || this.gone) return;
    this.sendShell('comm_close', { comm_id: commId, data }, []);
  }

  /** The kernel's own list of open comms (`comm_info_request`), of one target or all. */
  async commInfo(targetName?: string): Promise<Record<string, { target_name: string }>> {
    this.assertAlive();
    const reply = await this.kernel.connection.requestCommInfo(targetName === undefined ? {} : { target_name: targetName });
    if (reply.content.status !== 'ok') throw new Error(`comm_info_request failed: ${JSON.stringify(reply.content)}`);
    return reply.content.comms as Record<string, { target_name: string }>;
  }

  dispose(): void {
    this.disposables.dispose();
    this.emitter.dispose();
    this.open.clear();
  }

  private receive(msg: KernelMessage.IIOPubMessage): void {
    const parentMsgId = (msg.parent_header as Partial<KernelMessage.IHeader>).msg_id;
    if (KernelMessage.isStatusMsg(msg)) {
      if (msg.content.execution_state === 'idle' && parentMsgId !== undefined) this.release(parentMsgId);
    } else if (KernelMessage.isCommOpenMsg(msg)) {
      const { comm_id: commId, target_name: targetName, data } = msg.content;
      this.open.set(commId, targetName);
      this.emitter.fire({ type: 'open', commId, targetName, data, metadata: msg.metadata, buffers: (msg.buffers ?? []).map(bytesOf), parentMsgId });
    } else if (KernelMessage.isCommMsgMsg(msg)) {
      const { comm_id: commId, data } = msg.content;
      // A message for a comm that is not open (closed here meanwhile) has nobody to go to.
      if (!this.open.has(commId)) return;
      this.emitter.fire({ type: 'msg', commId, data, metadata: msg.metadata, buffers: (msg.buffers ?? []).map(bytesOf), parentMsgId });
    } else if (KernelMessage.isCommCloseMsg(msg)) {
      const { comm_id: commId, data } = msg.content;
      if (!this.open.delete(commId)) return;
      this.emitter.fire({ type: 'close', commId, data, parentMsgId });
    }
  }

  private release(msgId: string): void {
    const waiting = this.handled.get(msgId);
    if (!waiting) return;
    this.handled.delete(msgId);
    for (const resolve of waiting) resolve();
  }

  private kernelGone(): void {
    if (this.gone) return;
    this.gone = true;
    this.open.clear();
    for (const msgId of [...this.handled.keys()]) this.release(msgId);
    this.emitter.fire({ type: 'kernelGone' });
  }

  private assertAlive(): void {
    if (this.gone) throw new Error(`Kernel '${this.kernel.name}' is gone: its comms are closed`);
  }

  private sendShell(msgType: 'comm_open' | 'comm_msg' | 'comm_close', content: JSONObject, buffers: ArrayBufferView[], msgId?: string): string {
    const connection = this.kernel.connection;
    const msg = KernelMessage.createMessage({ msgType, channel: 'shell', session: connection.clientId, username: connection.username, content, buffers, ...(msgId ? { msgId } : {}) } as never) as unknown as KernelMessage.IShellMessage;
    // No reply comes to a comm message; the future is disposed once the kernel is idle again.
    connection.sendShellMessage(msg, false, true);
    return msg.header.msg_id;
  }
}
