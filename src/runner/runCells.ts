import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { CancellationToken } from '../core/common/cancellation';
import { CellBridgeError, errorMessage } from '../core/common/errors';
import type { Logger } from '../core/common/logger';
import type { CellRun } from '../core/execution/cellRun';
import { ExecutionQueue } from '../core/execution/executionQueue';
import { KernelSession } from '../core/execution/kernelSession';
import type { InputProvider } from '../core/execution/stdin';
import type { JupyterServerAddress } from '../core/kernel/jupyterServer';
import type { KernelLauncher } from '../core/kernel/kernelLauncher';
import { DocumentOutputs } from '../core/outputs/documentOutputs';
import type { RunRequest } from './runRequest';
import { cellResponseOf, DriverStatus, round, RunResponse, RunStatus, sandboxErrorResponse } from './runResponse';

export interface RunCellsOptions {
  launcher: KernelLauncher;
  logger: Logger;
  server?: JupyterServerAddress;
  stdin?: InputProvider;
  /** The kernel's working directory; a fresh temporary one (removed afterwards) when not given. */
  workDir?: string;
  /** Told when each cell starts and ends, for progress displays. */
  onCellStateChange?: (run: CellRun, total: number) => void;
  /** Cancelled to stop the run early (Ctrl-C): it ends as a limit would, with what finished so far. */
  stop?: CancellationToken;
}

/** The cells of one request, their runs, and the outputs in the shape callers want. */
export interface RunCellsResult {
  response: RunResponse;
  runs: CellRun[];
}

/** Runs the cells of one request in one fresh kernel and answers in the run-cells contract. */
export async function runCells(request: RunRequest, options: RunCellsOptions): Promise<RunCellsResult> {
  const started = Date.now();
  const elapsed = (): number => (Date.now() - started) / 1000;
  const ownDir = options.workDir === undefined;
  const workDir = options.workDir ?? (await fs.mkdtemp(path.join(os.tmpdir(), 'cellbridge-run-')));
  const session = new KernelSession(
    () => options.launcher({ kernelName: request.kernel, cwd: workDir, ...(options.server ? { server: options.server } : {}) }),
    options.logger,
  );
  const outputs = new DocumentOutputs();
  try {
    await writeFiles(workDir, request.files);
    try {
      await session.kernel();
    } catch (error) {
      return { response: sandboxErrorResponse(errorMessage(error), elapsed()), runs: [] };
    }
    const { runs, limit } = await runAll(request, session, outputs, options);
    const limitHit = limit !== undefined;
    const kernelDied = runs.some((run) => run.failureReason === 'kernelDied');
    const [status, driverStatus]: [RunStatus, DriverStatus] = limitHit
      ? ['Failed', 'TimeLimitExceeded']
      : kernelDied
        ? ['Failed', 'Error']
        : ['Success', 'Finished'];
    const files = await readFiles(workDir, request.fetchFiles);
    const response: RunResponse = {
      status,
      message:
        limit === 'total'
          ? `The run exceeded its total timeout of ${request.totalTimeoutSeconds} s.`
          : limit === 'stopped'
            ? 'The run was stopped before it finished.'
            : kernelDied
              ? 'The kernel died during the run.'
              : '',
      driver: { status: driverStatus, execution_time: round(elapsed()), return_code: status === 'Success' ? 0 : 1, stdout: '', stderr: '' },
      cells: runs.map(cellResponseOf),
      executor_pod_name: null,
      files,
    };
    return { response, runs };
  } catch (error) {
    if (!(error instanceof CellBridgeError)) options.logger.error(`Run failed: ${errorMessage(error)}`);
    return { response: sandboxErrorResponse(errorMessage(error), elapsed()), runs: [] };
  } finally {
    await session.shutdown().catch((error: unknown) => options.logger.warn(`Kernel shutdown failed: ${errorMessage(error)}`));
    outputs.dispose();
    if (ownDir) await fs.rm(workDir, { recursive: true, force: true });
  }
}

async function runAll(
  request: RunRequest,
  session: KernelSession,
  outputs: DocumentOutputs,
  options: RunCellsOptions,
): Promise<{ runs: CellRun[]; limit: 'total' | 'stopped' | undefined }> {
  const queue = new ExecutionQueue({
    session,
    outputs,
    stopOnError: request.stopOnError,
    ...(request.cellTimeoutSeconds > 0 ? { cellTimeoutMs: request.cellTimeoutSeconds * 1000 } : {}),
    ...(options.stdin ? { stdin: options.stdin } : {}),
    logger: options.logger,
  });
  const runs = queue.enqueue(request.cells.map((code, i) => ({ code, tags: request.cellTags?.[i] ?? [] })));
  for (const run of runs) run.onDidChangeState(() => options.onCellStateChange?.(run, runs.length));
  let limit: 'total' | 'stopped' | undefined;
  const totalMs = request.totalTimeoutSeconds * 1000;
  const timer =
    totalMs > 0
      ? setTimeout(() => {
          limit ??= 'total';
          queue.stopAll(`Cancelled because the run exceeded its total timeout of ${request.totalTimeoutSeconds} s.`);
        }, totalMs)
      : undefined;
  const stopSubscription = options.stop?.onCancellationRequested(() => {
    limit ??= 'stopped';
    queue.stopAll('Cancelled because the run was stopped.');
  });
  try {
    await Promise.all(runs.map((run) => run.finished));
    await queue.whenIdle();
  } finally {
    clearTimeout(timer);
    stopSubscription?.dispose();
    queue.dispose();
  }
  // The cell cut off by the limit is still running: do not wait for a busy kernel to agree to stop.
  if (limit) await session.shutdownCurrent({ now: true });
  return { runs, limit };
}

async function writeFiles(workDir: string, files: Record<string, string>): Promise<void> {
  for (const [relative, base64] of Object.entries(files)) {
    const target = path.join(workDir, relative);
    await fs.mkdir(path.dirname(target), { recursive: true });
    await fs.writeFile(target, Buffer.from(base64, 'base64'));
  }
}

async function readFiles(workDir: string, names: readonly string[]): Promise<Record<string, string>> {
  const files: Record<string, string> = {};
  for (const relative of names) {
    try {
      files[relative] = (await fs.readFile(path.join(workDir, relative))).toString('base64');
    } catch {
      // A file the cells did not create is simply absent from the answer, as in SandboxFusion.
    }
  }
  return files;
}
