/**
 * The `text/plain` of a notebook output, for a chart renderer that cannot draw it (renderers/charts/chartProblem.ts).
 * The renderer sees only its own item; the notebook document has every item of the output.
 */
import * as vscode from 'vscode';

const decoder = new TextDecoder();

/**
 * The output's id, the one its renderer's items carry. VS Code's extension host gives every `NotebookCellOutput`
 * it hands out the main side's output id, but the published API types leave the field out.
 */
function idOf(output: vscode.NotebookCellOutput): unknown {
  return (output as { id?: unknown }).id;
}

export function fallbackTextOf(notebook: vscode.NotebookDocument, outputId: string): string | undefined {
  for (const cell of notebook.getCells()) {
    const output = cell.outputs.find((candidate) => idOf(candidate) === outputId);
    if (!output) continue;
    const text = output.items.find((item) => item.mime === 'text/plain');
    return text ? decoder.decode(text.data) : undefined;
  }
  return undefined;
}
