import * as vscode from 'vscode';
import { DisposableStore, type Disposable } from '../core/common/disposable';
import { errorMessage } from '../core/common/errors';
import type { Logger } from '../core/common/logger';
import { findEnvironments } from '../core/environments/findEnvironments';
import { environmentLabel, type PythonEnvironment } from '../core/environments/pythonEnvironment';
import { findKernelspecs } from '../core/kernel/kernelspec';
import { kernelspecsCarriedBy } from '../core/environments/kernelspecsInEnvironment';
import { carriedKernelChoice, environmentKernelChoice, KernelChoice, localKernelChoice } from './kernelChoice';
import type { KernelControllers } from './kernelControllers';
import { configuredInterpreters } from './configuredInterpreters';
import { placeOf } from './notebookPlace';

const CACHE_KEY = 'cellbridge.localKernels.v1';

interface Found {
  /** Jupyter's kernelspecs, then those environments carry. */
  kernelspecs: KernelChoice[];
  environments: PythonEnvironment[];
}

/**
 * The local kernels offered as controllers: the kernelspecs Jupyter would find and the Python environments of
 * the workspace and the machine. What was found last time is offered at once, so that a Run pressed just
 * after opening a notebook finds its kernel; discovery then refreshes in the background (files only, no
 * Python started), again when folders or notebooks open, and on "Refresh Local Kernels".
 */
export class LocalKernels implements Disposable {
  private readonly subscriptions = new DisposableStore();
  private readonly searched = new Set<string>();
  private refreshing: Promise<void> | undefined;
  private again = false;

  constructor(private readonly memento: vscode.Memento, private readonly controllers: KernelControllers, private readonly logger: Logger) {
    this.subscriptions.add(vscode.workspace.onDidChangeWorkspaceFolders(() => this.refreshInBackground()));
    this.subscriptions.add(
      vscode.workspace.onDidOpenNotebookDocument((notebook) => {
        const folder = placeOf(notebook.uri).folder;
        if (folder && !this.searched.has(folder)) this.refreshInBackground();
      }),
    );
  }

  /** Offers what was found last time; false on a first start, when nothing was. */
  restore(): boolean {
    const cached = this.memento.get<Found>(CACHE_KEY);
    // Selecting the active notebook's kernel from the cache is not waited for; offer() logs its failures.
    if (cached) void this.offer(cached);
    return cached !== undefined;
  }

  /** Finds the kernels again and offers them; runs once more if asked again meanwhile. */
  async refresh(): Promise<void> {
    if (this.refreshing) {
      this.again = true;
      return this.refreshing;
    }
    this.refreshing = this.discoverUntilSettled().finally(() => (this.refreshing = undefined));
    return this.refreshing;
  }

  private refreshInBackground(): void {
    // refresh() logs its own failures.
    void this.refresh();
  }

  private async discoverUntilSettled(): Promise<void> {
    do {
      this.again = false;
      try {
        const started = Date.now();
        const found = await this.discover();
        await this.offer(found);
        await this.memento.update(CACHE_KEY, found);
        const names = [...found.kernelspecs.map((c) => c.kernelName), ...found.environments.map(environmentLabel)];
        this.logger.info(`Local kernels (${Date.now() - started} ms): ${names.join(', ') || 'none found'}`);
      } catch (error) {
        this.logger.error(`Could not list local kernels: ${errorMessage(error)}`);
      }
    } while (this.again);
  }

  private async discover(): Promise<Found> {
    const projectFolders = this.projectFolders();
    const [specs, environments] = await Promise.all([
      findKernelspecs(),
      configuredInterpreters(this.logger).then((configured) => findEnvironments({ projectFolders, configured, askConda: true })),
    ]);
    for (const folder of projectFolders) this.searched.add(folder);
    const carried = await kernelspecsCarriedBy(environments, specs);
    return { kernelspecs: [...specs.map(localKernelChoice), ...carried.map(carriedKernelChoice)], environments };
  }

  /** The workspace folders and the folders of open notebooks: where a project's environments live. */
  private projectFolders(): string[] {
    const folders = (vscode.workspace.workspaceFolders ?? []).flatMap((folder) => (folder.uri.scheme === 'file' ? [folder.uri.fsPath] : []));
    for (const notebook of vscode.workspace.notebookDocuments) {
      const folder = placeOf(notebook.uri).folder;
      if (folder) folders.push(folder);
    }
    return [...new Set(folders)];
  }

  private offer(found: Found): Promise<void> {
    return this.controllers.sync([...found.kernelspecs, ...found.environments.map(environmentKernelChoice)], (choice) => !choice.server);
  }

  dispose(): void {
    this.subscriptions.dispose();
  }
}
