/**
 * Saves a chart's image for the chart renderers (renderers/charts/saveChart.ts): a notebook webview cannot
 * download, so a renderer posts the image here, and the user picks where it goes, as with any Save As.
 */
import * as vscode from 'vscode';
import * as path from 'node:path';
import { chartFileName, type ImageFormat, type SaveChartMessage } from '../../renderers/charts/chartMessages';
import { placeOf } from './notebookPlace';

const FORMATS: Record<ImageFormat, { filter: string }> = { png: { filter: 'PNG image' }, svg: { filter: 'SVG image' } };

export async function saveChart(notebook: vscode.NotebookDocument, message: SaveChartMessage): Promise<void> {
  const folder = placeOf(notebook.uri).folder;
  const name = chartFileName(message.name, message.format);
  const target = await vscode.window.showSaveDialog({
    ...(folder ? { defaultUri: vscode.Uri.file(path.join(folder, name)) } : {}),
    filters: { [FORMATS[message.format].filter]: [message.format] },
    title: `Save chart as ${message.format.toUpperCase()}`,
  });
  if (!target) return;
  await vscode.workspace.fs.writeFile(target, Buffer.from(message.data, 'base64'));
}
