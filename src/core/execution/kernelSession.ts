import type { Disposable } from '../common/disposable';
import { DisposableStore } from '../common/disposable';
import { Emitter } from '../common/emitter';
import type { Logger } from '../common/logger';
import { errorMessage } from '../common/errors';
import type { KernelHandle, KernelStatus } from '../kernel/kernelHandle';

export type SessionStatus = KernelStatus | 'notStarted';

/**
 * The kernel behind one document over time: started on first use, replaced after it dies or is restarted.
 * A dead kernel is dropped at once, so the next run starts a new one.
 */
export class KernelSession implements Disposable {
  private current: KernelHandle | undefined;
  private starting: Promise<KernelHandle> | undefined;
  private readonly statusEmitter = new Emitter<SessionStatus>();
  private readonly startedEmitter = new Emitter<KernelHandle>();
  /** Each kernel the session starts, before any cell runs on it. */
  readonly onDidStartKernel = this.startedEmitter.event;
  private disposed = false;
  readonly onDidChangeStatus = this.statusEmitter.event;
  private subscriptions = new DisposableStore();
  /** Clean-ups of kernels that died on their own (their process group, sockets, connection file). */
  private readonly reaping = new Set<Promise<void>>();

  constructor(private readonly launch: () => Promise<KernelHandle>, private readonly logger: Logger) {}

  get kernelIfStarted(): KernelHandle | undefined {
    return this.current;
  }

  get status(): SessionStatus {
    if (this.starting) return 'starting';
    return this.current?.status ?? 'notStarted';
  }

  /** The live kernel, started if there is none. Concurrent callers share one start. */
  kernel(): Promise<KernelHandle> {
    if (this.disposed) return Promise.reject(new Error('The kernel session is closed'));
    if (this.current && !this.current.diedWith) return Promise.resolve(this.current);
    if (!this.starting) {
      this.statusEmitter.fire('starting');
      this.starting = this.launch().then(
        (kernel) => {
          this.starting = undefined;
          this.adopt(kernel);
          return kernel;
        },
        (error: unknown) => {
          this.starting = undefined;
          this.statusEmitter.fire(this.status);
          throw error;
        },
      );
    }
    return this.starting;
  }

  async interrupt(): Promise<void> {
    await this.current?.interrupt();
  }

  /** Shuts the current kernel down (`now`: without asking it first) and starts a fresh one. */
  async restart(options: { now?: boolean } = {}): Promise<KernelHandle> {
    await this.shutdownCurrent(options);
    return this.kernel();
  }

  /** Shuts the current kernel down; the next run starts a new one. */
  async shutdownCurrent(options: { now?: boolean } = {}): Promise<void> {
    const kernel = this.current ?? (await this.starting?.catch(() => undefined));
    this.release();
    if (kernel) await kernel.shutdown(options);
  }

  private adopt(kernel: KernelHandle): void {
    if (this.disposed) {
      void kernel.shutdown().catch((error: unknown) => this.logger.warn(`Shutdown failed: ${errorMessage(error)}`));
      return;
    }
    this.current = kernel;
    this.startedEmitter.fire(kernel);
    this.subscriptions = new DisposableStore();
    this.subscriptions.add(kernel.onDidChangeStatus((status) => this.statusEmitter.fire(status)));
    this.subscriptions.add(
      kernel.onDidDie(() => {
        if (this.current === kernel) this.release();
        this.reap(kernel);
        this.statusEmitter.fire('dead');
      }),
    );
    this.statusEmitter.fire(kernel.status);
  }

  /** A dead kernel cleans up after itself; `shutdown()` waits for that, so nothing of it outlives the session. */
  private reap(kernel: KernelHandle): void {
    const reaped = kernel.shutdown().catch((error: unknown) => this.logger.warn(`Clean-up of a dead kernel failed: ${errorMessage(error)}`));
    this.reaping.add(reaped);
    // `reaped` logs its own failure, so it never rejects.
    void reaped.then(() => this.reaping.delete(reaped));
  }

  private release(): void {
    if (!this.current) return;
    this.current = undefined;
    this.subscriptions.dispose();
  }

  /** Shuts the kernel down and waits until nothing of it is left; `now`: killed without asking (a kernel thrown away). */
  async shutdown(options: { now?: boolean } = {}): Promise<void> {
    await this.shutdownCurrent(options);
    await Promise.all(this.reaping);
    this.dispose();
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    const kernel = this.current;
    this.release();
    kernel?.dispose();
    this.statusEmitter.dispose();
    this.startedEmitter.dispose();
  }
}
