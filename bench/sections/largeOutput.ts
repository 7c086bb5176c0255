import { fork } from 'node:child_process';
import type { BenchConfig } from '../benchConfig';
import { JupyterClientWorker } from '../jupyterClientWorker';
import { trackKernelPid } from '../kernelPids';
import { ENGINE_LINES_CHILD_FLAG, EngineLinesMessage } from './largeOutputEngine';
import type { LinesMeasurement } from './linesCell';

export interface LargeOutputResult {
  lines: number;
  /** Each client's run of median time among its repeats, and every repeat's time. */
  engine: LinesMeasurement & { peakAboveBaselineBytes: number; allSeconds: number[] };
  jupyterClient: LinesMeasurement & { messages: number; peakAboveBaselineBytes: number; allSeconds: number[] };
  ratios: { engineOverJupyterClientTime: number; engineOverJupyterClientMemory: number };
}

/**
 * One cell printing many lines, each side in a fresh process of its own so that peak memory is the cell's:
 * the engine in a forked Node process, jupyter_client in a new worker (ru_maxrss is a lifetime peak). The
 * two take turns, `repeats` times each, and who goes first alternates.
 */
export async function measureLargeOutput(config: BenchConfig): Promise<LargeOutputResult> {
  const engineRuns: LinesMeasurement[] = [];
  const jupyterClientRuns: Array<LinesMeasurement & { messages: number }> = [];
  for (let round = 0; round < config.largeOutput.repeats; round++) {
    const turns = [async () => void engineRuns.push(await engineInChild(config)), async () => void jupyterClientRuns.push(await jupyterClientLines(config))];
    if (round % 2 === 1) turns.reverse();
    for (const turn of turns) await turn();
  }
  const engine = medianRun(engineRuns);
  const jupyterClient = medianRun(jupyterClientRuns);
  const withPeak = <T extends LinesMeasurement>(m: T, all: readonly LinesMeasurement[]): T & { peakAboveBaselineBytes: number; allSeconds: number[] } => ({
    ...m,
    // Every repeat must have been exact for the figure to say so.
    exact: all.every((run) => run.exact),
    peakAboveBaselineBytes: m.peakBytes - m.baselineBytes,
    allSeconds: all.map((run) => run.seconds),
  });
  const result = { engine: withPeak(engine, engineRuns), jupyterClient: withPeak(jupyterClient, jupyterClientRuns) };
  return {
    lines: config.largeOutput.lines,
    ...result,
    ratios: {
      engineOverJupyterClientTime: engine.seconds / jupyterClient.seconds,
      engineOverJupyterClientMemory: result.engine.peakAboveBaselineBytes / Math.max(1, result.jupyterClient.peakAboveBaselineBytes),
    },
  };
}

async function jupyterClientLines(config: BenchConfig): Promise<LinesMeasurement & { messages: number }> {
  const worker = JupyterClientWorker.spawn(config.kernelName);
  try {
    await worker.request({ cmd: 'start' });
    return await worker.request<LinesMeasurement & { messages: number }>({ cmd: 'lines', count: config.largeOutput.lines });
  } finally {
    await worker.close();
  }
}

/** The run of median time (the upper one of an even count). */
function medianRun<T extends LinesMeasurement>(runs: readonly T[]): T {
  const sorted = [...runs].sort((a, b) => a.seconds - b.seconds);
  return sorted[Math.floor(sorted.length / 2)]!;
}

function engineInChild(config: BenchConfig): Promise<LinesMeasurement> {
  const args = [ENGINE_LINES_CHILD_FLAG, ...(config.mode === 'quick' ? ['--quick'] : [])];
  // The entry script (dist/bench.js) re-run as the child; see bench.ts.
  const child = fork(process.argv[1]!, args, { execArgv: ['--expose-gc'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  return new Promise((resolve, reject) => {
    let message: EngineLinesMessage | undefined;
    child.on('message', (m) => (message = m as EngineLinesMessage));
    child.once('error', reject);
    child.once('exit', (code, signal) => {
      for (const pid of message?.kernelPids ?? []) trackKernelPid(pid);
      if (message?.result) resolve(message.result);
      else reject(new Error(`engine large-output child failed (${signal ?? `exit ${code}`}): ${message?.error ?? 'no result'}`));
    });
  });
}
