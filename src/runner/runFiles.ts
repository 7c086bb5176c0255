import { constants, promises as fs } from 'node:fs';
import * as path from 'node:path';

/** Writes the request's files (already checked to be relative and inside) into the run's directory. */
export async function writeRunFiles(workDir: string, files: Record<string, string>): Promise<void> {
  for (const [relative, base64] of Object.entries(files)) {
    const target = path.join(workDir, relative);
    await fs.mkdir(path.dirname(target), { recursive: true });
    await fs.writeFile(target, Buffer.from(base64, 'base64'));
  }
}

/**
 * Reads back the files asked for, base64. A cell can make a symlink to anywhere, so a path counts only
 * if its real location is still inside the run's directory; anything else, like a missing file, is absent
 * from the answer (as in SandboxFusion). Only regular files are read: a FIFO or a device the cell made
 * would block the read (and the thread doing it, which even keeps the process from exiting) for ever.
 */
export async function readRunFiles(workDir: string, names: readonly string[]): Promise<Record<string, string>> {
  const root = await fs.realpath(workDir);
  const files: Record<string, string> = {};
  for (const relative of names) {
    const content = await readRegularFileInside(root, relative);
    if (content) files[relative] = content.toString('base64');
  }
  return files;
}

async function readRegularFileInside(root: string, relative: string): Promise<Buffer | undefined> {
  let handle: fs.FileHandle | undefined;
  try {
    const real = await fs.realpath(path.join(root, relative));
    if (!real.startsWith(root + path.sep)) return undefined;
    // O_NONBLOCK: opening a FIFO returns at once instead of waiting for a writer. O_NOFOLLOW: a symlink
    // put in place of the file since realpath() looked is not followed.
    handle = await fs.open(real, constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOFOLLOW);
    if (!(await handle.stat()).isFile()) return undefined;
    return await handle.readFile();
  } catch {
    return undefined; // Not there, or not a readable file.
  } finally {
    await handle?.close();
  }
}
