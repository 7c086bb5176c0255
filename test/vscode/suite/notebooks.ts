/** What the in-host tests do to notebooks, the way a person's clicks would: through VS Code's commands. */
import * as assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import * as vscode from 'vscode';
import { FORK_SERVER_MARKER } from '../../../src/core/kernel/fork/forkServer';

export const EXTENSION_ID = 'cellbridge.cellbridge';
export const PYTHON_CONTROLLER = 'cellbridge.kernelspec.python3';
export const ERROR_MIME = 'application/vnd.code.notebook.error';
export const STDOUT_MIME = 'application/vnd.code.notebook.stdout';
export const STDERR_MIME = 'application/vnd.code.notebook.stderr';

export function workspaceUri(name: string): vscode.Uri {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, 'the test workspace is open');
  return vscode.Uri.joinPath(folder.uri, name);
}

/**
 * Opens the notebook in an editor as the Explorer does. (workspace.openNotebookDocument would also hold the
 * document open for the extension host for minutes after its editor closes, hiding when it really closes.)
 */
export async function openNotebook(name: string): Promise<vscode.NotebookDocument> {
  const uri = workspaceUri(name);
  await vscode.commands.executeCommand('vscode.openWith', uri, 'jupyter-notebook');
  const notebook = await waitFor(() => vscode.window.activeNotebookEditor?.notebook.uri.toString() === uri.toString() && vscode.window.activeNotebookEditor.notebook, `${name} to open`, 20_000);
  // Opening the notebook activates CellBridge; its controllers exist once activate() has returned.
  const extension = vscode.extensions.getExtension(EXTENSION_ID);
  assert.ok(extension, 'CellBridge is loaded in this VS Code');
  await extension.activate();
  return notebook;
}

/** Picks a controller for the active notebook, as the kernel picker does. */
export async function selectController(id = PYTHON_CONTROLLER): Promise<void> {
  await vscode.commands.executeCommand('notebook.selectKernel', { id, extension: EXTENSION_ID });
}

export async function waitFor<T>(probe: () => T | undefined | false, what: string | (() => string), timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${typeof what === 'string' ? what : what()}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** True once the cell's execution that began after `since` has ended. */
export function endedSince(cell: vscode.NotebookCell, since: number): boolean {
  const end = cell.executionSummary?.timing?.endTime;
  return end !== undefined && end >= since;
}

/** Runs cells (by index) through the notebook's run command and waits until those in `waitFor` have ended. */
export async function runCells(notebook: vscode.NotebookDocument, indexes: number[], waitOn: number[] = indexes, timeoutMs = 60_000): Promise<number> {
  const since = Date.now();
  await vscode.commands.executeCommand('notebook.cell.execute', {
    ranges: indexes.map((index) => ({ start: index, end: index + 1 })),
    document: notebook.uri,
  });
  await waitFor(() => waitOn.every((index) => endedSince(notebook.cellAt(index), since)), () => `cells ${waitOn.join(', ')} to end; ${describeCells(notebook, since)}`, timeoutMs);
  return since;
}

/** The state of every cell, for a failure message. */
export function describeCells(notebook: vscode.NotebookDocument, since: number): string {
  const states = notebook.getCells().map((cell) => {
    const summary = cell.executionSummary;
    const timing = summary?.timing ? `${summary.timing.startTime - since}..${summary.timing.endTime - since} ms` : 'no timing';
    return `cell ${cell.index}: order ${summary?.executionOrder}, success ${summary?.success}, ${timing}, ${cell.outputs.length} outputs`;
  });
  return `run began at ${since}; ${states.join('; ')}`;
}

export async function runAll(notebook: vscode.NotebookDocument, waitOn: number[], timeoutMs = 60_000): Promise<number> {
  const since = Date.now();
  await vscode.commands.executeCommand('notebook.execute', notebook.uri);
  await waitFor(() => waitOn.every((index) => endedSince(notebook.cellAt(index), since)), () => `cells ${waitOn.join(', ')} to end; ${describeCells(notebook, since)}`, timeoutMs);
  return since;
}

const decoder = new TextDecoder();

export function text(item: vscode.NotebookCellOutputItem): string {
  return decoder.decode(item.data);
}

/** All text of one MIME type in a cell, items joined as VS Code's renderer joins stream items. */
export function textOf(cell: vscode.NotebookCell, mime: string): string {
  return cell.outputs.flatMap((output) => output.items.filter((item) => item.mime === mime).map(text)).join('');
}

export function mimesOf(output: vscode.NotebookCellOutput): string[] {
  return output.items.map((item) => item.mime);
}

export interface ShownError {
  name: string;
  message: string;
  stack: string;
}

/** Every error output of the cell, in order. */
export function errorsOf(cell: vscode.NotebookCell): ShownError[] {
  return cell.outputs.flatMap((output) => output.items.filter((i) => i.mime === ERROR_MIME).map((item) => JSON.parse(text(item)) as ShownError));
}

export function errorOf(cell: vscode.NotebookCell): ShownError | undefined {
  return errorsOf(cell)[0];
}

/**
 * Closes every editor, saving first: a dirty editor would stop the close with a "save changes?" dialog.
 * What is saved is the run's own copy of the workspace, never the fixtures.
 */
export async function closeAllEditors(): Promise<void> {
  await vscode.commands.executeCommand('workbench.action.files.saveAll');
  await vscode.commands.executeCommand('workbench.action.closeAllEditors');
}

/** Answers (accept) or dismisses the input box a cell's input() opens, once it is there. */
export async function answerInputBox(how: 'accept' | 'dismiss', until: () => boolean): Promise<void> {
  const command = how === 'accept' ? 'workbench.action.acceptSelectedQuickOpenItem' : 'workbench.action.closeQuickOpen';
  // The API cannot see the quick input; repeating the command until the cell moves on is harmless.
  for (let i = 0; i < 300 && !until(); i++) {
    await vscode.commands.executeCommand(command);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  assert.ok(until(), `the cell got past input() (${how})`);
}

/** Kernel processes this extension host started: its children running ipykernel, and the children of its fork servers. */
/** A process as a failure message names it: pid, parent and command line. */
export function describeProcess(pid: number): string {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const parent = stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1];
    return `${pid} (parent ${parent}): ${readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ').slice(0, 300)}`;
  } catch {
    return `${pid} (gone)`;
  }
}

export function childKernelPids(): number[] {
  const processes: Array<{ pid: number; parent: number; cmdline: string }> = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const parent = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      processes.push({ pid: Number(entry), parent, cmdline: readFileSync(`/proc/${entry}/cmdline`, 'utf8') });
    } catch {
      // The process ended while being read.
    }
  }
  // A kernel is spawned by the extension host, or forked by one of its fork servers (whose command line it keeps).
  const forkServers = new Set(processes.filter((p) => p.parent === process.pid && p.cmdline.includes(FORK_SERVER_MARKER)).map((p) => p.pid));
  return processes
    .filter((p) => (p.parent === process.pid && p.cmdline.includes('ipykernel_launcher') && !p.cmdline.includes(FORK_SERVER_MARKER)) || forkServers.has(p.parent))
    .map((p) => p.pid);
}
