/**
 * Saves a chart's image for the chart renderers (renderers/charts/saveChart.ts): a notebook webview cannot
 * download, so a renderer posts the image here, and the user picks where it goes, as with any Save As.
 */
import * as vscode from 'vscode';
import * as path from 'node:path';
import { chartFileName, type ImageFormat, type SaveChartMessage } from '../../renderers/charts/saveChartMessage';
import { errorMessage } from '../core/common/errors';
import type { Logger } from '../core/common/logger';
import { placeOf } from './notebookPlace';

/** The renderers that offer saving (package.json contributes them with messaging). */
export const CHART_RENDERER_IDS = ['cellbridge.plotly', 'cellbridge.vega', 'cellbridge.geojson'] as const;

const FORMATS: Record<ImageFormat, { filter: string }> = { png: { filter: 'PNG image' }, svg: { filter: 'SVG image' } };

function isSaveChartMessage(message: unknown): message is SaveChartMessage {
  if (typeof message !== 'object' || message === null) return false;
  const { type, format, name, data } = message as Record<string, unknown>;
  return type === 'saveChart' && (format === 'png' || format === 'svg') && typeof name === 'string' && typeof data === 'string';
}

export function registerChartSaving(logger: Logger): vscode.Disposable {
  const subscriptions = CHART_RENDERER_IDS.map((id) =>
    vscode.notebooks.createRendererMessaging(id).onDidReceiveMessage(({ editor, message }) => {
      if (!isSaveChartMessage(message)) return;
      void save(editor.notebook, message).catch((error: unknown) => {
        logger.error(`Saving a chart failed: ${errorMessage(error)}`);
        void vscode.window.showErrorMessage(`CellBridge could not save the chart: ${errorMessage(error)}`);
      });
    }),
  );
  return vscode.Disposable.from(...subscriptions);
}

async function save(notebook: vscode.NotebookDocument, message: SaveChartMessage): Promise<void> {
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
