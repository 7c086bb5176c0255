/**
 * The GeoJSON renderer (`application/geo+json`). By default the shapes are drawn by Vega on a projection fitted
 * to them, the width of the output, without map tiles (they would need the network). When the output names a
 * tile URL (IPython's `GeoJSON(..., url_template=...)`) and the workspace is trusted, Leaflet draws them on
 * those tiles instead, with pan and zoom. Theme colours, properties as tooltips, drawn again when the theme
 * changes. Its own bundle, loaded only when such an output is shown.
 */
import { showChartProblem } from '../charts/chartProblem';
import { renderVegaChart } from '../charts/vegaChart';
import { currentTheme, onThemeChange } from '../charts/vscodeTheme';
import type { ActivationFunction, OutputItem, RendererContext } from '../rendererApi';
import { featuresOf, geojsonSpec } from './geojsonSpec';
import { tileLayerRequestOf, type TileLayerRequest } from './tileLayer';
import { drawTileMap } from './tileMap';

function accentOf(document: Document): string {
  return getComputedStyle(document.documentElement).getPropertyValue('--vscode-focusBorder').trim() || '#3794ff';
}

function renderOnTiles(context: RendererContext, item: OutputItem, element: HTMLElement, tiles: TileLayerRequest, signal: AbortSignal | undefined): void {
  const started = performance.now();
  const document = element.ownerDocument;
  const root = document.createElement('div');
  root.className = 'cellbridge-geojson cellbridge-geojson-tiles';
  root.style.width = '100%';
  element.replaceChildren(root);
  try {
    const value = item.json();
    featuresOf(value); // the same check as without tiles: a clear error for what is not GeoJSON
    const map = drawTileMap(root, value, tiles, currentTheme(document), accentOf(document));
    root.dataset.renderMs = String(Math.round(performance.now() - started));
    const stopThemeWatch = onThemeChange(document, () => map.restyle(currentTheme(document), accentOf(document)));
    signal?.addEventListener('abort', () => {
      stopThemeWatch();
      map.dispose();
    });
  } catch (error) {
    showChartProblem(context, element, item, 'GeoJSON', error);
  }
}

function renderWithoutTiles(context: RendererContext, item: OutputItem, element: HTMLElement, signal: AbortSignal | undefined): Promise<void> {
  return renderVegaChart(context, item, element, signal, {
    className: 'cellbridge-geojson',
    what: 'GeoJSON',
    name: 'map',
    embedFor: (theme) => ({
      spec: geojsonSpec(item.json(), theme, accentOf(element.ownerDocument)),
      options: { mode: 'vega', config: { background: 'transparent' } as never },
    }),
  });
}

export const activate: ActivationFunction = (context) => ({
  async renderOutputItem(item: OutputItem, element: HTMLElement, signal?: AbortSignal): Promise<void> {
    const tiles = tileLayerRequestOf(item.metadata);
    // A notebook from elsewhere must not make VS Code fetch from addresses it names until the workspace is trusted.
    if (tiles && context.workspace.isTrusted) return renderOnTiles(context, item, element, tiles, signal);
    await renderWithoutTiles(context, item, element, signal);
    if (tiles) {
      const note = element.ownerDocument.createElement('div');
      note.className = 'cellbridge-geojson-note';
      note.style.opacity = '0.8';
      note.textContent = 'Map tiles are not loaded in an untrusted workspace.';
      element.appendChild(note);
    }
  },
});
