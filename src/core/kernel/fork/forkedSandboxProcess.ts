/**
 * A sandboxed kernel forked into its sandbox (fork/sandboxedFork.ts): the forked kernel's process, the
 * sandbox that holds it (bwrap with its placeholder) and its cgroups, ended together.
 */
import type { KernelCgroup } from '../../sandbox/kernelCgroup';
import type { SandboxHolder } from '../../sandbox/sandboxHolder';
import type { KernelOsProcess, ProcessExit } from '../kernelOsProcess';
import type { ForkedKernelProcess } from './forkedKernelProcess';

export class ForkedSandboxProcess implements KernelOsProcess {
  readonly memoryMeasure = 'proportional';
  readonly spawnFailure = undefined;

  constructor(
    private readonly kernel: ForkedKernelProcess,
    private readonly holder: SandboxHolder,
    readonly cgroup: KernelCgroup | undefined,
  ) {}

  get pid(): number {
    return this.kernel.pid;
  }

  get exited(): Promise<ProcessExit> {
    return this.kernel.exited;
  }

  get exit(): ProcessExit | undefined {
    return this.kernel.exit;
  }

  get stderrTail(): string {
    return this.kernel.stderrTail;
  }

  /** The kernel's own group, inside the sandbox: bwrap and its placeholder are never in it. */
  signal(signal: NodeJS.Signals): void {
    this.kernel.signal(signal);
  }

  async terminate(graceMs: number): Promise<void> {
    await this.kernel.terminate(graceMs);
    // Whatever the kernel started outside its group dies with the sandbox's PID namespace, or with the cgroups.
    this.holder.kill();
    await this.cgroup?.remove();
  }

  dispose(): void {
    this.kernel.dispose();
    this.holder.kill();
    void this.cgroup?.remove();
  }
}
