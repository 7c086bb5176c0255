import { mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { connectionDirPrefix } from '../kernel/staleConnectionDirs';

let home: string | undefined;

/**
 * The HOME of this process's sandboxed kernels (their IPYTHONDIR and MPLCONFIGDIR are in it): inside each
 * sandbox an empty tmpfs of its own; on the host a folder only this user can enter. It has a host path,
 * rather than living in the sandbox's /tmp, for the fork server of sandboxed kernels (fork/forkServerScript.ts):
 * that server imports matplotlib and starts a throwaway IPython on the host, in the environment its kernels
 * get, and whatever they read there at import (matplotlibrc, IPython's startup files, the user site-packages)
 * must be nobody else's to plant, while the paths they keep must be the ones the kernels use.
 *
 * Named like a connection folder, so that a later process removes it when this one was killed.
 */
export function sandboxHome(): string {
  if (!home) {
    const made = mkdtempSync(path.join(os.tmpdir(), `${connectionDirPrefix()}home-`));
    process.once('exit', () => rmSync(made, { recursive: true, force: true }));
    home = made;
  }
  return home;
}

/** Where a sandboxed kernel's matplotlib keeps its configuration and caches. */
export function sandboxMplConfigDir(sandboxHomeDir = sandboxHome()): string {
  return path.posix.join(sandboxHomeDir, '.matplotlib');
}
