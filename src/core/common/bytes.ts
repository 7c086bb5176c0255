/**
 * Binary message parts come as different views of bytes: Node Buffers over ZeroMQ, DataViews over one
 * message's ArrayBuffer from the WebSocket deserializer, ArrayBuffers or typed arrays from a widget manager.
 * Plain JavaScript (no Node, no DOM), so the renderers use it too.
 */

/** The bytes a buffer or view covers, as a Uint8Array over the same memory (a view's offset respected, nothing copied). */
export function bytesOf(buffer: ArrayBuffer | ArrayBufferView): Uint8Array {
  return ArrayBuffer.isView(buffer) ? new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength) : new Uint8Array(buffer);
}
