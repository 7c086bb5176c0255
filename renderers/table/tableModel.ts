/**
 * pandas' table schema output (`application/vnd.dataresource+json`, with `display.html.table_schema` on) as
 * rows and columns to show: columns in schema order (the index first, as pandas lists it), cells as text, and
 * sorting by a column, numbers as numbers. No DOM here, so it is tested in Node.
 */
export interface TableColumn {
  name: string;
  /** Table Schema type: number, integer, boolean, string, datetime, … */
  type: string;
}

export interface TableData {
  columns: TableColumn[];
  rows: Array<Record<string, unknown>>;
}

export type SortDirection = 'ascending' | 'descending';

export function parseDataResource(value: unknown): TableData {
  if (typeof value !== 'object' || value === null) throw new Error('the output is not a data resource (not a JSON object)');
  const { schema, data } = value as { schema?: { fields?: unknown }; data?: unknown };
  if (!Array.isArray(data)) throw new Error('the data resource has no "data" list of rows');
  const fields = Array.isArray(schema?.fields) ? schema.fields : [];
  const columns: TableColumn[] = fields
    .filter((field): field is { name: unknown; type?: unknown } => typeof field === 'object' && field !== null && 'name' in field)
    .map((field) => ({ name: String(field.name), type: typeof field.type === 'string' ? field.type : 'string' }));
  const rows = data.filter((row): row is Record<string, unknown> => typeof row === 'object' && row !== null && !Array.isArray(row));
  // Without a schema, the columns are the keys of the first row.
  if (columns.length === 0 && rows[0]) columns.push(...Object.keys(rows[0]).map((name) => ({ name, type: 'string' })));
  return { columns, rows };
}

export function cellText(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

const NUMERIC = new Set(['number', 'integer']);

/** The rows sorted by one column (stable; empty cells last either way), without changing `rows`. */
export function sortedRows(table: TableData, column: TableColumn, direction: SortDirection): Array<Record<string, unknown>> {
  const sign = direction === 'ascending' ? 1 : -1;
  const numeric = NUMERIC.has(column.type);
  const key = (row: Record<string, unknown>): unknown => row[column.name];
  return table.rows
    .map((row, index) => ({ row, index }))
    .sort((a, b) => {
      const x = key(a.row);
      const y = key(b.row);
      const xEmpty = x === null || x === undefined;
      const yEmpty = y === null || y === undefined;
      if (xEmpty || yEmpty) return xEmpty === yEmpty ? a.index - b.index : xEmpty ? 1 : -1;
      const order = numeric ? Number(x) - Number(y) : cellText(x).localeCompare(cellText(y), undefined, { numeric: true });
      return order === 0 ? a.index - b.index : sign * order;
    })
    .map(({ row }) => row);
}
