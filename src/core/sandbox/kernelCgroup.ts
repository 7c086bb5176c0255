import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, promises as fs, readFileSync, rmdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { delay } from '../common/async';
import { type CgroupController, type CgroupParent, type CgroupSupport, limitFile } from './cgroupProbe';
import type { KernelLimits } from './kernelLimits';

const CPU_PERIOD_US = 100_000;

/**
 * A kernel's weight against the others when they want more CPU than there is (cgroup `cpu.shares` / `cpu.weight`;
 * a limit of CPUs caps it whatever its weight). A kernel started ahead for a pool yields to kernels running cells,
 * and one being killed yields to every other: otherwise the pool's refill and the used kernel's death, which
 * overlap a client's next request, take the CPU from its cells (bench:service-throughput, single client).
 */
export type CpuShare = 'ahead' | 'running' | 'ending';

/**
 * v1 `cpu.shares` (default 1024) and v2 `cpu.weight` (default 100). A running kernel outweighs the host's own
 * processes too (1024 each at v1's root: the service, its fork servers), which preempted it ~40 times in a
 * request's 4 cells against ~28 at this weight; the service's rate at 4 clients was the same either way. A kernel
 * started ahead gets 1/32 of a running one's: two cells spinning on both cores still leave a spawned kernel's
 * start (~0.6 CPU-s) ~20 s, within its start timeout, where 1/128 would starve it past it.
 */
const CPU_SHARES: Record<CpuShare, { 1: number; 2: number }> = {
  ahead: { 1: 256, 2: 25 },
  running: { 1: 8192, 2: 800 },
  ending: { 1: 2, 2: 1 },
};

/** What asking a cgroup for a lower memory limit came to. */
export type MemoryLimitResult = 'set' | 'alreadyOver' | 'uncounted';

/**
 * One kernel's cgroups (one per v1 hierarchy, or one v2 cgroup): its process, memory and CPU limits for the
 * whole tree it starts, detached children and tmpfs pages included, and the means to kill all of it.
 */
export class KernelCgroup {
  private constructor(private readonly groups: readonly CgroupParent[]) {}

  /**
   * Made synchronously, so that a kernel's spawn (synchronous) can join it before anything forks. Throws
   * when a cgroup cannot be made or limited, leaving none behind.
   */
  static create(support: CgroupSupport, limits: KernelLimits, cpuShare: CpuShare = 'running'): KernelCgroup | undefined {
    if (!support.parents.length) return undefined;
    const name = `cellbridge-${process.pid}-${randomBytes(4).toString('hex')}`;
    const groups: CgroupParent[] = [];
    try {
      for (const parent of support.parents) {
        const dir = path.join(parent.dir, name);
        mkdirSync(dir);
        groups.push({ ...parent, dir });
      }
      const cgroup = new KernelCgroup(groups);
      cgroup.applyLimits(limits);
      cgroup.setCpuShare(cpuShare);
      return cgroup;
    } catch (error) {
      for (const group of groups) rmdirSync(group.dir);
      throw error;
    }
  }

  /** The files the kernel's first process writes its pid to, to join every one of its cgroups. */
  get procsFiles(): string[] {
    return this.groups.map((group) => path.join(group.dir, 'cgroup.procs'));
  }

  /** Whether a memory cgroup counts the kernel's memory (else only its resident memory can be sampled). */
  get countsMemory(): boolean {
    return this.groupWith('memory') !== undefined;
  }

  /** Sets the memory limit (0: none). `alreadyOver`: the kernel uses more than `bytes` and cannot give it back. */
  setMemoryLimit(bytes: number): MemoryLimitResult {
    const group = this.groupWith('memory');
    if (!group) return 'uncounted';
    try {
      if (group.version === 2) {
        write(group, 'memory.max', bytes > 0 ? String(bytes) : 'max');
        // No swap to escape to; and an out-of-memory kill takes the whole kernel, not one of its children.
        writeIfPresent(group, 'memory.swap.max', '0');
        writeIfPresent(group, 'memory.oom.group', '1');
      } else {
        setV1MemoryLimit(group, bytes > 0 ? String(bytes) : '-1');
      }
      return 'set';
    } catch (error) {
      // v1 refuses a limit below what it cannot reclaim with EBUSY.
      if ((error as NodeJS.ErrnoException).code === 'EBUSY') return 'alreadyOver';
      throw error;
    }
  }

  /** How many of the kernel's processes the kernel's OOM killer has killed for passing the memory limit. */
  outOfMemoryKills(): number {
    const group = this.groupWith('memory');
    if (!group) return 0;
    const text = readIfPresent(group, group.version === 2 ? 'memory.events' : 'memory.oom_control');
    return Number(/^oom_kill (\d+)$/m.exec(text)?.[1] ?? 0);
  }

  /** The most memory the kernel's tree has used, in bytes (0 where not counted). */
  peakMemoryBytes(): number {
    const group = this.groupWith('memory');
    if (!group) return 0;
    return Number(readIfPresent(group, group.version === 2 ? 'memory.peak' : 'memory.max_usage_in_bytes').trim() || 0);
  }

  /** Its weight from now on. Never throws: a weight is a preference, and a cgroup being removed may be gone. */
  setCpuShare(share: CpuShare): void {
    const cpu = this.groupWith('cpu');
    if (!cpu) return;
    try {
      write(cpu, cpu.version === 2 ? 'cpu.weight' : 'cpu.shares', String(CPU_SHARES[share][cpu.version]));
    } catch {
      // Gone meanwhile, or a controller that refuses weights: the kernel runs as it did.
    }
  }

  /** Kills whatever is still in the cgroups and removes them. Never rejects. */
  async remove(): Promise<void> {
    for (const group of this.groups) await removeGroup(group);
  }

  private applyLimits(limits: KernelLimits): void {
    const pids = this.groupWith('pids');
    if (pids && limits.processes > 0) write(pids, 'pids.max', String(limits.processes));
    if (limits.memoryBytes > 0) this.setMemoryLimit(limits.memoryBytes);
    const cpu = this.groupWith('cpu');
    if (cpu && limits.cpus > 0) {
      const quota = String(Math.max(1000, Math.round(limits.cpus * CPU_PERIOD_US)));
      if (cpu.version === 2) {
        write(cpu, 'cpu.max', `${quota} ${CPU_PERIOD_US}`);
      } else {
        write(cpu, 'cpu.cfs_period_us', String(CPU_PERIOD_US));
        write(cpu, limitFile('cpu', 1), quota);
      }
    }
  }

  private groupWith(controller: CgroupController): CgroupParent | undefined {
    return this.groups.find((group) => group.controllers.includes(controller));
  }
}

/**
 * v1 keeps memory+swap (`memsw`, where swap is accounted) at or above the memory limit, so the order of the
 * two writes depends on the direction; both are set alike, so that swap is no way around the limit.
 */
function setV1MemoryLimit(group: CgroupParent, value: string): void {
  const hasSwapAccounting = existsSync(path.join(group.dir, 'memory.memsw.limit_in_bytes'));
  try {
    write(group, 'memory.limit_in_bytes', value);
    if (hasSwapAccounting) write(group, 'memory.memsw.limit_in_bytes', value);
  } catch (error) {
    // Raising the limit above memsw is refused (EINVAL) until memsw is raised first.
    if (!hasSwapAccounting || (error as NodeJS.ErrnoException).code !== 'EINVAL') throw error;
    write(group, 'memory.memsw.limit_in_bytes', value);
    write(group, 'memory.limit_in_bytes', value);
  }
}

async function removeGroup(group: CgroupParent): Promise<void> {
  // v2 kills everything in a cgroup at once, new forks included; v1 has to kill what it lists, until none is left.
  await fs.writeFile(path.join(group.dir, 'cgroup.kill'), '1').catch(() => undefined);
  for (let attempt = 0; attempt < 100; attempt++) {
    try {
      await fs.rmdir(group.dir);
      return;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EBUSY') return;
      const pids = await fs.readFile(path.join(group.dir, 'cgroup.procs'), 'utf8').catch(() => '');
      for (const pid of pids.split('\n').filter(Boolean)) {
        try {
          process.kill(Number(pid), 'SIGKILL');
        } catch {
          // Gone meanwhile.
        }
      }
      // A killed process leaves its cgroup a moment after it dies.
      await delay(10);
    }
  }
}

function write(group: CgroupParent, file: string, value: string): void {
  writeFileSync(path.join(group.dir, file), value);
}

function writeIfPresent(group: CgroupParent, file: string, value: string): void {
  if (existsSync(path.join(group.dir, file))) write(group, file, value);
}

function readIfPresent(group: CgroupParent, file: string): string {
  try {
    return readFileSync(path.join(group.dir, file), 'utf8');
  } catch {
    return '';
  }
}
