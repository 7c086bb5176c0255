import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import type { ChartTheme } from '../../../renderers/charts/chartTheme';
import { themedLayout } from '../../../renderers/plotly/plotlyTheme';
import { featuresOf, woundForProjection } from '../../../renderers/geojson/geojsonSpec';
import { cellText, parseDataResource, sortedRows } from '../../../renderers/table/tableModel';
import { modeOf, VEGA_MIME_TYPES } from '../../../renderers/vega/vegaMime';
import { chartFileName, chartMessageOf, dataUrlToBase64 } from '../../../renderers/charts/chartMessages';
import { tileLayerRequestOf } from '../../../renderers/geojson/tileLayer';

const dark: ChartTheme = { kind: 'dark', foreground: '#cccccc', background: '#1f1f1f', gridColor: 'grey', fontFamily: 'Sans', fontSize: 13 };
const light: ChartTheme = { ...dark, kind: 'light', foreground: '#333333', background: '#ffffff' };

test("Plotly in a dark theme: transparent paper and plot, the theme's text and faint grid, on every axis", () => {
  const layout = themedLayout({ title: { text: 't' }, xaxis2: { title: 'x2' } }, dark);
  assert.equal(layout.paper_bgcolor, 'rgba(0,0,0,0)');
  assert.equal(layout.plot_bgcolor, 'rgba(0,0,0,0)');
  assert.deepEqual(layout.font, { color: '#cccccc', family: 'Sans' });
  assert.deepEqual(layout.xaxis, { gridcolor: 'grey', zerolinecolor: 'grey', linecolor: 'grey' });
  assert.deepEqual(layout.xaxis2, { gridcolor: 'grey', zerolinecolor: 'grey', linecolor: 'grey', title: 'x2' });
  assert.deepEqual(layout.title, { text: 't' });
});

test("Plotly: what the figure's own layout sets wins over the theme; a light theme keeps the plot area", () => {
  const layout = themedLayout({ paper_bgcolor: 'white', plot_bgcolor: 'ivory', font: { color: 'red' }, yaxis: { gridcolor: 'blue' } }, dark);
  assert.equal(layout.paper_bgcolor, 'white');
  assert.equal(layout.plot_bgcolor, 'ivory');
  assert.equal((layout.font as { color: string }).color, 'red');
  assert.equal((layout.yaxis as { gridcolor: string }).gridcolor, 'blue');
  const lit = themedLayout({}, light);
  assert.equal(lit.plot_bgcolor, undefined, "Plotly's template decides the plot area in light themes");
  assert.equal((lit.font as { color: string }).color, '#333333');
});

test('the Vega renderer is contributed for exactly the types it draws, and each type picks its library', () => {
  const manifest = JSON.parse(readFileSync(path.resolve(__dirname, '../../../../package.json'), 'utf8')) as { contributes: { notebookRenderer: Array<{ id: string; mimeTypes: string[]; entrypoint: string }> } };
  const vega = manifest.contributes.notebookRenderer.find((renderer) => renderer.id === 'cellbridge.vega');
  assert.deepEqual(vega?.mimeTypes, [...VEGA_MIME_TYPES]);
  assert.equal(vega?.entrypoint, './dist/renderers/vega.js');
  const plotly = manifest.contributes.notebookRenderer.find((renderer) => renderer.id === 'cellbridge.plotly');
  assert.deepEqual(plotly?.mimeTypes, ['application/vnd.plotly.v1+json']);
  assert.equal(modeOf('application/vnd.vega.v5+json'), 'vega');
  assert.equal(modeOf('application/vnd.vegalite.v6.json'), 'vega-lite');
  assert.equal(modeOf('application/vnd.vegalite.v4+json'), 'vega-lite');
});

test('GeoJSON: any GeoJSON object becomes features; polygons are wound as the projection wants (outer clockwise, holes counterclockwise)', () => {
  const counterclockwise: Array<[number, number]> = [[0, 0], [1, 0], [1, 1], [0, 1], [0, 0]];
  const clockwise = [...counterclockwise].reverse();
  assert.deepEqual(featuresOf({ type: 'Point', coordinates: [1, 2] }), [{ type: 'Feature', geometry: { type: 'Point', coordinates: [1, 2] }, properties: {} }]);
  assert.equal(featuresOf({ type: 'FeatureCollection', features: [{ type: 'Feature' }, { type: 'Feature' }] }).length, 2);
  assert.throws(() => featuresOf({ type: 'Nonsense' }), /"Nonsense" is not a GeoJSON type/);
  assert.throws(() => featuresOf([1, 2]), /not a GeoJSON object/);
  // RFC 7946 winds the outer ring counterclockwise: turned round. A hole the other way: turned round too.
  assert.deepEqual(woundForProjection({ type: 'Polygon', coordinates: [counterclockwise] }), { type: 'Polygon', coordinates: [clockwise] });
  assert.deepEqual(woundForProjection({ type: 'Polygon', coordinates: [clockwise, clockwise] }), { type: 'Polygon', coordinates: [clockwise, counterclockwise] });
  assert.deepEqual(woundForProjection({ type: 'MultiPolygon', coordinates: [[counterclockwise]] }), { type: 'MultiPolygon', coordinates: [[clockwise]] });
  assert.deepEqual(woundForProjection({ type: 'Point', coordinates: [0, 0] }), { type: 'Point', coordinates: [0, 0] });
});

test('table schema: columns in schema order, sorting numbers as numbers and empty cells last, the rows left as they were', () => {
  const table = parseDataResource({
    schema: { fields: [{ name: 'index', type: 'integer' }, { name: 'name', type: 'string' }, { name: 'value', type: 'number' }] },
    data: [
      { index: 0, name: 'b', value: 2 },
      { index: 1, name: 'a10', value: 10 },
      { index: 2, name: 'a9', value: null },
    ],
  });
  assert.deepEqual(table.columns.map((column) => column.name), ['index', 'name', 'value']);
  const value = table.columns[2]!;
  assert.deepEqual(sortedRows(table, value, 'ascending').map((row) => row.value), [2, 10, null]);
  assert.deepEqual(sortedRows(table, value, 'descending').map((row) => row.value), [10, 2, null]);
  assert.deepEqual(sortedRows(table, table.columns[1]!, 'ascending').map((row) => row.name), ['a9', 'a10', 'b'], 'text sorts with numbers in it read as numbers');
  assert.deepEqual(table.rows.map((row) => row.index), [0, 1, 2]);
  assert.equal(cellText({ a: 1 }), '{"a":1}');
  assert.throws(() => parseDataResource({ schema: {} }), /no "data" list/);
});

test('saving a chart: data URLs of either kind become base64, titles become file names', () => {
  assert.equal(dataUrlToBase64('data:image/png;base64,iVBORw0KGgo='), 'iVBORw0KGgo=');
  assert.equal(Buffer.from(dataUrlToBase64('data:image/svg+xml,%3Csvg%3E%C3%A9%3C%2Fsvg%3E'), 'base64').toString('utf8'), '<svg>é</svg>');
  assert.throws(() => dataUrlToBase64('blob:nope'), /not a data URL/);
  assert.equal(chartFileName('plotly scatter', 'png'), 'plotly-scatter.png');
  assert.equal(chartFileName('../../etc/passwd: "x"', 'svg'), '..-..-etc-passwd-x.svg');
  assert.equal(chartFileName('  ', 'svg'), 'chart.svg');
  assert.equal(chartFileName('Ventes été 2026', 'png'), 'Ventes-été-2026.png');
});

test("GeoJSON tiles: IPython's url_template and layer_options from the output's metadata; nothing else asks for the network", () => {
  const metadata = (own: unknown): unknown => ({ outputType: 'display_data', metadata: { 'application/geo+json': own } });
  assert.deepEqual(tileLayerRequestOf(metadata({ expanded: false, url_template: 'https://tiles.example/{basemap_id}/{z}/{x}/{y}.png', layer_options: { basemap_id: 'b', maxZoom: 9 } })), {
    urlTemplate: 'https://tiles.example/{basemap_id}/{z}/{x}/{y}.png',
    options: { basemap_id: 'b', maxZoom: 9 },
  });
  assert.deepEqual(tileLayerRequestOf(metadata({ url_template: 'http://127.0.0.1:8080/{z}/{x}/{y}.png' }))?.options, {}, 'no layer options: none');
  assert.equal(tileLayerRequestOf(metadata({ expanded: false, root: 'root' })), undefined, 'IPython without a template: no tiles');
  assert.equal(tileLayerRequestOf(metadata({ url_template: 'javascript:alert(1)//{z}' })), undefined, 'only http(s) templates');
  assert.equal(tileLayerRequestOf(metadata({ url_template: 'https://tiles.example/static.png' })), undefined, 'a template without {z} is no tile source');
  assert.equal(tileLayerRequestOf({ metadata: { 'image/png': { url_template: 'https://t/{z}/{x}/{y}' } } }), undefined, "another type's metadata");
  assert.equal(tileLayerRequestOf(undefined), undefined);
});

test('chart messages: a renderer may ask to save an image or for a text fallback; anything else is refused', () => {
  assert.deepEqual(chartMessageOf({ type: 'fallbackText', outputId: 'o1', extra: 1 }), { type: 'fallbackText', outputId: 'o1' });
  assert.deepEqual(chartMessageOf({ type: 'saveChart', format: 'svg', name: 'n', data: 'AA==' }), { type: 'saveChart', format: 'svg', name: 'n', data: 'AA==' });
  assert.equal(chartMessageOf({ type: 'saveChart', format: 'gif', name: 'n', data: '' }), undefined);
  assert.equal(chartMessageOf({ type: 'fallbackText', outputId: 3 }), undefined);
  assert.equal(chartMessageOf('fallbackText'), undefined);
  assert.equal(chartMessageOf(null), undefined);
});
