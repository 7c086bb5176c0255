/**
 * The Vega renderer (Vega 5 and Vega-Lite 4/5/6, what Altair charts send): vega-embed with vega and
 * vega-lite, bundled (no CDN), as SVG the width of the output when the spec asks for the container's width,
 * with Vega's tooltips, in the VS Code theme (vega-themes' dark theme in dark and high-contrast VS Code, the
 * editor's text colour and font in all), drawn again when the theme changes. Expressions run through
 * vega-interpreter, not `new Function`, so no `unsafe-eval` is needed. Its own bundle, loaded only when an
 * output of these types is shown.
 */
import embed, { type Result } from 'vega-embed';
import { expressionInterpreter } from 'vega-interpreter';
import { showChartProblem } from '../charts/chartProblem';
import { addSaveButtons, textToBase64 } from '../charts/saveChart';
import { currentTheme, onThemeChange, type ChartTheme } from '../charts/vscodeTheme';
import type { ActivationFunction, OutputItem } from '../rendererApi';
import { modeOf } from './vegaMime';

function fallbackTextOf(item: OutputItem): string | undefined {
  const metadata = item.metadata as { fallbackText?: unknown } | undefined;
  return typeof metadata?.fallbackText === 'string' ? metadata.fallbackText : undefined;
}

function specTitle(spec: Record<string, unknown>): string | undefined {
  const title = spec.title;
  const text = typeof title === 'string' ? title : typeof title === 'object' && title !== null ? (title as { text?: unknown }).text : undefined;
  return typeof text === 'string' && text.trim() !== '' ? text : undefined;
}

/** The editor's colours and font over whatever theme the spec gets; the spec's own `config` still wins. */
function themeConfig(theme: ChartTheme): Record<string, unknown> {
  const text = { labelColor: theme.foreground, titleColor: theme.foreground, labelFont: theme.fontFamily, titleFont: theme.fontFamily };
  return {
    background: 'transparent',
    font: theme.fontFamily,
    title: { color: theme.foreground, font: theme.fontFamily },
    axis: { ...text, gridColor: theme.gridColor, domainColor: theme.gridColor, tickColor: theme.gridColor },
    legend: text,
    header: text,
    view: { stroke: theme.kind === 'light' ? undefined : theme.gridColor },
  };
}

export const activate: ActivationFunction = (context) => ({
  async renderOutputItem(item: OutputItem, element: HTMLElement, signal?: AbortSignal): Promise<void> {
    const started = performance.now();
    const document = element.ownerDocument;
    let spec: Record<string, unknown>;
    try {
      const parsed = item.json();
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error('the output is not a Vega or Vega-Lite spec (not a JSON object)');
      spec = parsed as Record<string, unknown>;
    } catch (error) {
      showChartProblem(element, 'chart', error, fallbackTextOf(item));
      return;
    }
    const root = document.createElement('div');
    root.className = 'cellbridge-vega';
    root.style.width = '100%';
    // vega-embed owns the element it draws in: the save buttons go beside it.
    const host = document.createElement('div');
    host.style.width = '100%';
    root.appendChild(host);
    element.replaceChildren(root);
    let view: Result | undefined;
    // Saves the view drawn last (a theme change draws a new one).
    addSaveButtons(context, root, specTitle(spec) ?? 'chart', async (format) => {
      if (!view) throw new Error('nothing is drawn yet');
      if (format === 'svg') return textToBase64(await view.view.toSVG());
      const canvas = await view.view.toCanvas(2);
      return canvas.toDataURL('image/png').split(',')[1] ?? '';
    });
    const draw = async (): Promise<void> => {
      view?.finalize();
      const theme = currentTheme(document);
      view = await embed(host, structuredClone(spec) as never, {
        mode: modeOf(item.mime),
        renderer: 'svg',
        ...(theme.kind === 'light' ? {} : { theme: 'dark' as const }),
        config: themeConfig(theme) as never,
        // Saving goes through the extension (a webview cannot download); the editor and source links need the network.
        actions: false,
        ast: true,
        expr: expressionInterpreter,
      });
    };
    try {
      await draw();
    } catch (error) {
      showChartProblem(element, 'chart', error, fallbackTextOf(item));
      return;
    }
    // How long the first drawing took, for bench:charts.
    root.dataset.renderMs = String(Math.round(performance.now() - started));
    const stopThemeWatch = onThemeChange(document, () => void draw().catch((error: unknown) => showChartProblem(element, 'chart', error, fallbackTextOf(item))));
    signal?.addEventListener('abort', () => {
      stopThemeWatch();
      view?.finalize();
    });
  },
});
