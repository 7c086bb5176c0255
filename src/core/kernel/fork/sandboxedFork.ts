/**
 * A sandboxed kernel started by forking: bubblewrap makes its sandbox with a placeholder in it
 * (sandbox/sandboxHolder.ts), exactly as it would for a spawned kernel (same arguments, cgroups and
 * rlimits), and the sandboxed fork server of its interpreter forks the kernel into it (forkServerScript.ts).
 * The server runs on the host in the kernel's environment, the sandbox's allow-list with its HOME
 * (sandbox/sandboxHome.ts), so that what the kernel inherits from it is what the kernel would have set up.
 */
import type { Logger } from '../../common/logger';
import { errorMessage } from '../../common/errors';
import type { ReadOnlyFile } from '../../sandbox/bubblewrap';
import type { CgroupSupport } from '../../sandbox/cgroupProbe';
import { type CpuShare, KernelCgroup } from '../../sandbox/kernelCgroup';
import type { KernelLimits } from '../../sandbox/kernelLimits';
import { kernelSandbox } from '../../sandbox/sandboxedCommand';
import { SandboxHolder } from '../../sandbox/sandboxHolder';
import type { KernelOsProcess } from '../kernelOsProcess';
import { kernelExecutable, substituteEnv } from '../kernelProcess';
import type { Kernelspec } from '../kernelspec';
import { ForkedSandboxProcess } from './forkedSandboxProcess';
import * as path from 'node:path';
import { KERNEL_STDERR_FILE, type ForkServers } from './forkServers';

export interface SandboxedForkRequest {
  baseEnv: NodeJS.ProcessEnv;
  /** The run directory (the kernel's working directory and only writable place). */
  workDir: string;
  /** The kernel's connection directory on the host. */
  connectionDir: string;
  /** The connection file as the kernel names it inside its sandbox. */
  connectionFileInside: string;
  extraArgs: readonly string[];
  limits: KernelLimits;
  cgroups: CgroupSupport | undefined;
  cpuShare: CpuShare | undefined;
  readOnlyFiles: readonly ReadOnlyFile[];
  logger: Logger;
}

/** The kernel forked into a sandbox of its own; undefined when no server can fork it now (the caller spawns it). */
export async function forkIntoSandbox(servers: ForkServers, spec: Kernelspec, request: SandboxedForkRequest): Promise<KernelOsProcess | undefined> {
  const { baseEnv, limits } = request;
  const sandbox = kernelSandbox(kernelExecutable(spec, baseEnv), {
    workDir: request.workDir,
    connectionDir: request.connectionDir,
    specEnv: substituteEnv(spec.env, baseEnv),
    baseEnv,
    readOnlyFiles: request.readOnlyFiles,
    cpus: limits.cpus,
  });
  const ready = await servers.readyServer(spec, baseEnv, { executable: sandbox.executable, env: sandbox.env });
  if (!ready) return undefined;
  // Made as for a spawn, which would throw the same way: not a reason to try spawning instead.
  const cgroup = request.cgroups ? KernelCgroup.create(request.cgroups, limits, request.cpuShare) : undefined;
  let holder: SandboxHolder;
  try {
    holder = await SandboxHolder.start(sandbox.bwrapArgs, limits, cgroup);
  } catch (error) {
    await cgroup?.remove();
    request.logger.warn(`Kernel '${spec.name}' is spawned: its sandbox could not be made to fork into: ${errorMessage(error)}`);
    return undefined;
  }
  const kernel = await servers.forkOn(
    ready,
    { connectionFile: request.connectionFileInside, cwd: request.workDir, stderrDir: request.connectionDir, extraArgs: request.extraArgs },
    { nsPid: holder.nsPid, cgroupProcs: cgroup?.procsFiles ?? [], fileSizeBytes: limits.fileSizeBytes, stderrInside: path.posix.join(path.posix.dirname(request.connectionFileInside), KERNEL_STDERR_FILE) },
  );
  if (!kernel) {
    holder.kill();
    await cgroup?.remove();
    return undefined;
  }
  return new ForkedSandboxProcess(kernel, holder, cgroup);
}
