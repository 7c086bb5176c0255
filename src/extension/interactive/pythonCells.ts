import type * as vscode from 'vscode';
import { hasCellMarker, ScriptCell, splitPercentScript } from '../../core/formats/percentScript';
import type { CodeToRun } from './interactiveWindows';

/** The code cells of a Python file (`# %%`, `#%%`, `# In[ ]:` markers; the whole file when it has none). */
export function codeCellsOf(document: vscode.TextDocument): ScriptCell[] {
  return splitPercentScript(document.getText()).filter((cell) => cell.kind === 'code');
}

/** Whether the file has cell markers (then Shift+Enter runs the current cell). */
export function hasCellMarkers(document: vscode.TextDocument): boolean {
  return hasCellMarker(document.getText());
}

/** The index among `cells` of the cell holding 0-based `line`, or of the nearest cell above it. */
export function cellIndexAt(cells: readonly ScriptCell[], line: number): number | undefined {
  const fileLine = line + 1;
  let found: number | undefined;
  cells.forEach((cell, index) => {
    if (cell.startLine <= fileLine) found = index;
  });
  return found;
}

export function toRun(document: vscode.TextDocument, cell: ScriptCell): CodeToRun {
  return { code: cell.source, origin: { file: document.uri.fsPath, line: cell.firstLine } };
}
