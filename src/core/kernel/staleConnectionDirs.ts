import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

/**
 * Connection files live in a private temp dir named after the process that owns the kernel. A process that
 * is killed (a VS Code window torn down, `kill -9`) cannot remove its dirs; the next CellBridge process
 * removes those whose owner is gone, so keys and dirs do not pile up in /tmp.
 */
export const CONNECTION_DIR_PREFIX = 'cellbridge-kernel-';

export function connectionDirPrefix(ownerPid = process.pid): string {
  return `${CONNECTION_DIR_PREFIX}${ownerPid}-`;
}

const OWNED_DIR = new RegExp(`^${CONNECTION_DIR_PREFIX}(\\d+)-`);

/** Removes this user's connection dirs whose owning process no longer runs; returns the dirs removed. */
export async function removeStaleConnectionDirs(tmpDir = os.tmpdir()): Promise<string[]> {
  const removed: string[] = [];
  for (const name of await fs.readdir(tmpDir).catch(() => [] as string[])) {
    const owner = OWNED_DIR.exec(name)?.[1];
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
