import * as vscode from 'vscode';
import { newNotebook } from '../../core/formats/newNotebook';
import { serializeNotebook, withOutputs } from '../../core/formats/notebookFile';
import type { NotebookSessions } from '../notebookSessions';
import { notifyInfo } from '../notify';

/**
 * Writes the active interactive window as an .ipynb: its code and the outputs as the engine reduced them,
 * through the same writer as `cellbridge run --output` (standard nbformat 4, as Jupyter itself saves it).
 * Asks where unless given a target.
 */
export async function exportInteractiveWindow(sessions: NotebookSessions, target?: vscode.Uri): Promise<vscode.Uri | undefined> {
  const notebook = vscode.window.activeNotebookEditor?.notebook ?? vscode.workspace.notebookDocuments.find((doc) => doc.notebookType === 'interactive');
  if (!notebook || notebook.notebookType !== 'interactive') {
    notifyInfo('Open an interactive window to export it.');
    return undefined;
  }
  const destination = target instanceof vscode.Uri ? target : await vscode.window.showSaveDialog({ filters: { 'Jupyter Notebook': ['ipynb'] } });
  if (!destination) return undefined;
  const session = sessions.get(notebook);
  const cells = notebook.getCells().filter((cell) => cell.kind === vscode.NotebookCellKind.Code);
  const document = newNotebook(cells.map((cell) => ({ kind: 'code' as const, source: cell.document.getText() })), session?.choice.kernelName ?? 'python3');
  const executed = withOutputs(
    document,
    cells.map((cell, index) => ({
      index,
      outputs: [...(session?.executions.nbformatOutputsOf(cell) ?? [])],
      executionCount: cell.executionSummary?.executionOrder ?? null,
    })),
  );
  await vscode.workspace.fs.writeFile(destination, new TextEncoder().encode(serializeNotebook(executed)));
  return destination;
}
