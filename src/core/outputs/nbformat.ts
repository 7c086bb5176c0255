/**
 * nbformat v4 output and notebook shapes, as stored in .ipynb files
 * (https://nbformat.readthedocs.io/en/latest/format_description.html).
 */
export type MultilineString = string | string[];

/**
 * `application/json` and `application/*+json` values are JSON documents: never text to split into lines or
 * join, and kept as objects (nbformat's own rule for which MIME types hold JSON).
 */
export function isJsonMime(mime: string): boolean {
  return mime === 'application/json' || (mime.startsWith('application/') && mime.endsWith('+json'));
}

/** MIME type → value. Text types are strings (or line lists on disk); JSON types are objects; images are base64. */
export type MimeBundle = Record<string, unknown>;

/**
 * nbformat allows text values as line lists (`["a\n", "b"]`); joined, each is one string. JSON MIME types are
 * left alone: there an array is the value itself, not split lines. Built with fromEntries, so even a MIME
 * type spelled `__proto__` stays a key.
 */
export function joinMultilineStrings(bundle: MimeBundle): MimeBundle {
  return Object.fromEntries(
    Object.entries(bundle).map(([mime, value]) => [mime, !isJsonMime(mime) && isStringList(value) ? value.join('') : value]),
  );
}

function isStringList(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((item) => typeof item === 'string');
}
export type OutputMetadata = Record<string, unknown>;

export interface StreamOutput {
  output_type: 'stream';
  name: 'stdout' | 'stderr';
  text: string;
}

export interface DisplayDataOutput {
  output_type: 'display_data';
  data: MimeBundle;
  metadata: OutputMetadata;
  /** Not saved to disk by nbformat; kept in memory so updates can find the output. */
  transient?: { display_id?: string };
}

export interface ExecuteResultOutput {
  output_type: 'execute_result';
  execution_count: number | null;
  data: MimeBundle;
  metadata: OutputMetadata;
  transient?: { display_id?: string };
}

export interface ErrorOutput {
  output_type: 'error';
  ename: string;
  evalue: string;
  traceback: string[];
}

export type Output = StreamOutput | DisplayDataOutput | ExecuteResultOutput | ErrorOutput;
export type RichOutput = DisplayDataOutput | ExecuteResultOutput;

/** The run-cells contract's per-cell error entry. */
export interface ErrorEntry {
  ename: string;
  evalue: string;
  traceback: string[];
}
