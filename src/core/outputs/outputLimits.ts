/**
 * How much of each kind of output one cell keeps before the rest is dropped and counted, with a note saying
 * so; a limit left out is no limit. Each kind has its own room, so a flood of one (displays) cannot take the
 * place of another (the cell's error).
 */
export interface CellOutputLimits {
  /** Stream text, counted as shown (after `\r` and `\b`); the run-cells transcript's raw logs keep as much again. */
  maxStreamCharsPerCell?: number;
  /** Display data: display_data and execute_result bundles and their metadata, as sized by outputSize.ts. */
  maxDisplayCharsPerCell?: number;
  /** Error text: each error's name, value and traceback lines. */
  maxErrorCharsPerCell?: number;
}

/** The same limit for every kind of output, as `cellbridge serve --max-output-chars` sets it. */
export function sameLimitForEveryOutput(chars: number): Required<CellOutputLimits> {
  return { maxStreamCharsPerCell: chars, maxDisplayCharsPerCell: chars, maxErrorCharsPerCell: chars };
}
