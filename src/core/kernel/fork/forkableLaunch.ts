/**
 * Which kernel starts a fork server can take over, and what must match for it to: the interpreter, the
 * launcher module and the whole environment. A forked kernel inherits everything the server set when it
 * imported its modules (the environment, MPLBACKEND, thread counts of numerical libraries, the locale, the
 * hash seed), so it must be the kernel the server was started as; any other start is spawned. No I/O here.
 */
import type { Kernelspec } from '../kernelspec';
import { isIPythonKernel, kernelEnvironment, kernelExecutable } from '../kernelProcess';

/** How an eligible kernel is started, and the key of the fork server that can start it. */
export interface ForkableLaunch {
  /** Equal for two launches exactly when one server can fork both. */
  key: string;
  python: string;
  /** `ipykernel_launcher` or `ipykernel`: the module the kernelspec runs with `-m`. */
  launcher: 'ipykernel_launcher' | 'ipykernel';
  /** The environment the server runs in, and so every kernel it forks. */
  env: Record<string, string>;
  /** Its kernels are forked into sandboxes (fork/sandboxedFork.ts), and the server runs in their environment. */
  sandboxed: boolean;
  /** The kernelspec's arguments after the module, `{connection_file}` and `{resource_dir}` still unfilled. */
  argsTemplate: readonly string[];
  resourceDir: string;
}

const LAUNCHERS = ['ipykernel_launcher', 'ipykernel'] as const;

/** A sandboxed kernel's interpreter and whole environment, as its sandbox has them (sandbox/sandboxedCommand.ts). */
export interface SandboxedLaunch {
  executable: string;
  env: Record<string, string>;
}

/**
 * The launch of an IPython kernelspec of the form `python -m ipykernel_launcher ...`; undefined for any other.
 * A sandboxed kernel's server is another than an unsandboxed one's, started in the sandbox's environment.
 */
export function forkableLaunch(spec: Kernelspec, baseEnv: NodeJS.ProcessEnv, sandbox?: SandboxedLaunch): ForkableLaunch | undefined {
  const [, flag, module, ...argsTemplate] = spec.argv;
  const launcher = LAUNCHERS.find((name) => name === module);
  if (flag !== '-m' || !launcher || !isIPythonKernel(spec.argv)) return undefined;
  const python = sandbox?.executable ?? kernelExecutable(spec, baseEnv);
  const env = sandbox?.env ?? kernelEnvironment(spec, baseEnv);
  const sortedEnv = Object.keys(env)
    .sort()
    .map((name) => [name, env[name]]);
  const sandboxed = sandbox !== undefined;
  return { key: JSON.stringify([python, launcher, sortedEnv, sandboxed]), python, launcher, env, sandboxed, argsTemplate, resourceDir: spec.resourceDir };
}

/** The arguments a forked kernel is initialised with: the kernelspec's, filled in, and the extra flags a spawn would get. */
export function forkedKernelArgs(launch: ForkableLaunch, connectionFile: string, extraArgs: readonly string[]): string[] {
  return [...launch.argsTemplate.map((arg) => arg.replaceAll('{connection_file}', connectionFile).replaceAll('{resource_dir}', launch.resourceDir)), ...extraArgs];
}
