import type { CellResponse } from './runResponse';

/**
 * The smaller forms a cell takes in an answer that would pass its size limit (responseText.ts): its outputs
 * left out, and a note in their place, so the cell's status, count and time always reach the client.
 */

/** The cell with its errors kept but its logs, displays and outputs left out. */
export function cellWithErrorsOnly(cell: CellResponse, fullBytes: number, limitBytes: number): CellResponse {
  return withNote(cell, leftOutNote(fullBytes, limitBytes, 'its errors are kept'));
}

/** The cell with every output left out: its status, count and time, and the note. */
export function bareCell(cell: CellResponse, fullBytes: number, limitBytes: number): CellResponse {
  const errors = cell.error.length === 0 ? '' : `its ${cell.error.length === 1 ? 'error is' : `${cell.error.length} errors are`} left out too`;
  return withNote({ ...cell, error: [] }, leftOutNote(fullBytes, limitBytes, errors));
}

/** The note goes in `stderr` and as the one output, where a client reading either will see it. */
function withNote(cell: CellResponse, note: string): CellResponse {
  return { ...cell, stdout: '', stderr: note, display: [], outputs: [{ output_type: 'stream', name: 'stderr', text: note }] };
}

function leftOutNote(fullBytes: number, limitBytes: number, errors: string): string {
  const size = fullBytes.toLocaleString('en');
  const limit = limitBytes.toLocaleString('en');
  return `[CellBridge: output left out: this cell's output (at least ${size} bytes of JSON) would take the answer past its size limit of ${limit} bytes${errors ? `; ${errors}` : ''}]\n`;
}
