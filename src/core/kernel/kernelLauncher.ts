import type { Logger } from '../common/logger';
import type { KernelHandle } from './kernelHandle';
import { findKernelspec, type Kernelspec } from './kernelspec';
import type { Transport } from './connectionInfo';
import type { JupyterServerAddress } from './jupyterServer';
import { LocalKernel } from './localKernel';
import { RemoteKernel } from './remoteKernel';
import type { KernelLimits } from '../sandbox/kernelLimits';
import type { SharedFontCaches } from '../sandbox/fontCache';
import type { CpuShare } from '../sandbox/kernelCgroup';
import type { ForkServers } from './fork/forkServers';

/** Which kernel to start, and where: a local kernelspec (the default) or a Jupyter Server. */
export interface KernelTarget {
  kernelName: string;
  /** A kernelspec made here (a Python environment's), started as it is instead of one found by `kernelName`. */
  spec?: Kernelspec;
  server?: JupyterServerAddress;
  /** Working directory of a local kernel. */
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  startTimeoutMs?: number;
  /** A local IPython kernel keeps its history in memory, not in the user's profile (see KernelProcessOptions). */
  historyInMemory?: boolean;
  /** How a local kernel's sockets are reached (see connectionInfo's Transport); tcp unless said. */
  transport?: Transport;
  /** Run a local kernel in a bubblewrap sandbox (src/core/sandbox/), `cwd` its only writable place. */
  sandbox?: boolean;
  /** What a sandboxed kernel may use (kernelLimits.ts); the defaults when not given. */
  limits?: KernelLimits;
  /** A sandboxed IPython kernel gets its prebuilt matplotlib font list from these (fontCache.ts): for services that start many. */
  fontCaches?: SharedFontCaches;
  /** A sandboxed kernel's CPU weight while it starts (kernelCgroup.ts): a pool's start 'ahead' of demand. */
  cpuShare?: CpuShare;
}

/** Where a kernel runs: on a Jupyter Server, in a sandbox with its limits, or (all left out) as a plain local process. */
export type KernelPlacement = Pick<KernelTarget, 'server' | 'sandbox' | 'limits' | 'fontCaches'>;

export type KernelLauncher = (target: KernelTarget) => Promise<KernelHandle>;

export interface KernelLauncherOptions {
  /** Local kernels by name that are not kernelspecs on disk (Python environments'); they win over those. */
  kernelspecs?: ReadonlyMap<string, Kernelspec>;
  /** Fork servers to start IPython kernels from (fork/forkServers.ts); without them every kernel is spawned. */
  forkServers?: ForkServers;
}

export function createKernelLauncher(logger: Logger, options: KernelLauncherOptions = {}): KernelLauncher {
  return async (target) => {
    const timeouts = target.startTimeoutMs === undefined ? {} : { startTimeoutMs: target.startTimeoutMs };
    if (target.server) return RemoteKernel.start(target.server, target.kernelName, { logger, ...timeouts });
    const spec = target.spec ?? options.kernelspecs?.get(target.kernelName) ?? (await findKernelspec(target.kernelName, target.env ? { env: target.env } : {}));
    return LocalKernel.start(spec, {
      logger,
      ...timeouts,
      ...(target.cwd ? { cwd: target.cwd } : {}),
      ...(target.env ? { env: target.env } : {}),
      ...(target.historyInMemory ? { historyInMemory: true } : {}),
      ...(target.transport ? { transport: target.transport } : {}),
      ...(target.sandbox ? { sandbox: true } : {}),
      ...(target.limits ? { limits: target.limits } : {}),
      ...(target.fontCaches ? { fontCaches: target.fontCaches } : {}),
      ...(target.cpuShare ? { cpuShare: target.cpuShare } : {}),
      ...(options.forkServers ? { forkServers: options.forkServers } : {}),
    });
  };
}
