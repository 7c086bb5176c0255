import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { test } from 'node:test';
import { clickRunAll, openNotebookFromExplorer, withWorkbench, outputFrame, REPO, UI_OUTPUT, waitForExecutionCounts } from './workbench';

// A failing cell's traceback in the workbench is drawn by CellBridge's error renderer, and its `Cell In[N]`
// links move the selection to cell N (test/fixtures/ui/traceback.ipynb: cell 3 calls a function of cell 1).

test('a traceback is rendered by CellBridge and its Cell In[N] links select cell N', { timeout: 5 * 60_000 }, async () => {
  await withWorkbench('traceback-link', [path.join(REPO, 'test', 'fixtures', 'ui', 'traceback.ipynb')], {}, async (page) => {
    await openNotebookFromExplorer(page, 'traceback.ipynb');
    await clickRunAll(page);
    await waitForExecutionCounts(page, 3);
    const outputs = outputFrame(page);
    const rendered = outputs.locator('.cb-error');
    await rendered.waitFor({ timeout: 30_000 });
    assert.match(await rendered.innerText(), /ZeroDivisionError: division by zero/);
    assert.ok(!(await rendered.innerText()).includes('\u001b'), 'no raw escape codes');
    const status = page.locator('.statusbar');

    await outputs.locator('a', { hasText: /Cell In ?\[3\], line 1/ }).click();
    await status.getByText('Cell 3 of 3').waitFor({ timeout: 10_000 });
    await outputs.locator('a', { hasText: /Cell In ?\[1\], line 2/ }).click();
    await status.getByText('Cell 1 of 3').waitFor({ timeout: 10_000 });
    await page.screenshot({ path: path.join(UI_OUTPUT, 'traceback-link.png') });
  });
});
