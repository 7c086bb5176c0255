import * as vscode from 'vscode';
import type { Disposable } from '../core/common/disposable';
import { DisposableStore } from '../core/common/disposable';
import { Emitter } from '../core/common/emitter';
import { errorMessage } from '../core/common/errors';
import type { Logger } from '../core/common/logger';
import type { SessionStatus } from '../core/execution/kernelSession';
import type { InputProvider } from '../core/execution/stdin';
import type { KernelHandle } from '../core/kernel/kernelHandle';
import { steerCharts } from '../core/kernel/chartSteering';
import type { KernelLauncher } from '../core/kernel/kernelLauncher';
import type { KernelChoice } from './kernelChoice';
import { environmentKernelspecFor } from './environmentKernelspecs';
import type { ForkServers } from '../core/kernel/fork/forkServers';
import { findKernelspec, type Kernelspec } from '../core/kernel/kernelspec';
import { environmentKernelspec } from '../core/environments/environmentKernelspec';
import { NotebookSession } from './notebookSession';
import { placeOf } from './notebookPlace';
import { settings } from './settings';

export interface NotebookSessionsOptions {
  launcher: KernelLauncher;
  stdin: InputProvider;
  logger: Logger;
  maxStreamCharsPerCell: () => number | undefined;
  /** Where Python kernels are forked from, when kernels start that way (settings.kernelStart). */
  forkServers?: ForkServers;
}

export interface KernelStatusChange {
  readonly session: NotebookSession;
  readonly status: SessionStatus;
}

/**
 * The session of each open notebook: its kernel and its cells' runs. A notebook gets one when it first runs a
 * cell on a controller; picking another controller, closing the notebook, or removing the controller's server
 * shuts it down.
 */
export class NotebookSessions implements Disposable {
  private readonly sessions = new Map<vscode.NotebookDocument, { session: NotebookSession; subscriptions: DisposableStore }>();
  private readonly statusEmitter = new Emitter<KernelStatusChange>();
  private readonly diedEmitter = new Emitter<NotebookSession>();
  private readonly environmentEmitter = new Emitter<void>();
  private readonly openedEmitter = new Emitter<NotebookSession>();
  /** A notebook got a session (its first run on a controller, or another controller), before its kernel starts. */
  readonly onDidOpenSession = this.openedEmitter.event;
  /** An environment changed under us: ipykernel was installed into it to start a kernel. */
  readonly onDidChangeEnvironment = this.environmentEmitter.event;
  /** Any notebook's kernel changed state (starting, idle, busy, dead, notStarted). */
  readonly onDidChangeStatus = this.statusEmitter.event;
  /** A notebook's kernel died on its own (not shut down by us). */
  readonly onDidDie = this.diedEmitter.event;
  private readonly subscriptions = new DisposableStore();

  constructor(private readonly options: NotebookSessionsOptions) {
    this.subscriptions.add(vscode.workspace.onDidCloseNotebookDocument((notebook) => void this.shutdown(notebook, 'the notebook was closed')));
  }

  get(notebook: vscode.NotebookDocument): NotebookSession | undefined {
    return this.sessions.get(notebook)?.session;
  }

  /** The notebook's session on `choice`, created (its kernel is started by the first cell) if needed. */
  async getOrCreate(notebook: vscode.NotebookDocument, controller: vscode.NotebookController, choice: KernelChoice): Promise<NotebookSession> {
    const existing = this.sessions.get(notebook)?.session;
    if (existing?.choice.id === choice.id) return existing;
    if (existing) await this.shutdown(notebook, `switched to ${choice.label}`);
    const session = new NotebookSession({
      notebook,
      choice,
      controller,
      launch: () => this.launchWithProgress(notebook, choice),
      stdin: this.options.stdin,
      logger: this.options.logger,
      maxStreamCharsPerCell: this.options.maxStreamCharsPerCell(),
    });
    const subscriptions = new DisposableStore();
    subscriptions.add(
      session.runner.session.onDidChangeStatus((status) => {
        this.statusEmitter.fire({ session, status });
        // The kernel session says `dead` only for a kernel that died by itself: our shutdowns release it first.
        if (status === 'dead') this.diedEmitter.fire(session);
      }),
    );
    this.sessions.set(notebook, { session, subscriptions });
    this.openedEmitter.fire(session);
    this.statusEmitter.fire({ session, status: session.runner.session.status });
    return session;
  }

  /** Shuts down the notebook's kernel, if it has one. */
  async shutdown(notebook: vscode.NotebookDocument, why: string): Promise<void> {
    const entry = this.sessions.get(notebook);
    if (!entry) return;
    this.options.logger.info(`Shutting down kernel '${entry.session.choice.kernelName}' of ${notebook.uri.toString()}: ${why}`);
    this.sessions.delete(notebook);
    entry.subscriptions.dispose();
    this.statusEmitter.fire({ session: entry.session, status: 'notStarted' });
    await entry.session.shutdown().catch((error: unknown) => this.options.logger.warn(`Kernel shutdown failed: ${errorMessage(error)}`));
  }

  /** Shuts down every kernel whose choice matches (a controller went away). */
  async shutdownWhere(matches: (choice: KernelChoice) => boolean): Promise<void> {
    const gone = [...this.sessions.values()].filter((entry) => matches(entry.session.choice));
    await Promise.all(gone.map((entry) => this.shutdown(entry.session.notebook, 'its kernel source went away')));
  }

  async shutdownAll(): Promise<void> {
    await Promise.all([...this.sessions.keys()].map((notebook) => this.shutdown(notebook, 'VS Code is closing the extension')));
  }

  /**
   * Starts the fork server the notebook's kernel on `choice` would be forked from, so that its first Run
   * starts a kernel in a tenth of a second: called when a controller is selected for a notebook (on opening
   * it, too). Nothing for a server's kernel, a kernel that is not IPython's, or an environment still
   * without ipykernel (that would need the user's consent to install it).
   */
  prepareKernelStart(choice: KernelChoice): void {
    const forkServers = this.options.forkServers;
    if (!forkServers || choice.server || settings.kernelStart() !== 'fork') return;
    void this.localKernelspecOf(choice)
      .then((spec) => spec && forkServers.prepare(spec))
      .catch((error: unknown) => this.options.logger.debug(`No fork server prepared for ${choice.label}: ${errorMessage(error)}`));
  }

  private async localKernelspecOf(choice: KernelChoice): Promise<Kernelspec | undefined> {
    if (choice.spec) return choice.spec;
    if (choice.environment) return choice.environment.hasIpykernel ? environmentKernelspec(choice.environment) : undefined;
    return findKernelspec(choice.kernelName);
  }

  private async launchWithProgress(notebook: vscode.NotebookDocument, choice: KernelChoice): Promise<KernelHandle> {
    const { logger } = this.options;
    // A local kernel runs beside its notebook, as Jupyter does.
    const cwd = placeOf(notebook.uri).folder;
    const where = choice.server ? { server: choice.server.address } : cwd ? { cwd } : {};
    // An environment's kernel: may first need ipykernel, which the user is offered to install.
    const spec = choice.spec ?? (choice.environment && (await environmentKernelspecFor(choice.environment, logger, () => this.environmentEmitter.fire())));
    const title = `Starting kernel ${choice.label}${choice.server ? ` ${choice.description}` : ''}…`;
    return vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title }, async () => {
      logger.info(`Starting kernel ${choice.label} (${choice.kernelName}) for ${notebook.uri.toString()}`);
      const kernel = await this.options.launcher({ kernelName: choice.kernelName, ...where, ...(spec ? { spec } : {}) });
      // Before any cell: Altair and Plotly with default settings then send what CellBridge draws offline.
      await steerCharts(kernel, logger);
      return kernel;
    });
  }

  dispose(): void {
    this.subscriptions.dispose();
    for (const entry of this.sessions.values()) {
      entry.subscriptions.dispose();
      entry.session.dispose();
    }
    this.sessions.clear();
    this.statusEmitter.dispose();
    this.diedEmitter.dispose();
    this.environmentEmitter.dispose();
    this.openedEmitter.dispose();
  }
}
