/**
 * The GeoJSON renderer (`application/geo+json`): the shapes drawn by Vega on a projection fitted to them, the
 * width of the output, without map tiles (they would need the network), in the VS Code theme's colours,
 * properties as tooltips, drawn again when the theme changes. Its own bundle, loaded only when such an
 * output is shown.
 */
import { renderVegaChart } from '../charts/vegaChart';
import type { ActivationFunction, OutputItem } from '../rendererApi';
import { geojsonSpec } from './geojsonSpec';

function accentOf(document: Document): string {
  return getComputedStyle(document.documentElement).getPropertyValue('--vscode-focusBorder').trim() || '#3794ff';
}

export const activate: ActivationFunction = (context) => ({
  renderOutputItem(item: OutputItem, element: HTMLElement, signal?: AbortSignal): Promise<void> {
    return renderVegaChart(context, item, element, signal, {
      className: 'cellbridge-geojson',
      what: 'GeoJSON',
      name: 'map',
      embedFor: (theme) => ({
        spec: geojsonSpec(item.json(), theme, accentOf(element.ownerDocument)),
        options: { mode: 'vega', config: { background: 'transparent' } as never },
      }),
    });
  },
});
