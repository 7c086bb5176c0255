import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { until } from '../kernel/helpers/cellWaits';
import { useCurrentStackKernel, useIpywidgets6Kernel } from '../kernel/helpers/currentStack';
import { clickRunAll, CURRENT_STACK_LABEL, notebookJson, openNotebookFromExplorer, outputFrame, REPO, requestsLeavingMachine, saveNotebook, selectColorTheme, UI_OUTPUT, waitForExecutionCounts, withTempFolder, withWorkbench } from './workbench';

// A person's view of Jupyter widgets in the workbench, on the current stack's kernel (ipywidgets 8.1.9): a
// slider, an `interact` whose output follows its slider, an Output widget, a progress bar. Arrow keys on the
// interact slider reach the kernel and its output changes. Nothing is fetched from outside the machine.
// Screenshots: .test-output/ui/widgets.png and widgets-after-keys.png.

const CELLS = [
  'import ipywidgets as widgets\nslider = widgets.IntSlider(value=3, description="plain")\nslider',
  'def show(x):\n    print("x is", x)\nwidgets.interact(show, x=widgets.IntSlider(value=5, description="interact"));',
  'out = widgets.Output()\nwith out:\n    print("captured by the Output widget")\nout',
  'widgets.IntProgress(value=7, max=10, description="progress")',
  'display(slider)',
  'from tqdm.notebook import tqdm\nfor _ in tqdm(range(5), desc="tqdm bar"):\n    pass',
  'from tqdm.auto import tqdm as auto_tqdm\nfor _ in auto_tqdm(range(5), desc="auto bar"):\n    pass',
];

test('widgets render and talk to the kernel: a slider, interact following its slider, an Output widget, a progress bar', { timeout: 6 * 60_000 }, async () => {
  const kernel = useCurrentStackKernel();
  await withTempFolder('cellbridge-widgets-ui-', async (folder) => {
    const file = path.join(folder, 'widgets.ipynb');
    await fs.writeFile(file, notebookJson(CELLS, kernel));
    await withWorkbench('widgets', [file], { height: 1600, env: { JUPYTER_PATH: process.env.JUPYTER_PATH ?? '' } }, async (page) => {
      const consoleErrors: string[] = [];
      page.on('console', (message) => {
        if (message.type() === 'error' || /CellBridge/.test(message.text())) consoleErrors.push(message.text());
      });
      const outside = requestsLeavingMachine(page);
      await openNotebookFromExplorer(page, 'widgets.ipynb', CURRENT_STACK_LABEL);
      await clickRunAll(page);
      await waitForExecutionCounts(page, CELLS.length);
      const outputs = outputFrame(page);
      const interactReadout = outputs.locator('.widget-slider', { hasText: 'interact' }).locator('.widget-readout');
      await interactReadout.waitFor({ timeout: 60_000 });
      await outputs.getByText('x is 5').waitFor({ timeout: 30_000 });
      await outputs.getByText('captured by the Output widget').waitFor({ timeout: 30_000 });
      const plainReadout = outputs.locator('.widget-slider', { hasText: 'plain' }).locator('.widget-readout');
      assert.equal((await plainReadout.first().innerText()).trim(), '3');
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
      // The same slider shown twice (cells 1 and 5): moving one moves the other.
      const plainHandles = outputs.locator('.widget-slider', { hasText: 'plain' }).locator('.noUi-handle');
      assert.equal(await plainHandles.count(), 2, 'the slider is shown twice');
      await plainHandles.first().focus();
      await plainHandles.first().press('ArrowRight');
      let readouts: string[] = [];
      await until(() => readouts.length === 2 && readouts.every((text) => text.trim() === '4'), 'both views of the slider to read 4', async () => {
        readouts = await plainReadout.allInnerTexts();
      });
      // tqdm.notebook draws its bar as widgets: a progress bar and its label.
      await outputs.getByText('tqdm bar').first().waitFor({ timeout: 30_000 });
      // tqdm.auto finds it runs in a kernel with ipywidgets and draws the same widgets.
      await outputs.getByText('auto bar').first().waitFor({ timeout: 30_000 });
      assert.ok((await outputs.locator('.widget-hprogress').count()) >= 3, 'the tqdm bars are progress widgets');
      await page.screenshot({ path: path.join(UI_OUTPUT, 'widgets-after-keys.png') });

      // A restart takes the kernel the widgets talked to: they stay drawn, greyed, not broken.
      await page.locator('.notebook-toolbar-container').getByRole('button', { name: /Restart Kernel/ }).first().click();
      await outputs.locator('.cellbridge-widget-disconnected >> visible=true').first().waitFor({ timeout: 30_000 });
      assert.equal((await interactReadout.innerText()).trim(), '7', 'the last state stays shown');
      await page.screenshot({ path: path.join(UI_OUTPUT, 'widgets-after-restart.png') });
      assert.deepEqual(outside, [], 'no request left the machine');
    });
  });
});

const MORE_CELLS = [
  'import ipywidgets as widgets\nslider = widgets.IntSlider(value=4, description="saved")\nslider',
  [
    'import traitlets',
    'class Unbundled(widgets.DOMWidget):',
    '    _model_module = traitlets.Unicode("my-unbundled-widgets").tag(sync=True)',
    '    _model_module_version = traitlets.Unicode("1.2.3").tag(sync=True)',
    '    _model_name = traitlets.Unicode("UnbundledModel").tag(sync=True)',
    '    _view_module = traitlets.Unicode("my-unbundled-widgets").tag(sync=True)',
    '    _view_module_version = traitlets.Unicode("1.2.3").tag(sync=True)',
    '    _view_name = traitlets.Unicode("UnbundledView").tag(sync=True)',
    'Unbundled()',
  ].join('\n'),
  'widgets.Button(description="after the unbundled one")',
];

test('a widget library that is not bundled says so inline and stops nothing; saved widgets come back from the file, greyed, without a kernel', { timeout: 6 * 60_000 }, async () => {
  const kernel = useCurrentStackKernel();
  await withTempFolder('cellbridge-widgets-ui-', async (folder) => {
    const file = path.join(folder, 'saved.ipynb');
    const reopened = path.join(folder, 'reopened.ipynb');
    await fs.writeFile(file, notebookJson(MORE_CELLS, kernel));
    await withWorkbench('widgets-saved', [file], { height: 1400, env: { JUPYTER_PATH: process.env.JUPYTER_PATH ?? '' } }, async (page, workspace) => {
      await openNotebookFromExplorer(page, 'saved.ipynb', CURRENT_STACK_LABEL);
      await clickRunAll(page);
      await waitForExecutionCounts(page, MORE_CELLS.length);
      const outputs = outputFrame(page);
      await outputs.getByText('my-unbundled-widgets 1.2.3 is not bundled').waitFor({ timeout: 60_000 });
      await outputs.getByRole('button', { name: 'after the unbundled one' }).waitFor({ timeout: 30_000 });
      await page.screenshot({ path: path.join(UI_OUTPUT, 'widgets-unbundled.png') });

      // Saved: the widget state goes into the file.
      const saved = await saveNotebook(page, path.join(workspace, 'saved.ipynb'), (saved) => saved.includes('IntSliderModel'), 'the widget state in the saved file');
      const counts = (JSON.parse(saved) as { cells: Array<{ execution_count: number | null }> }).cells.map((cell) => cell.execution_count);
      // The notebook named no language: the kernel's language_info, recorded when it started, lets VS Code's ipynb support keep them.
      assert.deepEqual(counts, [1, 2, 3], 'the execution counts are saved');
      await fs.writeFile(reopened, saved);
    });
    // Opened in a fresh window, where no kernel runs: the slider is drawn from the saved state, greyed.
    await withWorkbench('widgets-reopened', [reopened], { height: 900, env: { JUPYTER_PATH: process.env.JUPYTER_PATH ?? '' } }, async (page) => {
      await openNotebookFromExplorer(page, path.basename(reopened), CURRENT_STACK_LABEL);
      const outputs = outputFrame(page);
      const readout = outputs.locator('.widget-slider', { hasText: 'saved' }).locator('.widget-readout');
      await readout.waitFor({ timeout: 60_000 });
      assert.equal((await readout.innerText()).trim(), '4');
      await outputs.locator('.cellbridge-widget-disconnected').first().waitFor({ timeout: 10_000 });
      await outputs.getByText('my-unbundled-widgets 1.2.3 is not bundled').waitFor({ timeout: 10_000 });
      await waitForExecutionCounts(page, MORE_CELLS.length);
      await page.screenshot({ path: path.join(UI_OUTPUT, 'widgets-reopened.png') });
    });
  });
});

// nbclient's JupyterWidgets.ipynb, saved by ipywidgets 7 (controls 1.4.0, base 1.1.0 models). Its output names
// a model from another run than its saved state; pointed at the saved Label here, the state is as it was saved.
const IPYWIDGETS7_NOTEBOOK = path.join(REPO, '..', 'shared', 'reference', 'nbclient-notebooks', 'JupyterWidgets.ipynb');

test('older ipywidgets: a notebook saved by ipywidgets 7 draws its Label without a kernel; ipywidgets 6 on Debian says it is not drawn and the next cell runs', { timeout: 6 * 60_000 }, async () => {
  const ipywidgets6 = useIpywidgets6Kernel();
  await withTempFolder('cellbridge-widgets-ui-', async (folder) => {
    const saved7 = JSON.parse(await fs.readFile(IPYWIDGETS7_NOTEBOOK, 'utf8')) as {
      metadata: { widgets: Record<string, { state: Record<string, { model_name: string; model_module_version: string }> }> };
      cells: Array<{ outputs?: Array<{ data?: Record<string, { model_id?: string }> }> }>;
    };
    const models7 = saved7.metadata.widgets['application/vnd.jupyter.widget-state+json']!.state;
    const labelId = Object.keys(models7).find((id) => models7[id]!.model_name === 'LabelModel')!;
    assert.equal(models7[labelId]!.model_module_version, '1.4.0', 'the saved state is ipywidgets 7');
    saved7.cells[0]!.outputs![0]!.data!['application/vnd.jupyter.widget-view+json']!.model_id = labelId;
    await fs.writeFile(path.join(folder, 'ipywidgets7.ipynb'), JSON.stringify(saved7));
    // The third cell's widget opens once the renderer runs (drawn by the first): the renderer's own check, not the saved state's.
    const ipywidgets6Cells = ['import ipywidgets\nipywidgets.IntSlider(value=3)', 'print("the next cell runs")', 'import time\ntime.sleep(3)\nipywidgets.IntSlider(value=4)'];
    await fs.writeFile(path.join(folder, 'ipywidgets6.ipynb'), notebookJson(ipywidgets6Cells, ipywidgets6, 'Python 3 (Debian, ipywidgets 6)'));
    const env = { JUPYTER_PATH: process.env.JUPYTER_PATH ?? '' };
    await withWorkbench('widgets-ipywidgets7', [path.join(folder, 'ipywidgets7.ipynb')], { height: 700, env }, async (page) => {
      await openNotebookFromExplorer(page, 'ipywidgets7.ipynb');
      const outputs = outputFrame(page);
      await outputs.locator('.widget-label', { hasText: 'Hello World' }).waitFor({ timeout: 60_000 });
      await outputs.locator('.cellbridge-widget-disconnected').first().waitFor({ timeout: 10_000 });
      await page.screenshot({ path: path.join(UI_OUTPUT, 'widgets-ipywidgets7.png') });
    });
    await withWorkbench('widgets-ipywidgets6', [path.join(folder, 'ipywidgets6.ipynb')], { height: 700, env }, async (page) => {
      await openNotebookFromExplorer(page, 'ipywidgets6.ipynb', 'Python 3 (Debian, ipywidgets 6)');
      await clickRunAll(page);
      await waitForExecutionCounts(page, 3);
      const outputs = outputFrame(page);
      const notDrawn = outputs.getByText(/jupyter-js-widgets ~2.1.4 is not bundled.*It is ipywidgets 6 or older/);
      let shown = 0;
      await until(() => shown === 2, 'both ipywidgets 6 sliders to say they are not drawn', async () => {
        shown = await notDrawn.count();
      }, 60_000);
      await outputs.getByText('the next cell runs').waitFor({ timeout: 10_000 });
      await page.screenshot({ path: path.join(UI_OUTPUT, 'widgets-ipywidgets6.png') });
    });
  });
});

const THEMED_CELLS = [
  [
    'import ipywidgets as widgets',
    'widgets.VBox([',
    '    widgets.IntSlider(value=6, description="slider"),',
    '    widgets.Text(value="typed text", description="text"),',
    '    widgets.Dropdown(options=["one", "two"], description="dropdown"),',
    '    widgets.Button(description="a button"),',
    '    widgets.IntProgress(value=6, max=10, description="progress"),',
    '])',
  ].join('\n'),
  // A binary value (a PNG in the message's buffers), drawn by the renderer.
  'import io\nimport matplotlib.pyplot as plt\nplt.figure(figsize=(1, 1))\nplt.plot([0, 1], [0, 1])\npicture = io.BytesIO()\nplt.savefig(picture, format="png")\nplt.close()\nwidgets.Image(value=picture.getvalue(), format="png", width=80)',
];

/** What the test reads of an element: its colours, and the theme's variables as the webview has them. */
interface Painted {
  color: string;
  background: string;
  theme: Record<string, string>;
}

// The theme's own variables are compared, not fixed colours, in Light+ and then in Dark Modern (picked as a
// person does: the `workbench.colorTheme` setting is ignored by this code-server).
test("widgets take their colours from the VS Code theme, light and dark: labels, readouts, inputs and buttons use the theme's variables, not JupyterLab's", { timeout: 6 * 60_000 }, async () => {
  const kernel = useCurrentStackKernel();
  await withTempFolder('cellbridge-widgets-ui-', async (folder) => {
    const file = path.join(folder, 'themed.ipynb');
    await fs.writeFile(file, notebookJson(THEMED_CELLS, kernel));
    await withWorkbench('widgets-themed', [file], { height: 1000, env: { JUPYTER_PATH: process.env.JUPYTER_PATH ?? '' } }, async (page) => {
      await openNotebookFromExplorer(page, 'themed.ipynb', CURRENT_STACK_LABEL);
      await clickRunAll(page);
      await waitForExecutionCounts(page, THEMED_CELLS.length);
      const outputs = outputFrame(page);
      await outputs.locator('.widget-readout').first().waitFor({ timeout: 60_000 });
      // The theme's values resolved the way the browser resolves colours: through a probe element's computed style.
      const paint = (selector: string): Promise<Painted> =>
        outputs.locator(selector).first().evaluate((node) => {
          // The DOM types are not in the tests' lib: the page's objects as far as used here.
          interface Styled { color: string; backgroundColor: string }
          interface Probe { style: Styled; remove(): void }
          const element = node as unknown as { ownerDocument: { defaultView: { getComputedStyle(node: unknown): Styled }; createElement(tag: string): Probe; body: { appendChild(child: Probe): void } } };
          const view = element.ownerDocument.defaultView;
          const resolve = (variable: string): string => {
            const probe = element.ownerDocument.createElement('span');
            probe.style.color = `var(${variable})`;
            element.ownerDocument.body.appendChild(probe);
            const value = view.getComputedStyle(probe).color;
            probe.remove();
            return value;
          };
          const style = view.getComputedStyle(element);
          const names = ['--vscode-foreground', '--vscode-input-foreground', '--vscode-input-background', '--vscode-button-secondaryForeground', '--vscode-button-secondaryBackground'];
          return { color: style.color, background: style.backgroundColor, theme: Object.fromEntries(names.map((name) => [name, resolve(name)])) };
        });
      const label = await paint('.widget-label');
      const readout = await paint('.widget-readout');
      const input = await paint('.widget-text input');
      const button = await paint('.jupyter-button');
      assert.equal(label.color, label.theme['--vscode-foreground'], 'a label has the theme\'s text colour');
      assert.equal(readout.color, label.theme['--vscode-foreground'], 'a readout has the theme\'s text colour');
      assert.equal(input.color, label.theme['--vscode-input-foreground'], 'a text box has the theme\'s input text colour');
      assert.equal(input.background, label.theme['--vscode-input-background'], 'and its input background');
      assert.equal(button.color, label.theme['--vscode-button-secondaryForeground'], "a button has the theme's secondary button colours");
      assert.equal(button.background, label.theme['--vscode-button-secondaryBackground']);
      const image = outputs.locator('img.widget-image, img.jupyter-widget-image').first();
      await image.waitFor({ timeout: 30_000 });
      const pictureWidth = await image.evaluate((node) => (node as unknown as { naturalWidth: number }).naturalWidth);
      assert.ok(pictureWidth > 50, `the Image widget's PNG (its bytes from the message buffers) is decoded: natural width ${pictureWidth}`);
      await page.screenshot({ path: path.join(UI_OUTPUT, 'widgets-themed.png') });

      // Dark Modern: the same variables now hold the dark theme's colours, and the widgets follow at once.
      await selectColorTheme(page, 'Dark Modern', 'vs-dark');
      let dark = await paint('.widget-label');
      await until(() => dark.color === dark.theme['--vscode-foreground'] && dark.color !== label.color, "the label to take the dark theme's text colour", async () => {
        dark = await paint('.widget-label');
      });
      const darkInput = await paint('.widget-text input');
      assert.equal(darkInput.background, darkInput.theme['--vscode-input-background']);
      assert.notEqual(darkInput.background, input.background, 'the text box is dark now');
      await page.screenshot({ path: path.join(UI_OUTPUT, 'widgets-themed-dark.png') });
    });
  });
});

const HIDDEN_CELLS = ['import ipywidgets as widgets\nslider = widgets.IntSlider(value=1, description="hidden")\nslider', 'import time\ntime.sleep(4)\nslider.value = 9'];

test("a notebook in a background tab misses no widget update: back in view, its slider shows the value set while it was hidden", { timeout: 6 * 60_000 }, async () => {
  const kernel = useCurrentStackKernel();
  await withTempFolder('cellbridge-widgets-ui-', async (folder) => {
    const file = path.join(folder, 'hidden.ipynb');
    const other = path.join(folder, 'other.txt');
    await fs.writeFile(other, 'another editor\n');
    await fs.writeFile(file, notebookJson(HIDDEN_CELLS, kernel));
    await withWorkbench('widgets-hidden', [file, other], { height: 800, env: { JUPYTER_PATH: process.env.JUPYTER_PATH ?? '' } }, async (page) => {
      await openNotebookFromExplorer(page, 'hidden.ipynb', CURRENT_STACK_LABEL);
      const outputs = outputFrame(page);
      const readout = outputs.locator('.widget-slider', { hasText: 'hidden' }).locator('.widget-readout');
      await clickRunAll(page);
      await readout.waitFor({ timeout: 60_000 });
      assert.equal((await readout.innerText()).trim(), '1');
      // While the second cell sleeps, another editor takes the tab's place; the value changes out of view.
      await page.getByRole('treeitem', { name: 'other.txt' }).dblclick();
      await page.locator('.tab', { hasText: 'other.txt' }).waitFor();
      await page.waitForTimeout(8_000);
      await page.locator('.tab', { hasText: 'hidden.ipynb' }).click();
      let shown = '';
      await until(() => shown === '9', 'the slider to show the value set while hidden', async () => {
        shown = ((await readout.innerText({ timeout: 1_000 }).catch(() => '')) ?? '').trim();
      }, 15_000);
      await page.screenshot({ path: path.join(UI_OUTPUT, 'widgets-hidden.png') });
    });
  });
});
