import * as vscode from 'vscode';
import type { Disposable } from '../core/common/disposable';
import { DisposableStore } from '../core/common/disposable';
import { errorMessage } from '../core/common/errors';
import type { Logger } from '../core/common/logger';
import type { InterruptHandler } from './interruptCommand';
import type { NotebookSessions } from './notebookSessions';
import { notifyError, notifyInfo } from './notify';

/**
 * The notebook a command is for. The notebook toolbar passes `{ notebookEditor: { notebookUri } }`, other
 * callers a Uri or nothing (then the active notebook editor).
 */
function targetNotebook(arg: unknown): vscode.NotebookDocument | undefined {
  const uri =
    arg instanceof vscode.Uri
      ? arg
      : (arg as { notebookEditor?: { notebookUri?: vscode.Uri } } | undefined)?.notebookEditor?.notebookUri ?? (arg as { notebookUri?: vscode.Uri } | undefined)?.notebookUri;
  if (uri instanceof vscode.Uri) return vscode.workspace.notebookDocuments.find((notebook) => notebook.uri.toString() === uri.toString());
  return vscode.window.activeNotebookEditor?.notebook;
}

export function registerKernelCommands(sessions: NotebookSessions, interrupt: InterruptHandler, channel: vscode.OutputChannel, logger: Logger): Disposable {
  const subscriptions = new DisposableStore();
  const withKernel = (action: string, run: (notebook: vscode.NotebookDocument) => Promise<void>) => async (arg: unknown) => {
    const notebook = targetNotebook(arg);
    if (!notebook || !sessions.get(notebook)) {
      notifyInfo(`Nothing to ${action}: this notebook has no CellBridge kernel yet. Run a cell first.`);
      return;
    }
    try {
      await run(notebook);
    } catch (error) {
      logger.error(`Could not ${action}: ${errorMessage(error)}`);
      notifyError(`Could not ${action}: ${errorMessage(error)}`);
    }
  };
  const register = (id: string, handler: (arg: unknown) => unknown) => subscriptions.add(vscode.commands.registerCommand(id, handler));

  register(
    'cellbridge.restartKernel',
    withKernel('restart the kernel', async (notebook) => {
      await sessions.get(notebook)?.runner.restart();
    }),
  );
  register(
    'cellbridge.restartKernelAndRunAll',
    withKernel('restart the kernel and run all cells', async (notebook) => {
      const session = sessions.get(notebook);
      await session?.runner.restart();
      await session?.executions.execute(notebook.getCells().filter((cell) => cell.kind === vscode.NotebookCellKind.Code));
    }),
  );
  register(
    'cellbridge.interruptKernel',
    withKernel('interrupt the kernel', (notebook) => interrupt(notebook)),
  );
  register('cellbridge.showLog', () => channel.show(true));
  return subscriptions;
}
