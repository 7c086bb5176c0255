import * as vscode from 'vscode';
import type { Disposable } from '../core/common/disposable';
import { errorMessage } from '../core/common/errors';
import type { Logger } from '../core/common/logger';
import type { NotebookSession } from './notebookSession';
import type { NotebookSessions } from './notebookSessions';
import { notifyError } from './notify';

const RESTART = 'Restart Kernel';
const SHOW_LOG = 'Show Log';

/** A kernel that dies on its own is reported once, with a restart at hand (the cell itself shows why it failed). */
export function reportDeadKernels(sessions: NotebookSessions, logger: Logger): Disposable {
  // offerRestart reports its own failures; nothing waits for the user's answer.
  return sessions.onDidDie((session) => void offerRestart(sessions, session, logger));
}

async function offerRestart(sessions: NotebookSessions, session: NotebookSession, logger: Logger): Promise<void> {
  const name = vscode.workspace.asRelativePath(session.notebook.uri);
  const answer = await vscode.window.showErrorMessage(
    `The kernel ${session.choice.label} of ${name} died. Its variables are lost; the next run starts a new kernel.`,
    RESTART,
    SHOW_LOG,
  );
  // Our own command, which only reveals the output channel.
  if (answer === SHOW_LOG) return void vscode.commands.executeCommand('cellbridge.showLog');
  if (answer !== RESTART || sessions.get(session.notebook) !== session) return;
  try {
    await session.runner.restart();
  } catch (error) {
    logger.error(`Restart failed: ${errorMessage(error)}`);
    notifyError(`Could not restart the kernel: ${errorMessage(error)}`);
  }
}
