/**
 * Layout settings that put a Plotly figure on the VS Code theme: a transparent paper so the editor's
 * background shows, the theme's text colour and font, and in dark and high-contrast themes a transparent plot
 * area with faint grid lines (Plotly's default template draws a light blue-grey plot area with white grid,
 * made for white pages). What the figure's own layout sets wins: only the template's choices are replaced.
 */
import type { ChartTheme } from '../charts/chartTheme';

type Layout = Record<string, unknown>;

export function themedLayout(layout: Layout, theme: ChartTheme): Layout {
  const font = { color: theme.foreground, family: theme.fontFamily, ...asObject(layout.font) };
  const themed: Layout = { paper_bgcolor: 'rgba(0,0,0,0)', ...layout, font };
  if (theme.kind === 'light') return themed;
  themed.plot_bgcolor = layout.plot_bgcolor ?? 'rgba(0,0,0,0)';
  for (const key of Object.keys({ xaxis: 1, yaxis: 1, ...layout })) {
    if (!/^[xy]axis\d*$/.test(key)) continue;
    themed[key] = { gridcolor: theme.gridColor, zerolinecolor: theme.gridColor, linecolor: theme.gridColor, ...asObject(layout[key]) };
  }
  themed.legend = { bgcolor: 'rgba(0,0,0,0)', ...asObject(layout.legend) };
  return themed;
}

function asObject(value: unknown): Layout {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Layout) : {};
}
