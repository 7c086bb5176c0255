import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { useCurrentStackKernel } from '../kernel/helpers/currentStack';
import { clickRunAll, openNotebookFromExplorer, outputFrame, UI_OUTPUT, waitForExecutionCounts, withWorkbench } from './workbench';

// A person's view of Jupyter widgets in the workbench, on the current stack's kernel (ipywidgets 8.1.9): a
// slider, an `interact` whose output follows its slider, an Output widget, a progress bar. Arrow keys on the
// interact slider reach the kernel and its output changes. Nothing is fetched from outside the machine.
// Screenshots: .test-output/ui/widgets.png and widgets-after-keys.png.

const CELLS = [
  'import ipywidgets as widgets\nslider = widgets.IntSlider(value=3, description="plain")\nslider',
  'def show(x):\n    print("x is", x)\nwidgets.interact(show, x=widgets.IntSlider(value=5, description="interact"));',
  'out = widgets.Output()\nwith out:\n    print("captured by the Output widget")\nout',
  'widgets.IntProgress(value=7, max=10, description="progress")',
];

function notebook(kernelName: string, displayName: string): string {
  return JSON.stringify({
    nbformat: 4,
    nbformat_minor: 5,
    metadata: { kernelspec: { name: kernelName, display_name: displayName, language: 'python' } },
    cells: CELLS.map((source, i) => ({ id: `cell-${i}`, cell_type: 'code', source, metadata: {}, outputs: [], execution_count: null })),
  });
}

test('widgets render and talk to the kernel: a slider, interact following its slider, an Output widget, a progress bar', { timeout: 6 * 60_000 }, async () => {
  const kernel = useCurrentStackKernel();
  const folder = await fs.mkdtemp(path.join(os.tmpdir(), 'cellbridge-widgets-ui-'));
  const file = path.join(folder, 'widgets.ipynb');
  await fs.writeFile(file, notebook(kernel, 'Python 3 (current Jupyter stack)'));
  try {
    await withWorkbench('widgets', [file], { height: 1600, env: { JUPYTER_PATH: process.env.JUPYTER_PATH ?? '' } }, async (page) => {
      const consoleErrors: string[] = [];
      page.on('console', (message) => {
        if (message.type() === 'error' || /CellBridge/.test(message.text())) consoleErrors.push(message.text());
      });
      const outside: string[] = [];
      page.on('request', (request) => {
        const url = new URL(request.url());
        // The webview's own resources (`*.vscode-resource.vscode-cdn.net`) are answered by its service worker from the local server.
        const local = ['127.0.0.1', 'localhost'].includes(url.hostname) || url.hostname.includes('.vscode-resource.') || ['data:', 'blob:'].includes(url.protocol) || url.protocol.startsWith('vscode');
        if (!local) outside.push(request.url());
      });
      await openNotebookFromExplorer(page, 'widgets.ipynb', 'Python 3 (current Jupyter stack)');
      await clickRunAll(page);
      await waitForExecutionCounts(page, CELLS.length);
      const outputs = outputFrame(page);
      const interactReadout = outputs.locator('.widget-slider', { hasText: 'interact' }).locator('.widget-readout');
      await interactReadout.waitFor({ timeout: 60_000 });
      await outputs.getByText('x is 5').waitFor({ timeout: 30_000 });
      await outputs.getByText('captured by the Output widget').waitFor({ timeout: 30_000 });
      const plainReadout = outputs.locator('.widget-slider', { hasText: 'plain' }).locator('.widget-readout');
      assert.equal((await plainReadout.innerText()).trim(), '3');
      const bar = outputs.locator('.widget-hprogress .progress-bar').first();
      const barSize = await bar.boundingBox();
      assert.ok(barSize && barSize.width > 20, `the progress bar is drawn as a bar: ${JSON.stringify(barSize)}`);
      await page.screenshot({ path: path.join(UI_OUTPUT, 'widgets.png') });

      // The interact slider's handle, moved with the keyboard as a person would: each step reaches the kernel.
      const handle = outputs.locator('.widget-slider', { hasText: 'interact' }).locator('.noUi-handle').first();
      await handle.focus();
      await handle.press('ArrowRight');
      await handle.press('ArrowRight');
      await outputs.getByText('x is 7').waitFor({ timeout: 30_000 }).catch((error: unknown) => {
        throw new Error(`${String(error)}\nconsole errors:\n${consoleErrors.join('\n')}`);
      });
      assert.equal((await interactReadout.innerText()).trim(), '7');
      await page.screenshot({ path: path.join(UI_OUTPUT, 'widgets-after-keys.png') });
      assert.deepEqual(outside, [], 'no request left the machine');
    });
  } finally {
    await fs.rm(folder, { recursive: true, force: true });
  }
});
