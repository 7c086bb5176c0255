import { statSync } from 'node:fs';
import * as path from 'node:path';

/**
 * Host paths that no kernel sandbox of this process may see, beyond those every sandbox hides: the
 * service's token file, say. A sandboxed kernel runs as the service's own user mapped to `nobody`, so it can
 * read whatever that user can on the read-only root; these are covered up instead.
 */
const hidden = new Set<string>();

export function hideFromKernels(file: string): void {
  hidden.add(path.resolve(file));
}

/** What to cover up: folders get an empty tmpfs over them, files /dev/null (which a sandbox may not open: binds are nodev). */
export interface HiddenPaths {
  folders: string[];
  files: string[];
}

/**
 * The paths hidden from every kernel (hideFromKernels), with the folders that hold CellBridge's other temp
 * files: a kernel's connection folder's parent holds the connection files (signing keys) of every other
 * kernel, and a run folder's parent the other runs' files. Under /tmp they are hidden already; a TMPDIR
 * elsewhere (/var/tmp) would show them read-only, and a ZeroMQ socket can be connected to even there.
 */
export function pathsToHide(connectionDir: string, workDir: string, isRunDir: boolean): HiddenPaths {
  const folders = new Set([path.dirname(connectionDir)]);
  if (isRunDir) folders.add(path.dirname(workDir));
  const files: string[] = [];
  for (const entry of hidden) {
    try {
      if (statSync(entry).isDirectory()) folders.add(entry);
      else files.push(entry);
    } catch {
      // Gone: nothing to hide.
    }
  }
  return { folders: [...folders].filter((folder) => folder !== '/'), files };
}
