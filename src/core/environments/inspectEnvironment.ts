import { constants, promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { EnvironmentKind, PythonEnvironment } from './pythonEnvironment';

/** What a source knows that the files do not say: a conda environment's name, or that it came from pyenv. */
export interface EnvironmentHint {
  kind?: Extract<EnvironmentKind, 'conda' | 'pyenv'>;
  name?: string;
}

export interface InspectOptions {
  env?: NodeJS.ProcessEnv;
}

/**
 * Reads what a Python environment is from its files alone: `pyvenv.cfg`, `conda-meta/`, the `lib/pythonX.Y`
 * folders and a listing of its site-packages. Starting its interpreter would be exact, but costs 30–200 ms
 * per environment, which discovery on every window open cannot afford. `location` is an interpreter or an
 * environment folder; undefined when it holds no runnable Python.
 */
export async function inspectEnvironment(location: string, hint: EnvironmentHint = {}, options: InspectOptions = {}): Promise<PythonEnvironment | undefined> {
  const found = await locate(path.resolve(location));
  if (!found) return undefined;
  const { interpreter } = found;
  const prefix = await realpathOr(found.prefix);
  const venvConfig = await readVenvConfig(found.prefix);
  const kind: EnvironmentKind = venvConfig
    ? 'venv'
    : hint.kind === 'conda' || (await isDirectory(path.join(prefix, 'conda-meta')))
      ? 'conda'
      : hint.kind === 'pyenv' || isUnder(prefix, pyenvVersionsDir(options.env ?? process.env))
        ? 'pyenv'
        : 'global';
  const libVersions = await pythonLibVersions(prefix);
  const version = venvConfig?.version ?? (kind === 'conda' ? await condaPythonVersion(prefix) : undefined) ?? versionFromName(path.basename(prefix), kind) ?? (await interpreterVersion(interpreter)) ?? libVersions[0];
  const siteDirs = await sitePackagesDirs(prefix, kind, venvConfig, version, libVersions, options.env ?? process.env);
  return {
    kind,
    prefix,
    interpreter,
    version,
    name: hint.name ?? (await nameOf(found.prefix, prefix, kind, interpreter)),
    hasIpykernel: await anyHasIpykernel(siteDirs),
  };
}

/** The interpreter and the environment folder, from either of them. */
async function locate(location: string): Promise<{ interpreter: string; prefix: string } | undefined> {
  if (await isDirectory(location)) {
    for (const candidate of ['bin/python3', 'bin/python', 'python.exe', 'Scripts/python.exe']) {
      const interpreter = path.join(location, candidate);
      if (await isExecutable(interpreter)) return { interpreter, prefix: location };
    }
    return undefined;
  }
  if (!(await isExecutable(location))) return undefined;
  const binDir = path.dirname(location);
  // A venv's interpreter is a link to its base: the environment is the folder around it, not where the link points.
  for (const prefix of [path.dirname(binDir), binDir]) {
    if ((await isFile(path.join(prefix, 'pyvenv.cfg'))) || (await isDirectory(path.join(prefix, 'conda-meta')))) return { interpreter: location, prefix };
  }
  const real = await realpathOr(location);
  return { interpreter: location, prefix: path.dirname(path.dirname(real)) };
}

interface VenvConfig {
  version: string | undefined;
  includeSystemSitePackages: boolean;
  /** The base interpreter's folder (`home`). */
  home: string | undefined;
}

async function readVenvConfig(prefix: string): Promise<VenvConfig | undefined> {
  let text: string;
  try {
    text = await fs.readFile(path.join(prefix, 'pyvenv.cfg'), 'utf8');
  } catch {
    return undefined;
  }
  const values = new Map<string, string>();
  for (const line of text.split(/\r?\n/)) {
    const match = /^\s*([\w.-]+)\s*=\s*(.*?)\s*$/.exec(line);
    if (match) values.set(match[1]!.toLowerCase(), match[2]!);
  }
  // `version` from venv, `version_info` from uv and virtualenv.
  const version = values.get('version') ?? values.get('version_info');
  return {
    version: version ? /^\d+\.\d+(\.\d+)?/.exec(version)?.[0] : undefined,
    includeSystemSitePackages: values.get('include-system-site-packages')?.toLowerCase() === 'true',
    home: values.get('home'),
  };
}

/** conda records each installed package as `conda-meta/NAME-VERSION-BUILD.json`, Python's among them. */
async function condaPythonVersion(prefix: string): Promise<string | undefined> {
  for (const entry of await listDir(path.join(prefix, 'conda-meta'))) {
    const match = /^python-(\d+\.\d+\.\d+)-.*\.json$/.exec(entry);
    if (match) return match[1];
  }
  return undefined;
}

function versionFromName(name: string, kind: EnvironmentKind): string | undefined {
  return kind === 'pyenv' ? /^\d+\.\d+(\.\d+)?$/.exec(name)?.[0] : undefined;
}

/** `python3.11` → `3.11`, from the name the interpreter's links end at. */
async function interpreterVersion(interpreter: string): Promise<string | undefined> {
  return /^python(\d+\.\d+)$/.exec(path.basename(await realpathOr(interpreter)))?.[1];
}

/** The `X.Y` of each `lib/pythonX.Y` folder, highest first. */
async function pythonLibVersions(prefix: string): Promise<string[]> {
  const versions = (await listDir(path.join(prefix, 'lib'))).flatMap((entry) => /^python(\d+\.\d+)$/.exec(entry)?.[1] ?? []);
  return versions.sort((a, b) => compareVersions(b, a));
}

async function sitePackagesDirs(
  prefix: string,
  kind: EnvironmentKind,
  venvConfig: VenvConfig | undefined,
  version: string | undefined,
  libVersions: readonly string[],
  env: NodeJS.ProcessEnv,
): Promise<string[]> {
  const minor = version ? /^\d+\.\d+/.exec(version)?.[0] : undefined;
  const libs = minor ? [minor] : libVersions;
  const dirs = [path.join(prefix, 'Lib', 'site-packages')];
  for (const v of libs) {
    dirs.push(path.join(prefix, 'lib', `python${v}`, 'site-packages'), path.join(prefix, 'lib64', `python${v}`, 'site-packages'));
  }
  if (kind === 'global') {
    // Debian's Pythons: packages in dist-packages, the system's under /usr, pip's under /usr/local.
    dirs.push(path.join(prefix, 'lib', 'python3', 'dist-packages'));
    for (const v of libs) dirs.push(path.join(prefix, 'local', 'lib', `python${v}`, 'dist-packages'));
  }
  if (kind !== 'venv') {
    for (const v of libs) dirs.push(path.join(env.HOME ?? os.homedir(), '.local', 'lib', `python${v}`, 'site-packages'));
  } else if (venvConfig?.includeSystemSitePackages && venvConfig.home) {
    const base = await inspectEnvironment(venvConfig.home, {}, { env });
    if (base) dirs.push(...(await sitePackagesDirs(base.prefix, base.kind, undefined, base.version, await pythonLibVersions(base.prefix), env)));
  }
  return dirs;
}

async function anyHasIpykernel(dirs: readonly string[]): Promise<boolean> {
  for (const dir of dirs) {
    if ((await isFile(path.join(dir, 'ipykernel', '__init__.py'))) || (await isFile(path.join(dir, 'ipykernel_launcher.py')))) return true;
  }
  return false;
}

async function nameOf(folder: string, prefix: string, kind: EnvironmentKind, interpreter: string): Promise<string> {
  switch (kind) {
    case 'venv':
      return path.basename(folder);
    case 'conda':
      // The installation's own environment is `base`; the others live in its `envs/`.
      return (await isDirectory(path.join(prefix, 'condabin'))) ? 'base' : path.basename(prefix);
    case 'pyenv':
      return path.basename(prefix);
    case 'global':
      return path.basename(interpreter);
  }
}

export function pyenvVersionsDir(env: NodeJS.ProcessEnv): string {
  return path.join(env.PYENV_ROOT || path.join(env.HOME ?? os.homedir(), '.pyenv'), 'versions');
}

function isUnder(child: string, parent: string): boolean {
  const relative = path.relative(parent, child);
  return relative !== '' && !relative.startsWith('..') && !path.isAbsolute(relative);
}

export function compareVersions(a: string, b: string): number {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const diff = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (diff !== 0) return diff;
  }
  return 0;
}

export async function listDir(dir: string): Promise<string[]> {
  try {
    return await fs.readdir(dir);
  } catch {
    return [];
  }
}

async function realpathOr(file: string): Promise<string> {
  try {
    return await fs.realpath(file);
  } catch {
    return file;
  }
}

export async function isDirectory(file: string): Promise<boolean> {
  return (await fs.stat(file).catch(() => undefined))?.isDirectory() ?? false;
}

async function isFile(file: string): Promise<boolean> {
  return (await fs.stat(file).catch(() => undefined))?.isFile() ?? false;
}

async function isExecutable(file: string): Promise<boolean> {
  if (!(await isFile(file))) return false;
  return fs.access(file, constants.X_OK).then(
    () => true,
    () => false,
  );
}
