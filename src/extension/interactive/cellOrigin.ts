import type * as vscode from 'vscode';

/**
 * Where the code of an interactive-window cell came from: the .py file and the file line of its first line.
 * It travels in the cell's metadata, so a traceback's `Cell In[N], line M` can be sent to line
 * `line + M - 1` of the file rather than to the echoed cell.
 */
export interface CellOrigin {
  readonly file: string;
  readonly line: number;
}

const KEY = 'cellbridgeOrigin';

export function originMetadata(origin: CellOrigin): Record<string, unknown> {
  return { [KEY]: { file: origin.file, line: origin.line } };
}

export function originOf(cell: vscode.NotebookCell): CellOrigin | undefined {
  const value = (cell.metadata as Record<string, unknown> | undefined)?.[KEY] as Partial<CellOrigin> | undefined;
  return typeof value?.file === 'string' && typeof value.line === 'number' ? { file: value.file, line: value.line } : undefined;
}
