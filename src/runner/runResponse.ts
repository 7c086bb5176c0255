import type { CellRun } from '../core/execution/cellRun';
import { MemoryLimitExceededError } from '../core/common/errors';
import type { CellTranscript } from '../core/outputs/cellTranscript';
import type { ErrorEntry, MimeBundle, Output } from '../core/outputs/nbformat';

/**
 * The run-cells contract's response (../shared/reference/run-jupyter.md); fields marked ours are additions.
 * Every status string is one SandboxFusion's own response models accept (RunStatus, CommandRunStatus), or
 * its client raises instead of returning the answer.
 */
export type RunStatus = 'Success' | 'Failed' | 'SandboxError';
export type DriverStatus = 'Finished' | 'Error' | 'TimeLimitExceeded';
export type CellStatus = 'ok' | 'error' | 'timeout' | 'memory_limit' | 'stopped' | 'cancelled' | 'kernel_died';

export interface CellResponse {
  stdout: string;
  stderr: string;
  display: MimeBundle[];
  error: ErrorEntry[];
  status: CellStatus;
  execution_count: number | null;
  execution_time: number;
  outputs: Output[];
}

export interface RunResponse {
  status: RunStatus;
  message: string;
  driver: { status: DriverStatus; execution_time: number; return_code: number; stdout: string; stderr: string };
  cells: CellResponse[];
  executor_pod_name: null;
  files: Record<string, string>;
  /**
   * Ours: for each name of `fetch_files` not in `files`, why (missing, a symbolic link, a hard link, not a
   * regular file, over the fetch limit…). Present only when some file could not be fetched, so an answer
   * with every file is exactly SandboxFusion's shape.
   */
  file_errors?: Record<string, string>;
}

export function cellStatusOf(run: CellRun): CellStatus {
  switch (run.state) {
    case 'done':
    case 'skipped':
      return 'ok';
    case 'failed':
      if (run.cause instanceof MemoryLimitExceededError) return 'memory_limit';
      return run.failureReason === 'kernelDied' ? 'kernel_died' : 'error';
    case 'timedOut':
      return 'timeout';
    case 'stopped':
      return 'stopped';
    case 'queued':
    case 'running':
    case 'cancelled':
      return 'cancelled';
  }
}

export function cellResponseOf(run: CellRun, transcript: CellTranscript): CellResponse {
  return {
    stdout: transcript.stdout,
    stderr: transcript.stderr,
    display: transcript.display,
    error: transcript.error,
    status: cellStatusOf(run),
    execution_count: run.executionCount,
    execution_time: round(run.durationSeconds),
    outputs: run.outputs.outputs.map(storedOutput),
  };
}

/** nbformat keeps `transient` out of saved notebooks; so do we. */
export function storedOutput(output: Output): Output {
  if (output.output_type !== 'display_data' && output.output_type !== 'execute_result') return output;
  const { transient: _transient, ...stored } = output;
  return stored;
}

export function sandboxErrorResponse(message: string, elapsedSeconds: number): RunResponse {
  return {
    status: 'SandboxError',
    message,
    driver: { status: 'Error', execution_time: round(elapsedSeconds), return_code: 1, stdout: '', stderr: message },
    cells: [],
    executor_pod_name: null,
    files: {},
  };
}

export function round(seconds: number): number {
  return Math.round(seconds * 1e6) / 1e6;
}
