import * as vscode from 'vscode';
import { newNotebook } from '../../runner/newNotebook';
import type { NotebookKernels } from '../notebookKernels';

/**
 * Writes the active interactive window as an .ipynb: its code and the outputs as the engine reduced them
 * (standard nbformat, the same as a notebook's). Asks where unless given a target.
 */
export async function exportInteractiveWindow(kernels: NotebookKernels, target?: vscode.Uri): Promise<vscode.Uri | undefined> {
  const notebook = vscode.window.activeNotebookEditor?.notebook ?? vscode.workspace.notebookDocuments.find((doc) => doc.notebookType === 'interactive');
  if (!notebook || notebook.notebookType !== 'interactive') {
    void vscode.window.showInformationMessage('Open an interactive window to export it.');
    return undefined;
  }
  const destination = target instanceof vscode.Uri ? target : await vscode.window.showSaveDialog({ filters: { 'Jupyter Notebook': ['ipynb'] } });
  if (!destination) return undefined;
  const kernel = kernels.get(notebook);
  const cells = notebook.getCells().filter((cell) => cell.kind === vscode.NotebookCellKind.Code);
  const document = newNotebook(cells.map((cell) => ({ kind: 'code' as const, source: cell.document.getText() })), kernel?.choice.kernelName ?? 'python3');
  document.cells.forEach((saved, index) => {
    const cell = cells[index]!;
    if (saved.cell_type !== 'code') return;
    saved.execution_count = cell.executionSummary?.executionOrder ?? null;
    saved.outputs = [...(kernel?.nbformatOutputsOf(cell) ?? [])];
  });
  await vscode.workspace.fs.writeFile(destination, new TextEncoder().encode(JSON.stringify(document, null, 1) + '\n'));
  return destination;
}
