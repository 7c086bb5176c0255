import { constants, promises as fs } from 'node:fs';
import * as path from 'node:path';

// Undefined where the platform has no such flag (Windows); the path resolution below checks by lstat there.
const O_NOFOLLOW = constants.O_NOFOLLOW ?? 0;
const O_DIRECTORY = constants.O_DIRECTORY ?? 0;
const O_NONBLOCK = constants.O_NONBLOCK ?? 0;

/**
 * How names below a folder are found. `descriptor` (Linux): the folder is held open, and `/proc/self/fd/N/name`
 * names `name` in the very folder descriptor N holds: the kernel starts from the descriptor, not from a path, so
 * a folder renamed or swapped for a symlink since it was opened changes nothing we hold. With O_NOFOLLOW on the
 * one component left, each step is as race-free as openat(), which Node lacks. `path` (hosts without /proc,
 * where `serve` has no sandbox either): names are joined to the folder's path and each step is checked as it is
 * taken; a component swapped between two steps could go unnoticed there.
 */
export type Resolution = 'descriptor' | 'path';

/** A failed step below a folder, with the errno code (ELOOP for a symlink, ENOTDIR, ENOENT, EEXIST…). */
function errnoError(code: string, message: string): NodeJS.ErrnoException {
  return Object.assign(new Error(`${code}: ${message}`), { code });
}

/**
 * A folder whose entries are opened relative to it, one name at a time, never through a symbolic link: a link
 * where a folder or a file is expected fails with ELOOP. Close it when done.
 */
export class FolderHandle {
  private constructor(
    /** Held in `descriptor` resolution; undefined in `path` resolution. */
    private readonly handle: fs.FileHandle | undefined,
    /** Where the folder was when it was opened (for `path` resolution). */
    private readonly location: string,
  ) {}

  /**
   * Opens `folder` itself without following a link in its last component (a cell could put one in place of
   * its run directory when unsandboxed); the components above it are the host's, as the service was given them.
   */
  static async open(folder: string, resolution: Resolution = defaultResolution()): Promise<FolderHandle> {
    if (resolution === 'path') {
      await expectFolder(folder);
      return new FolderHandle(undefined, folder);
    }
    const handle = await fs.open(folder, constants.O_RDONLY | O_DIRECTORY | O_NOFOLLOW);
    try {
      // /proc can be missing or mounted oddly (a container): then names resolve by path instead.
      const [held, seen] = await Promise.all([handle.stat(), fs.stat(descriptorPath(handle)).catch(() => undefined)]);
      if (seen && seen.ino === held.ino && seen.dev === held.dev) return new FolderHandle(handle, folder);
    } catch (error) {
      await handle.close();
      throw error;
    }
    await handle.close();
    return FolderHandle.open(folder, 'path');
  }

  /** The folder `name` in this one; made first (if missing) when `create`. Fails with ELOOP on a symlink, ENOTDIR on a file. */
  async folder(name: string, options: { create: boolean }): Promise<FolderHandle> {
    const at = this.pathOf(name);
    if (options.create) {
      // mkdir never follows a link in its last component: a symlink already there is EEXIST, refused just below.
      await fs.mkdir(at).catch((error: NodeJS.ErrnoException) => {
        if (error.code !== 'EEXIST') throw error;
      });
    }
    if (!this.handle) {
      await expectFolder(at);
      return new FolderHandle(undefined, at);
    }
    try {
      return new FolderHandle(await fs.open(at, constants.O_RDONLY | O_DIRECTORY | O_NOFOLLOW), at);
    } catch (error) {
      // Linux answers ENOTDIR, not ELOOP, for a symlink opened with O_DIRECTORY | O_NOFOLLOW. It is refused
      // either way; this look only names it (a swap meanwhile would change the message, nothing else).
      const isLink = (error as NodeJS.ErrnoException).code === 'ENOTDIR' && (await fs.lstat(at).catch(() => undefined))?.isSymbolicLink();
      throw isLink ? errnoError('ELOOP', `'${name}' is a symbolic link`) : error;
    }
  }

  /**
   * Creates the file `name` with `content`. O_EXCL: never an existing file, which could be a hard link to one
   * outside; with O_CREAT it also refuses a symlink in its place, even one that leads nowhere (EEXIST).
   */
  async createFile(name: string, content: Uint8Array): Promise<void> {
    const file = await fs.open(this.pathOf(name), constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | O_NOFOLLOW, 0o666);
    try {
      await file.writeFile(content);
    } finally {
      await file.close();
    }
  }

  /**
   * Opens the entry `name` for reading, refusing a symlink (ELOOP). O_NONBLOCK: a FIFO opens at once instead
   * of waiting for a writer. The caller checks what it opened (fstat) and closes it.
   */
  async openForReading(name: string): Promise<fs.FileHandle> {
    const at = this.pathOf(name);
    if (!this.handle && (await fs.lstat(at)).isSymbolicLink()) throw errnoError('ELOOP', `'${at}' is a symbolic link`);
    return fs.open(at, constants.O_RDONLY | O_NONBLOCK | O_NOFOLLOW);
  }

  async close(): Promise<void> {
    await this.handle?.close();
  }

  private pathOf(name: string): string {
    if (name === '' || name === '.' || name === '..' || name.includes('/')) throw new Error(`'${name}' is not one name in a folder`);
    return this.handle ? `${descriptorPath(this.handle)}/${name}` : path.join(this.location, name);
  }
}

/**
 * Runs `use` with the folder holding `relative` (a normalized relative path, `a/b/c`) and its last name, after
 * opening each folder on the way from `root`, never through a link, making missing ones when `create`. A
 * failed step is a PathStepError naming the part of `relative` at fault. The folders opened are closed after.
 */
export async function withParentFolder<T>(
  root: FolderHandle,
  relative: string,
  options: { create: boolean },
  use: (folder: FolderHandle, name: string) => Promise<T>,
): Promise<T> {
  const names = relative.split('/');
  const last = names.pop()!;
  const opened: FolderHandle[] = [];
  try {
    let folder = root;
    for (const [depth, name] of names.entries()) {
      try {
        folder = await folder.folder(name, options);
      } catch (error) {
        throw new PathStepError(names.slice(0, depth + 1).join('/'), 'folder', error);
      }
      opened.push(folder);
    }
    try {
      return await use(folder, last);
    } catch (error) {
      throw error instanceof PathStepError || !isErrno(error) ? error : new PathStepError(relative, 'file', error);
    }
  } finally {
    for (const folder of opened.reverse()) await folder.close().catch(() => undefined);
  }
}

/**
 * A step below a run's folder failed: `at` is the part of the path at fault, `step` whether that was a folder on
 * the way or the file itself (then `at` is the whole path). `code` is the errno code (ELOOP: a symlink).
 */
export class PathStepError extends Error {
  readonly code: string | undefined;

  constructor(readonly at: string, readonly step: 'folder' | 'file', cause: unknown) {
    super(`'${at}': ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
    this.name = 'PathStepError';
    // EMLINK: what FreeBSD's O_NOFOLLOW answers on a symlink, where Linux and macOS answer ELOOP.
    const code = isErrno(cause) ? cause.code : undefined;
    this.code = code === 'EMLINK' ? 'ELOOP' : code;
  }
}

function isErrno(error: unknown): error is NodeJS.ErrnoException {
  return error instanceof Error && typeof (error as NodeJS.ErrnoException).code === 'string';
}

function descriptorPath(handle: fs.FileHandle): string {
  return `/proc/self/fd/${handle.fd}`;
}

function defaultResolution(): Resolution {
  return process.platform === 'linux' ? 'descriptor' : 'path';
}

async function expectFolder(at: string): Promise<void> {
  const stats = await fs.lstat(at);
  if (stats.isSymbolicLink()) throw errnoError('ELOOP', `'${at}' is a symbolic link`);
  if (!stats.isDirectory()) throw errnoError('ENOTDIR', `'${at}' is not a folder`);
}
