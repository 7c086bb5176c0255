import { Kernel, KernelAPI, KernelConnection, KernelSpecAPI, ServerConnection } from '@jupyterlab/services';
import { withTimeout } from '../common/async';
import { Emitter } from '../common/emitter';
import { KernelDiedError, KernelStartError } from '../common/errors';
import type { Logger } from '../common/logger';
import type { KernelHandle, KernelStatus } from './kernelHandle';
import { describeServerFailure, JupyterServerAddress, serverSettingsFor } from './jupyterServer';

export interface RemoteKernelOptions {
  logger: Logger;
  startTimeoutMs?: number;
}

/** A kernel on a Jupyter Server, reached over its REST API and kernel WebSocket. */
export class RemoteKernel implements KernelHandle {
  readonly kind = 'remote';
  private statusValue: KernelStatus = 'idle';
  private readonly statusEmitter = new Emitter<KernelStatus>();
  private readonly diedEmitter = new Emitter<KernelDiedError>();
  private died: KernelDiedError | undefined;
  private stopping: Promise<void> | undefined;
  readonly onDidChangeStatus = this.statusEmitter.event;
  readonly onDidDie = this.diedEmitter.event;

  private constructor(readonly connection: Kernel.IKernelConnection, readonly address: JupyterServerAddress, private readonly logger: Logger) {
    connection.statusChanged.connect((_, status) => this.onStatus(status));
  }

  static async start(address: JupyterServerAddress, kernelName: string, options: RemoteKernelOptions): Promise<RemoteKernel> {
    const serverSettings = serverSettingsFor(address);
    let model: Kernel.IModel;
    try {
      model = await KernelAPI.startNew({ name: kernelName }, serverSettings);
    } catch (error) {
      throw describeServerFailure(address, error, kernelName, await specNamesOn(serverSettings));
    }
    const connection = new KernelConnection({ model, serverSettings, handleComms: false });
    const timeoutMs = options.startTimeoutMs ?? 60_000;
    const ready = await withTimeout(connection.info.then(() => true), timeoutMs, () => false);
    if (!ready) {
      connection.dispose();
      await KernelAPI.shutdownKernel(model.id, serverSettings).catch(() => undefined);
      throw new KernelStartError(`Kernel '${kernelName}' on ${address.url} did not answer within ${Math.round(timeoutMs / 1000)} s.`);
    }
    options.logger.info(`Started kernel '${kernelName}' (${model.id}) on ${address.url}`);
    return new RemoteKernel(connection, address, options.logger);
  }

  get name(): string {
    return this.connection.name;
  }

  get status(): KernelStatus {
    return this.statusValue;
  }

  get diedWith(): KernelDiedError | undefined {
    return this.died;
  }

  async interrupt(): Promise<void> {
    if (this.died || this.stopping) return;
    await this.connection.interrupt();
  }

  shutdown(): Promise<void> {
    this.stopping ??= this.stop();
    return this.stopping;
  }

  private async stop(): Promise<void> {
    try {
      if (!this.died) await this.connection.shutdown();
    } catch (error) {
      this.logger.warn(`Could not shut down kernel ${this.connection.id} on ${this.address.url}: ${String(error)}`);
    }
    this.connection.dispose();
    this.setStatus('dead');
  }

  /**
   * The server restarts a kernel that died on its own and says so with status `restarting` (or `dead` when it
   * gives up). Either way the state the cells built is gone, which is what dying means to the engine.
   */
  private onStatus(status: Kernel.Status): void {
    if (status === 'idle' || status === 'busy' || status === 'starting') {
      this.setStatus(status);
    } else if ((status === 'dead' || status === 'restarting' || status === 'autorestarting') && !this.stopping && !this.died) {
      this.died = new KernelDiedError(null, null, `The Jupyter Server at ${this.address.url} reported the kernel ${status}.`);
      this.logger.warn(`Kernel ${this.connection.id} on ${this.address.url}: ${this.died.message}`);
      this.setStatus('dead');
      this.diedEmitter.fire(this.died);
      // The server may have brought up a fresh process under the same id; it is of no use to us now.
      this.stopping = KernelAPI.shutdownKernel(this.connection.id, this.connection.serverSettings)
        .catch(() => undefined)
        .then(() => this.connection.dispose());
    }
  }

  private setStatus(status: KernelStatus): void {
    if (this.statusValue === status || this.statusValue === 'dead') return;
    this.statusValue = status;
    this.statusEmitter.fire(status);
  }

  dispose(): void {
    if (!this.stopping) {
      // Dispose cannot wait; ask the server to shut the kernel down and log a failure.
      this.stopping = KernelAPI.shutdownKernel(this.connection.id, this.connection.serverSettings).catch((error: unknown) =>
        this.logger.warn(`Could not shut down kernel ${this.connection.id}: ${String(error)}`),
      );
      this.connection.dispose();
    }
    this.statusEmitter.dispose();
    this.diedEmitter.dispose();
  }
}

async function specNamesOn(settings: ServerConnection.ISettings): Promise<string[] | undefined> {
  try {
    return Object.keys((await KernelSpecAPI.getSpecs(settings)).kernelspecs);
  } catch {
    return undefined;
  }
}
