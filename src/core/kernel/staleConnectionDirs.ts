import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

/**
 * Connection files and run directories live in temp dirs named after the process that owns them. A process
 * that is killed (a VS Code window torn down, `kill -9`) cannot remove its dirs; the next CellBridge process
 * removes those whose owner is gone, so keys, uploaded files and dirs do not pile up in /tmp.
 */
export const CONNECTION_DIR_PREFIX = 'cellbridge-kernel-';
export const RUN_DIR_PREFIX = 'cellbridge-run-';

/** The name a temp dir of `kind` owned by `ownerPid` starts with. */
export function ownedDirPrefix(kind: string, ownerPid = process.pid): string {
  return `${kind}${ownerPid}-`;
}

export function connectionDirPrefix(ownerPid = process.pid): string {
  return ownedDirPrefix(CONNECTION_DIR_PREFIX, ownerPid);
}

/** Removes this user's connection dirs whose owning process no longer runs; returns the dirs removed. */
export function removeStaleConnectionDirs(tmpDir = os.tmpdir()): Promise<string[]> {
  return removeStaleOwnedDirs(CONNECTION_DIR_PREFIX, tmpDir);
}

/** Removes this user's temp dirs of `kind` whose owning process no longer runs; returns the dirs removed. */
export async function removeStaleOwnedDirs(kind: string, tmpDir = os.tmpdir()): Promise<string[]> {
  const owned = new RegExp(`^${kind}(\\d+)-`);
  const removed: string[] = [];
  for (const name of await fs.readdir(tmpDir).catch(() => [] as string[])) {
    const owner = owned.exec(name)?.[1];
    if (owner === undefined || isRunning(Number(owner))) continue;
    const dir = path.join(tmpDir, name);
    try {
      const stat = await fs.lstat(dir);
      if (!stat.isDirectory() || stat.uid !== process.getuid?.()) continue;
      await fs.rm(dir, { recursive: true, force: true });
      removed.push(dir);
    } catch {
      // Removed meanwhile by someone else: nothing to do.
    }
  }
  return removed;
}

/** Whether a process of that pid exists (of any user). */
export function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it runs, as another user.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
