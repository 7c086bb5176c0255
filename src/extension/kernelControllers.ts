import * as vscode from 'vscode';
import type { Disposable } from '../core/common/disposable';
import { DisposableStore } from '../core/common/disposable';
import { errorMessage } from '../core/common/errors';
import type { Logger } from '../core/common/logger';
import { EXTENSION_ID, INTERACTIVE_SUFFIX, KernelChoice, vscodeLanguageIdOf } from './kernelChoice';
import { preferredChoice, savedKernelspecOf } from './kernelPreference';
import { kernelspecDisplayNameOf, kernelspecNameOf, notebookLanguageOf, withKernelspec } from './notebookMetadata';
import { placeOf } from './notebookPlace';
import type { NotebookSessions } from './notebookSessions';
import type { InterruptHandler } from './interruptCommand';
import { notifyError } from './notify';

const NOTEBOOK_TYPES = [
  { type: 'jupyter-notebook', suffix: '' },
  { type: 'interactive', suffix: INTERACTIVE_SUFFIX },
] as const;

interface ControllerPair {
  /** Replaced when discovery finds the same kernel changed (an environment that gained ipykernel). */
  choice: KernelChoice;
  readonly controllers: vscode.NotebookController[];
  readonly subscriptions: DisposableStore;
}

/** workspaceState: the controller the user picked for each notebook, by the notebook's URI. */
const PICKS_KEY = 'cellbridge.pickedKernels.v1';

/**
 * One NotebookController per kernel choice and notebook type. Their execute handlers hand cells to the
 * notebook's kernel. Each notebook's preferred controller (kernelPreference.ts) is marked preferred and
 * selected for it, so Run needs no picker; a controller the user picks is remembered for that notebook.
 */
export class KernelControllers implements Disposable {
  private readonly pairs = new Map<string, ControllerPair>();
  private readonly subscriptions = new DisposableStore();
  /**
   * Controllers we asked VS Code to select for a notebook and it has not reported selected yet: when reported,
   * they are not the user's pick. (One skipped because another was already selected is never reported; a
   * later pick of that same controller by the user then goes unrecorded, which only leaves it preferred.)
   */
  private readonly requested = new Map<vscode.NotebookDocument, Set<string>>();
  /** The controller each notebook has selected, and whether the user picked it (or we did). */
  private readonly selection = new WeakMap<vscode.NotebookDocument, { controllerId: string; byUser: boolean }>();

  constructor(
    private readonly sessions: NotebookSessions,
    private readonly interrupt: InterruptHandler,
    private readonly picks: vscode.Memento,
    private readonly logger: Logger,
  ) {
    this.subscriptions.add(vscode.workspace.onDidOpenNotebookDocument((notebook) => this.updateAffinity(notebook)));
    // selectPreferred logs its own failure.
    this.subscriptions.add(vscode.window.onDidChangeActiveNotebookEditor((editor) => editor && void this.selectPreferred(editor.notebook)));
  }

  /** The choice a controller (by id) stands for. */
  choiceOf(controllerId: string): KernelChoice | undefined {
    return this.pairs.get(controllerId.endsWith(INTERACTIVE_SUFFIX) ? controllerId.slice(0, -INTERACTIVE_SUFFIX.length) : controllerId)?.choice;
  }

  /** The choice a .py file's interactive window starts on: as for a Python notebook beside the file. */
  choiceForFile(file: vscode.Uri): KernelChoice | undefined {
    return preferredChoice({ ...placeOf(file), language: 'python' }, this.choices());
  }

  controllerFor(choice: KernelChoice, notebookType: string): vscode.NotebookController | undefined {
    return this.pairs.get(choice.id)?.controllers.find((controller) => controller.notebookType === notebookType);
  }

  /**
   * Makes the controllers match `choices` for the choices `owns` claims (local ones, or one server's);
   * resolves once the active notebook has its preferred controller selected.
   */
  async sync(choices: readonly KernelChoice[], owns: (choice: KernelChoice) => boolean): Promise<void> {
    const wanted = new Map(choices.map((choice) => [choice.id, choice]));
    for (const [id, pair] of [...this.pairs]) {
      if (owns(pair.choice) && !wanted.has(id)) this.remove(id);
    }
    for (const choice of choices) {
      const pair = this.pairs.get(choice.id);
      if (pair) this.update(pair, choice);
      else this.add(choice);
    }
    for (const notebook of vscode.workspace.notebookDocuments) this.updateAffinity(notebook);
    const active = vscode.window.activeNotebookEditor;
    if (active) await this.selectPreferred(active.notebook); // logs its own failure
  }

  private add(choice: KernelChoice): void {
    const subscriptions = new DisposableStore();
    const controllers = NOTEBOOK_TYPES.map(({ type, suffix }) => {
      const controller = vscode.notebooks.createNotebookController(choice.id + suffix, type, choice.label);
      controller.description = choice.description;
      controller.supportedLanguages = [vscodeLanguageIdOf(choice.language)];
      controller.supportsExecutionOrder = true;
      controller.executeHandler = (cells, notebook, self) => this.execute(cells, notebook, self, choice.id);
      controller.interruptHandler = (notebook) => this.interrupt(notebook);
      subscriptions.add(controller);
      subscriptions.add(
        controller.onDidChangeSelectedNotebooks(({ notebook, selected }) => {
          if (selected) {
            this.sessions.prepareKernelStart(choice);
            return this.selected(notebook, controller.id, choice.id);
          }
          // Whatever is selected now (maybe another extension's controller) was not selected by us.
          if (this.selection.get(notebook)?.controllerId === controller.id) this.selection.delete(notebook);
          // Another controller was picked: this one's kernel for the notebook is of no more use.
          // shutdown() logs a failed shutdown itself.
          if (this.sessions.get(notebook)?.choice.id === choice.id) void this.sessions.shutdown(notebook, 'another kernel was selected');
        }),
      );
      return controller;
    });
    this.pairs.set(choice.id, { choice, controllers, subscriptions });
  }

  private update(pair: ControllerPair, choice: KernelChoice): void {
    pair.choice = choice;
    for (const controller of pair.controllers) {
      controller.label = choice.label;
      controller.description = choice.description;
    }
  }

  /** A pick of ours is expected; any other selection is the user's, and is remembered for the notebook. */
  private selected(notebook: vscode.NotebookDocument, controllerId: string, choiceId: string): void {
    const ours = this.requested.get(notebook)?.delete(controllerId) ?? false;
    this.selection.set(notebook, { controllerId, byUser: !ours });
    if (ours) return;
    const picks = { ...this.picks.get<Record<string, string>>(PICKS_KEY, {}), [notebook.uri.toString()]: choiceId };
    // A failed write only forgets the pick; the selection itself stands.
    this.picks.update(PICKS_KEY, picks).then(undefined, (error: unknown) => this.logger.warn(`Could not remember the kernel pick: ${errorMessage(error)}`));
  }

  private remove(id: string): void {
    const pair = this.pairs.get(id);
    if (!pair) return;
    this.pairs.delete(id);
    void this.sessions.shutdownWhere((choice) => choice.id === id); // each failed shutdown is logged inside
    pair.subscriptions.dispose();
  }

  private async execute(cells: vscode.NotebookCell[], notebook: vscode.NotebookDocument, controller: vscode.NotebookController, choiceId: string): Promise<void> {
    try {
      const choice = this.pairs.get(choiceId)?.choice;
      if (!choice) throw new Error('this kernel is no longer available; pick another one.');
      const session = await this.sessions.getOrCreate(notebook, controller, choice);
      const recorded = this.recordKernel(notebook, choice);
      await session.executions.execute(cells);
      await recorded;
    } catch (error) {
      this.logger.error(`Could not run cells of ${notebook.uri.toString()}: ${errorMessage(error)}`);
      notifyError(`CellBridge could not run the cells: ${errorMessage(error)}`);
    }
  }

  /** The notebook's saved kernelspec says what it runs on, as Jupyter's does (for a notebook file, not a window). */
  private async recordKernel(notebook: vscode.NotebookDocument, choice: KernelChoice): Promise<void> {
    if (notebook.notebookType !== 'jupyter-notebook') return;
    const metadata = withKernelspec(notebook, savedKernelspecOf(choice));
    if (!metadata) return;
    const edit = new vscode.WorkspaceEdit();
    edit.set(notebook.uri, [vscode.NotebookEdit.updateNotebookMetadata(metadata)]);
    if (!(await vscode.workspace.applyEdit(edit))) this.logger.warn(`VS Code did not record the kernel in ${notebook.uri.toString()}'s metadata.`);
  }

  private choices(): KernelChoice[] {
    return [...this.pairs.values()].map((pair) => pair.choice);
  }

  private preferredFor(notebook: vscode.NotebookDocument): KernelChoice | undefined {
    const language = notebookLanguageOf(notebook);
    const kernelspecName = kernelspecNameOf(notebook);
    const kernelspecDisplayName = kernelspecDisplayNameOf(notebook);
    const rememberedChoiceId = this.picks.get<Record<string, string>>(PICKS_KEY, {})[notebook.uri.toString()];
    return preferredChoice(
      {
        ...placeOf(notebook.uri),
        ...(language ? { language } : {}),
        ...(kernelspecName ? { kernelspecName } : {}),
        ...(kernelspecDisplayName ? { kernelspecDisplayName } : {}),
        ...(rememberedChoiceId ? { rememberedChoiceId } : {}),
      },
      this.choices(),
    );
  }

  private updateAffinity(notebook: vscode.NotebookDocument): void {
    const preferred = this.preferredFor(notebook);
    for (const { choice, controllers } of this.pairs.values()) {
      const controller = controllers.find((c) => c.notebookType === notebook.notebookType);
      if (!controller || choice.server) continue;
      const isPreferred = choice.id === preferred?.id;
      controller.updateNotebookAffinity(notebook, isPreferred ? vscode.NotebookControllerAffinity.Preferred : vscode.NotebookControllerAffinity.Default);
    }
    if (preferred) this.logger.info(`${notebook.uri.toString()} prefers kernel ${preferred.label}`);
  }

  /**
   * VS Code 1.100 runs a notebook on its selected kernel, else on the only kernel there is, else it opens the
   * picker: a preferred affinity alone does not spare the picker. So the active notebook's preferred
   * controller is selected for it, unless the user picked one. A pick of ours gives way to a better one
   * found later (discovery finished after the notebook opened) while no kernel runs for the notebook yet.
   */
  private async selectPreferred(notebook: vscode.NotebookDocument): Promise<void> {
    const choice = this.preferredFor(notebook);
    const controller = choice && this.controllerFor(choice, notebook.notebookType);
    if (!controller || vscode.window.activeNotebookEditor?.notebook !== notebook) return;
    const current = this.selection.get(notebook);
    const requested = this.requested.get(notebook) ?? new Set<string>();
    if (current && (current.byUser || this.sessions.get(notebook))) return;
    if (current?.controllerId === controller.id && requested.size === 0) return;
    requested.add(controller.id);
    this.requested.set(notebook, requested);
    // What VS Code restored for the notebook stays; a pick of ours, made or still on its way, gives way.
    const replacesOurs = current !== undefined || requested.size > 1;
    try {
      await vscode.commands.executeCommand('notebook.selectKernel', { id: controller.id, extension: EXTENSION_ID, skipIfAlreadySelected: !replacesOurs });
    } catch (error) {
      this.logger.warn(`Could not select kernel ${choice.label} for ${notebook.uri.toString()}: ${errorMessage(error)}`);
    }
  }

  dispose(): void {
    this.subscriptions.dispose();
    for (const pair of this.pairs.values()) pair.subscriptions.dispose();
    this.pairs.clear();
  }
}
