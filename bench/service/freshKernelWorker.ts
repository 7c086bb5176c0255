import { ChildProcess, spawn } from 'node:child_process';
import * as path from 'node:path';
import * as readline from 'node:readline';
import { closeWorker } from '../workerProcess';
import { JUPYTER_PYTHON } from '../benchConfig';
import { PYTHON_DIR } from '../benchPaths';
import { trackKernelPid } from '../kernelPids';
import type { BenchRequest, CellOutputs } from './seedExample';

const STDERR_TAIL = 4000;
const EXIT_GRACE_MS = 15_000;

/** One request served the SandboxFusion way: the cells' outputs and the time of each phase, in ms. */
export interface FreshKernelRun {
  pid: number | null;
  cells: CellOutputs[];
  startMs: number;
  cellsMs: number;
  shutdownMs: number;
  totalMs: number;
}

/**
 * bench/python/jc_fresh_kernel.py, long-lived like a server with jupyter_client imported, driven over JSON
 * lines: each request starts a kernel with start_new_kernel, runs the cells and shuts the kernel down.
 */
export class FreshKernelWorker {
  private readonly replies: AsyncIterator<string>;
  private stderrTail = '';
  private readonly exited: Promise<void>;

  private constructor(private readonly child: ChildProcess) {
    child.stderr!.setEncoding('utf8');
    child.stderr!.on('data', (chunk: string) => (this.stderrTail = (this.stderrTail + chunk).slice(-STDERR_TAIL)));
    this.replies = readline.createInterface({ input: child.stdout! })[Symbol.asyncIterator]();
    this.exited = new Promise((resolve) => child.once('exit', () => resolve()));
  }

  static spawn(env: NodeJS.ProcessEnv): FreshKernelWorker {
    const script = path.join(PYTHON_DIR, 'jc_fresh_kernel.py');
    return new FreshKernelWorker(spawn(JUPYTER_PYTHON, [script], { cwd: PYTHON_DIR, env, stdio: ['pipe', 'pipe', 'pipe'] }));
  }

  /** One request at a time: the benchmark awaits each before sending the next. */
  async run(request: BenchRequest): Promise<FreshKernelRun> {
    this.child.stdin!.write(JSON.stringify(request) + '\n');
    const line = await this.replies.next();
    if (line.done) throw new Error(`the jupyter_client fresh-kernel worker exited:\n${this.stderrTail}`);
    const reply = JSON.parse(line.value) as FreshKernelRun & { error?: string };
    if (reply.error) throw new Error(`the jupyter_client fresh-kernel worker failed: ${reply.error}\n${this.stderrTail}`);
    trackKernelPid(reply.pid);
    return reply;
  }

  /** Closes stdin: the worker exits after its current request; killed if it does not within the grace period. */
  async close(): Promise<void> {
    await closeWorker(this.child, this.exited, EXIT_GRACE_MS);
  }

}
