/**
 * What the Vega-based renderers (Vega/Vega-Lite specs, GeoJSON) share: vega-embed drawing SVG into the output,
 * expressions through vega-interpreter (no `new Function`, so no `unsafe-eval`), no vega-embed actions (saving
 * goes through the extension, the editor links need the network), Save as PNG/SVG buttons for the view drawn
 * last, a new drawing when the theme changes, and a clear problem (with the output's text) when it cannot draw.
 */
import embed, { type EmbedOptions, type Result } from 'vega-embed';
import { expressionInterpreter } from 'vega-interpreter';
import type { OutputItem, RendererContext } from '../rendererApi';
import type { ChartTheme } from './chartTheme';
import { showChartProblem } from './chartProblem';
import { addSaveButtons, textToBase64 } from './saveChart';
import { currentTheme, onThemeChange } from './vscodeTheme';

export interface VegaChart {
  /** The class of the chart's element (tests and bench:charts find it by it). */
  className: string;
  /** What the problem line calls it: "Cannot draw this <what>". */
  what: string;
  /** The file name Save as offers. */
  name: string;
  /** The spec to draw in this theme, and what to pass vega-embed beside the shared options; may throw. */
  embedFor(theme: ChartTheme): { spec: unknown; options?: EmbedOptions };
}

export async function renderVegaChart(context: RendererContext, item: OutputItem, element: HTMLElement, signal: AbortSignal | undefined, chart: VegaChart): Promise<void> {
  const started = performance.now();
  const document = element.ownerDocument;
  const fail = (error: unknown): void => showChartProblem(context, element, item, chart.what, error);
  const root = document.createElement('div');
  root.className = chart.className;
  root.style.width = '100%';
  // vega-embed owns the element it draws in: the save buttons go beside it.
  const host = document.createElement('div');
  host.style.width = '100%';
  root.appendChild(host);
  element.replaceChildren(root);
  let view: Result | undefined;
  // Saves the view drawn last (a theme change draws a new one).
  addSaveButtons(context, root, chart.name, async (format) => {
    if (!view) throw new Error('nothing is drawn yet');
    if (format === 'svg') return textToBase64(await view.view.toSVG());
    const canvas = await view.view.toCanvas(2);
    return canvas.toDataURL('image/png').split(',')[1] ?? '';
  });
  const draw = async (): Promise<void> => {
    view?.finalize();
    const { spec, options } = chart.embedFor(currentTheme(document));
    view = await embed(host, spec as never, { renderer: 'svg', actions: false, ast: true, expr: expressionInterpreter, ...options });
  };
  try {
    await draw();
  } catch (error) {
    fail(error);
    return;
  }
  // How long the first drawing took, for bench:charts.
  root.dataset.renderMs = String(Math.round(performance.now() - started));
  const stopThemeWatch = onThemeChange(document, () => void draw().catch(fail));
  signal?.addEventListener('abort', () => {
    stopThemeWatch();
    view?.finalize();
  });
}
