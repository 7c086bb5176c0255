/**
 * Comm traffic for a renderer, gathered for one post: a loop that sets a slider 1,000 times must not make
 * 1,000 round trips into the webview. Consecutive state updates of one model (same method, same parent, no
 * binary parts) merge into one, later keys winning, as the model itself would end up.
 */
import type { ToRenderer } from './bridgeProtocol';

type CommMsg = Extract<ToRenderer, { type: 'comm_msg' }>;

export function appendToBatch(batch: ToRenderer[], message: ToRenderer): void {
  const last = batch.at(-1);
  if (last?.type === 'comm_msg' && message.type === 'comm_msg' && mergeable(last, message)) {
    batch[batch.length - 1] = { ...last, data: { ...last.data, state: { ...(last.data.state as object), ...(message.data.state as object) } } };
    return;
  }
  batch.push(message);
}

function mergeable(a: CommMsg, b: CommMsg): boolean {
  return (
    a.commId === b.commId &&
    a.parentMsgId === b.parentMsgId &&
    a.data.method === b.data.method &&
    (a.data.method === 'update' || a.data.method === 'echo_update') &&
    a.buffers.length === 0 &&
    b.buffers.length === 0 &&
    isEmptyList(a.data.buffer_paths) &&
    isEmptyList(b.data.buffer_paths) &&
    typeof a.data.state === 'object' &&
    typeof b.data.state === 'object'
  );
}

function isEmptyList(value: unknown): boolean {
  return value === undefined || (Array.isArray(value) && value.length === 0);
}
