/**
 * What the chart renderers and the extension say to each other over renderer messaging (saveChart.ts,
 * chartProblem.ts; src/extension/chartMessaging.ts), and the conversions on the way. No DOM here: the
 * extension imports it.
 */
export type ImageFormat = 'png' | 'svg';

/** What a renderer posts to the extension to save a chart. */
export interface SaveChartMessage {
  type: 'saveChart';
  format: ImageFormat;
  /** The file name offered, without extension. */
  name: string;
  /** The image's bytes, base64. */
  data: string;
}

/**
 * A renderer that cannot draw asks for the output's `text/plain`: it sees only its own item, and in a notebook
 * read from a file the text is not in the item's metadata (outputMapping.ts puts it there only for outputs
 * made in this session).
 */
export interface FallbackTextRequest {
  type: 'fallbackText';
  /** The output's id, as the renderer's item and the extension's `NotebookCellOutput` both know it. */
  outputId: string;
}

/** The extension's answer; `text` is absent when the output has no `text/plain`. */
export interface FallbackTextReply {
  type: 'fallbackText';
  outputId: string;
  text?: string;
}

export type ChartMessage = SaveChartMessage | FallbackTextRequest;

/** A message from a chart renderer, checked, or undefined for anything else. */
export function chartMessageOf(message: unknown): ChartMessage | undefined {
  if (typeof message !== 'object' || message === null) return undefined;
  const fields = message as Record<string, unknown>;
  if (fields.type === 'saveChart' && (fields.format === 'png' || fields.format === 'svg') && typeof fields.name === 'string' && typeof fields.data === 'string') {
    return { type: 'saveChart', format: fields.format, name: fields.name, data: fields.data };
  }
  if (fields.type === 'fallbackText' && typeof fields.outputId === 'string') return { type: 'fallbackText', outputId: fields.outputId };
  return undefined;
}

/** The bytes of a `data:` URL (base64 or percent-encoded, as Plotly and Vega make them), base64. */
export function dataUrlToBase64(url: string): string {
  const comma = url.indexOf(',');
  if (!url.startsWith('data:') || comma < 0) throw new Error('not a data URL');
  const header = url.slice(0, comma);
  const body = url.slice(comma + 1);
  if (header.endsWith(';base64')) return body;
  return textToBase64(decodeURIComponent(body));
}

export function textToBase64(text: string): string {
  const bytes = new TextEncoder().encode(text);
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

/** A file name for the chart: its title without characters that paths or shells misread, and the format's extension. */
export function chartFileName(title: string, format: ImageFormat): string {
  const base = title.replace(/[^\p{L}\p{N} ._-]+/gu, ' ').trim().replace(/\s+/g, '-').slice(0, 80) || 'chart';
  return `${base}.${format}`;
}

/** A chart's title, whether given as text or as `{text: ...}` (Plotly's layout.title, a Vega spec's title), if it has one. */
export function titleText(title: unknown): string | undefined {
  const text = typeof title === 'string' ? title : typeof title === 'object' && title !== null ? (title as { text?: unknown }).text : undefined;
  return typeof text === 'string' && text.trim() !== '' ? text : undefined;
}
