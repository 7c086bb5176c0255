import * as vscode from 'vscode';
import type { Disposable } from '../../core/common/disposable';
import { DisposableStore } from '../../core/common/disposable';
import { errorMessage } from '../../core/common/errors';
import type { Logger } from '../../core/common/logger';
import type { NotebookSessions } from '../notebookSessions';
import { exportInteractiveWindow } from './exportInteractive';
import type { CodeToRun, InteractiveWindows } from './interactiveWindows';
import { cellIndexAt, codeCellsOf, hasCellMarkers, toRun } from './pythonCells';
import { notifyError, notifyInfo } from '../notify';

const HAS_CELLS_CONTEXT = 'cellbridge.pythonFileHasCells';

/**
 * The commands that send a .py file's code to its interactive window. Each takes an optional file and cell
 * index (what the CodeLens passes); without them it works on the active editor and its cursor.
 */
export function registerPythonCellCommands(windows: InteractiveWindows, sessions: NotebookSessions, logger: Logger): Disposable {
  const subscriptions = new DisposableStore();
  const register = (id: string, pick: (editor: vscode.TextEditor, index: number | undefined) => CodeToRun[] | undefined, after?: (editor: vscode.TextEditor, index: number) => void) =>
    subscriptions.add(
      vscode.commands.registerCommand(id, async (uri?: vscode.Uri, index?: number) => {
        const editor = await editorFor(uri);
        if (!editor || editor.document.languageId !== 'python') return notifyInfo('Open a Python file to run its cells.');
        const pieces = pick(editor, index);
        if (!pieces || pieces.length === 0) return undefined;
        try {
          const notebook = await windows.run(editor.document.uri, pieces);
          if (after) after(editor, index ?? cellIndexAt(codeCellsOf(editor.document), editor.selection.active.line) ?? 0);
          return notebook.uri;
        } catch (error) {
          logger.error(`Could not run in the interactive window: ${errorMessage(error)}`);
          notifyError(`CellBridge could not run the code: ${errorMessage(error)}`);
          return undefined;
        }
      }),
    );

  const current = (editor: vscode.TextEditor, index: number | undefined): CodeToRun[] => {
    const cells = codeCellsOf(editor.document);
    const at = index ?? cellIndexAt(cells, editor.selection.active.line);
    const cell = at === undefined ? undefined : cells[at];
    return cell ? [toRun(editor.document, cell)] : [];
  };
  register('cellbridge.runCurrentCell', current);
  register('cellbridge.runCellAndAdvance', current, (editor, index) => {
    const next = codeCellsOf(editor.document)[index + 1];
    if (!next) return;
    const position = new vscode.Position(next.firstLine - 1, 0);
    editor.selection = new vscode.Selection(position, position);
    editor.revealRange(new vscode.Range(position, position));
  });
  register('cellbridge.runAbove', (editor, index) => {
    const cells = codeCellsOf(editor.document);
    const at = index ?? cellIndexAt(cells, editor.selection.active.line) ?? 0;
    return cells.slice(0, at).map((cell) => toRun(editor.document, cell));
  });
  register('cellbridge.runFile', (editor) => codeCellsOf(editor.document).map((cell) => toRun(editor.document, cell)));
  register('cellbridge.runSelection', (editor) => {
    const selection = editor.selection;
    const range = selection.isEmpty ? editor.document.lineAt(selection.active.line).range : selection;
    const code = editor.document.getText(range);
    if (code.trim() === '') return [];
    return [{ code, origin: { file: editor.document.uri.fsPath, line: range.start.line + 1 } }];
  });
  subscriptions.add(vscode.commands.registerCommand('cellbridge.clearInteractive', () => clearInteractive()));
  subscriptions.add(vscode.commands.registerCommand('cellbridge.exportInteractive', (target?: vscode.Uri) => exportInteractiveWindow(sessions, target)));

  const updateContext = (): void => {
    const document = vscode.window.activeTextEditor?.document;
    // setContext only sets a when-clause key; nothing waits for it.
    void vscode.commands.executeCommand('setContext', HAS_CELLS_CONTEXT, document?.languageId === 'python' && hasCellMarkers(document));
  };
  subscriptions.add(vscode.window.onDidChangeActiveTextEditor(updateContext));
  subscriptions.add(vscode.workspace.onDidChangeTextDocument((event) => event.document === vscode.window.activeTextEditor?.document && updateContext()));
  updateContext();
  return subscriptions;
}

async function editorFor(uri: vscode.Uri | undefined): Promise<vscode.TextEditor | undefined> {
  if (!(uri instanceof vscode.Uri)) return vscode.window.activeTextEditor;
  const visible = vscode.window.visibleTextEditors.find((editor) => editor.document.uri.toString() === uri.toString());
  return visible ?? vscode.window.showTextDocument(uri, { preserveFocus: true });
}

/** Empties the active interactive window; its kernel and variables stay. */
async function clearInteractive(): Promise<void> {
  const notebook = vscode.window.activeNotebookEditor?.notebook;
  if (!notebook || notebook.notebookType !== 'interactive') return;
  const edit = new vscode.WorkspaceEdit();
  edit.set(notebook.uri, [vscode.NotebookEdit.deleteCells(new vscode.NotebookRange(0, notebook.cellCount))]);
  await vscode.workspace.applyEdit(edit);
}
