import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import { test } from 'node:test';
import { until } from '../kernel/helpers/cellWaits';
import { useCurrentStackKernel } from '../kernel/helpers/currentStack';
import { clickRunAll, CURRENT_STACK_LABEL, notebookJson, openNotebookFromExplorer, outputFrame, requestsLeavingMachine, saveNotebook, scrollNotebookTo, selectColorTheme, UI_OUTPUT, waitForExecutionCounts, withTempFolder, withWorkbench } from './workbench';

// Charts as people make them, with the libraries' default settings, on the current stack's kernel (plotly 7.1,
// altair 6.3): a plotly.express scatter and an Altair bar chart drawn by CellBridge's bundled renderers, with
// no request leaving the machine; an invalid spec shows why, and the output's text. Screenshot: charts.png.

/** A computed colour `rgb(r, g, b)` is light: its channels average above the middle. */
function isLight(color: string): boolean {
  const channels = (color.match(/[\d.]+/g) ?? []).slice(0, 3).map(Number);
  return channels.length === 3 && channels.reduce((sum, channel) => sum + channel, 0) / 3 > 150;
}

/**
 * A tile server on this machine, as a team's own would be: every `/{basemap}/{z}/{x}/{y}.svg` is a square
 * naming its tile, so a screenshot shows the tiles and the test can count what was fetched.
 */
async function startTileServer(): Promise<{ url: string; requests: string[]; close(): Promise<void> }> {
  const requests: string[] = [];
  const server = http.createServer((request, response) => {
    requests.push(request.url ?? '');
    const match = /^\/plain\/(\d+)\/(\d+)\/(\d+)\.svg$/.exec(request.url ?? '');
    if (!match) return void response.writeHead(404).end();
    response.writeHead(200, { 'Content-Type': 'image/svg+xml', 'Access-Control-Allow-Origin': '*' });
    response.end(`<svg xmlns="http://www.w3.org/2000/svg" width="256" height="256"><rect width="256" height="256" fill="#d8e8d0" stroke="#7a9a70"/><text x="8" y="24" font-size="16" fill="#456">${match.slice(1).join('/')}</text></svg>`);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, requests, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

const cellsWithTilesFrom = (tileServer: string): string[] => [
  'import plotly.express as px\npx.scatter(x=list(range(50)), y=[i * i for i in range(50)], title="plotly scatter")',
  [
    'import altair as alt',
    'import pandas as pd',
    'data = pd.DataFrame({"category": list("abcde"), "amount": [3, 7, 2, 9, 5]})',
    'alt.Chart(data).mark_bar().encode(x="category", y="amount").properties(title="altair bars", width="container")',
  ].join('\n'),
  'display({"application/vnd.vegalite.v5+json": {"mark": 42, "data": {"values": []}}, "text/plain": "the text fallback"}, raw=True)',
  'pd.set_option("display.html.table_schema", True)\npd.DataFrame({"name": ["b", "a", "c"], "value": [2, 10, 1]})',
  [
    'square = lambda x, y, name: {"type": "Feature", "properties": {"name": name}, "geometry": {"type": "Polygon", "coordinates": [[[x, y], [x + 1, y], [x + 1, y + 1], [x, y + 1], [x, y]]]}}',
    'display({"application/geo+json": {"type": "FeatureCollection", "features": [square(0, 0, "one"), square(2, 1, "two")]}, "text/plain": "<GeoJSON>"}, raw=True)',
  ].join('\n'),
  // IPython's GeoJSON with tiles from a URL template and Leaflet layer options.
  [
    'from IPython.display import GeoJSON',
    `GeoJSON({"type": "FeatureCollection", "features": [square(0, 0, "one"), square(2, 1, "two")]}, url_template="${tileServer}/{basemap_id}/{z}/{x}/{y}.svg", layer_options={"basemap_id": "plain", "attribution": "Test tiles"})`,
  ].join('\n'),
];

test('charts draw offline with default settings, light and dark: a plotly.express scatter, an Altair bar chart, a pandas table, GeoJSON; an invalid spec shows its error and its text; reopened without a kernel they draw again', { timeout: 6 * 60_000 }, async () => {
  const kernel = useCurrentStackKernel();
  const tiles = await startTileServer();
  const CELLS = cellsWithTilesFrom(tiles.url);
  try {
    await withTempFolder('cellbridge-charts-ui-', async (folder) => {
      const file = path.join(folder, 'charts.ipynb');
      const reopened = path.join(folder, 'charts-reopened.ipynb');
      await fs.writeFile(file, notebookJson(CELLS, kernel));
      await withWorkbench('charts', [file], { height: 2200, env: { JUPYTER_PATH: process.env.JUPYTER_PATH ?? '' } }, async (page, workspace) => {
        const outside = requestsLeavingMachine(page);
        await openNotebookFromExplorer(page, 'charts.ipynb', CURRENT_STACK_LABEL);
        await clickRunAll(page);
        await waitForExecutionCounts(page, CELLS.length);
        const outputs = outputFrame(page);

        // Plotly: its SVG with a point per row, and a size.
        const plot = outputs.locator('.cellbridge-plotly .main-svg').first();
        await plot.waitFor({ timeout: 60_000 });
        const plotBox = await plot.boundingBox();
        assert.ok(plotBox && plotBox.width > 300 && plotBox.height > 200, `the Plotly figure has a size: ${JSON.stringify(plotBox)}`);
        assert.equal(await outputs.locator('.cellbridge-plotly .scatterlayer .point').count(), 50, 'one marker per point');

        // Altair: Vega's SVG with one bar per row, as wide as the output (width "container").
        const bars = outputs.locator('.cellbridge-vega svg .mark-rect path');
        await bars.first().waitFor({ timeout: 60_000 });
        assert.equal(await bars.count(), 5, 'one bar per row');
        const chartBox = await outputs.locator('.cellbridge-vega svg').first().boundingBox();
        assert.ok(chartBox && chartBox.width > 400 && chartBox.height > 100, `the Altair chart has a size: ${JSON.stringify(chartBox)}`);

        // An invalid spec: the reason, and the output's text, never a blank area.
        await outputs.getByText(/Cannot draw this chart/).waitFor({ timeout: 30_000 });
        await outputs.getByText('the text fallback').waitFor({ timeout: 10_000 });
        // A pandas table (table schema on): sortable by a click on a header, numbers as numbers.
        const table = outputs.locator('.cellbridge-table table');
        await table.waitFor({ timeout: 30_000 });
        const firstColumn = async (): Promise<string[]> => table.locator('tbody tr td:nth-child(3)').allInnerTexts();
        assert.deepEqual(await firstColumn(), ['2', '10', '1'], 'rows as the frame holds them (index, name, value)');
        await table.locator('th', { hasText: 'value' }).click();
        assert.deepEqual(await firstColumn(), ['1', '2', '10'], 'sorted by value, as numbers');
        await table.locator('th', { hasText: 'value' }).click();
        assert.deepEqual(await firstColumn(), ['10', '2', '1'], 'and the other way');

        // GeoJSON: one shape per feature, drawn without tiles.
        const shapes = outputs.locator('.cellbridge-geojson svg .mark-shape path');
        await shapes.first().waitFor({ timeout: 30_000 });
        assert.equal(await shapes.count(), 2, 'one shape per feature');
        const mapBox = await outputs.locator('.cellbridge-geojson svg').first().boundingBox();
        assert.ok(mapBox && mapBox.width > 300 && mapBox.height > 200, `the map has a size: ${JSON.stringify(mapBox)}`);
        for (const shape of await shapes.all()) {
          const box = await shape.boundingBox();
          // A polygon wound the wrong way for the projection would cover the whole map.
          assert.ok(box && mapBox && box.width < mapBox.width * 0.7 && box.width > 10, `each square is drawn as a square, not the world around it: ${JSON.stringify(box)}`);
        }

        // GeoJSON on tiles: Leaflet's map with the tiles the output named, fetched from the server here, and both shapes.
        const tileMap = outputs.locator('.cellbridge-geojson-tiles');
        await tileMap.locator('img.leaflet-tile-loaded').first().waitFor({ timeout: 30_000 });
        assert.equal(await tileMap.locator('path.leaflet-interactive').count(), 2, 'one shape per feature on the tiles');
        assert.ok(tiles.requests.some((url) => /^\/plain\/\d+\/\d+\/\d+\.svg$/.test(url)), `tiles were fetched with the layer options filled in: ${tiles.requests.join(', ')}`);
        await tileMap.getByText('Test tiles').waitFor({ timeout: 5_000 });
        await scrollNotebookTo(page, tileMap);
        await page.screenshot({ path: path.join(UI_OUTPUT, 'charts-tiles.png') });
        await scrollNotebookTo(page, outputs.locator('.cellbridge-plotly').first());
        await page.screenshot({ path: path.join(UI_OUTPUT, 'charts.png') });

        // Save as SVG / PNG: the chart's buttons, VS Code's save dialog (its suggestion taken), the file written.
        const saveChart = async (chart: string, button: string, file: string): Promise<Buffer> => {
          await outputs.locator(chart).first().hover();
          await outputs.locator(chart).first().getByRole('button', { name: button }).click();
          await page.locator('.quick-input-widget').waitFor({ state: 'visible', timeout: 15_000 });
          await page.keyboard.press('Enter');
          let bytes = Buffer.alloc(0);
          await until(() => bytes.length > 0, `${file} to be saved`, async () => {
            bytes = await fs.readFile(path.join(workspace, file)).catch(() => Buffer.alloc(0));
          });
          return bytes;
        };
        const svg = (await saveChart('.cellbridge-vega', 'Save as SVG', 'altair-bars.svg')).toString('utf8');
        assert.match(svg, /^<svg[\s\S]*<\/svg>\s*$/, 'an SVG document');
        assert.equal((svg.match(/<path/g) ?? []).length >= 5, true, 'with the bars');
        const png = await saveChart('.cellbridge-chart:has(.cellbridge-plotly)', 'Save as PNG', 'plotly-scatter.png');
        assert.deepEqual([...png.subarray(0, 4)], [0x89, 0x50, 0x4e, 0x47], 'a PNG');
        assert.ok(png.length > 10_000, `a PNG of the figure: ${png.length} bytes`);

        // Dark Modern: both charts draw again in the theme's colours, on the editor's background.
        await selectColorTheme(page, 'Dark Modern', 'vs-dark');
        const textColor = async (selector: string): Promise<string> =>
          outputs.locator(selector).first().evaluate((node) => {
            const element = node as unknown as { ownerDocument: { defaultView: { getComputedStyle(node: unknown): { fill: string } } } };
            return element.ownerDocument.defaultView.getComputedStyle(node).fill;
          });
        let plotlyTitle = '';
        let vegaTitle = '';
        await until(() => isLight(plotlyTitle) && isLight(vegaTitle), 'the chart titles to be light on the dark theme', async () => {
          plotlyTitle = await textColor('.cellbridge-plotly .gtitle');
          vegaTitle = await textColor('.cellbridge-vega svg .role-title-text text');
        }, 20_000).catch((error: unknown) => {
          throw new Error(`${String(error)}: Plotly ${plotlyTitle}, Vega ${vegaTitle}`);
        });
        assert.equal(await outputs.locator('.cellbridge-plotly .scatterlayer .point').count(), 50, 'the redrawn figure still has every point');
        assert.equal(await bars.count(), 5, 'the redrawn chart still has every bar');
        await page.screenshot({ path: path.join(UI_OUTPUT, 'charts-dark.png') });

        // High contrast: drawn again, titles in the theme's own text colour.
        await selectColorTheme(page, 'Dark High Contrast', 'hc-black');
        // Dark High Contrast's text is pure white (Dark Modern's is grey): both charts have been drawn again.
        let points = 0;
        await until(() => plotlyTitle === 'rgb(255, 255, 255)' && vegaTitle === 'rgb(255, 255, 255)' && points === 50, 'the charts drawn again in high contrast', async () => {
          plotlyTitle = await textColor('.cellbridge-plotly .gtitle').catch(() => '');
          vegaTitle = await textColor('.cellbridge-vega svg .role-title-text text').catch(() => '');
          points = await outputs.locator('.cellbridge-plotly .scatterlayer .point').count();
        }, 20_000).catch((error: unknown) => {
          throw new Error(`${String(error)}: Plotly title ${plotlyTitle}, Vega title ${vegaTitle}, ${points} points`);
        });
        assert.equal(await bars.count(), 5);
        const redrawn = await plot.boundingBox();
        assert.ok(redrawn && redrawn.height > 200, `the redrawn Plotly figure keeps its size: ${JSON.stringify(redrawn)}`);
        await page.screenshot({ path: path.join(UI_OUTPUT, 'charts-high-contrast.png') });
        assert.deepEqual(outside, [], 'no request left the machine');

        // Saved: the charts' data is in the outputs, for the reopening below.
        const saved = await saveNotebook(page, path.join(workspace, 'charts.ipynb'), (saved) => saved.includes('application/vnd.plotly.v1+json') && saved.includes(`"execution_count": ${CELLS.length}`), 'the saved notebook');
        assert.ok(!saved.includes('fallbackText'), 'the text fallback in the item metadata stays out of the file');
        await fs.writeFile(reopened, saved);
      });

      // A fresh window, no kernel started: every chart is drawn again from the file.
      await withWorkbench('charts-reopened', [reopened], { height: 2200, env: { JUPYTER_PATH: process.env.JUPYTER_PATH ?? '' } }, async (page) => {
        await openNotebookFromExplorer(page, path.basename(reopened), CURRENT_STACK_LABEL);
        const outputs = outputFrame(page);
        await outputs.locator('.cellbridge-plotly .scatterlayer .point').nth(49).waitFor({ timeout: 60_000 });
        await outputs.locator('.cellbridge-vega svg .mark-rect path').nth(4).waitFor({ timeout: 30_000 });
        await outputs.locator('.cellbridge-table tbody tr').nth(2).waitFor({ timeout: 30_000 });
        await outputs.locator('.cellbridge-geojson svg .mark-shape path').nth(1).waitFor({ timeout: 30_000 });
        await outputs.locator('.cellbridge-geojson-tiles img.leaflet-tile-loaded').first().waitFor({ timeout: 30_000 });
        // The invalid spec's text is not in the item VS Code gives the renderer here: the extension supplies it.
        await outputs.getByText(/Cannot draw this chart/).waitFor({ timeout: 30_000 });
        await outputs.getByText('the text fallback').waitFor({ timeout: 10_000 });
        await page.screenshot({ path: path.join(UI_OUTPUT, 'charts-reopened.png') });
      });
    });
  } finally {
    await tiles.close();
  }
});
