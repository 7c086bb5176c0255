import { Kernel, KernelAPI, KernelConnection, KernelSpecAPI, ServerConnection } from '@jupyterlab/services';
import { delay, withTimeout } from '../common/async';
import { KernelDiedError, KernelStartError } from '../common/errors';
import type { Logger } from '../common/logger';
import type { KernelHandle, KernelStatus } from './kernelHandle';
import { KernelLife } from './kernelLife';
import { describeServerFailure, JupyterServerAddress, serverSettingsFor } from './jupyterServer';

export interface RemoteKernelOptions {
  logger: Logger;
  startTimeoutMs?: number;
}

/** A kernel on a Jupyter Server, reached over its REST API and kernel WebSocket. */
export class RemoteKernel implements KernelHandle {
  readonly kind = 'remote';
  readonly forked = false;
  private readonly life = new KernelLife();
  private stopping: Promise<void> | undefined;
  readonly onDidChangeStatus = this.life.onDidChangeStatus;
  readonly onDidDie = this.life.onDidDie;

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
      await shutdownOnServer(model.id, serverSettings, options.logger);
      throw new KernelStartError(`Kernel '${kernelName}' on ${address.url} did not answer within ${Math.round(timeoutMs / 1000)} s.`);
    }
    options.logger.info(`Started kernel '${kernelName}' (${model.id}) on ${address.url}`);
    return new RemoteKernel(connection, address, options.logger);
  }

  get name(): string {
    return this.connection.name;
  }

  get status(): KernelStatus {
    return this.life.status;
  }

  get diedWith(): KernelDiedError | undefined {
    return this.life.diedWith;
  }

  /** A Jupyter Server's kernel is weighed by its own host. */
  setCpuShare(): void {}

  /** The server's machine is out of our reach: its memory cannot be watched from here. */
  limitMemory(): boolean {
    return false;
  }

  async interrupt(): Promise<void> {
    if (this.life.diedWith || this.stopping) return;
    await this.connection.interrupt();
  }

  shutdown(): Promise<void> {
    this.stopping ??= this.stop();
    return this.stopping;
  }

  private async stop(): Promise<void> {
    if (!this.life.diedWith) await shutdownOnServer(this.connection.id, this.connection.serverSettings, this.logger);
    this.connection.dispose();
    this.life.setStatus('dead');
  }

  /**
   * The server restarts a kernel that died on its own and says so with status `restarting` (or `dead` when it
   * gives up). Either way the state the cells built is gone, which is what dying means to the engine.
   */
  private onStatus(status: Kernel.Status): void {
    if (status === 'idle' || status === 'busy' || status === 'starting') {
      this.life.setStatus(status);
    } else if ((status === 'dead' || status === 'restarting' || status === 'autorestarting') && !this.stopping && !this.life.diedWith) {
      const died = new KernelDiedError(null, null, `The Jupyter Server at ${this.address.url} reported the kernel ${status}.`);
      this.logger.warn(`Kernel ${this.connection.id} on ${this.address.url}: ${died.message}`);
      this.stopping = this.reapAfterDeath();
      this.life.die(died);
    }
  }

  /**
   * The server brings up a fresh process under the dead kernel's id; it is of no use to us, so it is deleted.
   * On `restarting`, KernelConnection reconnects to that process by itself, and a reconnect cut short by
   * dispose() rejects a promise nobody can catch: the reconnect is let settle first.
   */
  private async reapAfterDeath(): Promise<void> {
    await reconnectSettled(this.connection, RECONNECT_SETTLE_MS);
    await shutdownOnServer(this.connection.id, this.connection.serverSettings, this.logger);
    this.connection.dispose();
  }

  dispose(): void {
    if (!this.stopping) {
      // Dispose cannot wait; the server is asked to shut the kernel down, and a failure is logged there.
      this.stopping = shutdownOnServer(this.connection.id, this.connection.serverSettings, this.logger);
      this.connection.dispose();
    }
    this.life.dispose();
  }
}

const RECONNECT_SETTLE_MS = 15_000;

/** Resolves once the connection is connected or disconnected again (or after `timeoutMs`). */
function reconnectSettled(connection: Kernel.IKernelConnection, timeoutMs: number): Promise<void> {
  if (connection.isDisposed) return Promise.resolve();
  return new Promise((resolve) => {
    const onChange = (_: unknown, status: Kernel.ConnectionStatus): void => {
      if (status === 'connected' || status === 'disconnected') done();
    };
    const done = (): void => {
      clearTimeout(timer);
      connection.connectionStatusChanged.disconnect(onChange);
      resolve();
    };
    const timer = setTimeout(done, timeoutMs);
    connection.connectionStatusChanged.connect(onChange);
  });
}

const SHUTDOWN_RETRY_MS = 200;
const SHUTDOWN_GIVE_UP_MS = 20_000;

/**
 * Deletes a kernel on the server; never rejects (a failure is logged). A kernel that died is restarted by
 * the server under the same id, and while that restart is in flight jupyter-server 1.x answers the DELETE
 * with HTTP 500 (jupyter_client's MultiKernelManager reads the unfinished start's exception). The request
 * is repeated until the restart is over, or the kernel would be left running on the server.
 */
async function shutdownOnServer(id: string, settings: ServerConnection.ISettings, logger: Logger): Promise<void> {
  const deadline = Date.now() + SHUTDOWN_GIVE_UP_MS;
  for (;;) {
    try {
      // A 404 resolves too: the kernel is gone already.
      await KernelAPI.shutdownKernel(id, settings);
      return;
    } catch (error) {
      const retry = error instanceof ServerConnection.ResponseError && error.response.status >= 500 && Date.now() < deadline;
      if (!retry) {
        logger.warn(`Could not shut down kernel ${id} on ${settings.baseUrl}: ${String(error)}`);
        return;
      }
      await delay(SHUTDOWN_RETRY_MS);
    }
  }
}

async function specNamesOn(settings: ServerConnection.ISettings): Promise<string[] | undefined> {
  try {
    return Object.keys((await KernelSpecAPI.getSpecs(settings)).kernelspecs);
  } catch {
    return undefined;
  }
}
