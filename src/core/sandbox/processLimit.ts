import { randomBytes } from 'node:crypto';
import { promises as fs, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { delay } from '../common/async';
import { isRunning } from '../kernel/staleConnectionDirs';
import * as path from 'node:path';

/** How many processes (threads included) one sandboxed kernel may have at once: a fork bomb stops here. */
export const KERNEL_PROCESS_LIMIT = 512;

/** Where this process may make cgroups that limit process counts, or why it cannot. */
export type ProcessLimitSupport = { kind: 'available'; parent: string } | { kind: 'unavailable'; reason: string };

let probed: Promise<ProcessLimitSupport> | undefined;

/**
 * Finds a pids cgroup this process may make children in: its own cgroup of the v1 `pids` hierarchy, or of
 * the v2 hierarchy when `pids` is delegated to it. Tried once per process by making and removing one.
 */
export function probeProcessLimit(): Promise<ProcessLimitSupport> {
  probed ??= findParent();
  return probed;
}

async function findParent(): Promise<ProcessLimitSupport> {
  let candidates: string[];
  try {
    candidates = pidsCgroupsOfThisProcess(await fs.readFile('/proc/self/mountinfo', 'utf8'), await fs.readFile('/proc/self/cgroup', 'utf8'));
  } catch {
    return { kind: 'unavailable', reason: 'no /proc to find cgroups in' };
  }
  for (const parent of candidates) {
    const probe = path.join(parent, `cellbridge-probe-${process.pid}-${randomBytes(3).toString('hex')}`);
    try {
      await fs.mkdir(probe);
      try {
        await fs.access(path.join(probe, 'pids.max'));
        await removeStaleCgroups(parent);
        return { kind: 'available', parent };
      } finally {
        await fs.rmdir(probe).catch(() => undefined);
      }
    } catch {
      // Not writable, or no pids controller there: the next candidate.
    }
  }
  return { kind: 'unavailable', reason: 'no pids cgroup this process may create (cgroup v1 pids hierarchy, or v2 with pids delegated)' };
}

/**
 * Removes the empty cgroups that processes which are gone left behind (killed, they could not clean up), as
 * staleConnectionDirs does for connection directories. A cgroup with processes in it is never touched.
 */
async function removeStaleCgroups(parent: string): Promise<void> {
  for (const entry of await fs.readdir(parent).catch(() => [])) {
    const owner = /^cellbridge-(\d+)-[0-9a-f]+$/.exec(entry)?.[1];
    if (owner === undefined || isRunning(Number(owner))) continue;
    // rmdir fails on a cgroup that still has processes: only empty ones go.
    await fs.rmdir(path.join(parent, entry)).catch(() => undefined);
  }
}

/** This process's cgroups that can limit process counts, from /proc/self/mountinfo and /proc/self/cgroup. */
export function pidsCgroupsOfThisProcess(mountinfo: string, cgroupFile: string): string[] {
  const ownPaths = new Map<string, string>();
  for (const line of cgroupFile.split('\n')) {
    const [id, controllers, cgroupPath] = line.split(':');
    if (cgroupPath === undefined) continue;
    ownPaths.set(id === '0' ? 'unified' : controllers!, cgroupPath);
  }
  const parents: string[] = [];
  for (const line of mountinfo.split('\n')) {
    // "... mountpoint options - fstype source superoptions"
    const [before, after] = line.split(' - ');
    if (!before || !after) continue;
    const mountPoint = before.split(' ')[4];
    const [fstype, , superOptions] = after.split(' ');
    if (!mountPoint) continue;
    if (fstype === 'cgroup' && superOptions?.split(',').includes('pids')) {
      const own = [...ownPaths].find(([controllers]) => controllers.split(',').includes('pids'))?.[1];
      if (own !== undefined) parents.push(path.join(mountPoint, own));
    } else if (fstype === 'cgroup2') {
      const own = ownPaths.get('unified');
      if (own !== undefined && delegates(path.join(mountPoint, own))) parents.push(path.join(mountPoint, own));
    }
  }
  return parents;
}

function delegates(cgroup: string): boolean {
  try {
    return readFileSync(path.join(cgroup, 'cgroup.subtree_control'), 'utf8').split(/\s+/).includes('pids');
  } catch {
    return false;
  }
}

/** One kernel's cgroup: at most `max` processes; its `procs` file is where the kernel's first process joins. */
export class ProcessLimit {
  private constructor(private readonly dir: string) {}

  /** Made synchronously, so that a kernel's spawn (synchronous) can join it before anything forks. */
  static create(parent: string, max: number): ProcessLimit {
    const dir = path.join(parent, `cellbridge-${process.pid}-${randomBytes(4).toString('hex')}`);
    mkdirSync(dir);
    writeFileSync(path.join(dir, 'pids.max'), String(max));
    return new ProcessLimit(dir);
  }

  get procsFile(): string {
    return path.join(this.dir, 'cgroup.procs');
  }

  /** Removes the cgroup once its processes are gone (the sandbox's end kills them); any left are killed. Never rejects. */
  async remove(): Promise<void> {
    for (let attempt = 0; attempt < 50; attempt++) {
      try {
        await fs.rmdir(this.dir);
        return;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EBUSY') return;
        const pids = await fs.readFile(this.procsFile, 'utf8').catch(() => '');
        for (const pid of pids.split('\n').filter(Boolean)) {
          try {
            process.kill(Number(pid), 'SIGKILL');
          } catch {
            // Gone meanwhile.
          }
        }
        await delay(10);
      }
    }
  }
}
