import * as path from 'node:path';
import * as vscode from 'vscode';

/**
 * Where a notebook (or a .py file) sits on disk: its folder, where its kernel runs and its project's
 * environments are looked for, and the workspace folder holding it. An untitled notebook or an interactive
 * window belongs to the first workspace folder.
 */
export function placeOf(uri: vscode.Uri): { folder?: string; workspaceFolder?: string } {
  if (uri.scheme !== 'file') {
    const first = vscode.workspace.workspaceFolders?.[0]?.uri;
    return first?.scheme === 'file' ? { folder: first.fsPath, workspaceFolder: first.fsPath } : {};
  }
  const workspaceFolder = vscode.workspace.getWorkspaceFolder(uri)?.uri;
  return { folder: path.dirname(uri.fsPath), ...(workspaceFolder?.scheme === 'file' ? { workspaceFolder: workspaceFolder.fsPath } : {}) };
}
