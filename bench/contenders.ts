import { BareKernel } from './bare/bareKernel';
import type { BenchConfig } from './benchConfig';
import { benchEnv } from './benchConfig';
import { EngineDocument } from './engine/engineDocument';
import { JupyterClientWorker } from './jupyterClientWorker';

/** The three clients, each on its own ipykernel, shared by the round-trip and throughput sections. */
export interface Contenders {
  engine: EngineDocument;
  bare: BareKernel;
  jupyterClient: JupyterClientWorker;
}

export async function startContenders(config: BenchConfig): Promise<Contenders> {
  const engine = new EngineDocument(config.kernelName, benchEnv());
  const jupyterClient = JupyterClientWorker.spawn(config.kernelName);
  let bare: BareKernel | undefined;
  try {
    // One after another: three kernels importing IPython at once on two cores would only slow each other.
    await engine.start();
    bare = await BareKernel.start(config.kernelName, benchEnv());
    await jupyterClient.request({ cmd: 'start' });
    return { engine, bare, jupyterClient };
  } catch (error) {
    await Promise.allSettled([engine.close(), bare?.shutdown(), jupyterClient.close()]);
    throw error;
  }
}

export async function stopContenders(contenders: Contenders): Promise<void> {
  await Promise.all([contenders.engine.close(), contenders.bare.shutdown(), contenders.jupyterClient.close()]);
}
