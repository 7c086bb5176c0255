/**
 * Comparing an executed notebook with the outputs stored in it the way nbclient's `test_run_all_notebooks`
 * does (jupyter/nbclient tests/test_client.py: `normalize_output`, `assert_notebooks_equal`): what differs
 * between two honest runs is normalised away, everything else must match, execution counts included.
 *
 * - output `metadata` is dropped;
 * - memory addresses (`0x7f3a…`) in stream text and `text/plain` become a placeholder;
 * - a widget view's `model_id` (a fresh comm id every run) is blanked;
 * - SVG is compared as XML (nbclient parses it): whitespace between tags, attribute order, `<a></a>` vs `<a/>`,
 *   the XML declaration, doctype and comments ignored; base64 payloads are compared ignoring line wrapping;
 * - traceback lines lose their ANSI colours, and the cell location (`Cell In[N], line M`, `Input In [N]`,
 *   `<ipython-input-N-hash> in <module>`), which varies with IPython's version and the run, becomes a placeholder;
 *   the source lines shown around the failing one (`      1 import sys`) are dropped, as IPython 9 shows more of a
 *   short cell than IPython 8 did; the failing line itself (`----> 3 …`) stays;
 * - text stored as a list of lines (as on disk) is joined, so a file and a parsed notebook compare alike.
 */
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { isJsonMime } from '../../../src/core/outputs/nbformat';
import { REPO } from './cli';

/** nbclient's own test notebooks, in ../shared beside the checkout (as CI lays it out). */
export const NBCLIENT_NOTEBOOKS = path.join(REPO, '..', 'shared', 'reference', 'nbclient-notebooks');

export const HEX_ADDRESS_PLACEHOLDER = '<HEXADDR>';
export const MODEL_ID_PLACEHOLDER = '<MODEL_ID>';
export const INPUT_LOCATION_PLACEHOLDER = '<IPY-INPUT>';

const WIDGET_VIEW_MIME = 'application/vnd.jupyter.widget-view+json';
/** nbclient's pattern is `0x[0-9a-f]{7,9}`, which leaves the tail of a 12-digit 64-bit address (`0x7f3a9c2d1e80`). */
const HEX_ADDRESS = /0x[0-9a-f]{7,16}/g;
/** CSI sequences (colours, cursor moves) and OSC sequences (hyperlinks, titles). */
const ANSI = /\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)/g;
/** IPython before 8: `<ipython-input-3-8a7f…> in <module>` or `… in <cell line: 2>()`. */
const OLD_INPUT_LOCATION = /<ipython-input-\d+-[0-9a-f]+> in (?:<module>|<cell line: \d+>\(\))/g;
/** IPython 8 and later: `Cell In[3], line 2`, `Input In [3], in <module>`, `Input In [3], in <cell line: 2>()`. */
const INPUT_LOCATION = /(?:Cell|Input) In ?\[\d+\], (?:in )?(?:line \d+|<module>|<cell line: \d+>\(\))/g;

/** A source line IPython shows around the failing one in a frame: blanks where the arrow would be, its number, the code. */
const SOURCE_CONTEXT_LINE = /^\s+\d+ /;

type Json = Record<string, unknown>;

export interface NotebookWithOutputs {
  cells: ReadonlyArray<{ cell_type?: string; execution_count?: number | null; outputs?: readonly unknown[] }>;
}

/** One output as nbclient's test compares it; the argument is not changed. */
export function normaliseOutput(output: unknown): Json {
  assert.ok(isObject(output), `an output must be an object, got ${JSON.stringify(output)}`);
  const normalised: Json = { ...output };
  delete normalised.metadata;
  if (normalised.text !== undefined) normalised.text = withoutAddresses(joinLines(normalised.text));
  if (isObject(normalised.data)) normalised.data = normaliseBundle(normalised.data);
  if (Array.isArray(normalised.traceback)) normalised.traceback = normalised.traceback.map((line) => normaliseTracebackLine(String(line)));
  return normalised;
}

/**
 * Asserts that `actual` (an executed notebook) has, cell by cell, the outputs and execution counts stored
 * in `expected`, under `normaliseOutput`. The message names the first cell that differs.
 */
export function assertNotebookOutputsMatch(expected: NotebookWithOutputs, actual: NotebookWithOutputs): void {
  assert.equal(actual.cells.length, expected.cells.length, 'the executed notebook has as many cells as the stored one');
  expected.cells.forEach((expectedCell, index) => {
    const actualCell = actual.cells[index]!;
    const where = `cell ${index} (${expectedCell.cell_type ?? 'cell'})`;
    assert.deepEqual((actualCell.outputs ?? []).map(normaliseOutput), (expectedCell.outputs ?? []).map(normaliseOutput), `${where}: outputs differ`);
    assert.equal(actualCell.execution_count ?? null, expectedCell.execution_count ?? null, `${where}: execution counts differ`);
  });
}

function normaliseBundle(data: Json): Json {
  const bundle: Json = {};
  for (const [mime, value] of Object.entries(data)) {
    if (isJsonMime(mime)) {
      bundle[mime] = mime === WIDGET_VIEW_MIME && isObject(value) ? { ...value, model_id: MODEL_ID_PLACEHOLDER } : value;
      continue;
    }
    const text = joinLines(value);
    if (typeof text !== 'string') bundle[mime] = text;
    else if (mime === 'text/plain') bundle[mime] = withoutAddresses(text);
    else if (mime === 'image/svg+xml') bundle[mime] = canonicalXml(text);
    else if (isBase64Mime(mime)) bundle[mime] = text.replace(/\s+/g, '');
    else bundle[mime] = text;
  }
  return bundle;
}

/** XML text in one canonical spelling, for the differences an XML parser does not see. */
function canonicalXml(text: string): string {
  return text
    .replace(/<\?xml[^>]*\?>|<!DOCTYPE[^>]*>|<!--[\s\S]*?-->/g, '')
    .replace(/>\s+</g, '><')
    .trim()
    .replace(/<([A-Za-z_][\w:.-]*)((?:\s+[^\s=<>/]+\s*=\s*(?:"[^"]*"|'[^']*'))*)\s*(\/?)>/g, (_, name: string, attributes: string, selfClosing: string) => {
      const sorted = [...attributes.matchAll(/([^\s=<>/]+)\s*=\s*(?:"([^"]*)"|'([^']*)')/g)]
        .map((match) => `${match[1]}="${match[2] ?? match[3]}"`)
        .sort();
      return `<${[name, ...sorted].join(' ')}${selfClosing}>`;
    })
    .replace(/<([A-Za-z_][\w:.-]*)(\s[^>]*[^/>])?><\/\1>/g, (_, name: string, attributes: string | undefined) => `<${name}${attributes ?? ''}/>`);
}

function normaliseTracebackLine(line: string): string {
  const plain = line.replace(ANSI, '').replace(OLD_INPUT_LOCATION, INPUT_LOCATION_PLACEHOLDER).replace(INPUT_LOCATION, INPUT_LOCATION_PLACEHOLDER);
  return plain
    .split('\n')
    .filter((part) => !SOURCE_CONTEXT_LINE.test(part))
    .join('\n');
}

/** nbformat stores multi-line strings as lists of lines; JSON MIME types hold JSON, which may be a list itself. */
function joinLines(value: unknown): unknown {
  return Array.isArray(value) && value.every((part) => typeof part === 'string') ? value.join('') : value;
}

function withoutAddresses(value: unknown): unknown {
  return typeof value === 'string' ? value.replace(HEX_ADDRESS, HEX_ADDRESS_PLACEHOLDER) : value;
}

/** Binary MIME types, which nbformat stores base64-encoded (text types and SVG are stored as text). */
function isBase64Mime(mime: string): boolean {
  return (mime.startsWith('image/') && mime !== 'image/svg+xml') || mime === 'application/pdf' || mime.startsWith('audio/') || mime.startsWith('video/');
}

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Writes into `dir` the notebook as nbclient's test hands it to the client (every code cell's outputs and
 * count removed), and returns its path with the notebook as stored, whose outputs the run must reproduce.
 */
export function writeClearedCopy<T extends NotebookWithOutputs>(name: string, dir: string): { input: string; expected: T } {
  const text = readFileSync(path.join(NBCLIENT_NOTEBOOKS, name), 'utf8');
  const cleared = JSON.parse(text) as { cells: Array<{ cell_type?: string; execution_count?: number | null; outputs?: unknown[] }> };
  for (const cell of cleared.cells) {
    if (cell.cell_type !== 'code') continue;
    delete cell.execution_count;
    cell.outputs = [];
  }
  const input = path.join(dir, name);
  writeFileSync(input, JSON.stringify(cleared));
  return { input, expected: JSON.parse(text) as T };
}
