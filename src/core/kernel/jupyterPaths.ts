import { execFile } from 'node:child_process';
import * as os from 'node:os';
import * as path from 'node:path';

/**
 * Jupyter's data directories in the order Jupyter searches them (jupyter_core's `jupyter_path`):
 * JUPYTER_PATH, the user data dir, the Python environment's prefix, then the system dirs.
 */
export function jupyterDataDirs(env: NodeJS.ProcessEnv, pythonPrefix: string | undefined): string[] {
  const dirs: string[] = [];
  for (const entry of (env.JUPYTER_PATH ?? '').split(path.delimiter)) {
    if (entry) dirs.push(entry);
  }
  dirs.push(userDataDir(env));
  if (pythonPrefix) dirs.push(path.join(pythonPrefix, 'share', 'jupyter'));
  dirs.push(...systemDataDirs(env));
  return [...new Set(dirs.map((d) => path.resolve(d)))];
}

function userDataDir(env: NodeJS.ProcessEnv): string {
  if (env.JUPYTER_DATA_DIR) return env.JUPYTER_DATA_DIR;
  const home = env.HOME ?? os.homedir();
  switch (process.platform) {
    case 'darwin':
      return path.join(home, 'Library', 'Jupyter');
    case 'win32':
      return path.join(env.APPDATA ?? path.join(home, 'AppData', 'Roaming'), 'jupyter');
    default:
      return path.join(env.XDG_DATA_HOME || path.join(home, '.local', 'share'), 'jupyter');
  }
}

function systemDataDirs(env: NodeJS.ProcessEnv): string[] {
  if (process.platform === 'win32') return [path.join(env.PROGRAMDATA ?? 'C:\\ProgramData', 'jupyter')];
  return ['/usr/local/share/jupyter', '/usr/share/jupyter'];
}

/** The Python that kernels named `python`/`python3` run with, and whose prefix holds kernelspecs. */
export function pythonExecutable(env: NodeJS.ProcessEnv): string {
  return env.CELLBRIDGE_PYTHON || 'python3';
}

const prefixByPython = new Map<string, Promise<string | undefined>>();

/**
 * `sys.prefix` of that Python, or undefined when there is no such Python. Asked once per Python per
 * process: starting an interpreter costs 30–200 ms, which every kernel start would otherwise pay.
 */
export function findPythonPrefix(env: NodeJS.ProcessEnv): Promise<string | undefined> {
  const python = pythonExecutable(env);
  let prefix = prefixByPython.get(python);
  if (!prefix) {
    prefix = new Promise((resolve) => {
      execFile(python, ['-c', 'import sys; print(sys.prefix)'], { timeout: 5000, env }, (error, stdout) => {
        resolve(error ? undefined : stdout.trim() || undefined);
      });
    });
    prefixByPython.set(python, prefix);
  }
  return prefix;
}
