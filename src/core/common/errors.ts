/**
 * Typed errors with messages a user can act on. Each names what failed and, where there is one, what to do.
 * `code` is stable for programs; `message` is for people.
 */
export abstract class CellBridgeError extends Error {
  abstract readonly code: string;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

export class KernelNotFoundError extends CellBridgeError {
  readonly code = 'kernel_not_found';
  constructor(readonly kernelName: string, readonly available: readonly string[]) {
    super(
      `No kernel named '${kernelName}'. ` +
        (available.length ? `Available kernels: ${available.join(', ')}.` : 'No kernelspecs were found; install one (e.g. python3-ipykernel).'),
    );
  }
}

export class KernelStartError extends CellBridgeError {
  readonly code = 'kernel_start_failed';
}

/** The kernel exited at start-up because a port chosen for it was taken meanwhile; it can be started again on others. */
export class KernelPortsTakenError extends KernelStartError {}

/** A kernel sandbox cannot be made on this host: the message says why and what would fix it. */
export class SandboxUnavailableError extends CellBridgeError {
  readonly code = 'sandbox_unavailable';
}

/** A message could not be handed to a running kernel. */
export class KernelConnectionError extends CellBridgeError {
  readonly code = 'kernel_connection_failed';
}

export class KernelDiedError extends CellBridgeError {
  readonly code: string = 'kernel_died';
  constructor(readonly exitCode: number | null, readonly signal: string | null, detail = '') {
    super(`The kernel died${describeExit(exitCode, signal)}.${detail ? ' ' + detail : ''} A new kernel starts on the next run.`);
  }
}

/** The kernel was killed because it used more memory than it was allowed. */
export class MemoryLimitExceededError extends KernelDiedError {
  override readonly code = 'memory_limit_exceeded';
  constructor(readonly limitBytes: number, readonly usedBytes: number) {
    // A memory cgroup never lets usage pass the limit (its peak is the limit); a sampled watchdog sees it past.
    const seen = usedBytes > limitBytes ? ` (${mebibytes(usedBytes)} MB seen)` : '';
    super(null, 'SIGKILL', `It was stopped for reaching its memory limit of ${mebibytes(limitBytes)} MB${seen}.`);
    this.name = 'MemoryLimitExceededError';
  }
}

function mebibytes(bytes: number): string {
  return String(Math.round(bytes / (1024 * 1024)));
}

export class CellTimeoutError extends CellBridgeError {
  readonly code = 'cell_timeout';
  constructor(readonly seconds: number) {
    super(`The cell did not finish within its ${seconds} s timeout; it was interrupted and the kernel restarted if it did not stop.`);
  }
}

export class CellCancelledError extends CellBridgeError {
  readonly code = 'cell_cancelled';
}

export class ServerConnectionError extends CellBridgeError {
  readonly code = 'server_unreachable';
}

export class StdinUnavailableError extends CellBridgeError {
  readonly code = 'stdin_unavailable';
  constructor(readonly prompt: string) {
    super(`The cell asked for input (${JSON.stringify(prompt)}) but none is available; give answers with --stdin.`);
  }
}

/** The person asked for input dismissed the prompt: the cell is stopped rather than left waiting. */
export class InputCancelledError extends CellBridgeError {
  readonly code = 'input_cancelled';
  constructor(readonly prompt: string) {
    super(`The input prompt (${JSON.stringify(prompt)}) was dismissed, so the cell was stopped. Run it again to answer.`);
  }
}

/** A request, notebook or option that cannot be run as given. `field` names the part at fault. */
export class InvalidInputError extends CellBridgeError {
  readonly code = 'invalid_input';
  constructor(readonly field: string, detail: string) {
    super(`${field}: ${detail}`);
  }
}

export function describeExit(exitCode: number | null, signal: string | null): string {
  if (signal) return ` (killed by ${signal})`;
  if (exitCode !== null) return ` (exit code ${exitCode})`;
  return '';
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
