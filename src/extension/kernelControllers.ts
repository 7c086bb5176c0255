import * as vscode from 'vscode';
import type { Disposable } from '../core/common/disposable';
import { DisposableStore } from '../core/common/disposable';
import { errorMessage } from '../core/common/errors';
import type { Logger } from '../core/common/logger';
import { EXTENSION_ID, INTERACTIVE_SUFFIX, KernelChoice, vscodeLanguageIdOf } from './kernelChoice';
import { kernelspecNameOf, notebookLanguageOf } from './notebookMetadata';
import type { NotebookSessions } from './notebookSessions';
import type { InterruptHandler } from './interruptCommand';
import { notifyError } from './notify';

const NOTEBOOK_TYPES = [
  { type: 'jupyter-notebook', suffix: '' },
  { type: 'interactive', suffix: INTERACTIVE_SUFFIX },
] as const;

interface ControllerPair {
  readonly choice: KernelChoice;
  readonly controllers: vscode.NotebookController[];
  readonly subscriptions: DisposableStore;
}

/**
 * One NotebookController per kernel choice and notebook type. Their execute handlers hand cells to the
 * notebook's kernel; a notebook whose metadata names a kernelspec gets that controller as preferred.
 */
export class KernelControllers implements Disposable {
  private readonly pairs = new Map<string, ControllerPair>();
  private readonly subscriptions = new DisposableStore();

  constructor(private readonly sessions: NotebookSessions, private readonly interrupt: InterruptHandler, private readonly logger: Logger) {
    this.subscriptions.add(vscode.workspace.onDidOpenNotebookDocument((notebook) => this.updateAffinity(notebook)));
    // selectPreferred logs its own failure.
    this.subscriptions.add(vscode.window.onDidChangeActiveNotebookEditor((editor) => editor && void this.selectPreferred(editor.notebook)));
  }

  /** The choice a controller (by id) stands for. */
  choiceOf(controllerId: string): KernelChoice | undefined {
    return this.pairs.get(controllerId.endsWith(INTERACTIVE_SUFFIX) ? controllerId.slice(0, -INTERACTIVE_SUFFIX.length) : controllerId)?.choice;
  }

  /** The local kernelspec choice of that name, if it was found. */
  localChoice(kernelName: string): KernelChoice | undefined {
    return [...this.pairs.values()].find((pair) => !pair.choice.server && pair.choice.kernelName === kernelName)?.choice;
  }

  controllerFor(choice: KernelChoice, notebookType: string): vscode.NotebookController | undefined {
    return this.pairs.get(choice.id)?.controllers.find((controller) => controller.notebookType === notebookType);
  }

  /** Makes the controllers match `choices` for the choices `owns` claims (local ones, or one server's). */
  sync(choices: readonly KernelChoice[], owns: (choice: KernelChoice) => boolean): void {
    const wanted = new Map(choices.map((choice) => [choice.id, choice]));
    for (const [id, pair] of [...this.pairs]) {
      if (owns(pair.choice) && !wanted.has(id)) this.remove(id);
    }
    for (const choice of choices) if (!this.pairs.has(choice.id)) this.add(choice);
    for (const notebook of vscode.workspace.notebookDocuments) this.updateAffinity(notebook);
    const active = vscode.window.activeNotebookEditor;
    if (active) void this.selectPreferred(active.notebook); // logs its own failure
  }

  private add(choice: KernelChoice): void {
    const subscriptions = new DisposableStore();
    const controllers = NOTEBOOK_TYPES.map(({ type, suffix }) => {
      const controller = vscode.notebooks.createNotebookController(choice.id + suffix, type, choice.label);
      controller.description = choice.description;
      controller.supportedLanguages = [vscodeLanguageIdOf(choice.language)];
      controller.supportsExecutionOrder = true;
      controller.executeHandler = (cells, notebook, self) => this.execute(cells, notebook, self, choice);
      controller.interruptHandler = (notebook) => this.interrupt(notebook);
      subscriptions.add(controller);
      subscriptions.add(
        controller.onDidChangeSelectedNotebooks(({ notebook, selected }) => {
          // Another controller was picked: this one's kernel for the notebook is of no more use.
          // shutdown() logs a failed shutdown itself.
          if (!selected && this.sessions.get(notebook)?.choice.id === choice.id) void this.sessions.shutdown(notebook, 'another kernel was selected');
        }),
      );
      return controller;
    });
    this.pairs.set(choice.id, { choice, controllers, subscriptions });
  }

  private remove(id: string): void {
    const pair = this.pairs.get(id);
    if (!pair) return;
    this.pairs.delete(id);
    void this.sessions.shutdownWhere((choice) => choice.id === id); // each failed shutdown is logged inside
    pair.subscriptions.dispose();
  }

  private async execute(cells: vscode.NotebookCell[], notebook: vscode.NotebookDocument, controller: vscode.NotebookController, choice: KernelChoice): Promise<void> {
    try {
      const session = await this.sessions.getOrCreate(notebook, controller, choice);
      await session.executions.execute(cells);
    } catch (error) {
      this.logger.error(`Could not run cells of ${notebook.uri.toString()}: ${errorMessage(error)}`);
      notifyError(`CellBridge could not run the cells: ${errorMessage(error)}`);
    }
  }

  /** The saved kernelspec's controller is preferred (for a notebook saved without one but in Python, python3's). */
  private updateAffinity(notebook: vscode.NotebookDocument): void {
    const name = preferredKernelName(notebook);
    for (const { choice, controllers } of this.pairs.values()) {
      const controller = controllers.find((c) => c.notebookType === notebook.notebookType);
      if (!controller || choice.server) continue;
      const preferred = choice.kernelName === name;
      controller.updateNotebookAffinity(notebook, preferred ? vscode.NotebookControllerAffinity.Preferred : vscode.NotebookControllerAffinity.Default);
      if (preferred) this.logger.info(`${notebook.uri.toString()} prefers kernel '${choice.kernelName}'`);
    }
  }

  /**
   * VS Code 1.100 runs a notebook on its selected kernel, else on the only kernel there is, else it opens the
   * picker: a preferred affinity alone does not spare the picker. So the active notebook's preferred
   * controller is selected for it, unless something (the user) already selected one.
   */
  private async selectPreferred(notebook: vscode.NotebookDocument): Promise<void> {
    const name = preferredKernelName(notebook);
    const choice = name === undefined ? undefined : this.localChoice(name);
    const controller = choice && this.controllerFor(choice, notebook.notebookType);
    if (!controller || vscode.window.activeNotebookEditor?.notebook !== notebook) return;
    try {
      await vscode.commands.executeCommand('notebook.selectKernel', { id: controller.id, extension: EXTENSION_ID, skipIfAlreadySelected: true });
    } catch (error) {
      this.logger.warn(`Could not select kernel '${name}' for ${notebook.uri.toString()}: ${errorMessage(error)}`);
    }
  }

  dispose(): void {
    this.subscriptions.dispose();
    for (const pair of this.pairs.values()) pair.subscriptions.dispose();
    this.pairs.clear();
  }
}

function preferredKernelName(notebook: vscode.NotebookDocument): string | undefined {
  return kernelspecNameOf(notebook) ?? (notebookLanguageOf(notebook) === 'python' ? 'python3' : undefined);
}
