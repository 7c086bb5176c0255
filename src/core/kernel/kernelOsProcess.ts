import type { Disposable } from '../common/disposable';
import type { KernelCgroup } from '../sandbox/kernelCgroup';
import type { MemoryMeasure } from './processMemory';

/** How much of a kernel's stderr is kept: the reason it gives when it fails to start. */
export const STDERR_TAIL_BYTES = 8192;

export interface ProcessExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/**
 * A local kernel's operating-system process, however it was started: spawned by us (kernelProcess.ts) or
 * forked by a fork server (fork/forkedKernelProcess.ts). Either way it leads its own process group.
 */
export interface KernelOsProcess extends Disposable {
  readonly pid: number | undefined;
  /** Resolves once, when the process has exited (or could not be started); never rejects. */
  readonly exited: Promise<ProcessExit>;
  readonly exit: ProcessExit | undefined;
  /** Why the process could not be started at all (then it never ran, and `exit` holds code -1). */
  readonly spawnFailure: string | undefined;
  /** The last few KiB the kernel wrote to stderr: the reason, when it fails to start. */
  readonly stderrTail: string;
  /** A sandboxed kernel's cgroups, where the host lets them be made. */
  readonly cgroup: KernelCgroup | undefined;
  /**
   * How its memory is told apart from others': `resident` for a process of its own; `proportional` for a
   * forked one, whose pages are partly shared with its fork server (so only its share counts).
   */
  readonly memoryMeasure: MemoryMeasure;
  signal(signal: NodeJS.Signals): void;
  /** SIGTERM to the group, SIGKILL after `graceMs`; then SIGKILL whatever is left of the group. */
  terminate(graceMs: number): Promise<void>;
  /** Kills at once, without waiting: for disposal paths that cannot await. */
  dispose(): void;
}
