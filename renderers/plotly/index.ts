/**
 * The Plotly renderer (`application/vnd.plotly.v1+json`, what `plotly.express` figures send): plotly.js
 * itself, bundled (no CDN), drawn as the figure's JSON says, interactive (hover, zoom, pan), the width of the
 * output, in the VS Code theme's colours and again when the theme changes. Its own bundle: VS Code loads it
 * only when an output of this type is shown.
 */
import * as Plotly from 'plotly.js-dist-min';
import { showChartProblem } from '../charts/chartProblem';
import { addSaveButtons, dataUrlToBase64 } from '../charts/saveChart';
import { titleText } from '../charts/chartMessages';
import { currentTheme, onThemeChange } from '../charts/vscodeTheme';
import type { ActivationFunction, OutputItem } from '../rendererApi';
import { themedLayout } from './plotlyTheme';

interface PlotlyFigure {
  data: unknown[];
  layout?: Record<string, unknown>;
  config?: Record<string, unknown>;
}

function figureOf(item: OutputItem): PlotlyFigure {
  const figure = item.json() as Partial<PlotlyFigure> | undefined;
  if (!figure || !Array.isArray(figure.data)) throw new Error('the output is not a Plotly figure (no "data" list)');
  return { data: figure.data, ...(figure.layout ? { layout: figure.layout } : {}), ...(figure.config ? { config: figure.config } : {}) };
}

export const activate: ActivationFunction = (context) => ({
  async renderOutputItem(item: OutputItem, element: HTMLElement, signal?: AbortSignal): Promise<void> {
    const started = performance.now();
    const document = element.ownerDocument;
    let figure: PlotlyFigure;
    try {
      figure = figureOf(item);
    } catch (error) {
      showChartProblem(context, element, item, 'Plotly figure', error);
      return;
    }
    const root = document.createElement('div');
    root.className = 'cellbridge-plotly';
    root.style.width = '100%';
    // A fixed height (the figure's, else Plotly's 450 px): with autosize, Plotly reads the height from its
    // element while redrawing, and an output VS Code has just shrunk around it would stay collapsed.
    const height = typeof figure.layout?.height === 'number' ? figure.layout.height : 450;
    root.style.height = `${height}px`;
    // Plotly owns its root's children: the save buttons go beside it, in a frame of their own.
    const frame = document.createElement('div');
    frame.appendChild(root);
    element.replaceChildren(frame);
    const draw = (): Promise<unknown> =>
      Plotly.react(root, figure.data, themedLayout({ autosize: true, ...figure.layout }, currentTheme(document)), {
        responsive: true,
        displaylogo: false,
        // Its camera button downloads, which a webview cannot do: the Save as PNG/SVG buttons replace it.
        modeBarButtonsToRemove: ['toImage'],
        ...figure.config,
      });
    try {
      await draw();
    } catch (error) {
      showChartProblem(context, element, item, 'Plotly figure', error);
      return;
    }
    // How long the first drawing took, for bench:charts.
    root.dataset.renderMs = String(Math.round(performance.now() - started));
    addSaveButtons(context, frame, titleText(figure.layout?.title) ?? 'plotly-figure', async (format) =>
      dataUrlToBase64(await Plotly.toImage(root, { format, width: root.clientWidth, height: root.clientHeight, ...(format === 'png' ? { scale: 2 } : {}) })),
    );
    // The output's width follows the editor's; the theme can change while the figure is shown.
    const resizes = new ResizeObserver(() => void Plotly.Plots.resize(root));
    resizes.observe(root);
    const stopThemeWatch = onThemeChange(document, () => void draw());
    signal?.addEventListener('abort', () => {
      resizes.disconnect();
      stopThemeWatch();
      Plotly.purge(root);
    });
  },
});
