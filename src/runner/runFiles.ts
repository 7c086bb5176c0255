import type { promises as fs, Stats } from 'node:fs';
import { posix } from 'node:path';
import { CellBridgeError } from '../core/common/errors';
import { FolderHandle, PathStepError, Resolution, withParentFolder } from './folderHandle';

/**
 * Files into and out of a run's directory (the request's `files` and `fetch_files`). A cell, or a process it
 * left running, can put symlinks, hard links, FIFOs or huge files there, and can keep swapping them while the
 * service works, so every path is walked from a folder handle, one name at a time, never through a link
 * (FolderHandle). Uploads are written before the first cell runs; fetches are read after the last one, while
 * the kernel (and whatever it started) may still be alive.
 */

/** Fetched bytes per run, all files together, unless the caller says otherwise: serve's default body limit. */
export const DEFAULT_MAX_FETCH_BYTES = 64 * 1024 * 1024;

/** An upload that could not be written; the run cannot start without it. */
export class UploadRefusedError extends CellBridgeError {
  readonly code = 'upload_refused';
  constructor(readonly file: string, reason: string) {
    super(`files[${JSON.stringify(file)}] could not be written: ${reason}.`);
  }
}

/**
 * Writes the request's files (already checked to be relative and inside) into the run's directory, making
 * their folders on the way. Nothing is written through a link in any component, and no existing file is
 * replaced. Safe against swaps: each step resolves from the folder handle already held (FolderHandle). And in a
 * sandbox nothing else could swap anyway: only the run's own kernel can write in its directory, and it has run
 * none of the request's code yet. The first file refused ends the run, before any cell runs (UploadRefusedError).
 */
export async function writeRunFiles(workDir: string, files: Record<string, string>, resolution?: Resolution): Promise<void> {
  const entries = Object.entries(files);
  if (entries.length === 0) return;
  // The run's directory is the service's own, just made: failing to open it is the service's failure, not the file's.
  const root = await FolderHandle.open(workDir, resolution);
  try {
    for (const [relative, base64] of entries) {
      try {
        await withParentFolder(root, posix.normalize(relative), { create: true }, (folder, name) => folder.createFile(name, Buffer.from(base64, 'base64')));
      } catch (error) {
        throw new UploadRefusedError(relative, stepProblem(error, 'written'));
      }
    }
  } finally {
    await root.close().catch(() => undefined);
  }
}

/** What came back of `fetch_files`: each name in one of the two, as the client spelled it. */
export interface FetchedFiles {
  /** Name → base64 content. */
  files: Record<string, string>;
  /** Name → why it is not in `files` (missing, a link, not a regular file, over the fetch limit…). */
  errors: Record<string, string>;
}

/**
 * Reads back the files asked for, base64, in order, until `maxBytes` have been read in all; a file that
 * would pass the limit is refused by itself and later, smaller ones are still read. Never rejects: whatever
 * goes wrong with a file is its entry in `errors` (the run's results are worth more than any one file).
 */
export async function readRunFiles(workDir: string, names: readonly string[], maxBytes = DEFAULT_MAX_FETCH_BYTES, resolution?: Resolution): Promise<FetchedFiles> {
  // Maps, not objects, until the end: a file may be called `__proto__`.
  const files = new Map<string, string>();
  const errors = new Map<string, string>();
  const answer = (): FetchedFiles => ({ files: Object.fromEntries(files), errors: Object.fromEntries(errors) });
  if (names.length === 0) return answer();
  let root: FolderHandle;
  try {
    root = await FolderHandle.open(workDir, resolution);
  } catch (error) {
    for (const name of names) errors.set(name, `the run's directory could not be opened (${codeOf(error)})`);
    return answer();
  }
  let left = maxBytes;
  try {
    for (const name of names) {
      if (files.has(name) || errors.has(name)) continue;
      try {
        const content = await withParentFolder(root, posix.normalize(name), { create: false }, (folder, last) => readRegularFile(folder, last, left, maxBytes));
        left -= content.length;
        files.set(name, content.toString('base64'));
      } catch (error) {
        errors.set(name, error instanceof FetchRefusal ? error.message : stepProblem(error, 'read'));
      }
    }
  } finally {
    await root.close().catch(() => undefined);
  }
  return answer();
}

/** A file that was found but is not one the service reads back; its message is the reason given to the client. */
class FetchRefusal extends Error {}

async function readRegularFile(folder: FolderHandle, name: string, left: number, maxBytes: number): Promise<Buffer> {
  const file = await folder.openForReading(name);
  try {
    const stats = await file.stat();
    // Only regular files: reading a FIFO or a device the cell made would block (and hold a thread) for ever.
    if (!stats.isFile()) throw new FetchRefusal(`it is ${kindOf(stats)}, not a regular file`);
    // A hard link is the same file under two names, and nothing tells whether the other name is inside the
    // run: unsandboxed, a cell can os.link('/etc/shadow', 'x') on the same filesystem and have the service
    // read what only the service may. So a file with more than one link is refused, even when both are inside.
    // (In a sandbox such a link cannot be made: the run directory is a mount of its own, and link() never
    // crosses mounts.) The count is the opened file's own, so no rename after the check changes it.
    if (stats.nlink > 1) throw new FetchRefusal(`it has ${stats.nlink} hard links, and a hard-linked file may be one from outside the run; only files with a single link are read`);
    if (stats.size > left) throw new FetchRefusal(overLimit(stats.size, left, maxBytes));
    const content = await readAtMost(file, left);
    // The kernel may still be writing to it.
    if (!content) throw new FetchRefusal(`it grew past the ${left} bytes left of the fetch limit while it was read`);
    return content;
  } finally {
    await file.close().catch(() => undefined);
  }
}

const CHUNK_BYTES = 1024 * 1024;

/** The whole file, or undefined once it proves longer than `limit` bytes (never reading more than one byte past it). */
async function readAtMost(file: fs.FileHandle, limit: number): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  let total = 0;
  for (;;) {
    const chunk = Buffer.allocUnsafe(Math.min(CHUNK_BYTES, limit - total + 1));
    const { bytesRead } = await file.read(chunk, 0, chunk.length, null);
    if (bytesRead === 0) return Buffer.concat(chunks, total);
    total += bytesRead;
    if (total > limit) return undefined;
    chunks.push(chunk.subarray(0, bytesRead));
  }
}

function overLimit(size: number, left: number, maxBytes: number): string {
  return left === maxBytes
    ? `it is ${size} bytes, over the fetch limit of ${maxBytes} bytes per run`
    : `it is ${size} bytes, more than the ${left} bytes left of the fetch limit of ${maxBytes} bytes per run (files listed before it took the rest)`;
}

function kindOf(stats: Stats): string {
  if (stats.isDirectory()) return 'a folder';
  if (stats.isFIFO()) return 'a FIFO';
  if (stats.isSocket()) return 'a socket';
  if (stats.isCharacterDevice() || stats.isBlockDevice()) return 'a device';
  return 'something else';
}

/** Why a step of writing or reading a file of `files`/`fetch_files` failed, for the client. */
function stepProblem(error: unknown, verb: 'written' | 'read'): string {
  if (!(error instanceof PathStepError)) return `it could not be ${verb} (${codeOf(error)})`;
  const subject = error.step === 'file' ? 'it' : `its folder '${error.at}'`;
  switch (error.code) {
    case 'ELOOP':
      return `${subject} is a symbolic link, and files are never ${verb} through links`;
    case 'ENOENT':
      return `${subject} does not exist`;
    case 'ENOTDIR':
      // Only a folder step opens with O_DIRECTORY; for the file itself, a part above it would be at fault.
      return error.step === 'file' ? `a part of its path is not a folder` : `${subject} is not a folder`;
    case 'EEXIST':
      return error.step === 'file' ? 'it already exists in the run\'s directory, and an upload never replaces a file' : `${subject} cannot be made`;
    default:
      return `${subject} could not be ${error.step === 'file' ? verb : 'opened'} (${error.code ?? codeOf(error.cause)})`;
  }
}

function codeOf(error: unknown): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return typeof code === 'string' ? code : error instanceof Error ? error.message : String(error);
}
