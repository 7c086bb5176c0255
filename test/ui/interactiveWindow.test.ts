import * as path from 'node:path';
import { test } from 'node:test';
import { withWorkbench, outputFrame, REPO, UI_OUTPUT } from './workbench';

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
