import { accessSync, constants, realpathSync } from 'node:fs';
import * as path from 'node:path';
import { BWRAP, bubblewrapArgs, type ReadOnlyFile } from './bubblewrap';
import { pathsToHide } from './hiddenPaths';
import { RUN_DIR_PREFIX } from '../kernel/staleConnectionDirs';

/** Variables a kernel may see of the environment it is started from: nothing that could be a secret. */
const INHERITED = ['PATH', 'LANG', 'LANGUAGE', 'LC_ALL', 'LC_CTYPE', 'LC_MESSAGES', 'TZ'];

/**
 * The command that runs `argv` (a kernel's, naming its connection file inside as under SANDBOX_CONNECTION_DIR)
 * in a sandbox,
 * with the environment a kernel needs and nothing else: a few locale variables and PATH, the kernelspec's
 * own `env`, and a HOME, IPython and matplotlib directories in the sandbox's private /tmp (so nothing of
 * theirs lands among the run's files).
 */
export function sandboxedCommand(
  argv: readonly string[],
  options: { workDir: string; connectionDir: string; specEnv: Readonly<Record<string, string>>; baseEnv: NodeJS.ProcessEnv; readOnlyFiles?: readonly ReadOnlyFile[] },
): string[] {
  const env: Record<string, string> = {};
  for (const name of INHERITED) {
    const value = options.baseEnv[name];
    if (value !== undefined) env[name] = value;
  }
  Object.assign(env, { HOME: '/tmp', TMPDIR: '/tmp', IPYTHONDIR: '/tmp/.ipython', MPLCONFIGDIR: SANDBOX_MPLCONFIGDIR, PYDEVD_DISABLE_FILE_VALIDATION: '1' }, options.specEnv);
  // Found on the host's PATH: inside, PATH may lead to a hidden folder first (pyenv's shims under /root).
  const command = [resolveCommand(argv[0] ?? '', options.baseEnv.PATH ?? ''), ...argv.slice(1)];
  const hidden = pathsToHide(options.connectionDir, options.workDir, path.basename(options.workDir).startsWith(RUN_DIR_PREFIX));
  const plan = { workDir: options.workDir, connectionDir: options.connectionDir, env, readOnly: interpreterFolders(command[0], hidden.folders), readOnlyFiles: options.readOnlyFiles ?? [], hidden };
  return [BWRAP, ...bubblewrapArgs(plan), '--', ...command];
}

/** Where a sandboxed kernel's matplotlib keeps its configuration and caches: in the sandbox's private /tmp. */
export const SANDBOX_MPLCONFIGDIR = '/tmp/.matplotlib';

/** A bare command name as a shell finds it on PATH; a path is kept as it is. */
function resolveCommand(command: string, searchPath: string): string {
  if (command.includes('/')) return command;
  for (const dir of searchPath.split(path.delimiter)) {
    const candidate = path.join(dir, command);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return command;
}

/**
 * The folders an interpreter needs that the sandbox would hide (it hides /home and /root): its own
 * environment (a venv's folder) and where its links end (a pyenv version under /root/.pyenv).
 */
function interpreterFolders(command: string | undefined, alsoHidden: readonly string[]): string[] {
  if (!command || !path.isAbsolute(command)) return [];
  const folders = [path.dirname(path.dirname(command))];
  try {
    folders.push(path.dirname(path.dirname(realpathSync(command))));
  } catch {
    // Not there: the kernel fails to start and says so.
  }
  return [...new Set(folders)].filter((folder) => [...HIDDEN, ...alsoHidden].some((hidden) => folder === hidden || folder.startsWith(`${hidden}/`)));
}

const HIDDEN = ['/home', '/root', '/tmp', '/run'];
