import { execFile } from 'node:child_process';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { compareVersions, EnvironmentHint, inspectEnvironment, isDirectory, listDir, pyenvVersionsDir } from './inspectEnvironment';
import type { PythonEnvironment } from './pythonEnvironment';

export interface EnvironmentSearch {
  /** Folders whose virtual environments are the user's project environments (a workspace, a notebook's folder). */
  projectFolders?: readonly string[];
  /** Interpreters or environment folders named by the user (a setting, `--python`, the Python extension's choice). */
  configured?: readonly string[];
  env?: NodeJS.ProcessEnv;
  /** Ask `conda env list` when conda is on PATH (one process; the rest of discovery starts none). */
  askConda?: boolean;
}

/** Folder names of project environments, as tools create them (`python -m venv .venv`, uv, poetry, conda `-p .conda`). */
const PROJECT_ENV_NAMES = ['.venv', 'venv', 'env', '.conda'];

/**
 * Every Python environment the search can see, each once (two ways to one `sys.prefix` meet), in the order a
 * user would pick from: the project's, configured ones, conda's, pyenv's, then the system's.
 */
export async function findEnvironments(search: EnvironmentSearch = {}): Promise<PythonEnvironment[]> {
  const env = search.env ?? process.env;
  const candidates: Array<{ location: string; hint?: EnvironmentHint }> = [
    // The project's first: an environment reached twice keeps the path of the first find, and a project's
    // `.venv` is recognised as the project's by that path.
    ...(await projectEnvironmentFolders(search.projectFolders ?? [])).map((location) => ({ location })),
    ...(search.configured ?? []).map((location) => ({ location })),
    ...(await condaEnvironments(env, search.askConda ?? false)),
    ...(await pyenvVersions(env)),
    ...(await pythonsOnPath(env)).map((location) => ({ location })),
  ];
  const inspected = await Promise.all(candidates.map(({ location, hint }) => inspectEnvironment(location, hint, { env })));
  const byPrefix = new Map<string, PythonEnvironment>();
  for (const environment of inspected) {
    if (environment && !byPrefix.has(environment.prefix)) byPrefix.set(environment.prefix, environment);
  }
  return [...byPrefix.values()];
}

/** Each folder's `.venv`, `venv`, `env`, `.conda`, and any folder directly inside it that holds a `pyvenv.cfg`. */
export async function projectEnvironmentFolders(folders: readonly string[]): Promise<string[]> {
  const found: string[] = [];
  for (const folder of folders) {
    for (const name of PROJECT_ENV_NAMES) {
      if (await isDirectory(path.join(folder, name))) found.push(path.join(folder, name));
    }
    for (const entry of await listDir(folder)) {
      const candidate = path.join(folder, entry);
      if (!PROJECT_ENV_NAMES.includes(entry) && (await fs.stat(path.join(candidate, 'pyvenv.cfg')).catch(() => undefined))) found.push(candidate);
    }
  }
  return found;
}

/** conda's own list of the environments it made (`~/.conda/environments.txt`), and `conda env list` when asked. */
async function condaEnvironments(env: NodeJS.ProcessEnv, askConda: boolean): Promise<Array<{ location: string; hint: EnvironmentHint }>> {
  const home = env.HOME ?? os.homedir();
  const listed = await fs.readFile(path.join(home, '.conda', 'environments.txt'), 'utf8').catch(() => '');
  const prefixes = listed.split(/\r?\n/).map((line) => line.trim()).filter(Boolean);
  if (askConda) prefixes.push(...(await condaEnvList(env)));
  return [...new Set(prefixes)].map((location) => ({ location, hint: { kind: 'conda' } }));
}

function condaEnvList(env: NodeJS.ProcessEnv): Promise<string[]> {
  const conda = env.CONDA_EXE || 'conda';
  return new Promise((resolve) => {
    execFile(conda, ['env', 'list', '--json'], { timeout: 10_000, env }, (error, stdout) => {
      if (error) return resolve([]);
      try {
        const parsed = JSON.parse(stdout) as { envs?: unknown };
        resolve(Array.isArray(parsed.envs) ? parsed.envs.filter((e): e is string => typeof e === 'string') : []);
      } catch {
        resolve([]);
      }
    });
  });
}

async function pyenvVersions(env: NodeJS.ProcessEnv): Promise<Array<{ location: string; hint: EnvironmentHint }>> {
  const dir = pyenvVersionsDir(env);
  // Newest first, as a user would pick.
  return (await listDir(dir)).sort((a, b) => compareVersions(b, a)).map((version) => ({ location: path.join(dir, version), hint: { kind: 'pyenv' } }));
}

/**
 * `python3` and `python` in each PATH folder, except pyenv's shims: they are scripts that pick a version at
 * each start, and each of those versions is found as itself.
 */
async function pythonsOnPath(env: NodeJS.ProcessEnv): Promise<string[]> {
  const pyenvRoot = path.dirname(pyenvVersionsDir(env));
  const found: string[] = [];
  for (const dir of (env.PATH ?? '').split(path.delimiter)) {
    // pyenv's shims, and pyenv-virtualenv's under plugins/.
    if (!dir || (path.basename(dir) === 'shims' && !path.relative(pyenvRoot, path.resolve(dir)).startsWith('..'))) continue;
    for (const name of ['python3', 'python']) found.push(path.join(dir, name));
  }
  return found;
}
