import * as vscode from 'vscode';
import type { Disposable } from '../../core/common/disposable';
import { DisposableStore } from '../../core/common/disposable';
import { EXTENSION_ID, type KernelChoice } from '../kernelChoice';
import type { KernelControllers } from '../kernelControllers';
import type { NotebookSessions } from '../notebookSessions';
import { settings } from '../settings';
import { CellOrigin, originMetadata } from './cellOrigin';

const SHARED_KEY = '*';

/** Code to run in the interactive window, and where it came from. */
export interface CodeToRun {
  readonly code: string;
  readonly origin: CellOrigin;
}

/**
 * VS Code's interactive windows that CellBridge runs .py code in: one per file (or one shared, by the
 * `cellbridge.interactiveWindow.mode` setting), opened with our controller preselected. The code is echoed
 * as a new cell and run on the window's kernel, which is started on first use and keeps its state.
 */
export class InteractiveWindows implements Disposable {
  /** Each window with the kernel it was opened on: it keeps that one, whatever discovery finds later. */
  private readonly windows = new Map<string, { notebook: vscode.NotebookDocument; choice: KernelChoice }>();
  private readonly subscriptions = new DisposableStore();

  constructor(private readonly controllers: KernelControllers, private readonly sessions: NotebookSessions) {
    this.subscriptions.add(
      vscode.workspace.onDidCloseNotebookDocument((notebook) => {
        for (const [key, window] of this.windows) if (window.notebook === notebook) this.windows.delete(key);
      }),
    );
  }

  /** Echoes each piece of code as a cell of the file's window and queues them, in order. */
  async run(file: vscode.Uri, pieces: readonly CodeToRun[]): Promise<vscode.NotebookDocument> {
    const { notebook, controller, choice } = await this.windowFor(file);
    const first = notebook.cellCount;
    const edit = new vscode.WorkspaceEdit();
    const cells = pieces.map((piece) => {
      const cell = new vscode.NotebookCellData(vscode.NotebookCellKind.Code, piece.code, 'python');
      cell.metadata = originMetadata(piece.origin);
      return cell;
    });
    edit.set(notebook.uri, [vscode.NotebookEdit.insertCells(first, cells)]);
    if (!(await vscode.workspace.applyEdit(edit))) throw new Error('VS Code refused to add the cells to the interactive window.');
    const session = await this.sessions.getOrCreate(notebook, controller, choice);
    await session.executions.execute(notebook.getCells(new vscode.NotebookRange(first, first + cells.length)));
    return notebook;
  }

  /** The interactive window a file's code runs in, opened (beside the editor, keeping focus) if needed. */
  private async windowFor(file: vscode.Uri): Promise<{ notebook: vscode.NotebookDocument; controller: vscode.NotebookController; choice: KernelChoice }> {
    const shared = settings.sharedInteractiveWindow();
    const key = shared ? SHARED_KEY : file.toString();
    const open = this.windows.get(key);
    const openController = open && this.controllers.controllerFor(open.choice, 'interactive');
    if (open && openController && !open.notebook.isClosed) return { ...open, controller: openController };
    // As a Python notebook beside the file would: the project's environment, else python3.
    const choice = this.controllers.choiceForFile(file);
    const controller = choice && this.controllers.controllerFor(choice, 'interactive');
    if (!choice || !controller) {
      throw new Error('No Python kernel was found: create a .venv with ipykernel, or install python3-ipykernel, then run "CellBridge: Refresh Local Kernels".');
    }
    const title = shared ? 'Interactive' : `Interactive: ${vscode.workspace.asRelativePath(file)}`;
    const opened = await vscode.commands.executeCommand<{ notebookUri: vscode.Uri } | undefined>(
      'interactive.open',
      { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true },
      undefined,
      `${EXTENSION_ID}/${controller.id}`,
      title,
    );
    const notebook = opened && vscode.workspace.notebookDocuments.find((doc) => doc.uri.toString() === opened.notebookUri.toString());
    if (!notebook) throw new Error('VS Code did not open an interactive window.');
    this.windows.set(key, { notebook, choice });
    return { notebook, controller, choice };
  }

  dispose(): void {
    this.subscriptions.dispose();
    this.windows.clear();
  }
}
