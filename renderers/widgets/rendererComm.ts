/**
 * One comm as ipywidgets' manager sees it (`IClassicComm`), carried over renderer messaging: what the
 * manager sends goes to the extension, which relays it to the kernel; what the kernel sends arrives through
 * `receive`. The manager throttles a model's changes until the kernel has handled the last one (its iopub
 * idle status): `handled` tells it, since the idle status itself is not relayed.
 */
import type { ICallbacks, IClassicComm } from '@jupyter-widgets/base';
import { base64ToBytes, bytesToBase64, type FromRenderer } from './bridgeProtocol';

type Json = Record<string, unknown>;
type Buffers = ArrayBuffer[] | ArrayBufferView[] | undefined;

export class RendererComm implements IClassicComm {
  private onMessage: ((msg: unknown) => void) | undefined;
  private onClose: ((msg: unknown) => void) | undefined;
  /** Callbacks of the messages the kernel has not handled yet, by msg id. */
  private readonly pending = new Map<string, ICallbacks>();
  private closed = false;

  constructor(readonly comm_id: string, readonly target_name: string, private readonly post: (message: FromRenderer) => void) {}

  open(data: unknown, callbacks?: ICallbacks, _metadata?: unknown, buffers?: Buffers): string {
    this.post({ type: 'comm_open', commId: this.comm_id, targetName: this.target_name, data: asObject(data), buffers: encode(buffers) });
    return this.track(crypto.randomUUID(), callbacks);
  }

  send(data: unknown, callbacks?: ICallbacks, _metadata?: unknown, buffers?: Buffers): string {
    const msgId = crypto.randomUUID();
    if (this.closed) return msgId;
    this.post({ type: 'comm_msg', commId: this.comm_id, msgId, data: asObject(data), buffers: encode(buffers) });
    return this.track(msgId, callbacks);
  }

  close(data?: unknown): string {
    if (!this.closed) this.post({ type: 'comm_close', commId: this.comm_id, data: asObject(data) });
    this.closed = true;
    return crypto.randomUUID();
  }

  on_msg(callback: (msg: unknown) => void): void {
    this.onMessage = callback;
  }

  on_close(callback: (msg: unknown) => void): void {
    this.onClose = callback;
  }

  /** A message of the kernel's on this comm, in the shape the manager reads (content, buffers, parent header). */
  receive(data: Json, metadata: Json, buffers: string[], parentMsgId: string | undefined): void {
    this.onMessage?.({
      content: { comm_id: this.comm_id, data },
      metadata,
      buffers: buffers.map((buffer) => new DataView(base64ToBytes(buffer).buffer)),
      parent_header: parentMsgId ? { msg_id: parentMsgId } : {},
      header: { msg_type: 'comm_msg' },
    });
  }

  /** The kernel has handled `msgId`: the manager may send the model's next change. */
  handled(msgId: string): void {
    const callbacks = this.pending.get(msgId);
    this.pending.delete(msgId);
    callbacks?.iopub?.status?.({ content: { execution_state: 'idle' } } as never);
  }

  /** The kernel closed it: its model closes, and its views go, as the kernel asked. */
  closedByKernel(data: Json): void {
    this.kernelGone();
    this.onClose?.({ content: { comm_id: this.comm_id, data } });
  }

  /** The kernel is gone without closing it: nothing more is sent, and the model stays, with its views. */
  kernelGone(): void {
    this.closed = true;
    // Nothing will be handled any more: release the manager's throttle.
    for (const msgId of [...this.pending.keys()]) this.handled(msgId);
  }

  private track(msgId: string, callbacks: ICallbacks | undefined): string {
    if (callbacks?.iopub?.status) this.pending.set(msgId, callbacks);
    return msgId;
  }
}

function asObject(data: unknown): Json {
  return typeof data === 'object' && data !== null ? (data as Json) : {};
}

function encode(buffers: Buffers): string[] {
  return (buffers ?? []).map((buffer: ArrayBuffer | ArrayBufferView) => bytesToBase64(buffer));
}
