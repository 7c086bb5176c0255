/**
 * Kernel start, three ways, on both Python stacks (Debian's ipykernel 6.17 and the current stack's 7.4):
 * forked from a warm fork server, spawned by CellBridge, and started by Python's jupyter_client (the floor
 * a Jupyter user has). Three times per start: until the kernel is ready for a cell, until a first cell
 * that imports numpy, pandas and matplotlib is done, and how long the kernel's first error then takes (IPython
 * sets up its traceback machinery on first use; a fork server has done that for its kernels). The three take turns, the order rotating, so that the
 * machine's noise falls on all alike. Run with `npm run bench:kernel-start [-- --quick]`.
 */
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import * as readline from 'node:readline';
import { loadavg } from 'node:os';
import { silentLogger } from '../src/core/common/logger';
import { ForkServers } from '../src/core/kernel/fork/forkServers';
import { findKernelspec, type Kernelspec } from '../src/core/kernel/kernelspec';
import { LocalKernel } from '../src/core/kernel/localKernel';
import { benchEnv } from './benchConfig';
import { PYTHON_DIR, REPO_ROOT } from './benchPaths';
import { quietConsole } from './quietConsole';
import { nowMs, summarize, type Summary } from './stats';

const FIRST_CELL = 'import numpy, pandas, matplotlib.pyplot';
const ERROR_CELL = "raise RuntimeError('the first error')";

interface Stack {
  label: string;
  /** The kernelspec CellBridge starts, and the Python whose jupyter_client starts the same kernel by name. */
  kernelName: string;
  jupyterPath?: string;
  python: string;
}

const STACKS: Stack[] = [
  { label: 'Debian (ipykernel 6.17)', kernelName: 'python3', python: '/usr/bin/python3' },
  { label: 'current (ipykernel 7.4)', kernelName: 'python3-current', jupyterPath: path.join(REPO_ROOT, '.test-venvs', 'jupyter'), python: path.join(REPO_ROOT, '.test-venvs', 'current', 'bin', 'python') },
];

type Way = 'fork' | 'spawn' | 'jupyterClient';
interface Times {
  ready: number;
  firstCell: number;
  firstError: number;
}

class JupyterClientStarter {
  private readonly child;
  private readonly replies: AsyncIterator<string>;
  private stderrTail = '';

  constructor(stack: Stack, env: NodeJS.ProcessEnv) {
    // Its kernels' warnings go to its stderr; only the tail is kept, for an error.
    this.child = spawn(stack.python, [path.join(PYTHON_DIR, 'jc_start.py')], { env, stdio: ['pipe', 'pipe', 'pipe'] });
    this.child.stderr.setEncoding('utf8');
    this.child.stderr.on('data', (chunk: string) => (this.stderrTail = (this.stderrTail + chunk).slice(-2000)));
    this.replies = readline.createInterface({ input: this.child.stdout })[Symbol.asyncIterator]();
  }

  async start(kernel: string): Promise<Times> {
    this.child.stdin.write(`${JSON.stringify({ kernel, code: FIRST_CELL, errorCode: ERROR_CELL })}\n`);
    const { value, done } = await this.replies.next();
    if (done) throw new Error(`the jupyter_client worker exited: ${this.stderrTail}`);
    const reply = JSON.parse(value as string) as { ready: number; firstCell: number; firstError: number; error?: string };
    if (reply.error) throw new Error(`jupyter_client: ${reply.error}`);
    return { ready: reply.ready * 1000, firstCell: reply.firstCell * 1000, firstError: reply.firstError * 1000 };
  }

  close(): void {
    this.child.stdin.end();
  }
}

async function cellBridgeStart(spec: Kernelspec, env: NodeJS.ProcessEnv, forkServers: ForkServers | undefined): Promise<Times & { forked: boolean }> {
  const started = nowMs();
  const kernel = await LocalKernel.start(spec, { logger: silentLogger, env, ...(forkServers ? { forkServers } : {}) });
  try {
    const ready = nowMs() - started;
    const future = kernel.connection.requestExecute({ code: FIRST_CELL });
    const reply = await future.done;
    if (reply.content.status !== 'ok') throw new Error(`the first cell failed: ${JSON.stringify(reply.content)}`);
    const firstCell = nowMs() - started;
    const errorReply = await kernel.connection.requestExecute({ code: ERROR_CELL }).done;
    if (errorReply.content.status !== 'error') throw new Error(`the error cell did not fail: ${JSON.stringify(errorReply.content)}`);
    return { ready, firstCell, firstError: nowMs() - started - firstCell, forked: kernel.forked };
  } finally {
    await kernel.shutdown({ now: true });
  }
}

async function measureStack(stack: Stack, starts: number): Promise<Record<Way, { ready: Summary; firstCell: Summary; firstError: Summary }> & { serverReadyMs: number }> {
  const env = { ...benchEnv(), ...(stack.jupyterPath ? { JUPYTER_PATH: stack.jupyterPath } : {}) };
  const spec = await findKernelspec(stack.kernelName, { env });
  const forkServers = new ForkServers({ logger: silentLogger, startOnDemand: false });
  const jupyterClient = new JupyterClientStarter(stack, env);
  const samples: Record<Way, Times[]> = { fork: [], spawn: [], jupyterClient: [] };
  try {
    const serverStarted = nowMs();
    const state = await forkServers.prepare(spec, env);
    const serverReadyMs = nowMs() - serverStarted;
    if (state?.kind !== 'ready') throw new Error(`the fork server is not ready: ${JSON.stringify(state)}`);
    const ways: Way[] = ['fork', 'spawn', 'jupyterClient'];
    // One unmeasured round: files into the page cache, the first connection of each.
    for (let round = -1; round < starts; round++) {
      for (let turn = 0; turn < ways.length; turn++) {
        const way = ways[(turn + Math.max(round, 0)) % ways.length]!;
        const times =
          way === 'jupyterClient'
            ? await jupyterClient.start(stack.kernelName)
            : await cellBridgeStart(spec, env, way === 'fork' ? forkServers : undefined).then((result) => {
                if (result.forked !== (way === 'fork')) throw new Error(`a ${way} start was ${result.forked ? 'forked' : 'spawned'}`);
                return result;
              });
        if (round >= 0) samples[way].push(times);
      }
    }
    const summary = (way: Way) => ({
      ready: summarize(samples[way].map((t) => t.ready)),
      firstCell: summarize(samples[way].map((t) => t.firstCell)),
      firstError: summarize(samples[way].map((t) => t.firstError)),
    });
    return { fork: summary('fork'), spawn: summary('spawn'), jupyterClient: summary('jupyterClient'), serverReadyMs };
  } finally {
    jupyterClient.close();
    forkServers.dispose();
  }
}

async function main(): Promise<void> {
  const log = quietConsole();
  const quick = process.argv.includes('--quick');
  const starts = quick ? 3 : 10;
  const results: Record<string, unknown> = { date: new Date().toISOString(), loadAverageAtStart: loadavg(), starts };
  log(`Kernel start: ${starts} starts per way and stack; load average ${loadavg().map((n) => n.toFixed(2)).join(' ')}`);
  for (const stack of STACKS) {
    const result = await measureStack(stack, starts);
    results[stack.label] = result;
    const line = (way: Way, label: string): string => {
      const { ready, firstCell, firstError } = result[way];
      const floor = result.jupyterClient;
      return (
        `  ${label.padEnd(16)} ready p50 ${ready.median.toFixed(0).padStart(5)} ms (p90 ${ready.p90.toFixed(0)}, ${(ready.median / floor.ready.median).toFixed(2)}× jupyter_client)` +
        `   first cell with imports p50 ${firstCell.median.toFixed(0).padStart(5)} ms (p90 ${firstCell.p90.toFixed(0)}, ${(firstCell.median / floor.firstCell.median).toFixed(2)}×)` +
        `   then its first error p50 ${firstError.median.toFixed(0).padStart(4)} ms (${(firstError.median / floor.firstError.median).toFixed(2)}×)`
      );
    };
    log(`${stack.label}: fork server ready in ${result.serverReadyMs.toFixed(0)} ms`);
    log(line('fork', 'fork'));
    log(line('spawn', 'spawn'));
    log(line('jupyterClient', 'jupyter_client'));
  }
  results.loadAverageAtEnd = loadavg();
  writeFileSync(path.join(REPO_ROOT, 'bench', 'results', 'kernel-start-latest.json'), `${JSON.stringify(results, null, 2)}\n`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
