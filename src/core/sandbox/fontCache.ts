import { execFile } from 'node:child_process';
import { promises as fs, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ownedDirPrefix, removeStaleOwnedDirs } from '../kernel/staleConnectionDirs';
import type { ReadOnlyFile } from './bubblewrap';
import { sandboxedCommand } from './sandboxedCommand';
import { sandboxMplConfigDir } from './sandboxHome';

const FONT_CACHE_PREFIX = 'cellbridge-fonts-';
const BUILD_TIMEOUT_MS = 120_000;

/**
 * matplotlib builds its font list (`fontlist-vNNN.json`, from a scan of the system's fonts) in MPLCONFIGDIR
 * the first time it is imported. A sandbox's MPLCONFIGDIR is in its private HOME, so every sandboxed kernel
 * built it again: 150–220 ms of CPU per kernel of the service's pool (bench:service). It is built once per
 * interpreter instead, in a sandbox of its own (so that it names the fonts a sandbox sees), before any
 * kernel's code runs, and each sandbox gets the files read-only in its MPLCONFIGDIR, which stays writable for
 * anything else matplotlib keeps there. An interpreter without matplotlib builds nothing: no files.
 *
 * Owned by whoever starts the kernels (a service): its lists live as long as it does.
 */
export class SharedFontCaches {
  private readonly builds = new Map<string, Promise<ReadOnlyFile[]>>();
  /** The folders the builds made; removed by dispose (or, at the latest, when this process exits). */
  private readonly folders = new Set<string>();

  /** The font list files for kernels of this interpreter, built on first use. Never rejects. */
  filesFor(python: string, baseEnv: NodeJS.ProcessEnv): Promise<ReadOnlyFile[]> {
    let build = this.builds.get(python);
    if (!build) {
      build = this.build(python, baseEnv).catch(() => []);
      this.builds.set(python, build);
    }
    return build;
  }

  /**
   * Removes the lists, for a service that closes: nothing of it stays in the temp dir. Kernels still running
   * keep the files they were given (a bind holds the file); a kernel started later builds the list again.
   */
  async dispose(): Promise<void> {
    const built = [...this.builds.values()];
    this.builds.clear();
    await Promise.all(built);
    const removing = [...this.folders];
    this.folders.clear();
    await Promise.all(removing.map((dir) => fs.rm(dir, { recursive: true, force: true })));
  }

  private async build(python: string, baseEnv: NodeJS.ProcessEnv): Promise<ReadOnlyFile[]> {
    await removeStaleOwnedDirs(FONT_CACHE_PREFIX).catch(() => []);
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), ownedDirPrefix(FONT_CACHE_PREFIX)));
    this.folders.add(dir);
    process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
    return fontListsBuiltIn(dir, python, baseEnv);
  }
}

async function fontListsBuiltIn(dir: string, python: string, baseEnv: NodeJS.ProcessEnv): Promise<ReadOnlyFile[]> {
  const command = sandboxedCommand([python, '-c', 'import matplotlib.font_manager'], { workDir: dir, connectionDir: dir, specEnv: { MPLCONFIGDIR: dir }, baseEnv });
  // Fails where matplotlib is missing: then there is nothing to share, and kernels build their own if they ever need one.
  await new Promise<void>((resolve) => execFile(command[0]!, command.slice(1), { timeout: BUILD_TIMEOUT_MS, env: { PATH: baseEnv.PATH ?? '/usr/bin:/bin' } }, () => resolve()));
  // fontlist-v330.json (matplotlib 3.6), fontlist-v3.11.0.json (3.11): named by its cache format version.
  const lists = (await fs.readdir(dir)).filter((name) => /^fontlist-v[0-9.]+\.json$/.test(name));
  return lists.map((name) => ({ source: path.join(dir, name), target: path.posix.join(sandboxMplConfigDir(), name) }));
}
