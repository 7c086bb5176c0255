/**
 * The Vega and Vega-Lite MIME types the Vega renderer draws, and which library version each names: Altair 4
 * to 6 send Vega-Lite 4 to 6, and vega-lite 6 compiles all three (a spec's `$schema` keeps its own version).
 */
export const VEGA_MIME_TYPES = [
  'application/vnd.vegalite.v4+json',
  'application/vnd.vegalite.v5+json',
  'application/vnd.vegalite.v6+json',
  // What Altair 6's `mimetype` renderer actually sends.
  'application/vnd.vegalite.v6.json',
  'application/vnd.vega.v5+json',
] as const;

export type VegaMode = 'vega' | 'vega-lite';

export function modeOf(mime: string): VegaMode {
  return mime.startsWith('application/vnd.vega.') ? 'vega' : 'vega-lite';
}
