import { ChildProcess, spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import * as path from 'node:path';
import { SANDBOX_CONNECTION_DIR } from '../sandbox/bubblewrap';
import type { ReadOnlyFile } from '../sandbox/bubblewrap';
import type { CgroupSupport } from '../sandbox/cgroupProbe';
import type { SharedFontCaches } from '../sandbox/fontCache';
import { type CpuShare, KernelCgroup } from '../sandbox/kernelCgroup';
import { DEFAULT_KERNEL_LIMITS, type KernelLimits } from '../sandbox/kernelLimits';
import { limitedCommand } from '../sandbox/limitedCommand';
import { sandboxedCommand } from '../sandbox/sandboxedCommand';
import { pythonExecutable } from './jupyterPaths';
import { type KernelOsProcess, type ProcessExit, STDERR_TAIL_BYTES } from './kernelOsProcess';
import { killGroupNow, signalGroup, terminateGroup, trackGroup } from './processGroups';
import { readProcStat } from './procStat';
import type { Kernelspec } from './kernelspec';

export type { ProcessExit } from './kernelOsProcess';

export interface KernelProcessOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /**
   * IPython kernels keep their input history in memory instead of `~/.ipython/.../history.sqlite`, as nbclient
   * runs them: one run's code cannot be read back by a later run, and many kernels do not contend for one
   * SQLite file. Kernels that are not IPython's are started as they are.
   */
  historyInMemory?: boolean;
  /**
   * Run it in a bubblewrap sandbox (src/core/sandbox/): `cwd` is then its only writable place, its connection
   * directory the only other host folder it sees, and its environment an allow-list.
   */
  sandbox?: boolean;
  /** For a sandboxed kernel: what it may use (see kernelLimits.ts); DEFAULT_KERNEL_LIMITS when not given. */
  limits?: KernelLimits;
  /** For a sandboxed kernel: host files it sees read-only (see fontCache.ts). */
  readOnlyFiles?: readonly ReadOnlyFile[];
  /** For a sandboxed IPython kernel: the matplotlib font lists to share, one per interpreter (fontCache.ts), for services that start many kernels. */
  fontCaches?: SharedFontCaches;
  /** For a sandboxed kernel: where its cgroups are made (see cgroupProbe.ts); none: only the rlimits hold. */
  cgroups?: CgroupSupport;
  /** For a sandboxed kernel with cgroups: its CPU weight as it starts ('ahead' for a pool's); 'running' when not given. */
  cpuShare?: CpuShare;
}

const IN_MEMORY_HISTORY = '--HistoryManager.hist_file=:memory:';

/**
 * ipykernel sleeps 0.5 ms before every execute_reply, so that a client that stops listening at the reply has
 * received the cell's last output first. The engine waits for the idle status that follows every output of a
 * request, so for it the sleep only delays each cell. Measured with jupyter_client, `x = 1` cells: 9% more
 * per second without it on ipykernel 6.17, 25% on 7.4.
 */
const NO_REPLY_SLEEP = '--Kernel._execute_sleep=0';

/** The flags every IPython kernel CellBridge starts gets, spawned or forked. */
export function ipythonKernelArgs(options: { historyInMemory?: boolean }): string[] {
  return options.historyInMemory ? [NO_REPLY_SLEEP, IN_MEMORY_HISTORY] : [NO_REPLY_SLEEP];
}

/** ipykernel's launchers take IPython's configuration flags; other kernels (xeus-python…) would refuse them. */
export function isIPythonKernel(argv: readonly string[]): boolean {
  return argv.some((arg) => /(^|[/\\])ipykernel(_launcher)?(\.py)?$/.test(arg));
}


/** A kernel's OS process spawned by us, leader of its own process group so that a signal reaches whatever it started. */
export class KernelProcess implements KernelOsProcess {
  readonly memoryMeasure = 'resident';
  readonly exited: Promise<ProcessExit>;
  private exitValue: ProcessExit | undefined;
  private stderr = '';
  private spawnFailureValue: string | undefined;

  /** `sandboxed`: the process is bwrap, the kernel its grandchild (bwrap's init in the sandbox between them). */
  private constructor(
    private readonly child: ChildProcess,
    command: string,
    specFile: string,
    private readonly sandboxed: boolean,
    /** A sandboxed kernel's cgroups, where the host lets them be made. */
    readonly cgroup: KernelCgroup | undefined,
  ) {
    this.exited = new Promise((resolve) => {
      child.once('exit', (code, signal) => {
        this.exitValue = { code, signal };
        resolve(this.exitValue);
      });
      // A spawn failure (no such executable) arrives as 'error' without 'exit'.
      child.once('error', (error) => {
        this.spawnFailureValue = describeSpawnError(command, specFile, error);
        this.exitValue = { code: -1, signal: null };
        resolve(this.exitValue);
      });
    });
    child.stderr?.setEncoding('utf8');
    child.stderr?.on('data', (chunk: string) => {
      this.stderr = (this.stderr + chunk).slice(-STDERR_TAIL_BYTES);
    });
    // Whatever the kernel writes to its own stdout is not cell output (that goes over iopub); drain it.
    child.stdout?.resume();
  }

  static spawn(spec: Kernelspec, connectionFile: string, options: KernelProcessOptions): KernelProcess {
    const baseEnv = options.env ?? process.env;
    // Inside a sandbox the kernel sees its connection directory elsewhere (see SANDBOX_CONNECTION_DIR).
    const kernelsConnectionFile = options.sandbox ? path.join(SANDBOX_CONNECTION_DIR, path.basename(connectionFile)) : connectionFile;
    const argv = spec.argv.map((arg) => arg.replaceAll('{connection_file}', kernelsConnectionFile).replaceAll('{resource_dir}', spec.resourceDir));
    argv[0] = kernelExecutable(spec, baseEnv);
    if (isIPythonKernel(argv)) argv.push(...ipythonKernelArgs(options));
    const specEnv = substituteEnv(spec.env, baseEnv);
    const sandboxed = options.sandbox ? sandboxedKernelCommand(argv, connectionFile, specEnv, baseEnv, options) : argv;
    const limits = options.limits ?? DEFAULT_KERNEL_LIMITS;
    const cgroup = options.sandbox && options.cgroups ? KernelCgroup.create(options.cgroups, limits, options.cpuShare) : undefined;
    const command = options.sandbox ? limitedCommand(sandboxed, limits, cgroup) : sandboxed;
    const env: NodeJS.ProcessEnv = options.sandbox
      ? // bwrap itself needs no more; the kernel gets its allow-list (sandboxedCommand), and no JPY_PARENT_PID:
        // in its PID namespace its parent is the namespace's init, which ipykernel would take for an orphaning.
        { PATH: baseEnv.PATH ?? '/usr/bin:/bin' }
      : {
          ...kernelEnvironment(spec, baseEnv),
          // ipykernel exits when its parent goes away, so a crash of ours leaves no orphan kernel.
          JPY_PARENT_PID: String(process.pid),
        };
    const child = spawn(command[0]!, command.slice(1), { cwd: options.cwd, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    const kernelProcess = new KernelProcess(child, command[0]!, path.join(spec.resourceDir, 'kernel.json'), options.sandbox === true, cgroup);
    if (child.pid !== undefined) trackGroup(child.pid);
    return kernelProcess;
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  get exit(): ProcessExit | undefined {
    return this.exitValue;
  }

  /** Why the process could not be started at all (then it never ran, and `exit` holds code -1). */
  get spawnFailure(): string | undefined {
    return this.spawnFailureValue;
  }

  /** The last few KiB the kernel wrote to stderr: the reason, when it fails to start. */
  get stderrTail(): string {
    return this.stderr;
  }

  /**
   * Signals the kernel and whatever it started (its process group). In a sandbox, bwrap and its init in the
   * sandbox are left out of a SIGINT or the like: bwrap would die of it, and the sandbox with it.
   */
  signal(signal: NodeJS.Signals): void {
    const pgid = this.child.pid;
    if (pgid === undefined || this.exitValue) return;
    if (!this.sandboxed || signal === 'SIGKILL' || signal === 'SIGTERM') {
      signalGroup(pgid, signal);
      return;
    }
    for (const pid of sandboxedProcessesOf(pgid)) {
      try {
        process.kill(pid, signal);
      } catch {
        // Gone meanwhile.
      }
    }
  }

  /** SIGTERM to the group, SIGKILL after `graceMs`; then SIGKILL whatever is left of the group, and its cgroups. */
  async terminate(graceMs: number): Promise<void> {
    const pgid = this.child.pid;
    if (pgid === undefined) return;
    await terminateGroup(pgid, this.exited, () => this.exitValue !== undefined, graceMs);
    await this.cgroup?.remove();
  }

  /** Kills at once, without waiting: for disposal paths that cannot await. */
  dispose(): void {
    if (this.child.pid === undefined) return;
    killGroupNow(this.child.pid);
    // remove() never rejects; nothing waits in a disposal path.
    void this.cgroup?.remove();
  }
}

/** The processes of a sandbox's group that are neither bwrap (the leader) nor its init (the leader's children). */
function sandboxedProcessesOf(pgid: number): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = readProcStat(entry); // undefined: gone meanwhile
    const pid = Number(entry);
    if (stat && stat.pgrp === pgid && pid !== pgid && stat.ppid !== pgid) pids.push(pid);
  }
  return pids;
}

function sandboxedKernelCommand(argv: string[], connectionFile: string, specEnv: Record<string, string>, baseEnv: NodeJS.ProcessEnv, options: KernelProcessOptions): string[] {
  if (!options.cwd) throw new Error('a sandboxed kernel needs a working directory: its only writable place');
  return sandboxedCommand(argv, {
    workDir: options.cwd,
    connectionDir: path.dirname(connectionFile),
    specEnv,
    baseEnv,
    cpus: (options.limits ?? DEFAULT_KERNEL_LIMITS).cpus,
    ...(options.readOnlyFiles ? { readOnlyFiles: options.readOnlyFiles } : {}),
  });
}

/** The program a kernelspec starts. As jupyter_client does: a bare `python` means the Python we were told to use. */
export function kernelExecutable(spec: Kernelspec, baseEnv: NodeJS.ProcessEnv): string {
  const first = spec.argv[0] ?? '';
  return first === 'python' || first === 'python3' ? pythonExecutable(baseEnv) : first;
}

/**
 * The environment a local kernel runs in outside a sandbox: ours, then the kernelspec's own (`${NAME}`
 * filled in), without a parent pid (a spawn adds ours; a fork server watches for us itself). ipykernel warns
 * on stderr about frozen modules and the debugger unless told not to validate.
 */
export function kernelEnvironment(spec: Kernelspec, baseEnv: NodeJS.ProcessEnv): Record<string, string> {
  const env: Record<string, string> = { PYDEVD_DISABLE_FILE_VALIDATION: '1' };
  for (const [name, value] of Object.entries(baseEnv)) if (value !== undefined) env[name] = value;
  Object.assign(env, substituteEnv(spec.env, baseEnv));
  delete env.JPY_PARENT_PID;
  return env;
}

/**
 * `${NAME}` in a kernelspec's env values stands for NAME in the environment the kernel starts from, as in
 * jupyter_client (so `"PATH": "/env/bin:${PATH}"` prepends); names not set there stay as written.
 */
export function substituteEnv(specEnv: Readonly<Record<string, string>>, baseEnv: NodeJS.ProcessEnv): Record<string, string> {
  const result: Record<string, string> = {};
  for (const [key, value] of Object.entries(specEnv)) {
    result[key] = value.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g, (whole, name: string) => baseEnv[name] ?? whole);
  }
  return result;
}

function describeSpawnError(command: string, specFile: string, error: NodeJS.ErrnoException): string {
  const hint = `check argv in ${specFile}`;
  switch (error.code) {
    case 'ENOENT':
      return `its executable ${command} was not found (${hint}).`;
    case 'EACCES':
      return `its executable ${command} is not executable (${hint}).`;
    default:
      return `${error.message} (${hint}).`;
  }
}
