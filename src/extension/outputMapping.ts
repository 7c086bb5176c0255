/**
 * nbformat v4 outputs → what a VS Code NotebookCellOutput holds (MIME items as bytes, plus metadata),
 * as plain data. No `vscode` import: the adapter turns the result into NotebookCellOutput objects, and this
 * table stays testable in plain Node. The order and encodings follow VS Code's own ipynb support.
 */
import type { ErrorPayload } from '../../renderers/error/formatError';
import { isJsonMime, type ErrorOutput, type MimeBundle, type Output, type RichOutput, type StreamOutput } from '../core/outputs/nbformat';

export const STDOUT_MIME = 'application/vnd.code.notebook.stdout';
export const STDERR_MIME = 'application/vnd.code.notebook.stderr';
export const ERROR_MIME = 'application/vnd.code.notebook.error';

export interface MappedItem {
  mime: string;
  data: Uint8Array;
}

export interface MappedOutput {
  items: MappedItem[];
  /** Kept so that saving the notebook writes back the same nbformat output. */
  metadata: Record<string, unknown>;
}

/**
 * Richest first, `text/plain` last: the notebook shows the first item it has a renderer for. Widgets and
 * other `application/vnd.*` types come first, as in VS Code's ipynb support; patterns end in `*`.
 */
const MIME_ORDER: readonly string[] = [
  'application/vnd.*',
  'application/vdom.*',
  'application/geo+json',
  'application/x-nteract-model-debug+json',
  'text/html',
  'application/javascript',
  'image/gif',
  'text/latex',
  'text/markdown',
  'image/png',
  'image/svg+xml',
  'image/jpeg',
  'application/json',
  // Anything not named above lands here, before plain text.
  '*',
  'text/plain',
];

function rankOf(mime: string): number {
  const exact = MIME_ORDER.indexOf(mime);
  if (exact >= 0) return exact;
  const pattern = MIME_ORDER.findIndex((entry) => entry.endsWith('*') && entry !== '*' && mime.startsWith(entry.slice(0, -1)));
  return pattern >= 0 ? pattern : MIME_ORDER.indexOf('*');
}

/** Images other than SVG travel base64-encoded in nbformat; the notebook wants their bytes. */
function isBase64Image(mime: string): boolean {
  return mime.startsWith('image/') && mime !== 'image/svg+xml';
}

const encoder = new TextEncoder();

function itemData(mime: string, value: unknown): Uint8Array {
  if (isBase64Image(mime) && typeof value === 'string') return Buffer.from(value, 'base64');
  if (isJsonMime(mime) && typeof value !== 'string') return encoder.encode(JSON.stringify(value));
  if (Array.isArray(value)) return encoder.encode(value.join(''));
  return encoder.encode(typeof value === 'string' ? value : JSON.stringify(value));
}

export function mapMimeBundle(bundle: MimeBundle): MappedItem[] {
  return Object.entries(bundle)
    .map(([mime, value]) => ({ mime, value, rank: rankOf(mime) }))
    .sort((a, b) => a.rank - b.rank)
    .map(({ mime, value }) => ({ mime, data: itemData(mime, value) }));
}

function mapStream(output: StreamOutput): MappedOutput {
  return { items: [{ mime: output.name === 'stderr' ? STDERR_MIME : STDOUT_MIME, data: encoder.encode(output.text) }], metadata: { outputType: 'stream' } };
}

/** Types whose renderers (renderers/plotly, vega, geojson, table) show the output's text when they cannot draw. */
const CHART_MIME = /^application\/(vnd\.(plotly|vega|vegalite)\.|vnd\.dataresource\+json$|geo\+json$)/;

function mapRich(output: RichOutput): MappedOutput {
  const metadata: Record<string, unknown> = { outputType: output.output_type, metadata: output.metadata };
  if (output.output_type === 'execute_result') metadata.executionCount = output.execution_count;
  if (output.transient) metadata.transient = output.transient;
  // A renderer sees only its own item: the text fallback travels in the output's metadata (not saved to the file).
  const text = output.data['text/plain'];
  if (Object.keys(output.data).some((mime) => CHART_MIME.test(mime)) && text !== undefined) metadata.fallbackText = Array.isArray(text) ? text.join('') : String(text);
  return { items: mapMimeBundle(output.data), metadata };
}

/** The error renderer's shape: `{name, message, stack}`, where stack keeps IPython's ANSI-coloured lines. */
function mapError(output: ErrorOutput): MappedOutput {
  const payload: ErrorPayload = { name: output.ename, message: output.evalue, stack: output.traceback.join('\n') };
  return {
    items: [{ mime: ERROR_MIME, data: encoder.encode(JSON.stringify(payload)) }],
    metadata: { outputType: 'error', originalError: { ename: output.ename, evalue: output.evalue, traceback: output.traceback } },
  };
}

export function mapOutput(output: Output): MappedOutput {
  switch (output.output_type) {
    case 'stream':
      return mapStream(output);
    case 'display_data':
    case 'execute_result':
      return mapRich(output);
    case 'error':
      return mapError(output);
  }
}
