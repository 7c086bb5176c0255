import * as vscode from 'vscode';
import { InputCancelledError } from '../core/common/errors';
import type { InputProvider } from '../core/execution/stdin';

/**
 * A cell's `input()` asks through an input box that stays open when focus moves (the answer may need
 * looking up); a password prompt is masked. Dismissing it stops the cell with a clear error, never a hang.
 */
export const inputBoxProvider: InputProvider = async (request, token) => {
  const answer = await vscode.window.showInputBox(
    {
      title: 'The running cell asks for input',
      prompt: request.prompt.trim() || 'input()',
      password: request.password,
      ignoreFocusOut: true,
    },
    token,
  );
  if (answer === undefined) throw new InputCancelledError(request.prompt);
  return answer;
};
