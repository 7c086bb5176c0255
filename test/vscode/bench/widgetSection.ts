/**
 * The widget section of the VS Code benchmark (issue 14): a notebook on the current stack's kernel whose first
 * cell shows a slider, so the widget renderer is loaded in the visible editor and the slider's view is live
 * while the timed cells set it 1,000 times, or print the same loop.
 *
 * What "arrived" means, honestly: the bench times until the cell has ended in VS Code. The kernel sends every
 * `comm_msg` of the loop before its idle status on iopub, and a cell ends only after that idle, so by then
 * each update has reached the extension's relay, which hands the batch (the loop's updates merged) to the
 * renderer messaging at most one frame (16 ms) after the last of them. That hand-over is not observable from
 * here: renderer messaging gives an extension only what renderers send, and a renderer sends nothing back for
 * a kernel's update. So each run is checked afterwards, untimed: the widget state the extension keeps, fed by
 * the same iopub messages as the relay, should hold 999 (read through the notebook's save, which writes it into
 * the file; reported, since under load a kernel's iopub can drop messages past ZeroMQ's high-water mark), and the lag sampler keeps going past the end to catch the relay's last post.
 */
import * as vscode from 'vscode';
import { isMessage, WIDGET_RENDERER_ID, WIDGET_VIEW_MIME, type FromRenderer } from '../../../renderers/widgets/bridgeProtocol';
import { withTimeout } from '../../../src/core/common/async';
import { savedWidgetState } from '../../../src/extension/notebookMetadata';
import { EXTENSION_ID, openNotebook, runCells, selectController, workspaceUri } from '../suite/notebooks';
import { type BenchCase, SLIDER_SETUP, sliderValueIn, WIDGET_CASES, WIDGET_KERNEL } from './benchCases';
import { writeBenchNotebook } from './benchNotebook';

const WIDGET_NOTEBOOK = 'bench-widgets.ipynb';

/** Opens the widget notebook on WIDGET_KERNEL, runs its slider cell, and resolves once the renderer has started. */
export async function openWidgetNotebook(): Promise<vscode.NotebookDocument> {
  const uri = workspaceUri(WIDGET_NOTEBOOK).toString();
  // The renderer says `ready` when it starts in an editor: the one message that shows it is loaded there.
  let subscription: vscode.Disposable | undefined;
  const rendererReady = new Promise<boolean>((resolve) => {
    subscription = vscode.notebooks.createRendererMessaging(WIDGET_RENDERER_ID).onDidReceiveMessage(({ editor, message }) => {
      if (editor.notebook.uri.toString() === uri && isMessage<FromRenderer>(message, ['ready'])) resolve(true);
    });
  });
  try {
    await writeBenchNotebook(WIDGET_NOTEBOOK, [SLIDER_SETUP, ...WIDGET_CASES.map((benchCase) => benchCase.code)], {
      name: WIDGET_KERNEL,
      display_name: 'Python 3 (current Jupyter stack)',
    });
    const notebook = await openNotebook(WIDGET_NOTEBOOK);
    await selectController(`cellbridge.kernelspec.${WIDGET_KERNEL}`);
    await runCells(notebook, [0], [0], 120_000);
    const slider = notebook.cellAt(0);
    // Debian's python3 has no ipywidgets: a success here also shows the cell ran on the current stack.
    if (!slider.executionSummary?.success || !slider.outputs.some((output) => output.items.some((item) => item.mime === WIDGET_VIEW_MIME))) {
      throw new Error(`The slider cell did not show a widget on ${WIDGET_KERNEL} (is it selected? see ${EXTENSION_ID}'s log)`);
    }
    if (!(await withTimeout(rendererReady, 30_000, () => false))) throw new Error('The widget renderer did not start within 30 s of the slider cell');
    return notebook;
  } finally {
    subscription?.dispose();
  }
}

/** The untimed check after each VS Code run of a case that sets the slider (see the comment at the top): where it ended. */
export async function sliderInVsCode(notebook: vscode.NotebookDocument, benchCase: BenchCase): Promise<number | undefined> {
  if (benchCase.sliderEndsAt === undefined) return undefined;
  if (!(await notebook.save())) throw new Error(`${benchCase.name}: the widget notebook could not be saved`);
  return sliderValueIn(savedWidgetState(notebook));
}
