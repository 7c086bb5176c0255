/**
 * The extension's side of the chart renderers' messaging (renderers/charts/chartMessages.ts): saving an image
 * where the user picks, and answering a renderer that asks for an output's text fallback.
 */
import * as vscode from 'vscode';
import { chartMessageOf, type FallbackTextReply } from '../../renderers/charts/chartMessages';
import { errorMessage } from '../core/common/errors';
import type { Logger } from '../core/common/logger';
import { fallbackTextOf } from './chartFallbackText';
import { saveChart } from './chartSaving';

/** The renderers that talk to the extension (package.json contributes them with `requiresMessaging: optional`). */
export const CHART_RENDERER_IDS = ['cellbridge.plotly', 'cellbridge.vega', 'cellbridge.geojson', 'cellbridge.table'] as const;

export function registerChartMessaging(logger: Logger): vscode.Disposable {
  const subscriptions = CHART_RENDERER_IDS.map((id) => {
    const messaging = vscode.notebooks.createRendererMessaging(id);
    return messaging.onDidReceiveMessage(({ editor, message }) => {
      const received = chartMessageOf(message);
      switch (received?.type) {
        case 'saveChart':
          void saveChart(editor.notebook, received).catch((error: unknown) => {
            logger.error(`Saving a chart failed: ${errorMessage(error)}`);
            void vscode.window.showErrorMessage(`CellBridge could not save the chart: ${errorMessage(error)}`);
          });
          return;
        case 'fallbackText': {
          const text = fallbackTextOf(editor.notebook, received.outputId);
          const reply: FallbackTextReply = { type: 'fallbackText', outputId: received.outputId, ...(text !== undefined ? { text } : {}) };
          void messaging.postMessage(reply, editor);
          return;
        }
        case undefined:
          return;
      }
    });
  });
  return vscode.Disposable.from(...subscriptions);
}
