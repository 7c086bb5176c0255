/**
 * Counts and line numbers read from untrusted input (a traceback, a link's `data-*`, a webview message): a
 * positive safe integer, else nothing, and then nothing is built from it.
 */

/** A message field: only a number counts (a webview message carries numbers as numbers). */
export function positiveInteger(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isSafeInteger(value) && value > 0 ? value : undefined;
}

/** Text: decimal digits only, so `1e3`, ` 7` or `0x10` are not numbers here. */
export function positiveIntegerOfText(text: string | undefined): number | undefined {
  return text !== undefined && /^\d+$/.test(text) ? positiveInteger(Number(text)) : undefined;
}
