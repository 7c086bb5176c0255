import { KernelMessage } from '@jupyterlab/services';
import type { MimeBundle, OutputMetadata } from './nbformat';

/**
 * The iopub messages that produce or change outputs, as one discriminated union.
 * Converted once at the boundary (`toOutputEvent`), so nothing downstream casts.
 */
export type OutputEvent =
  | { type: 'stream'; name: 'stdout' | 'stderr'; text: string }
  | { type: 'display_data'; data: MimeBundle; metadata: OutputMetadata; displayId?: string }
  | { type: 'execute_result'; data: MimeBundle; metadata: OutputMetadata; executionCount: number | null; displayId?: string }
  | { type: 'update_display_data'; data: MimeBundle; metadata: OutputMetadata; displayId: string }
  | { type: 'clear_output'; wait: boolean }
  | { type: 'error'; ename: string; evalue: string; traceback: string[] };

function displayIdOf(content: { transient?: { display_id?: unknown } }): string | undefined {
  const id = content.transient?.display_id;
  return typeof id === 'string' && id !== '' ? id : undefined;
}

/** Returns the output event an iopub message carries, or undefined for messages that carry none (status, execute_input, comms…). */
export function toOutputEvent(msg: KernelMessage.IIOPubMessage): OutputEvent | undefined {
  if (KernelMessage.isStreamMsg(msg)) {
    return { type: 'stream', name: msg.content.name === 'stderr' ? 'stderr' : 'stdout', text: String(msg.content.text ?? '') };
  }
  if (KernelMessage.isDisplayDataMsg(msg)) {
    const displayId = displayIdOf(msg.content);
    return { type: 'display_data', data: msg.content.data ?? {}, metadata: msg.content.metadata ?? {}, ...(displayId ? { displayId } : {}) };
  }
  if (KernelMessage.isExecuteResultMsg(msg)) {
    const displayId = displayIdOf(msg.content);
    const count = msg.content.execution_count;
    return {
      type: 'execute_result',
      data: msg.content.data ?? {},
      metadata: msg.content.metadata ?? {},
      executionCount: typeof count === 'number' ? count : null,
      ...(displayId ? { displayId } : {}),
    };
  }
  if (KernelMessage.isUpdateDisplayDataMsg(msg)) {
    const displayId = displayIdOf(msg.content);
    // An update without a display id cannot target anything; the protocol requires one.
    return displayId ? { type: 'update_display_data', data: msg.content.data ?? {}, metadata: msg.content.metadata ?? {}, displayId } : undefined;
  }
  if (KernelMessage.isClearOutputMsg(msg)) {
    return { type: 'clear_output', wait: Boolean(msg.content.wait) };
  }
  if (KernelMessage.isErrorMsg(msg)) {
    const { ename, evalue, traceback } = msg.content;
    return {
      type: 'error',
      ename: exceptionName(String(ename ?? '')),
      evalue: String(evalue ?? ''),
      traceback: Array.isArray(traceback) ? traceback.map(String) : [],
    };
  }
  return undefined;
}

/**
 * xeus-python reports `ename` as the class repr (`<class 'ValueError'>`, `<class 'mod.Err'>`) where
 * ipykernel reports the class name (`ValueError`, `Err`); one document must read the same on both.
 */
function exceptionName(ename: string): string {
  const repr = /^<class '([^']+)'>$/.exec(ename);
  return repr ? repr[1]!.split('.').pop()! : ename;
}

/**
 * The event that would produce an nbformat output (as a widget's `outputs` list holds them: `append_stdout`,
 * `append_display_data`); undefined for anything that is not an output. Multi-line strings may come as lists.
 */
export function outputEventOf(output: unknown): OutputEvent | undefined {
  if (typeof output !== 'object' || output === null) return undefined;
  const o = output as Record<string, unknown>;
  const text = (value: unknown): string => (Array.isArray(value) ? value.map(String).join('') : String(value ?? ''));
  const bundle = (value: unknown): MimeBundle => (typeof value === 'object' && value !== null ? (value as MimeBundle) : {});
  const metadata = bundle(o.metadata) as OutputMetadata;
  switch (o.output_type) {
    case 'stream':
      return { type: 'stream', name: o.name === 'stderr' ? 'stderr' : 'stdout', text: text(o.text) };
    case 'display_data':
      return { type: 'display_data', data: bundle(o.data), metadata };
    case 'execute_result':
      return { type: 'execute_result', data: bundle(o.data), metadata, executionCount: typeof o.execution_count === 'number' ? o.execution_count : null };
    case 'error':
      return { type: 'error', ename: String(o.ename ?? ''), evalue: String(o.evalue ?? ''), traceback: Array.isArray(o.traceback) ? o.traceback.map(String) : [] };
    default:
      return undefined;
  }
}
