import { readdirSync } from 'node:fs';
import { silentLogger } from '../../src/core/common/logger';
import { createKernelLauncher, type KernelLauncher } from '../../src/core/kernel/kernelLauncher';
import { discardFreshKernel, startFreshKernel } from '../../src/core/kernel/kernelPool';
import { LocalKernel } from '../../src/core/kernel/localKernel';
import { PYTHON_WARM_UP_STEPS, silentWarmUp } from '../../src/core/kernel/silentWarmUp';
import { benchEnv } from '../benchConfig';
import { trackKernelPid } from '../kernelPids';
import { nowMs, Summary, summarize } from '../stats';
import { cpuMsOfTree, descendantsOf } from './processTree';
import type { ServiceBenchConfig } from './serviceBenchConfig';

/** One way of starting kernels (sandbox on or off): milliseconds per phase, over the measured starts. */
export interface KernelStartSide {
  /** startFreshKernel until LocalKernel.start returns: kernel_info answered and iopub live. */
  ready: Summary;
  /** CPU time the kernel's processes (bwrap's included) used until ready: the cost without the machine's other load. */
  readyCpu: Summary;
  /** The pool's silent warm-up (imports, one figure, one error) right after. */
  warmUp: Summary;
  /** CPU time the kernel's processes used for the warm-up. */
  warmUpCpu: Summary;
  /** Both, per start: what one pooled kernel costs, i.e. the pool's refill. */
  readyAndWarm: Summary;
  /** discardFreshKernel: shutdown_request until the process is gone, then its run directory removed. */
  shutdown: Summary;
}

export interface KernelStartResult {
  starts: number;
  warmupStarts: number;
  sandboxed: KernelStartSide;
  unsandboxed: KernelStartSide;
  /** Entries left in the section's TMPDIR (run directories, connection files) once every kernel was discarded. */
  leftTempEntries: string[];
}

type Samples = Record<keyof KernelStartSide, number[]>;
type StartTimes = { readyMs: number; readyCpuMs: number; warmUpMs: number; warmUpCpuMs: number; shutdownMs: number };

/**
 * Kernels started in this process exactly as the service's pool starts them (startFreshKernel: a run
 * directory of its own, history in memory; with `sandbox: true` bwrap, its process cgroup and ipc sockets),
 * sandbox on and off alternating, the order swapping every pair. Nothing else runs meanwhile: the services
 * are not started yet. The first start of each way is not measured (it probes bwrap and the cgroups once).
 */
export async function measureKernelStarts(config: ServiceBenchConfig, tmpDir: string): Promise<KernelStartResult> {
  // The kernels' run and connection directories go to `tmpDir` (os.tmpdir() reads TMPDIR each time), so
  // that what the section leaves behind can be seen, as for the services.
  const hostTmp = process.env.TMPDIR;
  process.env.TMPDIR = tmpDir;
  try {
    const launcher = createKernelLauncher(silentLogger);
    const sandboxed = emptySamples();
    const unsandboxed = emptySamples();
    const { starts, warmupStarts } = config.kernelStart;
    for (let i = 0; i < warmupStarts + starts; i++) {
      const measured = i >= warmupStarts;
      const order = i % 2 === 0 ? [true, false] : [false, true];
      for (const sandbox of order) {
        const times = await startWarmAndDiscard(launcher, config.kernelName, sandbox);
        if (measured) record(sandbox ? sandboxed : unsandboxed, times);
      }
    }
    return { starts, warmupStarts, sandboxed: summarizeSide(sandboxed), unsandboxed: summarizeSide(unsandboxed), leftTempEntries: readdirSync(tmpDir) };
  } finally {
    if (hostTmp === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = hostTmp;
  }
}

async function startWarmAndDiscard(launcher: KernelLauncher, kernelName: string, sandbox: boolean): Promise<StartTimes> {
  const started = nowMs();
  const fresh = await startFreshKernel(launcher, { kernelName, env: benchEnv(), historyInMemory: true, ...(sandbox ? { sandbox: true } : {}) });
  const readyMs = nowMs() - started;
  let times: Omit<StartTimes, 'shutdownMs'>;
  try {
    // A sandboxed kernel's pid is bwrap's; the interpreter is its grandchild, tracked too so that the end of the run can prove it gone.
    const pid = fresh.kernel instanceof LocalKernel ? fresh.kernel.pid : undefined;
    if (pid === undefined) throw new Error(`kernel '${kernelName}' started without a process of its own`);
    trackKernelPid(pid);
    descendantsOf(pid).forEach(trackKernelPid);
    const readyCpuMs = cpuMsOfTree(pid);
    const warming = nowMs();
    await silentWarmUp('python', PYTHON_WARM_UP_STEPS)(fresh.kernel);
    times = { readyMs, readyCpuMs, warmUpMs: nowMs() - warming, warmUpCpuMs: cpuMsOfTree(pid) - readyCpuMs };
  } catch (error) {
    await discardFreshKernel(fresh, silentLogger);
    throw error;
  }
  const stopping = nowMs();
  await discardFreshKernel(fresh, silentLogger);
  return { ...times, shutdownMs: nowMs() - stopping };
}

const emptySamples = (): Samples => ({ ready: [], readyCpu: [], warmUp: [], warmUpCpu: [], readyAndWarm: [], shutdown: [] });

function record(samples: Samples, times: StartTimes): void {
  samples.ready.push(times.readyMs);
  samples.readyCpu.push(times.readyCpuMs);
  samples.warmUp.push(times.warmUpMs);
  samples.warmUpCpu.push(times.warmUpCpuMs);
  samples.readyAndWarm.push(times.readyMs + times.warmUpMs);
  samples.shutdown.push(times.shutdownMs);
}

function summarizeSide(samples: Samples): KernelStartSide {
  return {
    ready: summarize(samples.ready),
    readyCpu: summarize(samples.readyCpu),
    warmUp: summarize(samples.warmUp),
    warmUpCpu: summarize(samples.warmUpCpu),
    readyAndWarm: summarize(samples.readyAndWarm),
    shutdown: summarize(samples.shutdown),
  };
}
