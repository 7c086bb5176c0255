/**
 * The GeoJSON renderer (`application/geo+json`): the shapes drawn by Vega on a projection fitted to them, the
 * width of the output, without map tiles (they would need the network), in the VS Code theme's colours,
 * properties as tooltips, drawn again when the theme changes. Its own bundle, loaded only when such an
 * output is shown.
 */
import embed, { type Result } from 'vega-embed';
import { expressionInterpreter } from 'vega-interpreter';
import { showChartProblem } from '../charts/chartProblem';
import { addSaveButtons, textToBase64 } from '../charts/saveChart';
import { currentTheme, onThemeChange } from '../charts/vscodeTheme';
import type { ActivationFunction, OutputItem } from '../rendererApi';
import { geojsonSpec } from './geojsonSpec';

function accentOf(document: Document): string {
  return getComputedStyle(document.documentElement).getPropertyValue('--vscode-focusBorder').trim() || '#3794ff';
}

export const activate: ActivationFunction = (context) => ({
  async renderOutputItem(item: OutputItem, element: HTMLElement, signal?: AbortSignal): Promise<void> {
    const document = element.ownerDocument;
    const root = document.createElement('div');
    root.className = 'cellbridge-geojson';
    root.style.width = '100%';
    // vega-embed owns the element it draws in: the save buttons go beside it.
    const host = document.createElement('div');
    host.style.width = '100%';
    root.appendChild(host);
    element.replaceChildren(root);
    let view: Result | undefined;
    // Saves the view drawn last (a theme change draws a new one).
    addSaveButtons(context, root, 'map', async (format) => {
      if (!view) throw new Error('nothing is drawn yet');
      if (format === 'svg') return textToBase64(await view.view.toSVG());
      const canvas = await view.view.toCanvas(2);
      return canvas.toDataURL('image/png').split(',')[1] ?? '';
    });
    const draw = async (): Promise<void> => {
      view?.finalize();
      const spec = geojsonSpec(item.json(), currentTheme(document), accentOf(document));
      view = await embed(host, spec as never, { mode: 'vega', renderer: 'svg', actions: false, ast: true, expr: expressionInterpreter, config: { background: 'transparent' } as never });
    };
    const fallback = (item.metadata as { fallbackText?: unknown } | undefined)?.fallbackText;
    const fail = (error: unknown): void => showChartProblem(element, 'GeoJSON', error, typeof fallback === 'string' ? fallback : undefined);
    try {
      await draw();
    } catch (error) {
      fail(error);
      return;
    }
    const stopThemeWatch = onThemeChange(document, () => void draw().catch(fail));
    signal?.addEventListener('abort', () => {
      stopThemeWatch();
      view?.finalize();
    });
  },
});
