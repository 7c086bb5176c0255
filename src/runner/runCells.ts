import type { CancellationToken } from '../core/common/cancellation';
import { CellBridgeError, errorMessage } from '../core/common/errors';
import type { Logger } from '../core/common/logger';
import type { CellRun } from '../core/execution/cellRun';
import { type AttachedKernel, DocumentRunner } from '../core/execution/documentRunner';
import type { InputProvider } from '../core/execution/stdin';
import type { KernelHandle } from '../core/kernel/kernelHandle';
import type { KernelLauncher, KernelPlacement, KernelTarget } from '../core/kernel/kernelLauncher';
import { FreshKernel, startFreshKernel } from '../core/kernel/kernelPool';
import { DocumentTranscripts } from '../core/outputs/cellTranscript';
import type { CellOutputLimits } from '../core/outputs/outputLimits';
import { readRunFiles, writeRunFiles } from './runFiles';
import type { RunRequest } from './runRequest';
import { CellResponse, cellResponseOf, DriverStatus, round, RunResponse, RunStatus, sandboxErrorResponse } from './runResponse';
import { removeTree } from '../core/common/removeTree';

export interface RunCellsOptions {
  /** Starts kernels: the first one unless `takeFreshKernel` gives it, and replacements after a timeout. */
  launcher: KernelLauncher;
  logger: Logger;
  /**
   * Where the run's kernels start: on a Jupyter Server, or locally in a sandbox each (src/core/sandbox/; the
   * run's directory their only writable place), or locally as they are when left out.
   */
  placement?: KernelPlacement;
  stdin?: InputProvider;
  /** A directory of the caller's to run in, kept afterwards (the CLI running a user's file). */
  workDir?: string;
  /** Where a fresh kernel in a fresh directory comes from (a warm pool); by default one is started. */
  takeFreshKernel?: (kernelName: string) => Promise<FreshKernel>;
  /**
   * Kill the run's kernels when it ends instead of asking them to shut down: a service's kernels are thrown
   * away, and a graceful exit costs a Python kernel ~0.5 CPU-seconds (SIGKILL: ~35 ms).
   */
  killKernelsAtEnd?: boolean;
  /** What each cell keeps of each kind of output; unlimited when left out. */
  outputLimits?: CellOutputLimits;
  /** Bytes of `fetch_files` read back per run, all files together (DEFAULT_MAX_FETCH_BYTES when undefined). */
  maxFetchBytes?: number;
  /** Told when each cell starts and ends, for progress displays. */
  onCellStateChange?: (run: CellRun, total: number) => void;
  /** Told of every kernel the run uses, the first and each replacement, with its comms, before any cell runs on it (e.g. to record widget state). */
  onKernel?: (kernel: AttachedKernel) => void;
  /** Cancelled to stop the run early (Ctrl-C): it ends as a limit would, with what finished so far. */
  stop?: CancellationToken;
}

/** The cells of one request, their runs, and the outputs in the shape callers want. */
export interface RunCellsResult {
  response: RunResponse;
  runs: CellRun[];
  /**
   * Shutting the kernel down and removing the run's directory. The answer is ready before this ends, so a
   * caller can send it first; a caller must still await this before it exits.
   */
  cleanup: Promise<void>;
}

type Limit = 'total' | 'stopped';

/** Runs the cells of one request in one fresh kernel and answers in the run-cells contract. */
export async function runCells(request: RunRequest, options: RunCellsOptions): Promise<RunCellsResult> {
  const started = Date.now();
  const elapsed = (): number => (Date.now() - started) / 1000;
  let first: FreshKernel;
  try {
    first = await firstKernel(request, options);
  } catch (error) {
    return { response: sandboxErrorResponse(errorMessage(error), elapsed()), runs: [], cleanup: Promise.resolve() };
  }
  const { workDir } = first;
  const ownsDir = options.workDir === undefined;
  let handedOver: KernelHandle | undefined = first.kernel;
  const runner = new DocumentRunner({
    launch: async () => {
      // The first kernel is the fresh one; replacements (after a timeout) start in the same directory.
      const kernel = handedOver ?? (await options.launcher({ kernelName: request.kernel, cwd: workDir, ...kernelTargetOf(options) }));
      handedOver = undefined;
      if (request.memoryLimitMB > 0 && !kernel.limitMemory(request.memoryLimitMB * 1024 * 1024)) {
        options.logger.warn('memory_limit_MB cannot be enforced on a kernel of a Jupyter Server; it is ignored.');
      }
      return kernel;
    },
    stopOnError: request.stopOnError,
    // As nbclient: the widget state a run records holds what its Output widgets captured.
    captureOutputWidgets: true,
    logger: options.logger,
    ...(request.cellTimeoutSeconds > 0 ? { cellTimeoutMs: request.cellTimeoutSeconds * 1000 } : {}),
    ...(options.stdin ? { stdin: options.stdin } : {}),
    ...(options.outputLimits ? { outputLimits: options.outputLimits } : {}),
  });
  if (options.onKernel) runner.onDidAttachKernel(options.onKernel);
  // The contract's raw logs and errors, recorded beside what is shown, with caps of their own of the same size.
  const transcripts = new DocumentTranscripts(runner.outputs, options.outputLimits);
  let result: Omit<RunCellsResult, 'cleanup'>;
  try {
    await writeRunFiles(workDir, request.files);
    await runner.session.kernel();
    const { runs, limit } = await runAll(request, runner, options);
    const response = responseOf(request, runs.map((run) => cellResponseOf(run, transcripts.of(run.outputs))), limit, elapsed());
    // Never rejects: a file that cannot be read back is named in file_errors, and the cells' results stay.
    const fetched = await readRunFiles(workDir, request.fetchFiles, options.maxFetchBytes);
    response.files = fetched.files;
    if (Object.keys(fetched.errors).length > 0) response.file_errors = fetched.errors;
    result = { response, runs };
  } catch (error) {
    if (!(error instanceof CellBridgeError)) options.logger.error(`Run failed: ${errorMessage(error)}`);
    result = { response: sandboxErrorResponse(errorMessage(error), elapsed()), runs: [] };
  }
  const cleanup = (async () => {
    // A kernel taken but never used (writing the files failed) is shut down too, and waited for.
    if (handedOver) await handedOver.shutdown({ now: true }).catch((error: unknown) => options.logger.warn(`Kernel shutdown failed: ${errorMessage(error)}`));
    await runner.shutdown({ now: options.killKernelsAtEnd === true }).catch((error: unknown) => options.logger.warn(`Kernel shutdown failed: ${errorMessage(error)}`));
    transcripts.dispose();
    if (ownsDir) await removeTree(workDir);
  })();
  return { ...result, cleanup };
}

async function firstKernel(request: RunRequest, options: RunCellsOptions): Promise<FreshKernel> {
  if (options.workDir !== undefined) {
    return { kernel: await options.launcher({ kernelName: request.kernel, cwd: options.workDir, ...kernelTargetOf(options) }), workDir: options.workDir };
  }
  if (options.takeFreshKernel) return options.takeFreshKernel(request.kernel);
  return startFreshKernel(options.launcher, { kernelName: request.kernel, ...kernelTargetOf(options) });
}

/**
 * Where the run's kernels start, and how: a batch run's IPython history stays in its kernel's memory, and a
 * sandboxed run's local kernels run in a sandbox each.
 */
function kernelTargetOf(options: RunCellsOptions): Omit<KernelTarget, 'kernelName'> {
  return { historyInMemory: true, ...options.placement };
}

function responseOf(request: RunRequest, cells: CellResponse[], limit: Limit | undefined, elapsedSeconds: number): RunResponse {
  const memoryExceeded = cells.some((cell) => cell.status === 'memory_limit');
  const kernelDied = cells.some((cell) => cell.status === 'kernel_died');
  const [status, driverStatus, message]: [RunStatus, DriverStatus, string] =
    limit === 'total'
      ? ['Failed', 'TimeLimitExceeded', `The run exceeded its total timeout of ${request.totalTimeoutSeconds} s.`]
      : limit === 'stopped'
        ? ['Failed', 'Error', 'The run was stopped before it finished.']
        : memoryExceeded
          ? ['Failed', 'Error', `The kernel exceeded its memory limit of ${request.memoryLimitMB} MB (memory_limit_MB) and was stopped.`]
          : kernelDied
            ? ['Failed', 'Error', 'The kernel died during the run.']
            : ['Success', 'Finished', ''];
  return {
    status,
    message,
    driver: { status: driverStatus, execution_time: round(elapsedSeconds), return_code: status === 'Success' ? 0 : 1, stdout: '', stderr: '' },
    cells,
    executor_pod_name: null,
    files: {},
  };
}

async function runAll(request: RunRequest, runner: DocumentRunner, options: RunCellsOptions): Promise<{ runs: CellRun[]; limit: Limit | undefined }> {
  const runs = runner.enqueue(
    request.cells.map((code, i) => {
      const tags = request.cellTags?.[i] ?? [];
      // nbclient's convention for a cell kept in the notebook but never run in batch.
      return { code, tags, skip: tags.includes('skip-execution') };
    }),
  );
  for (const run of runs) run.onDidChangeState(() => options.onCellStateChange?.(run, runs.length));
  let limit: Limit | undefined;
  let stopping: Promise<void> | undefined;
  const stopWith = (reason: Limit, message: string): void => {
    limit ??= reason;
    // The cell cut off is still running: its kernel goes at once, without waiting for a busy kernel to agree.
    stopping ??= runner.stop(message, reason === 'total' ? 'timedOut' : 'stopped');
  };
  const totalMs = request.totalTimeoutSeconds * 1000;
  const timer = totalMs > 0 ? setTimeout(() => stopWith('total', `Cancelled because the run exceeded its total timeout of ${request.totalTimeoutSeconds} s.`), totalMs) : undefined;
  const stopSubscription = options.stop?.onCancellationRequested(() => stopWith('stopped', 'Cancelled because the run was stopped.'));
  try {
    await Promise.all(runs.map((run) => run.finished));
    await runner.whenIdle();
  } finally {
    clearTimeout(timer);
    stopSubscription?.dispose();
  }
  await stopping;
  return { runs, limit };
}
