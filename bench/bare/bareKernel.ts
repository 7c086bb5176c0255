import { withTimeout } from '../../src/core/common/async';
import { allocateConnectionInfo, ConnectionFile } from '../../src/core/kernel/connectionInfo';
import { KernelProcess } from '../../src/core/kernel/kernelProcess';
import { findKernelspec } from '../../src/core/kernel/kernelspec';
import { trackConnectionFile, trackKernelPid } from '../kernelPids';
import { BareClient } from './bareClient';

const SHUTDOWN_GRACE_MS = 3000;

/** A kernel launched from a connection file we write, driven by the bare client. */
export class BareKernel {
  private constructor(
    readonly client: BareClient,
    private readonly process: KernelProcess,
    private readonly connectionFile: ConnectionFile,
  ) {}

  static async start(kernelName: string, env: NodeJS.ProcessEnv): Promise<BareKernel> {
    const spec = await findKernelspec(kernelName, { env });
    const info = await allocateConnectionInfo(spec.name);
    const connectionFile = await ConnectionFile.write(info);
    trackConnectionFile(connectionFile.path);
    // History in memory, as every contender's kernel (engineDocument.ts).
    const process = KernelProcess.spawn(spec, connectionFile.path, { env, historyInMemory: true });
    trackKernelPid(process.pid);
    const client = new BareClient(info);
    const kernel = new BareKernel(client, process, connectionFile);
    try {
      await client.waitReady(() => process.exit === undefined);
    } catch (error) {
      await kernel.shutdown();
      throw new Error(`bare kernel '${kernelName}' failed to start: ${String(error)}\n${process.stderrTail}`);
    }
    return kernel;
  }

  get pid(): number | undefined {
    return this.process.pid;
  }

  /** shutdown_request, then the process group is terminated whatever happened; the connection file goes. */
  async shutdown(): Promise<void> {
    if (!this.process.exit) {
      await withTimeout(this.client.shutdownRequest().then(() => this.process.exited), SHUTDOWN_GRACE_MS, () => undefined);
    }
    this.client.close();
    await this.process.terminate(1000);
    await this.connectionFile.remove();
  }
}
