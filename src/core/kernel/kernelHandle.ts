import type { Kernel } from '@jupyterlab/services';
import type { Disposable } from '../common/disposable';
import type { KernelDiedError } from '../common/errors';
import type { Event } from '../common/emitter';
import type { CpuShare } from '../sandbox/kernelCgroup';

export type KernelStatus = 'starting' | 'idle' | 'busy' | 'dead';

/**
 * One started kernel, local or remote, for its whole life: a restart is a new handle.
 * Messages go through `connection` (the same `IKernelConnection` on both transports);
 * life-cycle operations go through the handle, because they differ by transport.
 */
export interface KernelHandle extends Disposable {
  readonly kind: 'local' | 'remote';
  /** The kernelspec name. */
  readonly name: string;
  readonly connection: Kernel.IKernelConnection;
  readonly status: KernelStatus;
  readonly onDidChangeStatus: Event<KernelStatus>;
  /** Fires once, when the kernel dies without being asked to. */
  readonly onDidDie: Event<KernelDiedError>;
  readonly diedWith: KernelDiedError | undefined;
  /** Forked from a warm fork server (fork/), which has done the default warm-up for it; else spawned or remote. */
  readonly forked: boolean;
  interrupt(): Promise<void>;
  /**
   * Kills the kernel (it then dies with MemoryLimitExceededError) once it and its children use more than
   * `limitBytes` of resident memory. Returns false where this cannot be enforced (a remote kernel).
   */
  limitMemory(limitBytes: number): boolean;
  /** Its CPU weight against other kernels (kernelCgroup.ts); nothing where it has no cgroup (unsandboxed, remote). */
  setCpuShare(share: CpuShare): void;
  /**
   * Asks the kernel to stop, then makes sure it has: nothing of it is left afterwards.
   * `now` skips the polite request, for a kernel known not to answer (a timed-out cell).
   */
  shutdown(options?: { now?: boolean }): Promise<void>;
}
