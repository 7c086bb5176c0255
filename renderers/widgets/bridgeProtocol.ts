/**
 * The messages between the extension and the widget renderer (one renderer per notebook editor), over VS
 * Code's renderer messaging. Comm traffic is relayed as the kernel and ipywidgets' manager speak it; binary
 * buffers travel base64-encoded, since the messages are JSON. Imported by both sides: no DOM, no Node.
 */
import { bytesOf } from '../../src/core/common/bytes';

export const WIDGET_RENDERER_ID = 'cellbridge.widgets';
export const WIDGET_VIEW_MIME = 'application/vnd.jupyter.widget-view+json';

type Json = Record<string, unknown>;

/** A widget model as a notebook saves it (@jupyter-widgets/schema v2 state; widgetState.ts makes them). */
export interface SavedModel {
  model_name: string;
  model_module: string;
  model_module_version: string;
  state: Json;
  buffers?: Array<{ path: Array<string | number>; data: string; encoding: 'base64' }>;
}

/** Extension → renderer. */
export type ToRenderer =
  /**
   * Every model there is, in the shape a notebook saves (buffers base64), and which of them have a live comm:
   * the answer to `ready`, and again after a kernel (re)starts. Without a kernel, `live` is false and no comm is open.
   */
  | { type: 'state'; live: boolean; models: Record<string, SavedModel>; openComms: string[] }
  | { type: 'comm_open'; commId: string; targetName: string; data: Json; metadata: Json; buffers: string[] }
  /** `parentMsgId`: the request the kernel answers (a renderer's own change, for an `echo_update`). */
  | { type: 'comm_msg'; commId: string; data: Json; metadata: Json; buffers: string[]; parentMsgId?: string }
  | { type: 'comm_close'; commId: string; data: Json }
  /** The kernel has handled the renderer's message `msgId` (its idle status): the next change of that model may go. */
  | { type: 'handled'; commId: string; msgId: string }
  /** The kernel died or was shut down: every view stays, greyed, and takes no input. */
  | { type: 'kernelGone' }
  /** Several of the above, in order (messageBatch.ts). */
  | { type: 'batch'; messages: ToRenderer[] };

/** Renderer → extension. */
export type FromRenderer =
  /** A renderer started (a notebook editor opened or reloaded its webview): it needs the state. */
  | { type: 'ready' }
  | { type: 'comm_open'; commId: string; targetName: string; data: Json; buffers: string[] }
  /** `msgId`: the renderer's own id for it, which the kernel's echo and idle status then name as their parent. */
  | { type: 'comm_msg'; commId: string; msgId: string; data: Json; buffers: string[] }
  | { type: 'comm_close'; commId: string; data: Json };

/** Bytes (of any buffer or view) as base64, without Node's Buffer or the DOM: btoa and atob exist in both. */
export function bytesToBase64(buffer: ArrayBuffer | ArrayBufferView): string {
  const bytes = bytesOf(buffer);
  let binary = '';
  const CHUNK = 0x8000;
  for (let i = 0; i < bytes.length; i += CHUNK) binary += String.fromCharCode(...bytes.subarray(i, i + CHUNK));
  return btoa(binary);
}

export function base64ToBytes(text: string): Uint8Array {
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

/** A message from the other side, checked for its shape before it is trusted. */
export function isMessage<T extends { type: string }>(value: unknown, types: ReadonlyArray<T['type']>): value is T {
  return typeof value === 'object' && value !== null && types.includes((value as { type?: unknown }).type as T['type']);
}
