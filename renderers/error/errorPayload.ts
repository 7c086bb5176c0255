/**
 * The error output item's bytes → the formatter's input. The controller writes `{name, message, stack}`
 * (src/extension/outputMapping.ts), as VS Code's own ipynb support does; outputs written by other tools may hold
 * nbformat's `{ename, evalue, traceback}` instead, or not be JSON at all. Whatever arrives, the renderer shows
 * something rather than nothing.
 */
import type { ErrorPayload } from './formatError';

const asString = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);

export function parseErrorPayload(text: string): ErrorPayload {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { name: 'Error', message: text };
  }
  if (typeof value !== 'object' || value === null) return { name: 'Error', message: text };
  const record = value as Record<string, unknown>;
  const traceback = Array.isArray(record.traceback) && record.traceback.every((line) => typeof line === 'string') ? record.traceback.join('\n') : undefined;
  return {
    name: asString(record.name) ?? asString(record.ename) ?? 'Error',
    message: asString(record.message) ?? asString(record.evalue) ?? '',
    stack: asString(record.stack) ?? traceback,
  };
}
