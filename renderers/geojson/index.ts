/**
 * The GeoJSON renderer (`application/geo+json`): the shapes drawn by Vega on a projection fitted to them, the
 * width of the output, without map tiles (they would need the network), in the VS Code theme's colours,
 * properties as tooltips, drawn again when the theme changes. Its own bundle, loaded only when such an
 * output is shown.
 */
import embed, { type Result } from 'vega-embed';
import { expressionInterpreter } from 'vega-interpreter';
import { showChartProblem } from '../charts/chartProblem';
import { currentTheme, onThemeChange } from '../charts/vscodeTheme';
import type { ActivationFunction, OutputItem } from '../rendererApi';
import { geojsonSpec } from './geojsonSpec';

function accentOf(document: Document): string {
  return getComputedStyle(document.documentElement).getPropertyValue('--vscode-focusBorder').trim() || '#3794ff';
}

export const activate: ActivationFunction = () => ({
  async renderOutputItem(item: OutputItem, element: HTMLElement, signal?: AbortSignal): Promise<void> {
    const document = element.ownerDocument;
    const root = document.createElement('div');
    root.className = 'cellbridge-geojson';
    root.style.width = '100%';
    element.replaceChildren(root);
    let view: Result | undefined;
    const draw = async (): Promise<void> => {
      view?.finalize();
      const spec = geojsonSpec(item.json(), currentTheme(document), accentOf(document));
      view = await embed(root, spec as never, { mode: 'vega', renderer: 'svg', actions: false, ast: true, expr: expressionInterpreter, config: { background: 'transparent' } as never });
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
