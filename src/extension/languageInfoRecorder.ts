/**
 * Writes the kernel's `language_info` (from its kernel_info reply) into a notebook's metadata once its kernel
 * has started, as Jupyter's own frontends do. Other tools read the language from it, and VS Code's ipynb
 * support needs it: it keeps a cell's `execution_count` in the file only when the notebook names its language
 * there, so without it every count was saved as null (and a reopened notebook showed `[ ]`).
 */
import * as vscode from 'vscode';
import { errorMessage } from '../core/common/errors';
import type { Logger } from '../core/common/logger';
import type { KernelHandle } from '../core/kernel/kernelHandle';
import { withLanguageInfo } from './notebookMetadata';
import type { NotebookSessions } from './notebookSessions';

export class LanguageInfoRecorder implements vscode.Disposable {
  private readonly subscriptions: vscode.Disposable[] = [];
  /** Each open notebook's subscription to its kernels. */
  private readonly notebooks = new Map<vscode.NotebookDocument, vscode.Disposable>();

  constructor(sessions: NotebookSessions, private readonly logger: Logger) {
    this.subscriptions.push(
      sessions.onDidOpenSession((session) => {
        const notebook = session.notebook;
        if (notebook.notebookType !== 'jupyter-notebook') return;
        this.notebooks.get(notebook)?.dispose();
        this.notebooks.set(notebook, session.runner.onDidAttachKernel(({ kernel }) => void this.record(notebook, kernel)));
      }),
      vscode.workspace.onDidCloseNotebookDocument((notebook) => {
        this.notebooks.get(notebook)?.dispose();
        this.notebooks.delete(notebook);
      }),
    );
  }

  private async record(notebook: vscode.NotebookDocument, kernel: KernelHandle): Promise<void> {
    try {
      const info = await kernel.connection.info;
      if (notebook.isClosed) return;
      const metadata = withLanguageInfo(notebook, { ...info.language_info });
      if (!metadata) return;
      const edit = new vscode.WorkspaceEdit();
      edit.set(notebook.uri, [vscode.NotebookEdit.updateNotebookMetadata(metadata)]);
      if (!(await vscode.workspace.applyEdit(edit))) this.logger.warn(`VS Code did not record the kernel's language in ${notebook.uri.toString()}'s metadata.`);
    } catch (error) {
      // A kernel that died before answering kernel_info: its language stays as the file says.
      this.logger.debug(`No language_info recorded for ${notebook.uri.toString()}: ${errorMessage(error)}`);
    }
  }

  dispose(): void {
    for (const subscription of [...this.subscriptions, ...this.notebooks.values()]) subscription.dispose();
    this.notebooks.clear();
  }
}
