import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import type { ChartTheme } from '../../../renderers/charts/chartTheme';
import { themedLayout } from '../../../renderers/plotly/plotlyTheme';
import { modeOf, VEGA_MIME_TYPES } from '../../../renderers/vega/vegaMime';

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
