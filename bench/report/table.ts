/** Renders rows as a plain-text table: columns padded to their widest cell, numbers right-aligned. */
export function renderTable(header: readonly string[], rows: ReadonlyArray<readonly string[]>, indent = '  '): string {
  const widths = header.map((h, col) => Math.max(h.length, ...rows.map((row) => (row[col] ?? '').length)));
  const line = (cells: readonly string[]): string =>
    indent +
    cells
      .map((cell, col) => (col === 0 || !looksNumeric(cell) ? cell.padEnd(widths[col]!) : cell.padStart(widths[col]!)))
      .join('  ')
      .trimEnd();
  return [line(header), indent + widths.map((w) => '─'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

function looksNumeric(cell: string): boolean {
  return /^[\d.,]+\s*(ms|s|×|cells\/s|MiB)?$/.test(cell.trim());
}

export const format = {
  ms: (value: number): string => `${value.toFixed(2)} ms`,
  seconds: (value: number): string => `${value.toFixed(2)} s`,
  rate: (value: number): string => `${Math.round(value)} cells/s`,
  ratio: (value: number): string => `${value.toFixed(2)}×`,
  mib: (bytes: number): string => `${(bytes / 1024 / 1024).toFixed(1)} MiB`,
};
