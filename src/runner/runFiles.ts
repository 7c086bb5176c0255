import { promises as fs } from 'node:fs';
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
 * from the answer (as in SandboxFusion).
 */
export async function readRunFiles(workDir: string, names: readonly string[]): Promise<Record<string, string>> {
  const root = await fs.realpath(workDir);
  const files: Record<string, string> = {};
  for (const relative of names) {
    try {
      const real = await fs.realpath(path.join(root, relative));
      if (!real.startsWith(root + path.sep)) continue;
      files[relative] = (await fs.readFile(real)).toString('base64');
    } catch {
      // Not there, or not a readable file.
    }
  }
  return files;
}
