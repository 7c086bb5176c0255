/**
 * The Vega renderer (Vega 5 and Vega-Lite 4/5/6, what Altair charts send): vega-embed with vega and
 * vega-lite, bundled (no CDN), as SVG the width of the output when the spec asks for the container's width,
 * with Vega's tooltips, in the VS Code theme (vega-themes' dark theme in dark and high-contrast VS Code, the
 * editor's text colour and font in all), drawn again when the theme changes (charts/vegaChart.ts). Its own
 * bundle, loaded only when an output of these types is shown.
 */
import type { ChartTheme } from '../charts/chartTheme';
import { showChartProblem } from '../charts/chartProblem';
import { titleText } from '../charts/chartMessages';
import { renderVegaChart } from '../charts/vegaChart';
import type { ActivationFunction, OutputItem } from '../rendererApi';
import { modeOf } from './vegaMime';

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
    let spec: Record<string, unknown>;
    try {
      const parsed = item.json();
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error('the output is not a Vega or Vega-Lite spec (not a JSON object)');
      spec = parsed as Record<string, unknown>;
    } catch (error) {
      showChartProblem(context, element, item, 'chart', error);
      return;
    }
    await renderVegaChart(context, item, element, signal, {
      className: 'cellbridge-vega',
      what: 'chart',
      name: titleText(spec.title) ?? 'chart',
      embedFor: (theme) => ({
        spec: structuredClone(spec),
        options: { mode: modeOf(item.mime), ...(theme.kind === 'light' ? {} : { theme: 'dark' as const }), config: themeConfig(theme) as never },
      }),
    });
  },
});
