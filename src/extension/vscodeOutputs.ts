/** The edge between the pure output mapping and VS Code's notebook output objects. */
import * as vscode from 'vscode';
import type { Output } from '../core/outputs/nbformat';
import { MappedItem, mapOutput } from './outputMapping';

export function toOutputItems(items: readonly MappedItem[]): vscode.NotebookCellOutputItem[] {
  return items.map((item) => new vscode.NotebookCellOutputItem(item.data, item.mime));
}

export function toCellOutput(output: Output): vscode.NotebookCellOutput {
  const mapped = mapOutput(output);
  return new vscode.NotebookCellOutput(toOutputItems(mapped.items), mapped.metadata);
}
