import type { CgroupController, CgroupSupport } from './cgroupProbe';
import { type KernelLimits, MIB } from './kernelLimits';

/** What a sandboxed kernel's limits come to on this host: those that hold, and those that do not, with why. */
export interface SandboxGuarantees {
  hold: string[];
  missing: string[];
}

/** Said at `serve` start-up, so that an operator knows which limits this host really enforces. */
export function sandboxGuarantees(support: CgroupSupport, limits: KernelLimits): SandboxGuarantees {
  const hold: string[] = [];
  const missing: string[] = [];
  const has = (controller: CgroupController): boolean => support.parents.some((parent) => parent.controllers.includes(controller));
  const why = (controller: CgroupController): string => support.missing.get(controller) ?? '';

  if (limits.processes > 0) {
    if (has('pids')) hold.push(`at most ${limits.processes} processes and threads per kernel`);
    else missing.push(`a process limit (${why('pids')})`);
  }
  if (limits.memoryBytes > 0) {
    if (has('memory')) hold.push(`memory up to ${limits.memoryBytes / MIB} MB per kernel, its whole process tree and its tmpfs and /dev/shm pages counted`);
    else missing.push(`memory counted by a cgroup (${why('memory')}); resident memory is sampled instead, which misses tmpfs and /dev/shm`);
  }
  if (limits.cpus > 0) {
    if (has('cpu')) hold.push(`${limits.cpus} CPU's worth of time at once per kernel`);
    else missing.push(`a CPU share (${why('cpu')}); a run's timeouts still bound its CPU time`);
  }
  if (limits.fileSizeBytes > 0) hold.push(`no file over ${limits.fileSizeBytes / MIB} MB (RLIMIT_FSIZE)`);
  const killer = support.parents.length ? 'its cgroups and PID namespace' : 'its PID namespace';
  hold.push(`everything a kernel starts, detached or not, is killed with ${killer} when its run ends`);
  return { hold, missing };
}
