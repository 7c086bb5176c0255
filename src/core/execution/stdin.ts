import type { CancellationToken } from '../common/cancellation';

export interface InputRequest {
  prompt: string;
  password: boolean;
}

/**
 * Answers a cell's `input()`. It rejects when no answer can be given (the cell then fails with a clear
 * error), and must give up when the token is cancelled (the cell was interrupted or timed out).
 */
export type InputProvider = (request: InputRequest, token: CancellationToken) => Promise<string>;

/** Answers from a fixed list of lines, in order; rejects once they run out. */
export function linesInputProvider(lines: readonly string[], onExhausted: (request: InputRequest) => Error): InputProvider {
  let next = 0;
  return async (request) => {
    if (next >= lines.length) throw onExhausted(request);
    return lines[next++]!;
  };
}
