/** The edge between the pure output mapping and VS Code's notebook output objects. */
import * as vscode from 'vscode';
import type { Output } from '../core/outputs/nbformat';
import type { CellOutputWriter, OutputFactory } from './cellOutputWriter';
import { MappedItem, mapOutput } from './outputMapping';

function toOutputItems(items: readonly MappedItem[]): vscode.NotebookCellOutputItem[] {
  return items.map((item) => new vscode.NotebookCellOutputItem(item.data, item.mime));
}

function toCellOutput(source: Output): vscode.NotebookCellOutput {
  const mapped = mapOutput(source);
  return new vscode.NotebookCellOutput(toOutputItems(mapped.items), mapped.metadata);
}

/** How a CellOutputWriter makes VS Code's output objects. */
export const vscodeOutputFactory: OutputFactory<vscode.NotebookCellOutput, vscode.NotebookCellOutputItem> = {
  output: toCellOutput,
  items: (source) => toOutputItems(mapOutput(source).items),
  streamItem: (stream, text) => (stream === 'stderr' ? vscode.NotebookCellOutputItem.stderr(text) : vscode.NotebookCellOutputItem.stdout(text)),
};

export type VsCodeOutputWriter = CellOutputWriter<vscode.NotebookCellOutput, vscode.NotebookCellOutputItem>;
