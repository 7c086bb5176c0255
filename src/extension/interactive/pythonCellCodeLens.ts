import * as vscode from 'vscode';
import { codeCellsOf, hasCellMarkers } from './pythonCells';

/** "Run Cell" and "Run Above" above each cell of a Python file that has cell markers. */
export class PythonCellCodeLens implements vscode.CodeLensProvider {
  provideCodeLenses(document: vscode.TextDocument): vscode.CodeLens[] {
    if (!hasCellMarkers(document)) return [];
    return codeCellsOf(document).flatMap((cell, index) => {
      const range = new vscode.Range(cell.startLine - 1, 0, cell.startLine - 1, 0);
      const lenses = [new vscode.CodeLens(range, { title: 'Run Cell', command: 'cellbridge.runCurrentCell', arguments: [document.uri, index] })];
      if (index > 0) lenses.push(new vscode.CodeLens(range, { title: 'Run Above', command: 'cellbridge.runAbove', arguments: [document.uri, index] }));
      return lenses;
    });
  }
}
