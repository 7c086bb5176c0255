/**
 * One fork server process (forkServerScript.ts) for one ForkableLaunch: started, read, asked for kernels,
 * told when a kernel it forked exits, and stopped. Kernels it forked outlive it: they are tied to this Node
 * process by the lifeline, not to the server.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import type { Socket } from 'node:net';
import { constants } from 'node:os';
import type { Disposable } from '../../common/disposable';
import { Emitter } from '../../common/emitter';
import type { Logger } from '../../common/logger';
import type { ForkableLaunch } from './forkableLaunch';
import { ForkedKernelProcess } from './forkedKernelProcess';
import { FORK_SERVER_SCRIPT } from './forkServerScript';

export type ForkServerState =
  | { kind: 'starting' }
  | { kind: 'ready'; pid: number; ipykernel: string }
  /** Running, but it would not be safe to fork from it (a thread, a ZeroMQ context): it refuses every fork. */
  | { kind: 'unsafe'; reason: string }
  | { kind: 'down'; reason: string };

/** What the server is told about what to import before it forks. */
export interface ForkServerConfig {
  /** Modules imported first. */
  preload: readonly string[];
  /** Python run once after them, silently: what a kernel's first cells would otherwise do (silentWarmUp.ts's first step). */
  warmUp: string;
  /** Learn the modules a kernel imports while it sets itself up from one throwaway kernel, and import them too. */
  learn: boolean;
  /** Cells the throwaway kernel runs before its modules are learned: what a first figure and a first error load lazily. */
  learnCells: readonly string[];
}

/** Where a sandboxed kernel is forked into (fork/sandboxedFork.ts): what its first child needs on the host. */
export interface SandboxEntry {
  /** A process in the sandbox (sandbox/sandboxHolder.ts), whose namespaces the kernel enters. */
  nsPid: number;
  /** The kernel's cgroups' `cgroup.procs` files, joined before entering. */
  cgroupProcs: readonly string[];
  /** RLIMIT_FSIZE (0: none). */
  fileSizeBytes: number;
  /** The kernel's stderr file as the sandbox shows it: opened inside, so no descriptor of the host's is in the kernel. */
  stderrInside: string;
}

/** The server did not fork (it refused, was not ready, or went away): the kernel is spawned instead. */
export class ForkUnavailableError extends Error {}

type ServerMessage =
  | { type: 'ready'; pid: number; ipykernel: string; unsafe: string | null }
  | { type: 'forked'; id: number; pid: number }
  | { type: 'refused'; id: number; reason: string }
  | { type: 'exited'; pid: number; code: number | null; signal: number | null };

const STDERR_TAIL_CHARS = 4000;
/** In a fork server's command line (and so in `ps`, and in every kernel it forks, which keep it): what the process is. */
export const FORK_SERVER_MARKER = '--cellbridge-fork-server';
/** The lifelines of every server this process started: closed only when this process ends, which is what they tell. */
const lifelines: Socket[] = [];

export class ForkServer implements Disposable {
  private stateValue: ForkServerState = { kind: 'starting' };
  private readonly child: ChildProcess;
  private readonly pending = new Map<number, { resolve: (pid: number) => void; reject: (error: Error) => void; stderrFile: string }>();
  private readonly kernels = new Map<number, ForkedKernelProcess>();
  /** Exits reported before their fork's reply was handled (a kernel that died at once). */
  private readonly earlyExits = new Map<number, { code: number | null; signal: NodeJS.Signals | null }>();
  private nextId = 1;
  private stderr = '';
  private disposed = false;
  private readonly stateEmitter = new Emitter<ForkServerState>();
  readonly onDidChangeState = this.stateEmitter.event;
  /** Settles when the server is ready or has failed to become so; never rejects. */
  readonly settled: Promise<ForkServerState>;

  constructor(
    readonly launch: ForkableLaunch,
    config: ForkServerConfig,
    private readonly logger: Logger,
  ) {
    this.child = spawn(launch.python, ['-c', FORK_SERVER_SCRIPT, FORK_SERVER_MARKER, JSON.stringify({ ...config, launcher: launch.launcher, sandboxed: launch.sandboxed })], {
      env: launch.env,
      // Nothing is imported from it (the script drops it from sys.path); a folder that cannot go away.
      cwd: '/',
      // Its own process group: a terminal's Ctrl+C is not for it; fd 3 is the lifeline.
      detached: true,
      stdio: ['pipe', 'pipe', 'pipe', 'pipe'],
    });
    const lifeline = this.child.stdio[3] as Socket | null;
    if (lifeline) {
      lifeline.unref();
      lifelines.push(lifeline);
    }
    for (const stream of [this.child.stdin, this.child.stderr]) (stream as unknown as Socket | null)?.unref();
    this.holdEventLoop();
    this.settled = new Promise((resolve) => {
      const subscription = this.onDidChangeState((state) => {
        if (state.kind === 'starting') return;
        subscription.dispose();
        resolve(state);
      });
    });
    this.child.stdin?.on('error', () => undefined);
    this.child.stderr?.setEncoding('utf8');
    this.child.stderr?.on('data', (chunk: string) => (this.stderr = (this.stderr + chunk).slice(-STDERR_TAIL_CHARS)));
    let buffered = '';
    this.child.stdout?.setEncoding('utf8');
    this.child.stdout?.on('data', (chunk: string) => {
      buffered += chunk;
      for (let newline = buffered.indexOf('\n'); newline >= 0; newline = buffered.indexOf('\n')) {
        const line = buffered.slice(0, newline);
        buffered = buffered.slice(newline + 1);
        this.onMessage(line);
      }
    });
    this.child.once('error', (error) => this.goDown(`it could not be started: ${error.message}`));
    this.child.once('exit', (code, signal) => this.goDown(`it exited (${signal ?? `code ${code}`})${this.stderr.trim() ? `: ${this.stderr.trim().split('\n').slice(-3).join(' | ')}` : ''}`));
  }

  get state(): ForkServerState {
    return this.stateValue;
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  /**
   * A kernel forked with these arguments in `cwd`, its stderr going to `stderrFile`; for a sandboxed server,
   * into the sandbox `sandbox`. Rejects with ForkUnavailableError.
   */
  fork(args: readonly string[], cwd: string, stderrFile: string, sandbox?: SandboxEntry): Promise<ForkedKernelProcess> {
    if (this.stateValue.kind !== 'ready') return Promise.reject(new ForkUnavailableError(`the fork server is ${this.stateValue.kind}`));
    const id = this.nextId++;
    const forked = new Promise<number>((resolve, reject) => this.pending.set(id, { resolve, reject, stderrFile }));
    this.holdEventLoop();
    this.child.stdin?.write(`${JSON.stringify({ id, args, cwd, stderr: sandbox?.stderrInside ?? stderrFile, ...(sandbox ? { sandbox } : {}) })}\n`);
    return forked.then((pid) => {
      const kernel = new ForkedKernelProcess(pid, stderrFile);
      const early = this.earlyExits.get(pid);
      this.earlyExits.delete(pid);
      if (early) kernel.exitedWith(early);
      else if (this.stateValue.kind === 'down') kernel.orphaned();
      else this.kernels.set(pid, kernel);
      void kernel.exited.then(() => this.kernels.delete(pid));
      return kernel;
    });
  }

  private onMessage(line: string): void {
    let message: ServerMessage;
    try {
      message = JSON.parse(line) as ServerMessage;
    } catch {
      this.logger.warn(`Fork server (pid ${this.child.pid}) wrote something that is not a message: ${line.slice(0, 200)}`);
      return;
    }
    switch (message.type) {
      case 'ready':
        this.setState(message.unsafe ? { kind: 'unsafe', reason: message.unsafe } : { kind: 'ready', pid: message.pid, ipykernel: message.ipykernel });
        return;
      case 'forked': {
        const request = this.pending.get(message.id);
        this.pending.delete(message.id);
        this.holdEventLoop();
        request?.resolve(message.pid);
        return;
      }
      case 'refused': {
        const request = this.pending.get(message.id);
        this.pending.delete(message.id);
        this.holdEventLoop();
        request?.reject(new ForkUnavailableError(`the fork server refused: ${message.reason}`));
        return;
      }
      case 'exited': {
        const exit = { code: message.code, signal: message.signal === null ? null : signalName(message.signal) };
        const kernel = this.kernels.get(message.pid);
        if (kernel) kernel.exitedWith(exit);
        else this.earlyExits.set(message.pid, exit);
        return;
      }
    }
  }

  private goDown(reason: string): void {
    if (this.stateValue.kind === 'down') return;
    if (!this.disposed) this.logger.warn(`Fork server for ${this.launch.python} (pid ${this.child.pid}) is down: ${reason}`);
    this.setState({ kind: 'down', reason: this.disposed ? 'it was stopped' : reason });
    for (const request of this.pending.values()) request.reject(new ForkUnavailableError(`the fork server went down: ${reason}`));
    this.pending.clear();
    this.holdEventLoop();
    // Nobody reaps its kernels for us any more.
    for (const kernel of this.kernels.values()) kernel.orphaned();
    this.stateEmitter.dispose();
  }

  private setState(state: ForkServerState): void {
    this.stateValue = state;
    this.holdEventLoop();
    this.stateEmitter.fire(state);
  }

  /**
   * The server keeps this process alive only while something waits for it (its start, a fork): an idle
   * server must not keep a CLI from ending when its work is done.
   */
  private holdEventLoop(): void {
    const waitedFor = this.stateValue.kind === 'starting' || this.pending.size > 0;
    const stdout = this.child.stdout as unknown as Socket | null;
    if (waitedFor) {
      this.child.ref();
      stdout?.ref();
    } else {
      this.child.unref();
      stdout?.unref();
    }
  }

  /** Stops the server; the kernels it forked live on (their owners stop them). */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.child.stdin?.end();
    if (this.child.pid !== undefined && this.child.exitCode === null) {
      try {
        process.kill(this.child.pid, 'SIGKILL');
      } catch {
        // Gone already.
      }
    }
  }
}

function signalName(signal: number): NodeJS.Signals | null {
  const signals = constants.signals as Record<string, number>;
  return (Object.keys(signals).find((name) => signals[name] === signal) as NodeJS.Signals | undefined) ?? null;
}
