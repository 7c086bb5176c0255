import * as vscode from 'vscode';
import type { KernelStartMode } from '../core/kernel/fork/forkServers';

/** The extension's settings (contributed in package.json), read when needed so changes apply without a reload. */
export const settings = {
  /** How long an interrupted cell may keep running before a restart is offered. */
  interruptWaitMs(): number {
    return 1000 * vscode.workspace.getConfiguration('cellbridge').get<number>('interruptTimeoutSeconds', 5);
  },
  /** 0 means no cap. */
  maxStreamCharsPerCell(): number | undefined {
    const chars = vscode.workspace.getConfiguration('cellbridge').get<number>('output.maxStreamCharsPerCell', 10_000_000);
    return chars > 0 ? chars : undefined;
  },
  /** How Python kernels start (read at each start). */
  kernelStart(): KernelStartMode {
    return vscode.workspace.getConfiguration('cellbridge').get<string>('kernelStart', 'fork') === 'spawn' ? 'spawn' : 'fork';
  },
  /** One interactive window for all Python files, instead of one per file. */
  sharedInteractiveWindow(): boolean {
    return vscode.workspace.getConfiguration('cellbridge').get<string>('interactiveWindow.mode', 'perFile') === 'shared';
  },
  /** The Python extension's `python.defaultInterpreterPath`, with `${workspaceFolder}` and `~` resolved; undefined for its default. */
  pythonDefaultInterpreterPath(): string | undefined {
    const setting = vscode.workspace.getConfiguration('python').get<string>('defaultInterpreterPath');
    // Its default, `python`, names no particular interpreter.
    if (!setting || setting === 'python' || setting === 'python3') return undefined;
    const folder = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath ?? '';
    return setting.replaceAll('${workspaceFolder}', folder).replace(/^~(?=\/|$)/, process.env.HOME ?? '');
  },
};
