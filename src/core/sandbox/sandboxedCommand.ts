import { accessSync, constants, realpathSync } from 'node:fs';
import * as path from 'node:path';
import { BWRAP, bubblewrapArgs, type ReadOnlyFile } from './bubblewrap';
import { pathsToHide } from './hiddenPaths';
import { RUN_DIR_PREFIX } from '../kernel/staleConnectionDirs';
import { sandboxHome, sandboxMplConfigDir } from './sandboxHome';

/** Variables a kernel may see of the environment it is started from: nothing that could be a secret. */
const INHERITED = ['PATH', 'LANG', 'LANGUAGE', 'LC_ALL', 'LC_CTYPE', 'LC_MESSAGES', 'TZ'];

export interface KernelSandboxOptions {
  /** The run directory: the kernel's working directory and only writable place. */
  workDir: string;
  /** The kernel's connection directory, seen inside as SANDBOX_CONNECTION_DIR. */
  connectionDir: string;
  /** The kernelspec's own environment, filled in. */
  specEnv: Readonly<Record<string, string>>;
  /** The environment the kernel is started from: only INHERITED comes through. */
  baseEnv: NodeJS.ProcessEnv;
  readOnlyFiles?: readonly ReadOnlyFile[];
  /** The kernels' HOME (sandboxHome() unless given): a host path, a fresh tmpfs in each sandbox. */
  home?: string;
  /** The kernel's CPU cap (KernelLimits.cpus; 0: none), which sizes its math libraries' thread pools. */
  cpus?: number;
}

/** A kernel's sandbox, before anything runs in it. */
export interface KernelSandbox {
  /** bwrap's arguments before `--`. */
  bwrapArgs: string[];
  /** The kernel's executable as the host resolves it (a bare name found on PATH). */
  executable: string;
  /** The kernel's whole environment inside. */
  env: Record<string, string>;
}

/**
 * The sandbox for a kernel started by `executable`, with the environment a kernel needs and nothing else: a
 * few locale variables and PATH, the kernelspec's own `env`, and a HOME with IPython's and matplotlib's
 * directories in it, private to the sandbox (so nothing of theirs lands among the run's files).
 */
export function kernelSandbox(executable: string, options: KernelSandboxOptions): KernelSandbox {
  const home = options.home ?? sandboxHome();
  const env: Record<string, string> = {};
  for (const name of INHERITED) {
    const value = options.baseEnv[name];
    if (value !== undefined) env[name] = value;
  }
  Object.assign(env, { HOME: home, TMPDIR: '/tmp', IPYTHONDIR: path.posix.join(home, '.ipython'), MPLCONFIGDIR: sandboxMplConfigDir(home), PYDEVD_DISABLE_FILE_VALIDATION: '1' }, mathThreads(options.cpus ?? 0), options.specEnv);
  // Found on the host's PATH: inside, PATH may lead to a hidden folder first (pyenv's shims under /root).
  const resolved = resolveCommand(executable, options.baseEnv.PATH ?? '');
  const hidden = pathsToHide(options.connectionDir, options.workDir, path.basename(options.workDir).startsWith(RUN_DIR_PREFIX));
  const plan = { workDir: options.workDir, connectionDir: options.connectionDir, home, env, readOnly: interpreterFolders(resolved, hidden.folders), readOnlyFiles: options.readOnlyFiles ?? [], hidden };
  return { bwrapArgs: bubblewrapArgs(plan), executable: resolved, env };
}

/**
 * Math libraries start a thread per core (OpenBLAS, OpenMP, MKL), and OpenBLAS's spin while they wait for
 * work. A kernel capped at `cpus` CPUs' worth of time gains nothing from more threads than that, and pays for
 * their spinning out of its own quota: measured here, OpenBLAS's second thread spun ~90 ms per matplotlib figure,
 * and under a one-CPU cap the seed example took 255 ms instead of 180. So a capped kernel gets as many as its
 * cap allows; its kernelspec's `env` can say otherwise.
 */
function mathThreads(cpus: number): Record<string, string> {
  if (!(cpus > 0)) return {};
  const threads = String(Math.max(1, Math.ceil(cpus)));
  return { OMP_NUM_THREADS: threads, OPENBLAS_NUM_THREADS: threads, MKL_NUM_THREADS: threads };
}

/** The command that runs `argv` (a kernel's, naming its connection file inside as under SANDBOX_CONNECTION_DIR) in its sandbox. */
export function sandboxedCommand(argv: readonly string[], options: KernelSandboxOptions): string[] {
  const sandbox = kernelSandbox(argv[0] ?? '', options);
  return [BWRAP, ...sandbox.bwrapArgs, '--', sandbox.executable, ...argv.slice(1)];
}

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
