import type * as vscode from 'vscode';
import type { Disposable } from '../core/common/disposable';
import type { Logger } from '../core/common/logger';
import { DocumentRunner } from '../core/execution/documentRunner';
import type { InputProvider } from '../core/execution/stdin';
import type { KernelHandle } from '../core/kernel/kernelHandle';
import type { KernelChoice } from './kernelChoice';
import { NotebookExecutions } from './notebookExecutions';

export interface NotebookSessionOptions {
  notebook: vscode.NotebookDocument;
  choice: KernelChoice;
  controller: vscode.NotebookController;
  launch: () => Promise<KernelHandle>;
  stdin: InputProvider;
  logger: Logger;
  /** Stream text each cell keeps; the rest is dropped and counted in a marker, so the window stays usable. */
  maxStreamCharsPerCell: number | undefined;
}

/**
 * One notebook attached to one kernel choice, as a Jupyter session attaches a document to a kernel: the
 * engine's runner for its cells, and the VS Code executions that show their runs.
 */
export class NotebookSession implements Disposable {
  readonly notebook: vscode.NotebookDocument;
  readonly choice: KernelChoice;
  readonly runner: DocumentRunner;
  readonly executions: NotebookExecutions;

  constructor(options: NotebookSessionOptions) {
    this.notebook = options.notebook;
    this.choice = options.choice;
    this.runner = new DocumentRunner({
      launch: options.launch,
      stopOnError: true,
      stdin: options.stdin,
      logger: options.logger,
      // The widget renderer draws Output widgets, with what they captured.
      captureOutputWidgets: true,
      // Only stream text is capped here: a notebook's displays and errors are what its own user asked for,
      // where the service's caps guard against code nobody has read.
      ...(options.maxStreamCharsPerCell === undefined ? {} : { outputLimits: { maxStreamCharsPerCell: options.maxStreamCharsPerCell } }),
    });
    this.executions = new NotebookExecutions(options.notebook, this.runner, options.controller, options.logger);
  }

  /** Ends the cells' executions and kills the kernel; resolves when nothing of it is left. */
  async shutdown(): Promise<void> {
    this.executions.dispose();
    // Without waiting for the kernel to agree: the notebook closed or moved to another kernel, and nothing it
    // could still say would be shown.
    await this.runner.stop('The kernel of this notebook was shut down.', 'stopped');
    this.runner.dispose();
  }

  /** Ends the cells' executions and kills the kernel at once. */
  dispose(): void {
    this.executions.dispose();
    this.runner.dispose();
  }
}
