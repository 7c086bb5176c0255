/**
 * The message a traceback link posts to the extension (renderer messaging, `requiresMessaging: "optional"`),
 * read back from the link's `data-*` attributes. Only numbers and the file path travel; the extension decides
 * what to reveal (the cell whose execution count matches, or the file at that line).
 */
import { positiveIntegerOfText } from './positiveInteger';

export const REVEAL_FRAME = 'cellbridge.revealFrame';

export type RevealFrameMessage =
  | { readonly type: typeof REVEAL_FRAME; readonly executionCount: number; readonly line?: number }
  | { readonly type: typeof REVEAL_FRAME; readonly file: string; readonly line?: number };

/** From a link's dataset (`data-cell-execution-count`, `data-file`, `data-line`); nothing when it names no target. */
export function revealFrameMessage(dataset: Readonly<Record<string, string | undefined>>): RevealFrameMessage | undefined {
  const line = positiveIntegerOfText(dataset.line);
  const withLine = line === undefined ? {} : { line };
  const executionCount = positiveIntegerOfText(dataset.cellExecutionCount);
  if (executionCount !== undefined) return { type: REVEAL_FRAME, executionCount, ...withLine };
  const file = dataset.file;
  if (file !== undefined && file !== '') return { type: REVEAL_FRAME, file, ...withLine };
  return undefined;
}
