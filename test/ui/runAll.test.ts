import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { test } from 'node:test';
import type { FrameLocator } from 'playwright-core';
import { clickRunAll, openNotebookFromExplorer, withWorkbench, outputFrame, packageExtension, REPO, UI_OUTPUT, waitForExecutionCounts } from './workbench';

// A person's view: install the packaged .vsix, open examples/demo.ipynb in the workbench, press Run All, and
// read what the notebook renders. The screenshot goes to .test-output/ui/notebook-run-all.png.

test('Run All in the workbench shows every output of the demo notebook, with [1]..[6]', { timeout: 5 * 60_000 }, async () => {
  const vsix = await packageExtension();
  // Tall enough for all seven cells and their outputs.
  await withWorkbench('notebook-run-all', [path.join(REPO, 'examples', 'demo.ipynb')], { height: 2800, vsix }, async (page) => {
    await openNotebookFromExplorer(page, 'demo.ipynb');
    await clickRunAll(page);
    await waitForExecutionCounts(page, 6);
    const outputs = outputFrame(page);
    for (const text of ['123', 'to stdout 123', 'to stderr', 'step 5/5', 'done', 'square']) {
      await outputs.getByText(text, { exact: false }).first().waitFor({ timeout: 30_000 });
    }
    assert.equal(await outputs.getByText('working').count(), 0, 'the display was updated in place to "done"');
    assert.equal(await outputs.getByText('step 1/5').count(), 0, 'the \\r progress line shows only its last state');
    await assertPlotShown(outputs);
    await page.screenshot({ path: path.join(UI_OUTPUT, 'notebook-run-all.png') });
  });
});

async function assertPlotShown(outputs: FrameLocator): Promise<void> {
  const image = outputs.locator('img').first();
  await image.waitFor({ timeout: 30_000 });
  const size = (await image.evaluate((img) => ({
    width: (img as unknown as { naturalWidth: number }).naturalWidth,
    height: (img as unknown as { naturalHeight: number }).naturalHeight,
  }))) as { width: number; height: number };
  assert.ok(size.width > 100 && size.height > 100, `the plot is a real image (${size.width}×${size.height})`);
}
