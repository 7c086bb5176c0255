/** Short builders for output event sequences, so each test reads as the messages a kernel sends. */
import type { CellOutputs, OutputChange } from '../../../../src/core/outputs/cellOutputs';
import type { MimeBundle, OutputMetadata } from '../../../../src/core/outputs/nbformat';
import type { OutputEvent } from '../../../../src/core/outputs/outputEvent';

export const stdout = (text: string): OutputEvent => ({ type: 'stream', name: 'stdout', text });
export const stderr = (text: string): OutputEvent => ({ type: 'stream', name: 'stderr', text });

export const display = (data: MimeBundle, displayId?: string, metadata: OutputMetadata = {}): OutputEvent => ({
  type: 'display_data',
  data,
  metadata,
  ...(displayId ? { displayId } : {}),
});

export const result = (executionCount: number, data: MimeBundle, displayId?: string): OutputEvent => ({
  type: 'execute_result',
  data,
  metadata: {},
  executionCount,
  ...(displayId ? { displayId } : {}),
});

export const update = (displayId: string, data: MimeBundle, metadata: OutputMetadata = {}): OutputEvent => ({
  type: 'update_display_data',
  data,
  metadata,
  displayId,
});

export const clearOutput = (wait: boolean): OutputEvent => ({ type: 'clear_output', wait });

export const error = (ename: string, evalue: string, traceback: string[] = [`${ename}: ${evalue}`]): OutputEvent => ({
  type: 'error',
  ename,
  evalue,
  traceback,
});

export function applyAll(cell: CellOutputs, events: readonly OutputEvent[]): void {
  for (const event of events) cell.apply(event);
}

/** Collects every change the cell reports, in order. */
export function recordChanges(cell: CellOutputs): OutputChange[] {
  const changes: OutputChange[] = [];
  cell.onDidChange((change) => changes.push(change));
  return changes;
}
