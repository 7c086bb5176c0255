import { ChildProcess, spawn } from 'node:child_process';
import * as path from 'node:path';
import * as readline from 'node:readline';
import { closeWorker } from './workerProcess';
import { benchEnv, JUPYTER_PYTHON } from './benchConfig';
import { PYTHON_DIR } from './benchPaths';
import { trackKernelPid } from './kernelPids';

const STDERR_TAIL = 4000;
const EXIT_GRACE_MS = 10_000;

export type WorkerRequest =
  | { cmd: 'start' }
  | { cmd: 'roundtrip'; cells: number }
  | { cmd: 'sequential'; cells: number; code: string }
  | { cmd: 'lines'; count: number }
  | { cmd: 'kernelStart' }
  | { cmd: 'stop' };

export interface KernelStarted {
  seconds: number;
  pid: number | null;
}

/**
 * A long-lived Python process measuring with jupyter_client (bench/python/jc_worker.py), driven over
 * JSON lines, so its measurements can be interleaved with the engine's in the same run.
 */
export class JupyterClientWorker {
  private readonly replies: AsyncIterator<string>;
  private stderrTail = '';
  private busy = false;
  readonly exited: Promise<void>;

  private constructor(private readonly child: ChildProcess) {
    child.stderr!.setEncoding('utf8');
    child.stderr!.on('data', (chunk: string) => (this.stderrTail = (this.stderrTail + chunk).slice(-STDERR_TAIL)));
    this.replies = readline.createInterface({ input: child.stdout! })[Symbol.asyncIterator]();
    this.exited = new Promise((resolve) => child.once('exit', () => resolve()));
  }

  static spawn(kernelName: string): JupyterClientWorker {
    const child = spawn(JUPYTER_PYTHON, [path.join(PYTHON_DIR, 'jc_worker.py'), kernelName], {
      cwd: PYTHON_DIR,
      env: benchEnv(),
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    return new JupyterClientWorker(child);
  }

  async request<T>(request: WorkerRequest): Promise<T> {
    if (this.busy) throw new Error('jupyter_client worker: one request at a time');
    this.busy = true;
    try {
      this.child.stdin!.write(JSON.stringify(request) + '\n');
      const line = await this.replies.next();
      if (line.done) throw new Error(`jupyter_client worker exited during '${request.cmd}':\n${this.stderrTail}`);
      const reply = JSON.parse(line.value) as T & { error?: string; pid?: number | null };
      if (reply.error) throw new Error(`jupyter_client worker failed '${request.cmd}': ${reply.error}\n${this.stderrTail}`);
      trackKernelPid(reply.pid);
      return reply;
    } finally {
      this.busy = false;
    }
  }

  /** Closes stdin: the worker shuts its kernel down and exits; killed if it does not within the grace period. */
  async close(): Promise<void> {
    await closeWorker(this.child, this.exited, EXIT_GRACE_MS);
  }

}
