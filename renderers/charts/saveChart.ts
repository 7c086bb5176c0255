/**
 * "Save as PNG" and "Save as SVG" for a drawn chart. A notebook webview cannot download files, so the renderer
 * hands the image to the extension (renderer messaging), which asks where to save it and writes it. The
 * buttons sit above the chart's top right corner and show while the pointer is over the chart.
 */
import { injectStylesOnce } from '../injectStyles';
import type { RendererContext } from '../rendererApi';
import { type ImageFormat, type SaveChartMessage } from './chartMessages';

export { dataUrlToBase64, textToBase64, type ImageFormat, type SaveChartMessage } from './chartMessages';

const STYLE_ID = 'cellbridge-chart-save-styles';
const STYLES = `
.cellbridge-chart { position: relative; }
.cellbridge-chart-save { position: absolute; top: 0; right: 0; z-index: 10; display: none; gap: 4px; }
.cellbridge-chart:hover .cellbridge-chart-save, .cellbridge-chart-save:focus-within { display: flex; }
.cellbridge-chart-save button { font: inherit; font-size: 11px; padding: 1px 6px; cursor: pointer; color: var(--vscode-button-secondaryForeground); background: var(--vscode-button-secondaryBackground); border: 1px solid var(--vscode-button-border, transparent); border-radius: 2px; }
.cellbridge-chart-save button:hover { background: var(--vscode-button-secondaryHoverBackground); }
`;

/**
 * Wraps `chart` (already in the output element) in a container with the two buttons. `exportImage` gives the
 * image of the chart as drawn now, base64. Without the extension (no messaging), no buttons.
 */
export function addSaveButtons(context: RendererContext, chart: HTMLElement, name: string, exportImage: (format: ImageFormat) => Promise<string>): void {
  const postMessage = context.postMessage?.bind(context);
  if (!postMessage) return;
  const document = chart.ownerDocument;
  injectStylesOnce(document, STYLE_ID, STYLES);
  chart.classList.add('cellbridge-chart');
  const bar = document.createElement('div');
  bar.className = 'cellbridge-chart-save';
  for (const format of ['png', 'svg'] as const) {
    const button = document.createElement('button');
    button.textContent = `Save as ${format.toUpperCase()}`;
    button.addEventListener('click', () => {
      exportImage(format).then(
        (data) => postMessage({ type: 'saveChart', format, name, data } satisfies SaveChartMessage),
        (error: unknown) => {
          button.textContent = 'Save failed';
          button.title = error instanceof Error ? error.message : String(error);
        },
      );
    });
    bar.appendChild(button);
  }
  chart.appendChild(bar);
}
