/**
 * The run-cells request (shared/reference/run-jupyter.md): its JSON is checked once here, and everything
 * after works on a typed RunRequest. Field names and defaults follow SandboxFusion's Jupyter mode so its
 * clients work unchanged; fields we do not know (SandboxFusion clients send e.g. `language`) are ignored.
 */
import { posix } from 'node:path';
import { InvalidInputError } from '../core/common/errors';
import { describeJsonType, isJsonObject, JsonObject } from '../core/formats/jsonInput';

export interface RunRequest {
  /** Code of each cell, run in order in one fresh kernel. */
  cells: string[];
  /** Kernelspec name. */
  kernel: string;
  /** Per cell, in seconds; 0 = none. */
  cellTimeoutSeconds: number;
  /** Whole run, in seconds; default 45, 0 = none. */
  totalTimeoutSeconds: number;
  /** Limit on the kernel's memory in MB; -1 = none. */
  memoryLimitMB: number;
  /** Normalized relative path → base64 content, written into the run's working directory first. */
  files: Record<string, string>;
  /** Paths to read back after the run, as the client spelled them (the response is keyed by them). */
  fetchFiles: string[];
  /** true: cells after a failing cell are cancelled. */
  stopOnError: boolean;
  /** Tags of each cell (notebook `metadata.tags`), parallel to `cells`; absent for plain requests. */
  cellTags?: string[][];
}

export const DEFAULT_KERNEL = 'python3';
export const DEFAULT_TOTAL_TIMEOUT_SECONDS = 45;
export const NO_MEMORY_LIMIT = -1;

/** A request with the contract's defaults, for inputs (notebooks, scripts) that give only cells. */
export function defaultRunRequest(cells: string[], kernel: string = DEFAULT_KERNEL): RunRequest {
  return {
    cells,
    kernel,
    cellTimeoutSeconds: 0,
    totalTimeoutSeconds: DEFAULT_TOTAL_TIMEOUT_SECONDS,
    memoryLimitMB: NO_MEMORY_LIMIT,
    files: {},
    fetchFiles: [],
    stopOnError: false,
  };
}

/** Validates the JSON body of a run request; throws InvalidInputError naming the first field at fault. */
export function parseRunRequest(body: unknown): RunRequest {
  if (!isJsonObject(body)) {
    throw new InvalidInputError('request', `must be a JSON object, got ${describeJsonType(body)}`);
  }
  return {
    cells: parseCells(body.cells),
    kernel: optionalField(body, 'kernel', checkKernelName, DEFAULT_KERNEL),
    cellTimeoutSeconds: optionalField(body, 'cell_timeout', parseSeconds, 0),
    totalTimeoutSeconds: optionalField(body, 'total_timeout', parseSeconds, DEFAULT_TOTAL_TIMEOUT_SECONDS),
    memoryLimitMB: optionalField(body, 'memory_limit_MB', parseMemoryLimit, NO_MEMORY_LIMIT),
    files: optionalField(body, 'files', parseFiles, {}),
    fetchFiles: optionalField(body, 'fetch_files', parseFetchFiles, []),
    stopOnError: optionalField(body, 'stop_on_error', parseBoolean, false),
  };
}

/**
 * Checks that `p` names a file inside the run's working directory and returns it normalized
 * (`a/./b` → `a/b`). Rejects empty paths, NUL, backslashes, absolute paths and any `..` that escapes.
 */
export function safeRelativePath(field: string, p: string): string {
  if (p.length === 0) throw new InvalidInputError(field, 'the path is empty');
  if (p.includes('\0')) throw new InvalidInputError(field, 'the path contains a NUL character');
  // On Windows `\` separates folders, so `..\x` would escape there; one spelling keeps the check simple.
  if (p.includes('\\')) throw new InvalidInputError(field, 'use / to separate folders; backslashes are not allowed');
  if (p.startsWith('/') || /^[A-Za-z]:/.test(p)) {
    throw new InvalidInputError(field, "the path must be relative to the run's working directory, not absolute");
  }
  const normalized = posix.normalize(p);
  if (normalized === '..' || normalized.startsWith('../')) {
    throw new InvalidInputError(field, "the path leads outside the run's working directory");
  }
  if (normalized === '.' || normalized.endsWith('/')) {
    throw new InvalidInputError(field, 'the path names a folder, not a file');
  }
  return normalized;
}

function optionalField<T>(body: JsonObject, field: string, parse: (field: string, value: unknown) => T, fallback: T): T {
  const value = body[field];
  // Python clients often send None for "not given"; it means the default, as an absent field does.
  return value === undefined || value === null ? fallback : parse(field, value);
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

function parseCells(value: unknown): string[] {
  if (value === undefined) throw new InvalidInputError('cells', 'is required: a list with the code of each cell');
  if (!Array.isArray(value)) throw new InvalidInputError('cells', `must be a list of strings, got ${describeJsonType(value)}`);
  return value.map((cell, index) => {
    if (typeof cell !== 'string') {
      throw new InvalidInputError(`cells[${index}]`, `must be a string of code, got ${describeJsonType(cell)}`);
    }
    // JSON can carry half of a surrogate pair (\ud800); no kernel can take it as text, and one waited for ever.
    const lone = LONE_SURROGATE.exec(cell);
    if (lone) throw new InvalidInputError(`cells[${index}]`, `holds invalid Unicode: a lone surrogate (\\u${lone[0].charCodeAt(0).toString(16)}) at character ${lone.index}`);
    return cell;
  });
}

/** Longer than any kernelspec name; a folder name cannot be much longer anyway. */
const MAX_KERNEL_NAME_LENGTH = 128;

/** Kernelspec names as jupyter_client accepts them; the name becomes a folder name when specs are looked up. */
export function checkKernelName(field: string, value: unknown): string {
  if (typeof value !== 'string') throw new InvalidInputError(field, `must be a kernel name, got ${describeJsonType(value)}`);
  if (value.length > MAX_KERNEL_NAME_LENGTH) throw new InvalidInputError(field, `is ${value.length} characters long; a kernel name has at most ${MAX_KERNEL_NAME_LENGTH}`);
  if (!/^[A-Za-z0-9._-]+$/.test(value) || /^\.+$/.test(value)) {
    throw new InvalidInputError(field, `'${value}' is not a kernel name (letters, digits, '.', '_' and '-' only), e.g. "python3"`);
  }
  return value;
}

/**
 * The longest timeout a timer can hold (2^31 - 1 ms, about 24.8 days). Node fires a longer one after 1 ms,
 * so a generous limit would otherwise end every cell at once.
 */
export const MAX_TIMEOUT_SECONDS = (2 ** 31 - 1) / 1000;

function parseSeconds(field: string, value: unknown): number {
  const seconds = parseFiniteNumber(field, value);
  if (seconds < 0) throw new InvalidInputError(field, `must be 0 (no limit) or a positive number of seconds, got ${seconds}`);
  return Math.min(seconds, MAX_TIMEOUT_SECONDS);
}

function parseMemoryLimit(field: string, value: unknown): number {
  const megabytes = parseFiniteNumber(field, value);
  if (megabytes < 0 && megabytes !== NO_MEMORY_LIMIT) {
    throw new InvalidInputError(field, `must be -1 (no limit) or a positive number of MB, got ${megabytes}`);
  }
  // A 0 MB limit could not even start a kernel; read it as "no limit", as 0 means for the timeouts.
  return megabytes === 0 ? NO_MEMORY_LIMIT : megabytes;
}

function parseFiniteNumber(field: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new InvalidInputError(field, `must be a number, got ${typeof value === 'number' ? String(value) : describeJsonType(value)}`);
  }
  return value;
}

function parseBoolean(field: string, value: unknown): boolean {
  if (typeof value !== 'boolean') throw new InvalidInputError(field, `must be true or false, got ${describeJsonType(value)}`);
  return value;
}

function parseFiles(field: string, value: unknown): Record<string, string> {
  if (!isJsonObject(value)) {
    throw new InvalidInputError(field, `must be an object mapping relative paths to base64 content, got ${describeJsonType(value)}`);
  }
  const entries = Object.entries(value).map(([path, content]): [string, string] => {
    const entryField = `${field}[${JSON.stringify(path)}]`;
    return [safeRelativePath(entryField, path), parseBase64(entryField, content)];
  });
  rejectConflictingPaths(field, entries.map(([path]) => path));
  // fromEntries defines own properties, so even a file named `__proto__` is kept as data.
  return Object.fromEntries(entries);
}

/** Two spellings of one file, or a file that is also another file's folder, cannot both be written. */
function rejectConflictingPaths(field: string, paths: string[]): void {
  const seen = new Set<string>();
  for (const path of paths) {
    if (seen.has(path)) throw new InvalidInputError(`${field}[${JSON.stringify(path)}]`, 'the same file is given twice');
    seen.add(path);
  }
  for (const path of paths) {
    const parts = path.split('/');
    for (let depth = 1; depth < parts.length; depth++) {
      const folder = parts.slice(0, depth).join('/');
      if (seen.has(folder)) {
        throw new InvalidInputError(`${field}[${JSON.stringify(path)}]`, `its folder '${folder}' is also given as a file`);
      }
    }
  }
}

/**
 * Standard base64 (RFC 4648 §4). Whitespace is dropped first because Python's `base64.encodebytes`
 * wraps lines; the check avoids a backtracking regex so multi-megabyte files are cheap to validate.
 */
function parseBase64(field: string, value: unknown): string {
  if (typeof value !== 'string') throw new InvalidInputError(field, `must be base64 text, got ${describeJsonType(value)}`);
  const compact = value.replace(/\s+/g, '');
  const padding = compact.length - compact.replace(/=+$/, '').length;
  const valid =
    /^[A-Za-z0-9+/]*=*$/.test(compact) &&
    padding <= 2 &&
    (padding > 0 ? compact.length % 4 === 0 : compact.length % 4 !== 1);
  if (!valid) throw new InvalidInputError(field, 'is not valid base64 (standard alphabet A-Z a-z 0-9 + /, optional = padding)');
  return compact;
}

function parseFetchFiles(field: string, value: unknown): string[] {
  if (!Array.isArray(value)) throw new InvalidInputError(field, `must be a list of relative paths, got ${describeJsonType(value)}`);
  return value.map((path, index) => {
    const entryField = `${field}[${index}]`;
    if (typeof path !== 'string') throw new InvalidInputError(entryField, `must be a relative path, got ${describeJsonType(path)}`);
    safeRelativePath(entryField, path);
    return path;
  });
}
