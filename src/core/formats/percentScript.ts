/**
 * Splits a Python script into cells at "percent" markers, the format VS Code, Spyder and jupytext share
 * (`# %%`, `# %% Title [markdown]`), and at the `# In[12]:` markers `jupyter nbconvert --to script` writes.
 */

export interface ScriptCell {
  kind: 'code' | 'markdown';
  source: string;
  /** 1-based line in the file of the cell's first source line, to map kernel line numbers back to the file. */
  firstLine: number;
  /** 1-based lines the cell spans in the file: from its marker (or line 1) to the line before the next marker. */
  startLine: number;
  endLine: number;
}

type CellKind = ScriptCell['kind'];

interface PendingCell {
  kind: CellKind;
  /** 1-based line of `lines[0]`. */
  startLine: number;
  /** 1-based line of the marker that opened the cell (or 1 for text before any marker). */
  markerLine: number;
  lines: string[];
}

// `%%` must end the token: `# %%capture` is a commented-out cell magic, not a marker.
const PERCENT_MARKER = /^#\s*%%(?=\s|$)(.*)$/;
const MARKDOWN_TAG = /(?:^|\s)\[(?:markdown|md)\](?:\s|$)/i;
const NBCONVERT_MARKER = /^#\s*In\[\s*\d*\s*\]:?\s*$/;

export function splitPercentScript(text: string): ScriptCell[] {
  const lines = text.replace(/^\uFEFF/, '').split(/\r\n|\r|\n/);
  const cells: ScriptCell[] = [];
  // Whatever precedes the first marker (or the whole file, if there is none) is a code cell.
  let pending: PendingCell = { kind: 'code', startLine: 1, markerLine: 1, lines: [] };
  lines.forEach((line, index) => {
    const markerKind = cellKindOfMarker(line);
    if (markerKind === undefined) {
      pending.lines.push(line);
      return;
    }
    pushFinished(cells, pending);
    pending = { kind: markerKind, startLine: index + 2, markerLine: index + 1, lines: [] };
  });
  pushFinished(cells, pending);
  return cells;
}

/** Whether the text has any cell marker (a file without one is a single cell). */
export function hasCellMarker(text: string): boolean {
  return text.split(/\r\n|\r|\n/).some((line) => cellKindOfMarker(line) !== undefined);
}

/** The kind of cell a marker line starts, or undefined when the line is not a marker. */
function cellKindOfMarker(line: string): CellKind | undefined {
  const percent = PERCENT_MARKER.exec(line);
  if (percent) return MARKDOWN_TAG.test(percent[1] ?? '') ? 'markdown' : 'code';
  return NBCONVERT_MARKER.test(line) ? 'code' : undefined;
}

/** Trims blank lines at both ends (moving firstLine past the leading ones) and drops cells left empty. */
function pushFinished(cells: ScriptCell[], pending: PendingCell): void {
  const lines = pending.kind === 'markdown' ? pending.lines.map(stripCommentPrefix) : pending.lines;
  let start = 0;
  let end = lines.length;
  while (start < end && isBlank(lines[start])) start++;
  while (end > start && isBlank(lines[end - 1])) end--;
  if (start === end) return;
  cells.push({
    kind: pending.kind,
    source: lines.slice(start, end).join('\n'),
    firstLine: pending.startLine + start,
    startLine: pending.markerLine,
    endLine: pending.startLine + lines.length - 1,
  });
}

/** Markdown is stored as comments (`# text`, or a bare `#` for an empty line); other lines are kept as they are. */
function stripCommentPrefix(line: string): string {
  if (line === '#') return '';
  return line.startsWith('# ') ? line.slice(2) : line;
}

function isBlank(line: string | undefined): boolean {
  return line === undefined || line.trim() === '';
}
