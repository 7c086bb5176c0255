import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { InvalidInputError, KernelNotFoundError } from '../common/errors';
import { findPythonPrefix, jupyterDataDirs } from './jupyterPaths';

/** A kernelspec (https://jupyter-client.readthedocs.io/en/stable/kernels.html#kernel-specs). */
export interface Kernelspec {
  /** The directory name, lower-cased as Jupyter does. */
  readonly name: string;
  readonly displayName: string;
  readonly language: string;
  readonly argv: readonly string[];
  readonly env: Readonly<Record<string, string>>;
  readonly interruptMode: 'signal' | 'message';
  readonly resourceDir: string;
  readonly metadata: Readonly<Record<string, unknown>>;
}

export interface KernelspecDiscoveryOptions {
  env?: NodeJS.ProcessEnv;
  /** Overrides the Python prefix lookup (undefined: ask Python). */
  pythonPrefix?: string | null;
}

/** Every kernelspec Jupyter would find, first directory wins for each name, sorted by name. */
export async function findKernelspecs(options: KernelspecDiscoveryOptions = {}): Promise<Kernelspec[]> {
  const env = options.env ?? process.env;
  const prefix = options.pythonPrefix === undefined ? await findPythonPrefix(env) : options.pythonPrefix ?? undefined;
  const found = new Map<string, Kernelspec>();
  for (const dataDir of jupyterDataDirs(env, prefix)) {
    for (const spec of await readKernelsDir(path.join(dataDir, 'kernels'))) {
      if (!found.has(spec.name)) found.set(spec.name, spec);
    }
  }
  return [...found.values()].sort((a, b) => a.name.localeCompare(b.name));
}

export async function findKernelspec(name: string, options: KernelspecDiscoveryOptions = {}): Promise<Kernelspec> {
  const specs = await findKernelspecs(options);
  const spec = specs.find((s) => s.name === name.toLowerCase());
  if (!spec) throw new KernelNotFoundError(name, specs.map((s) => s.name));
  return spec;
}

/** The kernelspecs of one `kernels` directory; a folder without a valid kernel.json is skipped, as Jupyter skips it. */
export async function readKernelsDir(kernelsDir: string): Promise<Kernelspec[]> {
  let entries: string[];
  try {
    entries = await fs.readdir(kernelsDir);
  } catch {
    return [];
  }
  const specs: Kernelspec[] = [];
  for (const entry of entries) {
    try {
      const resourceDir = path.join(kernelsDir, entry);
      const text = await fs.readFile(path.join(resourceDir, 'kernel.json'), 'utf8');
      specs.push(parseKernelspec(entry.toLowerCase(), resourceDir, text));
    } catch {
      // A directory without a readable, valid kernel.json is not a kernelspec; Jupyter skips it too.
    }
  }
  return specs;
}

export function parseKernelspec(name: string, resourceDir: string, text: string): Kernelspec {
  const json: unknown = JSON.parse(text);
  if (!isRecord(json)) throw new InvalidInputError(`${name}/kernel.json`, 'is not a JSON object');
  const argv = json.argv;
  if (!Array.isArray(argv) || argv.length === 0 || !argv.every((a) => typeof a === 'string')) {
    throw new InvalidInputError(`${name}/kernel.json argv`, 'must be a non-empty list of strings');
  }
  const env: Record<string, string> = {};
  if (isRecord(json.env)) {
    for (const [key, value] of Object.entries(json.env)) env[key] = String(value);
  }
  return {
    name,
    displayName: typeof json.display_name === 'string' ? json.display_name : name,
    language: typeof json.language === 'string' ? json.language : '',
    argv,
    env,
    interruptMode: json.interrupt_mode === 'message' ? 'message' : 'signal',
    resourceDir,
    metadata: isRecord(json.metadata) ? json.metadata : {},
  };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
