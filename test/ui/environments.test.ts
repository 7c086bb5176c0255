import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import type { Page } from 'playwright-core';
import { until } from '../kernel/helpers/cellWaits';
import { clickRunAll, notebookJson, openNotebookFromExplorer, outputFrame, UI_OUTPUT, waitForExecutionCounts, withTempFolder, withWorkbench } from './workbench';

// A person opening a notebook in a project whose .venv has no ipykernel (as `python3 -m venv .venv` makes it):
// the toolbar names the .venv, the kernel picker lists the environments found, and Run offers to install
// ipykernel (a quick pick), shows pip working (a notification), then runs the cell in the .venv.
// Screenshots: .test-output/ui/kernel-picker.png (the picker's first page: the notebook's kernel), kernel-picker-all.png
// (CellBridge's kernels), install-ipykernel-offer.png, install-ipykernel-progress.png, install-ipykernel-done.png.

const WHERE_AM_I = 'import sys, ipykernel\nprint("prefix", sys.prefix, "ipykernel", ipykernel.__version__)';

test('a .venv without ipykernel: the picker lists it, Run offers the install, shows its progress, then runs there', { timeout: 8 * 60_000 }, async () => {
  await withTempFolder('cellbridge-ui-env-', async (folder) => {
    const notebook = path.join(folder, 'first.ipynb');
    await fs.writeFile(notebook, notebookJson([WHERE_AM_I], 'python3', 'Python 3 (ipykernel)'));
    await withWorkbench('install-ipykernel', [notebook], { height: 1000 }, async (page, workspace) => {
      // Made before the notebook opens, as the project would be: opening it searches its folder.
      const python = execFileSync('python3', ['-c', 'import sys; print(sys.executable)'], { encoding: 'utf8' }).trim();
      execFileSync(python, ['-m', 'venv', path.join(workspace, '.venv')]);
      const venvLabel = /^\.venv \(Python \d+\.\d+\.\d+\)/;
      await openNotebookFromExplorer(page, 'first.ipynb', '.venv (Python');

      await showKernelPicker(page, venvLabel);
      const picker = page.locator('.quick-input-widget');
      await picker.locator('.quick-input-list .monaco-list-row', { hasText: venvLabel }).first().waitFor({ timeout: 30_000 });
      await page.screenshot({ path: path.join(UI_OUTPUT, 'kernel-picker.png') });
      await picker.locator('.quick-input-list .monaco-list-row', { hasText: 'Select Another Kernel' }).first().click();
      // VS Code then asks for a kernel source (each extension that has kernels is one), then for the kernel.
      await picker.locator('.quick-input-list .monaco-list-row', { hasText: 'CellBridge' }).first().click({ timeout: 10_000 });
      // Every kernel CellBridge found: kernelspecs and environments, those without ipykernel saying so.
      await picker.locator('.quick-input-list .monaco-list-row', { hasText: 'Python 3 (ipykernel)' }).first().waitFor({ timeout: 30_000 });
      await picker.locator('.quick-input-list .monaco-list-row', { hasText: venvLabel }).filter({ hasText: 'ipykernel not installed' }).first().waitFor({ timeout: 10_000 });
      await page.screenshot({ path: path.join(UI_OUTPUT, 'kernel-picker-all.png') });
      await page.keyboard.press('Escape');
      await picker.waitFor({ state: 'hidden', timeout: 10_000 });

      await clickRunAll(page);
      const offer = page.locator('.quick-input-widget', { hasText: 'has no ipykernel' });
      await offer.getByText('Install ipykernel').first().waitFor({ timeout: 60_000 });
      await page.screenshot({ path: path.join(UI_OUTPUT, 'install-ipykernel-offer.png') });
      await page.keyboard.press('Enter');

      const progress = page.locator('.notifications-toasts .notification-toast', { hasText: 'Installing ipykernel into .venv' });
      let settled = false;
      await progress.first().waitFor({ timeout: 30_000 });
      // The toast slides in: the screenshot waits until it is wholly on screen and opaque.
      await until(() => settled, 'the progress notification to finish appearing', async () => {
        const toast = progress.first();
        const [box, viewport, opacity] = [await toast.boundingBox(), page.viewportSize(), await toast.evaluate((element) => (globalThis as unknown as { getComputedStyle(e: unknown): { opacity: string } }).getComputedStyle(element).opacity)];
        settled = opacity === '1' && !!box && !!viewport && box.y + box.height <= viewport.height && box.x + box.width <= viewport.width;
      });
      await page.screenshot({ path: path.join(UI_OUTPUT, 'install-ipykernel-progress.png') });

      // pip installs ipykernel and its dependencies from the configured index: tens of seconds.
      await waitForExecutionCounts(page, 1);
      const printed = outputFrame(page).getByText(/^prefix .*\.venv ipykernel \d+\./);
      await printed.first().waitFor({ timeout: 60_000 });
      assert.match(await printed.first().innerText(), new RegExp(`^prefix ${escapeRegExp(path.join(workspace, '.venv'))} ipykernel \\d+\\.`));
      await progress.first().waitFor({ state: 'hidden', timeout: 30_000 });
      await page.screenshot({ path: path.join(UI_OUTPUT, 'install-ipykernel-done.png') });
    });
  });
});

/** Opens the notebook's kernel picker as a person does: the kernel's name at the right of the notebook toolbar. */
async function showKernelPicker(page: Page, kernelLabel: RegExp): Promise<void> {
  await page.locator('.notebook-toolbar-container').getByText(kernelLabel).first().click({ timeout: 30_000 });
  await page.locator('.quick-input-widget').waitFor({ state: 'visible', timeout: 10_000 });
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
