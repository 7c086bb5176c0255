import { fork } from 'node:child_process';
import type { BenchConfig } from '../benchConfig';
import { JupyterClientWorker } from '../jupyterClientWorker';
import { trackKernelPid } from '../kernelPids';
import { ENGINE_LINES_CHILD_FLAG, EngineLinesMessage } from './largeOutputEngine';
import type { LinesMeasurement } from './linesCell';

export interface LargeOutputResult {
  lines: number;
  engine: LinesMeasurement & { peakAboveBaselineBytes: number };
  jupyterClient: LinesMeasurement & { messages: number; peakAboveBaselineBytes: number };
  ratios: { engineOverJupyterClientTime: number; engineOverJupyterClientMemory: number };
}

/**
 * One cell printing many lines, each side in a fresh process of its own so that peak memory is the cell's:
 * the engine in a forked Node process, jupyter_client in a new worker (ru_maxrss is a lifetime peak).
 */
export async function measureLargeOutput(config: BenchConfig): Promise<LargeOutputResult> {
  const engine = await engineInChild(config);
  const worker = JupyterClientWorker.spawn(config.kernelName);
  let jupyterClient: LinesMeasurement & { messages: number };
  try {
    await worker.request({ cmd: 'start' });
    jupyterClient = await worker.request<LinesMeasurement & { messages: number }>({ cmd: 'lines', count: config.largeOutput.lines });
  } finally {
    await worker.close();
  }
  const withPeak = <T extends LinesMeasurement>(m: T): T & { peakAboveBaselineBytes: number } => ({ ...m, peakAboveBaselineBytes: m.peakBytes - m.baselineBytes });
  const result = { engine: withPeak(engine), jupyterClient: withPeak(jupyterClient) };
  return {
    lines: config.largeOutput.lines,
    ...result,
    ratios: {
      engineOverJupyterClientTime: engine.seconds / jupyterClient.seconds,
      engineOverJupyterClientMemory: result.engine.peakAboveBaselineBytes / Math.max(1, result.jupyterClient.peakAboveBaselineBytes),
    },
  };
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
