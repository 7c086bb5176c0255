/**
 * .ipynb files (nbformat v4, https://nbformat.readthedocs.io/en/latest/format_description.html):
 * read and check once, hand out the code cells to run, put the results back, write as Jupyter does.
 * In memory, multi-line strings are joined, as nbformat's own Python and JavaScript APIs hold them;
 * `serializeNotebook` splits them into lines again.
 */
import { randomUUID } from 'node:crypto';
import { InvalidInputError } from '../common/errors';
import { MimeBundle, Output } from '../outputs/nbformat';
import { describeJsonType, isJsonObject, JsonObject, parseJsonText } from './jsonInput';
import { isMultiline, joinMultiline, splitLinesKeepingEnds, stringifyLikeNbformat } from './nbformatJson';
import { executionCountOf, mimeBundleFromJson, mimeBundleToJson, outputFromJson, outputToJson } from './notebookOutputs';

interface CellCommon {
  /** Required from nbformat 4.5 on, absent before. */
  id?: string;
  source: string;
  metadata: JsonObject;
}

export interface CodeCell extends CellCommon {
  cell_type: 'code';
  outputs: Output[];
  execution_count: number | null;
}

export interface TextCell extends CellCommon {
  cell_type: 'markdown' | 'raw';
  /** Files pasted into the cell, by name. */
  attachments?: Record<string, MimeBundle>;
}

export type NotebookCell = CodeCell | TextCell;

export interface NotebookDocument {
  nbformat: number;
  nbformat_minor: number;
  metadata: Record<string, unknown>;
  cells: NotebookCell[];
}

export interface CodeCellToRun {
  /** Position in `cells`, counting every cell type. */
  index: number;
  source: string;
  tags: string[];
}

export interface CellResult {
  /** Position in `cells` of a code cell, as `codeCellsOf` gives it. */
  index: number;
  outputs: Output[];
  executionCount: number | null;
}

/** nbformat 4.5 added cell ids; files of earlier minors must not have them. */
const FIRST_MINOR_WITH_CELL_IDS = 5;

/** Reads a .ipynb file's text; throws InvalidInputError naming the field at fault (e.g. `cells[3].source`). */
export function parseNotebook(text: string): NotebookDocument {
  const json = parseJsonText('notebook', text);
  if (!isJsonObject(json)) throw new InvalidInputError('notebook', `must be a JSON object, got ${describeJsonType(json)}`);
  const { nbformat, nbformat_minor: minor, cells } = json;
  if (typeof nbformat !== 'number' || !Number.isInteger(nbformat)) {
    throw new InvalidInputError('nbformat', `must be a whole number, got ${describeJsonType(nbformat)}; is this a Jupyter notebook?`);
  }
  if (nbformat !== 4) {
    const hint = nbformat < 4 ? '; convert it with `jupyter nbconvert --to notebook --nbformat 4 FILE`' : '';
    throw new InvalidInputError('nbformat', `version ${nbformat} is not supported, only nbformat 4${hint}`);
  }
  if (typeof minor !== 'number' || !Number.isInteger(minor) || minor < 0) {
    throw new InvalidInputError('nbformat_minor', `must be a whole number, got ${describeJsonType(minor)}`);
  }
  if (!Array.isArray(cells)) throw new InvalidInputError('cells', `must be a list of cells, got ${describeJsonType(cells)}`);
  return {
    nbformat,
    nbformat_minor: minor,
    metadata: objectField('metadata', json.metadata),
    cells: cells.map((cell, index) => cellFromJson(`cells[${index}]`, cell, minor)),
  };
}

/** The kernelspec the notebook was saved with (`metadata.kernelspec.name`), if it names one. */
export function kernelNameOf(nb: NotebookDocument): string | undefined {
  const kernelspec = nb.metadata.kernelspec;
  const name = isJsonObject(kernelspec) ? kernelspec.name : undefined;
  return typeof name === 'string' && name !== '' ? name : undefined;
}

/** The code cells in order, with their position among all cells and their `metadata.tags`. */
export function codeCellsOf(nb: NotebookDocument): CodeCellToRun[] {
  const codeCells: CodeCellToRun[] = [];
  nb.cells.forEach((cell, index) => {
    if (cell.cell_type !== 'code') return;
    const tags = Array.isArray(cell.metadata.tags) ? cell.metadata.tags.filter((tag): tag is string => typeof tag === 'string') : [];
    codeCells.push({ index, source: cell.source, tags });
  });
  return codeCells;
}

/**
 * A new notebook whose listed code cells carry the given outputs and execution counts. Cells not
 * listed keep what they had, as in Jupyter when a run stops early; the input notebook is not changed.
 */
export function withOutputs(nb: NotebookDocument, results: CellResult[]): NotebookDocument {
  const cells = [...nb.cells];
  results.forEach((result, position) => {
    const cell = cells[result.index];
    if (cell === undefined || cell.cell_type !== 'code') {
      throw new InvalidInputError(`results[${position}].index`, `${result.index} is not the index of a code cell`);
    }
    cells[result.index] = { ...cell, outputs: result.outputs, execution_count: result.executionCount };
  });
  return { ...nb, cells };
}

/** The file text Jupyter would save: keys sorted, 1-space indent, trailing newline, text split into lines. */
export function serializeNotebook(nb: NotebookDocument): string {
  return stringifyLikeNbformat({
    cells: nb.cells.map((cell) => cellToJson(cell, nb.nbformat_minor)),
    metadata: nb.metadata,
    nbformat: nb.nbformat,
    nbformat_minor: nb.nbformat_minor,
  });
}

function cellFromJson(field: string, value: unknown, minor: number): NotebookCell {
  if (!isJsonObject(value)) throw new InvalidInputError(field, `must be a cell object, got ${describeJsonType(value)}`);
  const { cell_type: cellType, source } = value;
  if (!isMultiline(source)) {
    throw new InvalidInputError(`${field}.source`, `must be a string or a list of strings, got ${describeJsonType(source)}`);
  }
  const common: CellCommon = { source: joinMultiline(source), metadata: objectField(`${field}.metadata`, value.metadata) };
  if (minor >= FIRST_MINOR_WITH_CELL_IDS) common.id = cellIdOf(`${field}.id`, value.id);
  switch (cellType) {
    case 'code':
      return {
        ...common,
        cell_type: 'code',
        outputs: outputsFromJson(`${field}.outputs`, value.outputs),
        execution_count: executionCountOf(`${field}.execution_count`, value.execution_count),
      };
    case 'markdown':
    case 'raw':
      return withAttachments({ ...common, cell_type: cellType }, `${field}.attachments`, value.attachments);
    default:
      throw new InvalidInputError(
        `${field}.cell_type`,
        `must be "code", "markdown" or "raw", got ${JSON.stringify(cellType) ?? 'nothing'}`,
      );
  }
}

function cellToJson(cell: NotebookCell, minor: number): JsonObject {
  const json: JsonObject = { cell_type: cell.cell_type, metadata: cell.metadata, source: splitLinesKeepingEnds(cell.source) };
  if (minor >= FIRST_MINOR_WITH_CELL_IDS && cell.id !== undefined) json.id = cell.id;
  if (cell.cell_type === 'code') {
    json.execution_count = cell.execution_count;
    json.outputs = cell.outputs.map(outputToJson);
  } else if (cell.attachments !== undefined) {
    json.attachments = Object.fromEntries(Object.entries(cell.attachments).map(([name, bundle]) => [name, mimeBundleToJson(bundle)]));
  }
  return json;
}

/** A 4.5+ file needs an id on every cell; a missing one is made up rather than failing the whole file. */
function cellIdOf(field: string, value: unknown): string {
  if (value === undefined) return randomUUID();
  if (typeof value !== 'string' || value === '') {
    throw new InvalidInputError(field, `must be a non-empty string, got ${describeJsonType(value)}`);
  }
  return value;
}

function outputsFromJson(field: string, value: unknown): Output[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) throw new InvalidInputError(field, `must be a list of outputs, got ${describeJsonType(value)}`);
  return value.map((output, index) => outputFromJson(`${field}[${index}]`, output));
}

function withAttachments(cell: TextCell, field: string, value: unknown): TextCell {
  if (value === undefined) return cell;
  if (!isJsonObject(value)) throw new InvalidInputError(field, `must be an object of name → MIME bundle, got ${describeJsonType(value)}`);
  const attachments = Object.entries(value).map(([name, bundle]) => [
    name,
    mimeBundleFromJson(`${field}[${JSON.stringify(name)}]`, bundle),
  ]);
  return { ...cell, attachments: Object.fromEntries(attachments) };
}

/** Metadata is optional in practice (hand-written files omit it); when present it must be an object. */
function objectField(field: string, value: unknown): JsonObject {
  if (value === undefined) return {};
  if (!isJsonObject(value)) throw new InvalidInputError(field, `must be an object, got ${describeJsonType(value)}`);
  return value;
}
