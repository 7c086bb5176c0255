import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import type { FrameLocator, Page } from 'playwright-core';
import { openBrowser } from '../vscode/harness/chromium';
import { CodeServer } from '../vscode/harness/codeServer';

// A person's view: open examples/demo.ipynb in the workbench, press Run All, and read what the notebook
// renders. Screenshots go to .test-output/ui/. The extension is loaded as the F5 "Run Extension" does
// (extensionDevelopmentPath), from this checkout's dist/ (npm run build).

const REPO = path.resolve(__dirname, '..', '..', '..');
const OUTPUT = path.join(REPO, '.test-output', 'ui');
const CODE_CELLS = 6;

test('Run All in the workbench shows every output of the demo notebook, with [1]..[6]', { timeout: 5 * 60_000 }, async () => {
  await fs.mkdir(OUTPUT, { recursive: true });
  const workspace = await fs.mkdtemp(path.join(os.tmpdir(), 'cellbridge-ui-'));
  await fs.copyFile(path.join(REPO, 'examples', 'demo.ipynb'), path.join(workspace, 'demo.ipynb'));
  const server = await CodeServer.start({ workspaceDir: workspace, env: { PYDEVD_DISABLE_FILE_VALIDATION: '1' } });
  const browser = await openBrowser();
  const { page } = browser;
  // Tall enough for all seven cells and their outputs: the notebook only renders the cells in view.
  await page.setViewportSize({ width: 1400, height: 2800 });
  try {
    const payload = [['extensionDevelopmentPath', `vscode-remote://127.0.0.1:${server.port}${REPO}`]];
    await page.goto(`${server.url}/?folder=${encodeURIComponent(workspace)}&payload=${encodeURIComponent(JSON.stringify(payload))}`);
    await openNotebookFromExplorer(page, 'demo.ipynb');
    // As a person would: press Run All once the toolbar names the kernel CellBridge picked for the notebook.
    await page.locator('.notebook-toolbar-container').getByText('Python 3 (ipykernel)').waitFor({ timeout: 60_000 });
    const runAll = page.locator('.notebook-toolbar-container').getByRole('button', { name: /Run All/ });
    await runAll.click({ timeout: 30_000 });

    await waitForExecutionCounts(page);
    const outputs = page.frameLocator('.notebookOverlay iframe.webview.ready').frameLocator('#active-frame');
    for (const text of ['123', 'to stdout 123', 'to stderr', 'step 5/5', 'done', 'square']) {
      await outputs.getByText(text, { exact: false }).first().waitFor({ timeout: 30_000 });
    }
    assert.equal(await outputs.getByText('working').count(), 0, 'the display was updated in place to "done"');
    assert.equal(await outputs.getByText('step 1/5').count(), 0, 'the \\r progress line shows only its last state');
    await assertPlotShown(outputs);
    await page.screenshot({ path: path.join(OUTPUT, 'notebook-run-all.png') });
  } catch (error) {
    await page.screenshot({ path: path.join(OUTPUT, 'failure.png') }).catch(() => undefined);
    throw error;
  } finally {
    await browser.close();
    await server.stop();
    await fs.rm(workspace, { recursive: true, force: true });
  }
});

/**
 * Clicks the file in the Explorer until it opens in the notebook editor: a click before the workbench has
 * read the built-in extensions' contributions opens the .ipynb as JSON text instead.
 */
async function openNotebookFromExplorer(page: Page, name: string): Promise<void> {
  const item = page.getByRole('treeitem', { name });
  await item.waitFor({ timeout: 60_000 });
  for (let attempt = 1; attempt <= 5; attempt++) {
    await item.dblclick();
    try {
      await page.locator('.notebookOverlay').first().waitFor({ timeout: 5_000 });
      return;
    } catch {
      // Opened as text: close it and try again once the workbench has caught up.
      await page.keyboard.press('Control+KeyW');
      await page.waitForTimeout(1_000);
    }
  }
  throw new Error(`${name} never opened in the notebook editor`);
}

/** The labels read [1] to [6] once every code cell has run (the kernel numbers them in order). */
async function waitForExecutionCounts(page: Page): Promise<void> {
  const expected = Array.from({ length: CODE_CELLS }, (_, i) => `[${i + 1}]`);
  const deadline = Date.now() + 90_000;
  let labels: string[] = [];
  while (Date.now() < deadline) {
    labels = (await page.locator('.execution-count-label').allInnerTexts()).map((label) => label.trim()).filter(Boolean);
    if (expected.every((label) => labels.includes(label))) return;
    await page.waitForTimeout(200);
  }
  throw new Error(`execution counts ${expected.join(' ')} expected, the notebook shows ${labels.join(' ') || 'none'}`);
}

async function assertPlotShown(outputs: FrameLocator): Promise<void> {
  const image = outputs.locator('img').first();
  await image.waitFor({ timeout: 30_000 });
  const size: { width: number; height: number } = await image.evaluate((img) => ({ width: (img as unknown as { naturalWidth: number }).naturalWidth, height: (img as unknown as { naturalHeight: number }).naturalHeight }));
  assert.ok(size.width > 100 && size.height > 100, `the plot is a real image (${size.width}×${size.height})`);
}
