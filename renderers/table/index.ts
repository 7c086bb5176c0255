/**
 * The table renderer (`application/vnd.dataresource+json`, pandas' table schema output): a scrollable table
 * with a header that stays in view, sorted by a click on a column's header (again: the other way), numbers
 * right-aligned, in the VS Code theme's colours. Up to MAX_ROWS rows are drawn; the count of all is shown.
 */
import { showChartProblem } from '../charts/chartProblem';
import { injectStylesOnce } from '../injectStyles';
import type { ActivationFunction, OutputItem } from '../rendererApi';
import { cellText, parseDataResource, type SortDirection, sortedRows, type TableColumn, type TableData } from './tableModel';

const MAX_ROWS = 10_000;
const STYLE_ID = 'cellbridge-table-styles';
const STYLES = `
.cellbridge-table { max-height: 420px; overflow: auto; border: 1px solid var(--vscode-panel-border, transparent); }
.cellbridge-table table { border-collapse: collapse; font-family: var(--vscode-editor-font-family); font-size: var(--vscode-editor-font-size, 12px); color: var(--vscode-foreground); }
.cellbridge-table th { position: sticky; top: 0; background: var(--vscode-editor-background); cursor: pointer; user-select: none; text-align: left; border-bottom: 1px solid var(--vscode-foreground); white-space: nowrap; }
.cellbridge-table th, .cellbridge-table td { padding: 2px 10px; }
.cellbridge-table td.number { text-align: right; font-variant-numeric: tabular-nums; }
.cellbridge-table tbody tr:nth-child(even) { background: var(--vscode-list-hoverBackground, rgba(128, 128, 128, 0.08)); }
.cellbridge-table-summary { color: var(--vscode-descriptionForeground); font-size: 0.9em; padding: 2px 0; }
`;

function drawTable(element: HTMLElement, table: TableData): void {
  const document = element.ownerDocument;
  let sort: { column: TableColumn; direction: SortDirection } | undefined;
  const scroller = document.createElement('div');
  scroller.className = 'cellbridge-table';
  const summary = document.createElement('div');
  summary.className = 'cellbridge-table-summary';
  const shown = Math.min(table.rows.length, MAX_ROWS);
  summary.textContent = `${table.rows.length} rows × ${table.columns.length} columns${shown < table.rows.length ? ` (the first ${shown} shown)` : ''}`;
  const render = (): void => {
    const rows = (sort ? sortedRows(table, sort.column, sort.direction) : table.rows).slice(0, MAX_ROWS);
    const grid = document.createElement('table');
    const head = grid.createTHead().insertRow();
    for (const column of table.columns) {
      const th = document.createElement('th');
      const arrow = sort?.column === column ? (sort.direction === 'ascending' ? ' ▲' : ' ▼') : '';
      th.textContent = column.name + arrow;
      th.title = `Sort by ${column.name}`;
      th.setAttribute('aria-sort', sort?.column === column ? sort.direction : 'none');
      th.addEventListener('click', () => {
        sort = { column, direction: sort?.column === column && sort.direction === 'ascending' ? 'descending' : 'ascending' };
        render();
      });
      head.appendChild(th);
    }
    const body = grid.createTBody();
    for (const row of rows) {
      const tr = body.insertRow();
      for (const column of table.columns) {
        const td = tr.insertCell();
        td.textContent = cellText(row[column.name]);
        if (column.type === 'number' || column.type === 'integer') td.className = 'number';
      }
    }
    scroller.replaceChildren(grid);
  };
  render();
  element.replaceChildren(summary, scroller);
}

export const activate: ActivationFunction = (context) => ({
  renderOutputItem(item: OutputItem, element: HTMLElement): void {
    injectStylesOnce(element.ownerDocument, STYLE_ID, STYLES);
    try {
      drawTable(element, parseDataResource(item.json()));
    } catch (error) {
      showChartProblem(context, element, item, 'table', error);
    }
  },
});
