import * as vscode from 'vscode';
import type { Disposable } from '../core/common/disposable';
import { errorMessage } from '../core/common/errors';
import type { Logger } from '../core/common/logger';
import type { NotebookKernel } from './notebookKernel';
import type { NotebookKernels } from './notebookKernels';
import { notifyError } from './notify';

const RESTART = 'Restart Kernel';
const SHOW_LOG = 'Show Log';

/** A kernel that dies on its own is reported once, with a restart at hand (the cell itself shows why it failed). */
export function reportDeadKernels(kernels: NotebookKernels, logger: Logger): Disposable {
  // offerRestart reports its own failures; nothing waits for the user's answer.
  return kernels.onDidDie((kernel) => void offerRestart(kernels, kernel, logger));
}

async function offerRestart(kernels: NotebookKernels, kernel: NotebookKernel, logger: Logger): Promise<void> {
  const name = vscode.workspace.asRelativePath(kernel.notebook.uri);
  const answer = await vscode.window.showErrorMessage(
    `The kernel ${kernel.choice.label} of ${name} died. Its variables are lost; the next run starts a new kernel.`,
    RESTART,
    SHOW_LOG,
  );
  // Our own command, which only reveals the output channel.
  if (answer === SHOW_LOG) return void vscode.commands.executeCommand('cellbridge.showLog');
  if (answer !== RESTART || kernels.get(kernel.notebook) !== kernel) return;
  try {
    await kernel.restart();
  } catch (error) {
    logger.error(`Restart failed: ${errorMessage(error)}`);
    notifyError(`Could not restart the kernel: ${errorMessage(error)}`);
  }
}
