import * as vscode from 'vscode';
import type { Disposable } from '../core/common/disposable';
import { DisposableStore } from '../core/common/disposable';
import { errorMessage } from '../core/common/errors';
import type { Logger } from '../core/common/logger';
import { originOf } from './interactive/cellOrigin';
import { parseRevealFrame, RevealFrameRequest } from './revealFrameRequest';
import { notifyInfo } from './notify';

/** The error renderer's id in package.json (contributes.notebookRenderer). */
export const ERROR_RENDERER_ID = 'cellbridge.error-renderer';

/**
 * Clicks on traceback links in the error renderer: `Cell In[N], line M` reveals line M of the cell of this
 * notebook whose execution count is N (the most recent one, if a restart made N appear twice); a file frame
 * opens the file at the line.
 */
export function handleTracebackLinks(logger: Logger): Disposable {
  const messaging = vscode.notebooks.createRendererMessaging(ERROR_RENDERER_ID);
  const follow = (editor: vscode.NotebookEditor | undefined, message: unknown): Promise<void> => {
    const request = parseRevealFrame(message);
    if (!editor || !request) {
      logger.warn(`Ignored a malformed traceback link: ${JSON.stringify(message)?.slice(0, 200)}`);
      return Promise.resolve();
    }
    return reveal(editor, request).catch((error: unknown) => logger.warn(`Could not follow a traceback link: ${errorMessage(error)}`));
  };
  const subscriptions = new DisposableStore();
  subscriptions.add(messaging.onDidReceiveMessage(({ editor, message }) => void follow(editor, message)));
  // The same, as a command: for keyboard users' tooling and for tests, which cannot click inside the webview.
  subscriptions.add(vscode.commands.registerCommand('cellbridge.revealTracebackFrame', (message: unknown) => follow(vscode.window.activeNotebookEditor, message)));
  return subscriptions;
}

async function reveal(editor: vscode.NotebookEditor, request: RevealFrameRequest): Promise<void> {
  const selection = request.line === undefined ? undefined : new vscode.Range(request.line - 1, 0, request.line - 1, 0);
  if (request.kind === 'file') {
    await vscode.workspace.fs.stat(vscode.Uri.file(request.path));
    await vscode.window.showTextDocument(vscode.Uri.file(request.path), { preview: true, ...(selection ? { selection } : {}) });
    return;
  }
  const cell = cellWithExecutionCount(editor.notebook, request.executionCount);
  if (!cell) {
    notifyInfo(`No cell of this notebook has execution count [${request.executionCount}] any more.`);
    return;
  }
  // Code sent from a .py file to the interactive window: the frame's line is a line of that file.
  const origin = originOf(cell);
  if (origin) {
    const fileLine = origin.line + (request.line ?? 1) - 1;
    const position = new vscode.Position(fileLine - 1, 0);
    await vscode.window.showTextDocument(vscode.Uri.file(origin.file), { selection: new vscode.Range(position, position) });
    return;
  }
  const range = new vscode.NotebookRange(cell.index, cell.index + 1);
  editor.selections = [range];
  editor.revealRange(range, vscode.NotebookEditorRevealType.InCenterIfOutsideViewport);
  await vscode.window.showTextDocument(cell.document, { viewColumn: editor.viewColumn, ...(selection ? { selection } : {}) });
}

function cellWithExecutionCount(notebook: vscode.NotebookDocument, count: number): vscode.NotebookCell | undefined {
  const matches = notebook.getCells().filter((cell) => cell.executionSummary?.executionOrder === count);
  return matches.sort((a, b) => (b.executionSummary?.timing?.endTime ?? 0) - (a.executionSummary?.timing?.endTime ?? 0))[0];
}
