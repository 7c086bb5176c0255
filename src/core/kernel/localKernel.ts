import type { Kernel } from '@jupyterlab/services';
import { KernelMessage } from '@jupyterlab/services';
import { randomUUID } from 'node:crypto';
import { withTimeout } from '../common/async';
import { errorMessage, KernelConnectionError, KernelDiedError, KernelPortsTakenError, KernelStartError, MemoryLimitExceededError, SandboxUnavailableError } from '../common/errors';
import type { Logger } from '../common/logger';
import { allocateConnectionInfo, ConnectionFile, type ConnectionInfo, ipcConnectionInfo, type Transport } from './connectionInfo';
import { awaitKernelReady } from './kernelHandshake';
import type { KernelHandle, KernelStatus } from './kernelHandle';
import { KernelLife } from './kernelLife';
import { SANDBOX_CONNECTION_DIR } from '../sandbox/bubblewrap';
import { probeCgroups } from '../sandbox/cgroupProbe';
import type { CpuShare, KernelCgroup } from '../sandbox/kernelCgroup';
import { probeSandbox } from '../sandbox/sandboxProbe';
import { ipythonKernelArgs, isIPythonKernel, kernelExecutable, KernelProcess, KernelProcessOptions } from './kernelProcess';
import type { KernelOsProcess } from './kernelOsProcess';
import type { ForkServers } from './fork/forkServers';
import { forkIntoSandbox } from './fork/sandboxedFork';
import { DEFAULT_KERNEL_LIMITS } from '../sandbox/kernelLimits';
import * as path from 'node:path';
import { MemoryWatchdog, memoryOver } from './processMemory';
import type { Kernelspec } from './kernelspec';
import { ZmqChannels } from './wire/zmqChannels';
import { createZmqKernelConnection } from './wire/zmqKernelConnection';

export interface LocalKernelOptions extends KernelProcessOptions {
  logger: Logger;
  startTimeoutMs?: number;
  /** `tcp` (the default, as Jupyter) or `ipc`: Unix sockets in the kernel's private connection directory (IPython kernels; see transportFor). */
  transport?: Transport;
  /** Fork servers to ask first for an IPython kernel (fork/forkServers.ts; a sandboxed one: fork/sandboxedFork.ts); spawned when none can fork it. */
  forkServers?: ForkServers;
}

const SHUTDOWN_REPLY_GRACE_MS = 2000;
const CONTROL_SEND_TIMEOUT_MS = 2000;
const START_ATTEMPTS = 3;
const TERMINATE_GRACE_MS = 1000;
/** A kernel that exits this soon after SIGINT is taken to have died of it. */
const DIED_OF_INTERRUPT_WITHIN_MS = 5000;

/**
 * A sandboxed kernel has a network of its own: the host reaches it only through ipc sockets, which the
 * sandbox shows it under a short path. Outside a sandbox, ipc where asked for, for IPython kernels: xeus 2
 * (xeus-python 0.14) aborts with EINVAL once the socket path is longer than about 20 characters (measured:
 * `/tmp/` + 15 works, + 20 does not), as a private temp directory's always is; other kernels stay on tcp.
 */
function transportFor(spec: Kernelspec, options: LocalKernelOptions): Transport {
  if (options.sandbox) return 'ipc';
  return options.transport === 'ipc' && isIPythonKernel(spec.argv) ? 'ipc' : 'tcp';
}

/** A kernel process on this machine, reached over ZeroMQ. */
export class LocalKernel implements KernelHandle {
  readonly kind = 'local';
  private readonly life = new KernelLife();
  private memoryWatchdog: MemoryWatchdog | undefined;
  private memoryExceeded: MemoryLimitExceededError | undefined;
  /** The memory limit in force, for the error that says it was passed: the last asked for, else the start's. */
  private memoryLimitBytes: number;
  private stopping: Promise<void> | undefined;
  private lastSigintAt: number | undefined;
  readonly onDidChangeStatus = this.life.onDidChangeStatus;
  readonly onDidDie = this.life.onDidDie;

  private constructor(
    readonly spec: Kernelspec,
    readonly connection: Kernel.IKernelConnection,
    private readonly process: KernelOsProcess,
    private readonly channels: ZmqChannels,
    private readonly connectionFile: ConnectionFile,
    private readonly logger: Logger,
    limits: KernelProcessOptions['limits'],
  ) {
    this.memoryLimitBytes = limits?.memoryBytes ?? 0;
    connection.statusChanged.connect((_, status) => {
      if (status === 'idle' || status === 'busy' || status === 'starting') this.life.setStatus(status);
    });
    // `exited` never rejects: a spawn failure also resolves it (with code -1).
    void process.exited.then((exit) => this.onExit(exit.code, exit.signal));
  }

  /**
   * Starts a kernel. Its ports are free when chosen, but another process can take one before the kernel
   * binds it (more likely with many kernels starting at once); such a kernel exits at once with "Address
   * already in use", and is started again on other ports, a few times at most.
   */
  static async start(spec: Kernelspec, options: LocalKernelOptions): Promise<LocalKernel> {
    if (options.sandbox) {
      const support = await probeSandbox();
      if (support.kind === 'unavailable') throw new SandboxUnavailableError(`Kernel '${spec.name}' cannot be sandboxed: ${support.reason}. To fix it, ${support.fix}.`);
      options = { ...options, cgroups: await probeCgroups() };
      if (options.fontCaches && isIPythonKernel(spec.argv)) {
        const baseEnv = options.env ?? process.env;
        options = { ...options, readOnlyFiles: await options.fontCaches.filesFor(kernelExecutable(spec, baseEnv), baseEnv) };
      }
    }
    for (let attempt = 1; ; attempt++) {
      try {
        return await LocalKernel.startOnce(spec, options);
      } catch (error) {
        if (!(error instanceof KernelPortsTakenError) || attempt >= START_ATTEMPTS) throw error;
        options.logger.info(`Kernel '${spec.name}' found one of its ports taken; starting it again on other ports.`);
      }
    }
  }

  private static async startOnce(spec: Kernelspec, options: LocalKernelOptions): Promise<LocalKernel> {
    const connectionFile =
      transportFor(spec, options) === 'ipc'
        ? await ConnectionFile.write((dir) => ipcConnectionInfo(spec.name, dir), options.sandbox ? { kernelDir: SANDBOX_CONNECTION_DIR } : {})
        : await ConnectionFile.write(await allocateConnectionInfo(spec.name));
    let process: KernelOsProcess;
    try {
      process = (await LocalKernel.forkFromServer(spec, connectionFile, options)) ?? KernelProcess.spawn(spec, connectionFile.path, options);
    } catch (error) {
      // Nothing started (its cgroup could not be made, say): nothing of it is left either.
      await connectionFile.remove();
      throw new KernelStartError(`Kernel '${spec.name}' could not be started: ${errorMessage(error)}`, { cause: error });
    }
    const channels = new ZmqChannels(connectionFile.info, options.logger);
    try {
      await awaitKernelReady(channels, process, spec.name, options.startTimeoutMs ?? 60_000, options.logger);
      const connection = createZmqKernelConnection(channels, { id: randomUUID(), name: spec.name }, options.logger);
      options.logger.info(`Started kernel '${spec.name}' (pid ${process.pid})`);
      return new LocalKernel(spec, connection, process, channels, connectionFile, options.logger, options.sandbox ? options.limits : undefined);
    } catch (error) {
      const portsTaken = process.exit !== undefined && /address already in use/i.test(process.stderrTail);
      channels.dispose();
      await process.terminate(TERMINATE_GRACE_MS);
      await connectionFile.remove();
      if (portsTaken) throw new KernelPortsTakenError(errorMessage(error), { cause: error });
      throw error instanceof KernelStartError ? error : new KernelStartError(`Kernel '${spec.name}' failed to start: ${String(error)}`, { cause: error });
    }
  }

  /** A kernel forked from a warm server, where one is ready for this kernelspec and environment (and, sandboxed, into its sandbox). */
  private static async forkFromServer(spec: Kernelspec, connectionFile: ConnectionFile, options: LocalKernelOptions): Promise<KernelOsProcess | undefined> {
    if (!options.forkServers) return undefined;
    // A fork server forks only ipykernel kernels (forkableLaunch.ts).
    const extraArgs = ipythonKernelArgs(options);
    if (options.sandbox) {
      if (!options.cwd) throw new Error('a sandboxed kernel needs a working directory: its only writable place');
      return forkIntoSandbox(options.forkServers, spec, {
        baseEnv: options.env ?? globalThis.process.env,
        workDir: options.cwd,
        connectionDir: connectionFile.dir,
        connectionFileInside: path.posix.join(SANDBOX_CONNECTION_DIR, path.basename(connectionFile.path)),
        extraArgs,
        limits: options.limits ?? DEFAULT_KERNEL_LIMITS,
        cgroups: options.cgroups,
        cpuShare: options.cpuShare,
        readOnlyFiles: options.readOnlyFiles ?? [],
        logger: options.logger,
      });
    }
    return options.forkServers.tryFork(spec, options.env ?? globalThis.process.env, {
      connectionFile: connectionFile.path,
      cwd: options.cwd ?? globalThis.process.cwd(),
      stderrDir: connectionFile.dir,
      extraArgs,
    });
  }

  /** Whether the kernel was forked from a fork server (else it was spawned). */
  get forked(): boolean {
    return this.process.memoryMeasure === 'proportional';
  }

  get name(): string {
    return this.spec.name;
  }

  get pid(): number | undefined {
    return this.process.pid;
  }

  get status(): KernelStatus {
    return this.life.status;
  }

  get diedWith(): KernelDiedError | undefined {
    return this.life.diedWith;
  }

  get connectionFilePath(): string {
    return this.connectionFile.path;
  }

  /** Its endpoints and signing key, as this process reaches them. */
  get connectionInfo(): ConnectionInfo {
    return this.connectionFile.info;
  }

  /**
   * A memory cgroup (sandboxed kernels, where the host has one) enforces the limit itself, for the whole
   * tree and its tmpfs pages, and is watched for the kills it makes; otherwise the tree's resident memory
   * is sampled. Either way a kernel over its limit is killed whole and dies of MemoryLimitExceededError.
   */
  limitMemory(limitBytes: number): boolean {
    const pid = this.process.pid;
    if (pid === undefined || this.life.diedWith || this.stopping) return false;
    this.memoryWatchdog?.dispose();
    this.memoryLimitBytes = limitBytes;
    const exceeded = (used: number): void => {
      this.memoryExceeded = new MemoryLimitExceededError(limitBytes, used);
      this.logger.warn(`Kernel '${this.name}' (pid ${pid}) used ${used} bytes, over its limit of ${limitBytes}: killing it`);
      this.process.signal('SIGKILL');
    };
    const cgroup = this.process.cgroup;
    if (cgroup?.countsMemory) {
      const killsBefore = cgroup.outOfMemoryKills();
      if (cgroup.setMemoryLimit(limitBytes) === 'alreadyOver') {
        exceeded(cgroup.peakMemoryBytes());
        return true;
      }
      this.memoryWatchdog = new MemoryWatchdog(async () => (outOfMemorySince(cgroup, killsBefore) ? cgroup.peakMemoryBytes() : undefined), exceeded);
    } else {
      this.memoryWatchdog = new MemoryWatchdog(memoryOver(pid, limitBytes, this.process.memoryMeasure), exceeded);
    }
    return true;
  }

  async interrupt(): Promise<void> {
    if (this.life.diedWith || this.stopping) return;
    if (this.spec.interruptMode === 'message') {
      await this.sendControl('interrupt_request', {});
    } else {
      this.lastSigintAt = Date.now();
      this.process.signal('SIGINT');
    }
  }

  shutdown(options: { now?: boolean } = {}): Promise<void> {
    this.stopping ??= this.stop(options.now ?? false);
    return this.stopping;
  }

  setCpuShare(share: CpuShare): void {
    this.process.cgroup?.setCpuShare(share);
  }

  private async stop(now: boolean): Promise<void> {
    // A kernel killed at once is thrown away: its dying (its memory freed, its namespaces torn down) yields to the kernels still running.
    if (now) this.setCpuShare('ending');
    if (!this.process.exit && !now) {
      try {
        await this.sendControl('shutdown_request', { restart: false });
        await withTimeout(this.process.exited, SHUTDOWN_REPLY_GRACE_MS, () => undefined);
      } catch (error) {
        this.logger.debug(`shutdown_request to '${this.name}' failed: ${String(error)}`);
      }
    }
    await this.process.terminate(now ? 0 : TERMINATE_GRACE_MS);
    this.release();
    await this.connectionFile.remove();
    this.life.setStatus('dead');
    this.logger.info(`Shut down kernel '${this.name}' (pid ${this.process.pid})`);
  }

  /**
   * A ZeroMQ send waits while the socket has no peer; a control channel that never connected must not
   * hold a shutdown (or an interrupt) for ever, so the send is given up after a while.
   */
  private async sendControl(msgType: 'interrupt_request' | 'shutdown_request', content: object): Promise<void> {
    const msg = KernelMessage.createMessage({ msgType, channel: 'control', session: this.connection.clientId, content } as never);
    const sent = await withTimeout(this.channels.send(msg).then(() => true), CONTROL_SEND_TIMEOUT_MS, () => false);
    if (!sent) throw new KernelConnectionError(`The control channel of kernel '${this.name}' did not take a ${msgType} within ${CONTROL_SEND_TIMEOUT_MS / 1000} s`);
  }

  private onExit(code: number | null, signal: NodeJS.Signals | null): void {
    if (this.stopping) return;
    const tail = this.process.stderrTail.trim().split('\n').slice(-5).join('\n');
    const details = [tail ? `Its last words on stderr:\n${tail}` : ''];
    // Kernels built on xeus 2 (xpython 0.14 among them) cannot be interrupted: SIGINT makes them exit, with
    // code 0 (https://github.com/jupyter-xeus/xeus/issues/272). Say so, or the death looks unexplained.
    if (this.lastSigintAt !== undefined && Date.now() - this.lastSigintAt < DIED_OF_INTERRUPT_WITHIN_MS) {
      details.unshift('It exited when interrupted: this kernel does not survive interrupts (SIGINT), so its state is lost.');
    }
    this.memoryWatchdog?.dispose();
    // The kernel's own process may be what the memory cgroup's OOM killer took, before the watchdog looked.
    const cgroup = this.process.cgroup;
    if (!this.memoryExceeded && cgroup && outOfMemorySince(cgroup, 0)) this.memoryExceeded = new MemoryLimitExceededError(this.memoryLimitBytes, cgroup.peakMemoryBytes());
    const died = this.memoryExceeded ?? new KernelDiedError(code, signal, details.filter(Boolean).join(' '));
    this.logger.warn(`Kernel '${this.name}' (pid ${this.process.pid}) died: ${died.message}`);
    // Reap what is left (its group, sockets, connection file) without waiting on anyone.
    this.stopping = this.process.terminate(0).then(() => {
      this.release();
      return this.connectionFile.remove();
    });
    this.life.die(died);
  }

  private release(): void {
    this.memoryWatchdog?.dispose();
    this.connection.dispose();
    this.channels.dispose();
  }

  dispose(): void {
    if (!this.stopping) {
      this.stopping = Promise.resolve();
      this.process.dispose();
      this.release();
      // Removal is best effort here: dispose cannot wait, and the temp dir holds only the connection file.
      void this.connectionFile.remove().catch(() => undefined);
    }
    this.life.dispose();
  }
}

/** Whether the OOM killer has killed in the kernel's cgroup since it had killed `before` processes. */
function outOfMemorySince(cgroup: KernelCgroup, before: number): boolean {
  return cgroup.outOfMemoryKills() > before;
}
