import { promises as fs } from 'node:fs';

/**
 * Removes a folder and everything in it, as `rm -rf` does, trying again for a moment when the folder is
 * still busy or gets an entry while it is emptied (EBUSY, ENOTEMPTY): a kernel killed just before (its
 * sandbox's mounts and processes going away) can hold its run or connection folder for a few milliseconds.
 */
export function removeTree(dir: string): Promise<void> {
  return fs.rm(dir, { recursive: true, force: true, maxRetries: 10, retryDelay: 20 });
}
