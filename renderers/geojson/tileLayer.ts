/**
 * The map tiles a GeoJSON output asks for, if any. IPython's `GeoJSON(data, url_template=..., layer_options=...)`
 * puts them in the output's metadata under its MIME type (the template and Leaflet TileLayer options, such
 * as `attribution`, `maxZoom` or a `basemap_id` the template names). Without a template the map is drawn with
 * no tiles: tiles come from the network, so only what the notebook asks for is loaded. No DOM here.
 */
export interface TileLayerRequest {
  /** A Leaflet URL template: `{z}`, `{x}`, `{y}`, `{s}` and any option named in braces. */
  urlTemplate: string;
  options: Record<string, unknown>;
}

const GEOJSON_MIME = 'application/geo+json';

/**
 * The tiles asked for in an output item's metadata as VS Code hands it to a renderer: `{ metadata: { <mime>: {...} } }`,
 * the same for an output just made (outputMapping.ts) and one read back from a file (VS Code's ipynb extension).
 */
export function tileLayerRequestOf(itemMetadata: unknown): TileLayerRequest | undefined {
  const byMime = record(record(itemMetadata)?.metadata);
  const own = record(byMime?.[GEOJSON_MIME]);
  const template = own?.url_template;
  if (typeof template !== 'string' || !/^https?:\/\//i.test(template) || !template.includes('{z}')) return undefined;
  return { urlTemplate: template, options: record(own?.layer_options) ?? {} };
}

function record(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}
