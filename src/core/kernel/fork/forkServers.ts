/**
 * The fork servers of this process, one per ForkableLaunch, kept up: a face starts the one it will need
 * (`prepare`: VS Code when a notebook opens, the service when it starts), and every eligible kernel start
 * asks for a fork first (`tryFork`). While no server is ready for its launch (starting, unless told to wait;
 * refusing; down; or another environment) the kernel is spawned as before. A server that goes
 * down is started again after a pause that doubles, up to a point.
 */
import * as path from 'node:path';
import { withTimeout } from '../../common/async';
import type { Disposable } from '../../common/disposable';
import { errorMessage } from '../../common/errors';
import type { Logger } from '../../common/logger';
import type { KernelOsProcess } from '../kernelOsProcess';
import type { Kernelspec } from '../kernelspec';
import { forkableLaunch, forkedKernelArgs, type ForkableLaunch, type SandboxedLaunch } from './forkableLaunch';
import type { ForkedKernelProcess } from './forkedKernelProcess';
import { ForkServer, type ForkServerConfig, type SandboxEntry } from './forkServer';
import { PYTHON_WARM_UP_STEPS } from '../silentWarmUp';

/** How Python kernels are started: forked from a warm server where one is ready, or always spawned. */
export type KernelStartMode = 'fork' | 'spawn';

/** A fork that takes longer than this means the server is stuck: the kernel is spawned and the server replaced. */
const FORK_REPLY_TIMEOUT_MS = 5_000;
const RESTART_FIRST_MS = 1_000;
const RESTART_MAX_MS = 60_000;
/** Starts in a row that never became ready, after which a launch's server is left down (its kernels are spawned). */
const RESTART_ATTEMPTS = 5;
/** Servers kept at once: each holds an interpreter with the preloaded libraries (~100–200 MB, shared with its kernels). */
const MAX_SERVERS = 4;

interface Entry {
  server: ForkServer;
  /** Restarts since the last one that became ready. */
  failures: number;
  restartTimer?: NodeJS.Timeout;
  lastUsed: number;
}

export interface ForkServersOptions {
  logger: Logger;
  config?: Partial<ForkServerConfig>;
  /** Start a server for a launch the first time a kernel of it is spawned, so that the next start forks (default true). */
  startOnDemand?: boolean;
  /**
   * A start that finds its server still starting waits for it instead of spawning: for a service or a run
   * that would otherwise spend a spawn's CPU while the server warms (default false: a person waiting at
   * Run gets whichever is ready first).
   */
  waitForStart?: boolean;
}

/** A forked kernel's stderr, a file in its connection directory (read back for its last words). */
export const KERNEL_STDERR_FILE = 'kernel.stderr';

/** What a forked kernel is started with: its connection file (as the kernel names it), working directory, and where its stderr goes. */
export interface ForkRequest {
  connectionFile: string;
  cwd: string;
  stderrDir: string;
  extraArgs: readonly string[];
}

/** A server ready to fork, and the launch it was found for. */
export interface ReadyServer {
  server: ForkServer;
  launch: ForkableLaunch;
  specName: string;
}

export class ForkServers implements Disposable {
  private readonly entries = new Map<string, Entry>();
  private readonly config: ForkServerConfig;
  private disposed = false;

  constructor(private readonly options: ForkServersOptions) {
    // The warm-up's first step imports numpy, pandas and matplotlib and draws a figure; the throwaway kernel runs all of its steps.
    this.config = { preload: [], warmUp: PYTHON_WARM_UP_STEPS[0] ?? '', learn: true, learnCells: PYTHON_WARM_UP_STEPS, ...options.config };
  }

  /** Starts the server for this kernelspec and environment if it is forkable and none runs; returns its state's settling. */
  prepare(spec: Kernelspec, baseEnv: NodeJS.ProcessEnv = process.env): Promise<ForkServer['state']> | undefined {
    const launch = forkableLaunch(spec, baseEnv);
    if (!launch || this.disposed) return undefined;
    return this.entryFor(launch).server.settled;
  }

  /**
   * A kernel forked for `spec` in `baseEnv`, or undefined when none can be now (the caller spawns it). The
   * kernel gets `connectionFile`, works in `cwd`, writes its stderr into `stderrDir`.
   */
  async tryFork(spec: Kernelspec, baseEnv: NodeJS.ProcessEnv, request: ForkRequest): Promise<KernelOsProcess | undefined> {
    const ready = await this.readyServer(spec, baseEnv);
    return ready && this.forkOn(ready, request);
  }

  /**
   * The server that can fork `spec` now (a sandboxed one when `sandbox` says how its kernels run), started
   * if none runs yet; undefined when none can (not forkable, starting and not waited for, refusing, down).
   */
  async readyServer(spec: Kernelspec, baseEnv: NodeJS.ProcessEnv, sandbox?: SandboxedLaunch): Promise<ReadyServer | undefined> {
    const launch = forkableLaunch(spec, baseEnv, sandbox);
    if (!launch || this.disposed) return undefined;
    const entry = this.entries.get(launch.key) ?? (this.options.startOnDemand === false ? undefined : this.entryFor(launch));
    if (entry && entry.server.state.kind === 'starting' && this.options.waitForStart) await entry.server.settled;
    if (!entry || entry.server.state.kind !== 'ready') return undefined;
    entry.lastUsed = Date.now();
    return { server: entry.server, launch, specName: spec.name };
  }

  /** A kernel forked by `ready`'s server (into `sandbox`, for a sandboxed one); undefined when it did not fork in time. */
  async forkOn(ready: ReadyServer, request: ForkRequest, sandbox?: SandboxEntry): Promise<ForkedKernelProcess | undefined> {
    const { server, launch } = ready;
    const stderrFile = path.join(request.stderrDir, KERNEL_STDERR_FILE);
    const forked = server.fork(forkedKernelArgs(launch, request.connectionFile, request.extraArgs), request.cwd, stderrFile, sandbox);
    try {
      const kernel = await withTimeout<ForkedKernelProcess | undefined>(forked, FORK_REPLY_TIMEOUT_MS, () => undefined);
      if (kernel) return kernel;
      this.options.logger.warn(`Fork server (pid ${server.pid}) did not answer within ${FORK_REPLY_TIMEOUT_MS / 1000} s; spawning the kernel and replacing the server`);
      // A late fork must not leave a kernel nobody owns.
      void forked.then((late) => late.dispose()).catch(() => undefined);
      server.dispose();
      return undefined;
    } catch (error) {
      this.options.logger.info(`Kernel '${ready.specName}' is spawned: ${errorMessage(error)}`);
      return undefined;
    }
  }

  /** The servers' states, for tests and logs. */
  states(): Array<{ python: string; state: ForkServer['state']; pid: number | undefined }> {
    return [...this.entries.values()].map(({ server }) => ({ python: server.launch.python, state: server.state, pid: server.pid }));
  }

  private entryFor(launch: ForkableLaunch): Entry {
    const existing = this.entries.get(launch.key);
    if (existing) return existing;
    this.evictLeastRecentlyUsed();
    const entry: Entry = { server: this.startServer(launch), failures: 0, lastUsed: Date.now() };
    this.entries.set(launch.key, entry);
    this.supervise(launch, entry);
    return entry;
  }

  private startServer(launch: ForkableLaunch): ForkServer {
    this.options.logger.info(`Starting a fork server for ${launch.python}`);
    return new ForkServer(launch, this.config, this.options.logger);
  }

  /** Watches the entry's server: ready resets the failure count; down starts it again later, while it is still wanted. */
  private supervise(launch: ForkableLaunch, entry: Entry): void {
    const subscription = entry.server.onDidChangeState((state) => {
      if (state.kind === 'ready') {
        entry.failures = 0;
        this.options.logger.info(`Fork server for ${launch.python} is ready (pid ${state.pid}, ipykernel ${state.ipykernel})`);
      }
      if (state.kind === 'unsafe') this.options.logger.warn(`Fork server for ${launch.python} will not fork (${state.reason}); its kernels are spawned`);
      if (state.kind !== 'down') return;
      subscription.dispose();
      if (this.disposed || this.entries.get(launch.key) !== entry) return;
      if (entry.failures >= RESTART_ATTEMPTS) {
        this.options.logger.warn(`Fork server for ${launch.python} failed ${entry.failures} times in a row; its kernels are spawned from now on`);
        return;
      }
      const delayMs = Math.min(RESTART_FIRST_MS * 2 ** entry.failures, RESTART_MAX_MS);
      entry.failures += 1;
      entry.restartTimer = setTimeout(() => {
        if (this.disposed || this.entries.get(launch.key) !== entry) return;
        entry.server = this.startServer(launch);
        this.supervise(launch, entry);
      }, delayMs);
      entry.restartTimer.unref();
    });
  }

  private evictLeastRecentlyUsed(): void {
    if (this.entries.size < MAX_SERVERS) return;
    const [key, entry] = [...this.entries.entries()].sort((a, b) => a[1].lastUsed - b[1].lastUsed)[0]!;
    this.entries.delete(key);
    clearTimeout(entry.restartTimer);
    entry.server.dispose();
  }

  dispose(): void {
    this.disposed = true;
    for (const entry of this.entries.values()) {
      clearTimeout(entry.restartTimer);
      entry.server.dispose();
    }
    this.entries.clear();
  }
}
