import * as vscode from 'vscode';
import { errorMessage } from '../core/common/errors';
import type { Logger } from '../core/common/logger';
import type { InterruptOutcome } from '../core/execution/documentRunner';
import type { NotebookSession } from './notebookSession';
import type { NotebookSessions } from './notebookSessions';
import { notifyError } from './notify';

export type InterruptHandler = (notebook: vscode.NotebookDocument) => Promise<void>;

const RESTART = 'Restart Kernel';

/**
 * The notebook's stop button: interrupt the kernel, and if the cell is still running after a few seconds
 * (a kernel busy in native code, or one that ignores SIGINT), offer a restart instead of leaving it stuck.
 * The handler returns once the interrupt is sent; the wait and the offer go on in the background, so the
 * stop button (and a command awaiting it) is never held by a notification nobody answers.
 */
export function interruptHandler(sessions: NotebookSessions, waitMs: () => number, logger: Logger): InterruptHandler {
  return async (notebook) => {
    const session = sessions.get(notebook);
    if (!session) return;
    try {
      const { sent, outcome } = session.runner.interrupt(waitMs());
      // In the background, so the stop button never hangs; it reports its own failures.
      void offerRestartIfIgnored(sessions, session, outcome, waitMs(), logger);
      await sent;
    } catch (error) {
      logger.error(`Interrupt failed: ${errorMessage(error)}`);
      notifyError(`Could not interrupt the kernel: ${errorMessage(error)}`);
    }
  };
}

async function offerRestartIfIgnored(
  sessions: NotebookSessions,
  session: NotebookSession,
  outcome: Promise<InterruptOutcome>,
  waitMs: number,
  logger: Logger,
): Promise<void> {
  try {
    if ((await outcome) !== 'ignored') return;
    const seconds = Math.round(waitMs / 1000);
    logger.warn(`The kernel of ${session.notebook.uri.toString()} did not stop the cell within ${seconds} s of an interrupt.`);
    const answer = await vscode.window.showWarningMessage(
      `The kernel did not stop the running cell within ${seconds} s of the interrupt. Restart it? Its variables will be lost.`,
      RESTART,
    );
    if (answer === RESTART && sessions.get(session.notebook) === session) await session.runner.restart();
  } catch (error) {
    logger.error(`Interrupt failed: ${errorMessage(error)}`);
    notifyError(`Could not interrupt the kernel: ${errorMessage(error)}`);
  }
}
