import type { BenchConfig } from '../benchConfig';
import { benchEnv } from '../benchConfig';
import { EngineDocument } from '../engine/engineDocument';
import type { JupyterClientWorker, KernelStarted } from '../jupyterClientWorker';
import { nowMs, Summary, summarize } from '../stats';

export interface KernelStartResult {
  starts: number;
  /** Milliseconds from launch until the kernel is ready for its first cell. */
  engine: Summary;
  jupyterClient: Summary;
  ratios: { engineOverJupyterClient: number };
}

/**
 * Launch until ready, alternating the two so that both see the same machine. The engine's "ready" is
 * stricter: kernel_info answered AND iopub proven live; jupyter_client's wait_for_ready only waits for
 * the kernel_info reply.
 */
export async function measureKernelStart(worker: JupyterClientWorker, config: BenchConfig): Promise<KernelStartResult> {
  const engine: number[] = [];
  const jupyterClient: number[] = [];
  for (let i = 0; i < config.kernelStart.starts; i++) {
    const engineFirst = i % 2 === 0;
    if (engineFirst) engine.push(await engineStartMs(config));
    jupyterClient.push((await worker.request<KernelStarted>({ cmd: 'kernelStart' })).seconds * 1000);
    if (!engineFirst) engine.push(await engineStartMs(config));
  }
  const summary = { engine: summarize(engine), jupyterClient: summarize(jupyterClient) };
  return { starts: engine.length, ...summary, ratios: { engineOverJupyterClient: summary.engine.median / summary.jupyterClient.median } };
}

async function engineStartMs(config: BenchConfig): Promise<number> {
  const document = new EngineDocument(config.kernelName, benchEnv());
  try {
    const started = nowMs();
    await document.start();
    return nowMs() - started;
  } finally {
    await document.close();
  }
}
