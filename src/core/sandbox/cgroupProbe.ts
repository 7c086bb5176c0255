import { randomBytes } from 'node:crypto';
import { promises as fs, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { isRunning } from '../kernel/staleConnectionDirs';

/** The cgroup controllers a sandboxed kernel's limits use. */
export type CgroupController = 'pids' | 'memory' | 'cpu';
export const CGROUP_CONTROLLERS: readonly CgroupController[] = ['pids', 'memory', 'cpu'];

/**
 * A cgroup of this process's in which it may make one child per kernel, and the controllers such a child
 * has. cgroup v1 has one hierarchy per controller (so up to three of these); v2 one for all.
 */
export interface CgroupParent {
  dir: string;
  version: 1 | 2;
  controllers: CgroupController[];
}

/** Where each controller's kernel cgroups go, and why the controllers that cannot be had are missing. */
export interface CgroupSupport {
  parents: CgroupParent[];
  missing: ReadonlyMap<CgroupController, string>;
}

/** The name of a kernel's cgroup: the owner's pid in it, so that a later process can tell a stale one. */
export const KERNEL_CGROUP_PATTERN = /^cellbridge-(\d+)-[0-9a-f]+$/;

let probed: Promise<CgroupSupport> | undefined;

/** Finds, once per process, where kernel cgroups can be made, by making (and removing) one in each candidate. */
export function probeCgroups(): Promise<CgroupSupport> {
  probed ??= findParents();
  return probed;
}

/** The controller a cgroup directory has, by the file that sets its limit there (v1 and v2 names differ). */
const LIMIT_FILES: Record<CgroupController, Record<1 | 2, string>> = {
  pids: { 1: 'pids.max', 2: 'pids.max' },
  memory: { 1: 'memory.limit_in_bytes', 2: 'memory.max' },
  cpu: { 1: 'cpu.cfs_quota_us', 2: 'cpu.max' },
};

export function limitFile(controller: CgroupController, version: 1 | 2): string {
  return LIMIT_FILES[controller][version];
}

async function findParents(): Promise<CgroupSupport> {
  let candidates: CgroupParent[];
  try {
    candidates = cgroupCandidates(await fs.readFile('/proc/self/mountinfo', 'utf8'), await fs.readFile('/proc/self/cgroup', 'utf8'), delegatedControllers);
  } catch {
    candidates = [];
  }
  const parents: CgroupParent[] = [];
  for (const candidate of candidates) {
    const usable = await usableControllers(candidate);
    if (usable.length) parents.push({ ...candidate, controllers: usable });
  }
  const missing = new Map<CgroupController, string>();
  for (const controller of CGROUP_CONTROLLERS) {
    if (parents.some((parent) => parent.controllers.includes(controller))) continue;
    const offered = candidates.some((candidate) => candidate.controllers.includes(controller));
    missing.set(
      controller,
      offered
        ? `no ${controller} cgroup this process may create (not writable by its user)`
        : `no ${controller} cgroup controller for this process (cgroup v1 ${controller} hierarchy, or v2 with ${controller} delegated)`,
    );
  }
  return { parents, missing };
}

/** The candidate's controllers that a child made there really has; stale kernel cgroups there are removed. */
async function usableControllers(candidate: CgroupParent): Promise<CgroupController[]> {
  const probe = path.join(candidate.dir, `cellbridge-probe-${process.pid}-${randomBytes(3).toString('hex')}`);
  try {
    await fs.mkdir(probe);
  } catch {
    return []; // Not writable by this user.
  }
  try {
    const usable: CgroupController[] = [];
    for (const controller of candidate.controllers) {
      if (await fs.access(path.join(probe, limitFile(controller, candidate.version))).then(() => true, () => false)) usable.push(controller);
    }
    if (usable.length) await removeStaleCgroups(candidate.dir);
    return usable;
  } finally {
    await fs.rmdir(probe).catch(() => undefined);
  }
}

/**
 * Removes the empty cgroups that processes which are gone left behind (killed, they could not clean up), as
 * staleConnectionDirs does for connection directories. A cgroup with processes in it is never touched.
 */
async function removeStaleCgroups(parent: string): Promise<void> {
  for (const entry of await fs.readdir(parent).catch(() => [])) {
    const owner = KERNEL_CGROUP_PATTERN.exec(entry)?.[1];
    if (owner === undefined || isRunning(Number(owner))) continue;
    // rmdir fails on a cgroup that still has processes: only empty ones go.
    await fs.rmdir(path.join(parent, entry)).catch(() => undefined);
  }
}

/**
 * This process's own cgroups that have controllers the kernels' limits use, from /proc/self/mountinfo and
 * /proc/self/cgroup: each v1 hierarchy of one of them, and the v2 cgroup with those it delegates to children.
 */
export function cgroupCandidates(mountinfo: string, cgroupFile: string, delegated: (dir: string) => string[]): CgroupParent[] {
  const ownPaths = new Map<string, string>();
  for (const line of cgroupFile.split('\n')) {
    const [id, controllers, cgroupPath] = line.split(':');
    if (cgroupPath === undefined) continue;
    ownPaths.set(id === '0' ? '' : controllers!, cgroupPath);
  }
  const candidates: CgroupParent[] = [];
  for (const line of mountinfo.split('\n')) {
    // "id parent major:minor root mountpoint options ... - fstype source superoptions"
    const [before, after] = line.split(' - ');
    if (!before || !after) continue;
    const [, , , root, mountPoint] = before.split(' ');
    const [fstype, , superOptions] = after.split(' ');
    if (!root || !mountPoint) continue;
    if (fstype === 'cgroup') {
      const options = superOptions?.split(',') ?? [];
      const controllers = CGROUP_CONTROLLERS.filter((controller) => options.includes(controller));
      if (!controllers.length) continue;
      const own = [...ownPaths].find(([names]) => names.split(',').includes(controllers[0]!))?.[1];
      if (own !== undefined) candidates.push({ dir: path.join(mountPoint, path.relative(root, own)), version: 1, controllers });
    } else if (fstype === 'cgroup2') {
      const own = ownPaths.get('');
      if (own === undefined) continue;
      const dir = path.join(mountPoint, path.relative(root, own));
      const controllers = CGROUP_CONTROLLERS.filter((controller) => delegated(dir).includes(controller));
      if (controllers.length) candidates.push({ dir, version: 2, controllers });
    }
  }
  return candidates;
}

/**
 * The controllers a v2 cgroup passes on to the children made in it. v2 lets a cgroup pass controllers on
 * only while it holds no process itself; systemd's `Delegate=` gives a service its cgroup with controllers
 * available (cgroup.controllers) but none passed on. As systemd's delegation notes describe, the service
 * then moves itself into a leaf of its own and turns them on: done here only when this process is alone in
 * its cgroup, so that nothing else is moved. (Not exercised on the machine this was written on, whose v2
 * hierarchy has no controllers.)
 */
function delegatedControllers(dir: string): string[] {
  const read = (file: string): string[] => {
    try {
      return readFileSync(path.join(dir, file), 'utf8').split(/\s+/).filter(Boolean);
    } catch {
      return [];
    }
  };
  const passedOn = read('cgroup.subtree_control');
  if (CGROUP_CONTROLLERS.some((controller) => passedOn.includes(controller))) return passedOn;
  const available = CGROUP_CONTROLLERS.filter((controller) => read('cgroup.controllers').includes(controller));
  const members = read('cgroup.procs');
  if (!available.length || members.length !== 1 || members[0] !== String(process.pid)) return passedOn;
  try {
    const leaf = path.join(dir, 'cellbridge-service');
    mkdirSync(leaf, { recursive: true });
    writeFileSync(path.join(leaf, 'cgroup.procs'), String(process.pid));
    writeFileSync(path.join(dir, 'cgroup.subtree_control'), available.map((controller) => `+${controller}`).join(' '));
  } catch {
    // Not ours to change: no limits of these kinds, and the start-up line says so.
  }
  return read('cgroup.subtree_control');
}
