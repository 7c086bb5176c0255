import * as vscode from 'vscode';

/**
 * Messages to the user that nothing waits on. VS Code's promise settles when the message is dismissed and does
 * not reject, so each is shown and left, on purpose, without a handler.
 */
export function notifyError(message: string): void {
  void vscode.window.showErrorMessage(message);
}

export function notifyInfo(message: string): void {
  void vscode.window.showInformationMessage(message);
}
