import { silentLogger } from '../../src/core/common/logger';
import type { CellRun } from '../../src/core/execution/cellRun';
import { ExecutionQueue } from '../../src/core/execution/executionQueue';
import { KernelSession } from '../../src/core/execution/kernelSession';
import { createKernelLauncher } from '../../src/core/kernel/kernelLauncher';
import { LocalKernel } from '../../src/core/kernel/localKernel';
import { DocumentOutputs } from '../../src/core/outputs/documentOutputs';
import { trackConnectionFile, trackKernelPid } from '../kernelPids';

/**
 * One notebook's worth of engine, set up as the extension and the runner do: a session, its outputs, its queue.
 * Its kernel keeps IPython's history in memory, as the runner's and nbclient's do (and every contender's here).
 */
export class EngineDocument {
  readonly outputs = new DocumentOutputs();
  readonly session: KernelSession;
  readonly queue: ExecutionQueue;

  constructor(kernelName: string, env: NodeJS.ProcessEnv) {
    const launch = createKernelLauncher(silentLogger);
    this.session = new KernelSession(async () => {
      const kernel = await launch({ kernelName, env, historyInMemory: true });
      if (kernel instanceof LocalKernel) {
        trackKernelPid(kernel.pid);
        trackConnectionFile(kernel.connectionFilePath);
      }
      return kernel;
    }, silentLogger);
    // stopOnError: the notebook default, what a user's Run does.
    this.queue = new ExecutionQueue({ session: this.session, outputs: this.outputs, stopOnError: true, logger: silentLogger });
  }

  /** Starts the kernel now, so that timed cells do not include the start. */
  async start(): Promise<void> {
    await this.session.kernel();
  }

  /** Enqueues one cell and waits for it, as a user's Run of a single cell does. */
  async runOne(code: string): Promise<CellRun> {
    const [run] = this.queue.enqueue([{ code }]);
    return expectDone(await run!.finished);
  }

  /** Enqueues all cells at once (Run All) and waits for the last. */
  async runAll(codes: readonly string[]): Promise<CellRun[]> {
    const runs = this.queue.enqueue(codes.map((code) => ({ code })));
    return (await Promise.all(runs.map((run) => run.finished))).map(expectDone);
  }

  async close(): Promise<void> {
    this.queue.dispose();
    await this.session.shutdown();
    this.outputs.dispose();
  }
}

function expectDone(run: CellRun): CellRun {
  if (run.state !== 'done') throw new Error(`engine cell ${run.index} ended ${run.state}: ${run.cause?.message ?? run.failureReason ?? ''}`);
  return run;
}
