import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Disposable } from '../common/disposable';
import { errorMessage, InvalidInputError, KernelNotFoundError } from '../common/errors';
import type { Logger } from '../common/logger';
import type { KernelHandle } from './kernelHandle';
import type { KernelLauncher, KernelTarget } from './kernelLauncher';
import type { CpuShare } from '../sandbox/kernelCgroup';
import { ownedDirPrefix, removeStaleOwnedDirs, RUN_DIR_PREFIX } from './staleConnectionDirs';
import { removeTree } from '../common/removeTree';

const RETRY_FIRST_MS = 1000;
const RETRY_MAX_MS = 30_000;
const RETRY_ATTEMPTS = 5;

/** A started kernel that nobody has used, running in a fresh working directory of its own. */
export interface FreshKernel {
  readonly kernel: KernelHandle;
  readonly workDir: string;
}

export interface KernelPoolOptions {
  launcher: KernelLauncher;
  logger: Logger;
  /** Ready kernels kept per kernel name. 0 turns the pool into a plain launcher. */
  size: number;
  /** Shared by every kernel the pool starts (a Jupyter Server, say); `kernelName` and `cwd` are the pool's. */
  target?: Omit<KernelTarget, 'kernelName' | 'cwd'>;
  /**
   * Prepares a kernel started ahead of demand (e.g. imports slow libraries silently) before it is handed
   * out. It must leave no trace a user would see: no execution count, no output, no variables of note.
   */
  warmUp?: (kernel: KernelHandle) => Promise<void>;
}

/** Starts a kernel in a new temporary directory of its own; the directory is removed again if the start fails. */
let staleRunDirsRemoved: Promise<unknown> | undefined;

export async function startFreshKernel(launcher: KernelLauncher, target: Omit<KernelTarget, 'cwd'>): Promise<FreshKernel> {
  // Once per process: run dirs (uploaded files among them) that killed processes left are removed.
  staleRunDirsRemoved ??= removeStaleOwnedDirs(RUN_DIR_PREFIX).catch(() => []);
  await staleRunDirsRemoved;
  const workDir = await fs.mkdtemp(path.join(os.tmpdir(), ownedDirPrefix(RUN_DIR_PREFIX)));
  try {
    return { kernel: await launcher({ ...target, cwd: workDir }), workDir };
  } catch (error) {
    await removeTree(workDir);
    throw error;
  }
}

/** Removes a fresh kernel and its directory: whoever took it from the pool owns this. */
export async function discardFreshKernel(fresh: FreshKernel, logger: Logger): Promise<void> {
  await fresh.kernel.shutdown().catch((error: unknown) => logger.warn(`Kernel shutdown failed: ${errorMessage(error)}`));
  await removeTree(fresh.workDir);
}

/**
 * Keeps `size` started kernels ready per kernel name, so a request need not wait for a kernel to start.
 * Kernels are handed out once and never come back: each caller gets one nobody used before. The pool
 * refills in the background, one start at a time per name, so refilling never competes with itself.
 */
export class KernelPool implements Disposable {
  private readonly ready = new Map<string, FreshKernel[]>();
  private readonly refilling = new Map<string, Promise<void>>();
  private readonly discarding = new Set<Promise<void>>();
  /** Refills that failed, waiting to try again: a start can fail for a moment (a port taken, a machine swamped). */
  private readonly retries = new Map<string, { timer: NodeJS.Timeout; attempts: number }>();
  private disposed = false;

  constructor(private readonly options: KernelPoolOptions) {}

  readyCount(kernelName?: string): number {
    if (kernelName !== undefined) return this.ready.get(kernelName)?.length ?? 0;
    let total = 0;
    for (const list of this.ready.values()) total += list.length;
    return total;
  }

  /** The kernel names the pool keeps kernels for: those that started at least once. */
  kernelNames(): string[] {
    return [...this.ready.keys()];
  }

  /** Starts filling the pool for a name ahead of the first request. */
  warm(kernelName: string): void {
    this.refill(kernelName);
  }

  /**
   * A ready kernel when there is one, else one started now. Either way the pool then refills: at once, or
   * once `refillAfter` settles (the taker's work done), so that the refill's start and warm-up do not compete
   * for the cores with the work the kernel was taken for.
   */
  async take(kernelName: string, options: { refillAfter?: Promise<unknown> } = {}): Promise<FreshKernel> {
    const list = this.ready.get(kernelName) ?? [];
    let fresh = list.shift();
    // A pooled kernel can die while it waits (killed from outside, out of memory): never hand one out.
    while (fresh && fresh.kernel.diedWith) {
      this.discard(fresh);
      fresh = list.shift();
    }
    // A request wants this kernel: any back-off of failed refills starts over.
    this.forgetRetries(kernelName);
    if (options.refillAfter) void options.refillAfter.then(() => this.refill(kernelName), () => this.refill(kernelName));
    else this.refill(kernelName);
    // Started ahead, it yielded the CPU to running kernels; it is one of them now.
    fresh?.kernel.setCpuShare('running');
    return fresh ?? (await this.start(kernelName));
  }

  /**
   * Starts a kernel in a new directory; the directory is removed again if the start fails. `ahead`: for the pool,
   * at a low CPU weight, so that the start does not slow the cells of the requests being served meanwhile.
   */
  start(kernelName: string, cpuShare: CpuShare = 'running'): Promise<FreshKernel> {
    return startFreshKernel(this.options.launcher, { ...this.options.target, kernelName, cpuShare });
  }

  private refill(kernelName: string): void {
    if (this.disposed || this.options.size <= 0 || this.refilling.has(kernelName)) return;
    const refill = this.fill(kernelName).finally(() => this.refilling.delete(kernelName));
    this.refilling.set(kernelName, refill);
  }

  private async fill(kernelName: string): Promise<void> {
    const list = this.ready.get(kernelName) ?? [];
    this.ready.set(kernelName, list);
    while (!this.disposed && list.length < this.options.size) {
      try {
        const fresh = await this.start(kernelName, 'ahead');
        await this.warmUp(fresh.kernel);
        if (this.disposed) await discardFreshKernel(fresh, this.options.logger);
        else list.push(fresh);
        this.forgetRetries(kernelName);
      } catch (error) {
        // A name that cannot start (unknown kernel, broken spec) is reported to the request that asks for it;
        // any other failure may pass, so the pool tries again later rather than staying short until a request comes.
        this.options.logger.warn(`Could not pre-start a '${kernelName}' kernel: ${errorMessage(error)}`);
        if (!(error instanceof KernelNotFoundError || error instanceof InvalidInputError)) this.retryLater(kernelName);
        // A name nobody can start leaves nothing behind: requests naming random kernels must not grow the pool.
        else if (list.length === 0) this.ready.delete(kernelName);
        return;
      }
    }
  }

  /**
   * Tries the refill again after a delay that doubles each time. A kernel that keeps failing (a kernelspec
   * whose program is gone) is left after a few tries, to the requests that ask for it; a take starts over.
   */
  private retryLater(kernelName: string): void {
    const previous = this.retries.get(kernelName);
    const attempts = (previous?.attempts ?? 0) + 1;
    if (this.disposed || attempts > RETRY_ATTEMPTS) return;
    const delayMs = Math.min(RETRY_FIRST_MS * 2 ** (attempts - 1), RETRY_MAX_MS);
    const timer = setTimeout(() => this.refill(kernelName), delayMs);
    // A pending retry alone must not keep a process alive that has nothing else to do.
    timer.unref();
    this.retries.set(kernelName, { timer, attempts });
  }

  /** Removes a kernel of the pool's in the background; shutdown() waits for it. */
  private discard(fresh: FreshKernel): void {
    const discarding = discardFreshKernel(fresh, this.options.logger).catch((error: unknown) =>
      this.options.logger.warn(`Removing a dead pooled kernel failed: ${errorMessage(error)}`),
    );
    this.discarding.add(discarding);
    // `discarding` logs its own failure, so it never rejects.
    void discarding.finally(() => this.discarding.delete(discarding));
  }

  private async warmUp(kernel: KernelHandle): Promise<void> {
    try {
      await this.options.warmUp?.(kernel);
    } catch (error) {
      // A kernel that could not be warmed is still a good kernel; it only starts its first cell colder.
      this.options.logger.warn(`Warming up a '${kernel.name}' kernel failed: ${errorMessage(error)}`);
    }
  }

  /** Shuts every ready kernel down and waits for refills under way, so nothing is left afterwards. */
  async shutdown(): Promise<void> {
    this.disposed = true;
    this.cancelRetries();
    await Promise.all([...this.refilling.values()]);
    const all = [...this.ready.values()].flat();
    this.ready.clear();
    await Promise.all([...all.map((fresh) => discardFreshKernel(fresh, this.options.logger)), ...this.discarding]);
  }

  private forgetRetries(kernelName: string): void {
    const retry = this.retries.get(kernelName);
    if (retry) clearTimeout(retry.timer);
    this.retries.delete(kernelName);
  }

  private cancelRetries(): void {
    for (const { timer } of this.retries.values()) clearTimeout(timer);
    this.retries.clear();
  }

  dispose(): void {
    this.disposed = true;
    this.cancelRetries();
    for (const fresh of [...this.ready.values()].flat()) {
      fresh.kernel.dispose();
      void fs.rm(fresh.workDir, { recursive: true, force: true }).catch(() => undefined);
    }
    this.ready.clear();
  }
}
