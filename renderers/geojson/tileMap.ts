/**
 * A GeoJSON output on map tiles, drawn by Leaflet (the library IPython's `layer_options` are written for):
 * pan and zoom, the shapes in the theme's colours, each feature's properties as its tooltip, points as
 * circles (Leaflet's default marker is an image file). Used only when the output names a tile URL.
 */
import * as L from 'leaflet';
import leafletCss from 'leaflet/dist/leaflet.css';
import { injectStylesOnce } from '../injectStyles';
import type { ChartTheme } from '../charts/chartTheme';
import type { TileLayerRequest } from './tileLayer';

const MAP_HEIGHT_PX = 360;

export interface TileMap {
  /** Draws the shapes again in the theme's colours. */
  restyle(theme: ChartTheme, accent: string): void;
  dispose(): void;
}

export function drawTileMap(host: HTMLElement, value: unknown, tiles: TileLayerRequest, theme: ChartTheme, accent: string): TileMap {
  injectStylesOnce(host.ownerDocument, 'cellbridge-leaflet-styles', leafletCss);
  host.style.height = `${MAP_HEIGHT_PX}px`;
  const map = L.map(host, { attributionControl: true });
  L.tileLayer(tiles.urlTemplate, tiles.options as L.TileLayerOptions).addTo(map);
  const styleFor = (currentTheme: ChartTheme, currentAccent: string): L.PathOptions => ({ color: currentTheme.foreground, weight: 1, fillColor: currentAccent, fillOpacity: 0.35 });
  const shapes = L.geoJSON(value as never, {
    style: () => styleFor(theme, accent),
    pointToLayer: (_feature, position) => L.circleMarker(position, { radius: 5 }),
    onEachFeature: (feature, layer) => {
      const properties = feature.properties as Record<string, unknown> | null;
      if (properties && Object.keys(properties).length > 0) layer.bindTooltip(propertiesTable(host.ownerDocument, properties));
    },
  }).addTo(map);
  const bounds = shapes.getBounds();
  if (bounds.isValid()) map.fitBounds(bounds, { padding: [16, 16] });
  else map.setView([0, 0], 1);
  return {
    restyle: (nextTheme, nextAccent) => shapes.setStyle(styleFor(nextTheme, nextAccent)),
    dispose: () => map.remove(),
  };
}

/** A feature's properties as a small key/value table, built as DOM nodes (property values are never HTML). */
function propertiesTable(document: Document, properties: Record<string, unknown>): HTMLElement {
  const table = document.createElement('table');
  for (const [key, value] of Object.entries(properties)) {
    const row = table.insertRow();
    const name = row.insertCell();
    name.textContent = key;
    name.style.fontWeight = 'bold';
    row.insertCell().textContent = typeof value === 'string' ? value : JSON.stringify(value);
  }
  return table;
}
