import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import type { FrameLocator, Locator, Page } from 'playwright-core';
import { useCurrentStackKernel } from '../kernel/helpers/currentStack';
import { outputFrame, REPO, UI_OUTPUT, withTempFolder, withWorkbench } from './workbench';

// A person with a .py file: click the "Run Cell" CodeLens of two cells and read the interactive window,
// which keeps the first cell's state for the second. Screenshot: .test-output/ui/interactive-window.png.

test('Run Cell CodeLens sends cells of a .py file to the interactive window', { timeout: 5 * 60_000 }, async () => {
  await withWorkbench('interactive-window', [path.join(REPO, 'test', 'fixtures', 'vscode-workspace', 'cells.py')], {}, async (page) => {
    await page.getByRole('treeitem', { name: 'cells.py' }).dblclick({ timeout: 60_000 });
    const runCell = page.locator('.contentWidgets .codelens-decoration a', { hasText: 'Run Cell' });
    await runCell.first().waitFor({ timeout: 60_000 });
    await runCell.nth(0).click();
    await page.locator('.interactive-editor, .notebookOverlay').first().waitFor({ timeout: 60_000 });
    await page.locator('.execution-count-label', { hasText: '[1]' }).first().waitFor({ state: 'attached', timeout: 60_000 });
    await runCell.nth(1).click();
    await outputFrame(page).getByText('42').first().waitFor({ timeout: 60_000 });
    await page.screenshot({ path: path.join(UI_OUTPUT, 'interactive-window.png') });
  });
});

/**
 * A `.py` file of `# %%` cells opened in the workbench on the current stack's kernel (it is `python3` with this
 * JUPYTER_PATH); `body` gets its Run Cell CodeLenses (once shown) and the frame the interactive window renders in.
 */
async function withCurrentStackScript(name: string, lines: readonly string[], body: (runCell: Locator, outputs: FrameLocator, page: Page) => Promise<void>): Promise<void> {
  useCurrentStackKernel();
  await withTempFolder(`cellbridge-${name}-`, async (folder) => {
    const file = path.join(folder, `${name}.py`);
    await fs.writeFile(file, [...lines, ''].join('\n'));
    const asPython3 = path.join(REPO, '.test-venvs', 'jupyter-as-python3');
    await withWorkbench(name, [file], { height: 1200, env: { JUPYTER_PATH: asPython3 } }, async (page) => {
      await page.getByRole('treeitem', { name: `${name}.py` }).dblclick({ timeout: 60_000 });
      const runCell = page.locator('.contentWidgets .codelens-decoration a', { hasText: 'Run Cell' });
      await runCell.first().waitFor({ timeout: 60_000 });
      await body(runCell, outputFrame(page), page);
    });
  });
}

// Charts in the interactive window: drawn by the same renderers as in a notebook. Screenshot: .test-output/ui/interactive-charts.png.
test('the interactive window draws charts as a notebook does: a Plotly figure and an Altair chart', { timeout: 5 * 60_000 }, async () => {
  const cells = [
    '# %%',
    'import plotly.express as px',
    'px.scatter(x=[1, 2, 3], y=[3, 1, 2], title="interactive plotly")',
    '',
    '# %%',
    'import altair as alt',
    'import pandas as pd',
    'alt.Chart(pd.DataFrame({"k": list("xyz"), "v": [1, 3, 2]})).mark_bar().encode(x="k", y="v")',
  ];
  await withCurrentStackScript('interactive-charts', cells, async (runCell, outputs, page) => {
    await runCell.nth(0).click();
    await outputs.locator('.cellbridge-plotly .scatterlayer .point').nth(2).waitFor({ timeout: 90_000 });
    await runCell.nth(1).click();
    await outputs.locator('.cellbridge-vega svg .mark-rect path').nth(2).waitFor({ timeout: 60_000 });
    await page.screenshot({ path: path.join(UI_OUTPUT, 'interactive-charts.png') });
  });
});

// Jupyter widgets in the interactive window (ipywidgets 8): a slider and an `interact` drawn as in a notebook,
// and an arrow key on the interact slider reaches the kernel, whose output changes.
// Screenshot: .test-output/ui/interactive-widgets.png.
test('the interactive window draws widgets that talk to the kernel: a slider, interact following its slider', { timeout: 5 * 60_000 }, async () => {
  const cells = [
    '# %%',
    'import ipywidgets as widgets',
    'widgets.IntSlider(value=3, description="plain")',
    '',
    '# %%',
    'def show(x):',
    '    print("x is", x)',
    'widgets.interact(show, x=widgets.IntSlider(value=5, description="interact"));',
  ];
  await withCurrentStackScript('interactive-widgets', cells, async (runCell, outputs, page) => {
    await runCell.nth(0).click();
    const plainReadout = outputs.locator('.widget-slider', { hasText: 'plain' }).locator('.widget-readout');
    await plainReadout.waitFor({ timeout: 90_000 });
    assert.equal((await plainReadout.innerText()).trim(), '3');
    await runCell.nth(1).click();
    await outputs.getByText('x is 5').waitFor({ timeout: 60_000 });
    const handle = outputs.locator('.widget-slider', { hasText: 'interact' }).locator('.noUi-handle').first();
    await handle.focus();
    await handle.press('ArrowRight');
    await outputs.getByText('x is 6').waitFor({ timeout: 30_000 });
    assert.equal((await outputs.locator('.widget-slider', { hasText: 'interact' }).locator('.widget-readout').innerText()).trim(), '6');
    await page.screenshot({ path: path.join(UI_OUTPUT, 'interactive-widgets.png') });
  });
});
