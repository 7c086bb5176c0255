/**
 * What a traceback link in the error renderer asks for, checked before use: the message comes from a webview
 * that renders kernel output, so only a positive execution count or an absolute file path, and a positive
 * line, are accepted. It only ever reveals; nothing in it is run. Pure, so tested in plain Node.
 */
import * as os from 'node:os';
import * as path from 'node:path';
import { positiveInteger } from '../../renderers/error/positiveInteger';
import { REVEAL_FRAME } from '../../renderers/error/revealFrame';

export type RevealFrameRequest = { kind: 'cell'; executionCount: number; line?: number } | { kind: 'file'; path: string; line?: number };

export function parseRevealFrame(message: unknown): RevealFrameRequest | undefined {
  if (typeof message !== 'object' || message === null) return undefined;
  const fields = message as Record<string, unknown>;
  if (fields.type !== REVEAL_FRAME) return undefined;
  const line = positiveInteger(fields.line);
  const withLine = line === undefined ? {} : { line };
  const executionCount = positiveInteger(fields.executionCount);
  if (executionCount !== undefined) return { kind: 'cell', executionCount, ...withLine };
  if (typeof fields.file !== 'string') return undefined;
  // IPython shows paths under the home directory as ~/…; the kernel runs on this machine (local kernels).
  const file = fields.file.startsWith('~/') || fields.file === '~' ? path.join(os.homedir(), fields.file.slice(1)) : fields.file;
  if (!path.isAbsolute(file) || file.includes('\0')) return undefined;
  return { kind: 'file', path: path.normalize(file), ...withLine };
}
