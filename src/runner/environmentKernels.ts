import { InvalidInputError } from '../core/common/errors';
import { environmentKernelName, environmentKernelspec } from '../core/environments/environmentKernelspec';
import { findEnvironments } from '../core/environments/findEnvironments';
import { inspectEnvironment } from '../core/environments/inspectEnvironment';
import { kernelspecsCarriedBy } from '../core/environments/kernelspecsInEnvironment';
import { environmentLabel, type PythonEnvironment } from '../core/environments/pythonEnvironment';
import { findKernelspecs, type Kernelspec } from '../core/kernel/kernelspec';

/**
 * The kernelspec of the Python environment at `location` (an interpreter or an environment folder), for the
 * command-line `option` that named it; a clear error when there is no Python there or it lacks ipykernel.
 */
export async function environmentKernelspecAt(location: string, option: string): Promise<Kernelspec> {
  const environment = await inspectEnvironment(location);
  if (!environment) throw new InvalidInputError(option, `no Python interpreter or environment at '${location}'`);
  return kernelspecOf(environment, option);
}

function kernelspecOf(environment: PythonEnvironment, option: string): Kernelspec {
  if (!environment.hasIpykernel) {
    throw new InvalidInputError(option, `${environmentLabel(environment)} has no ipykernel; install it with: ${environment.interpreter} -m pip install ipykernel`);
  }
  return environmentKernelspec(environment);
}

/** `--env NAME=PATH` values: the kernel name clients ask for, and where its environment is. */
export function parseEnvironmentOption(value: string): { name: string; location: string } {
  const at = value.indexOf('=');
  const name = value.slice(0, at).trim();
  const location = value.slice(at + 1).trim();
  if (at <= 0 || !name || !location) throw new InvalidInputError('--env', `expected NAME=PATH, got '${value}'`);
  return { name, location };
}

/** The kernels of `--env` options, by the names clients ask for. */
export async function environmentKernelspecs(options: ReadonlyArray<{ name: string; location: string }>): Promise<Map<string, Kernelspec>> {
  const specs = new Map<string, Kernelspec>();
  for (const { name, location } of options) specs.set(name, { ...(await environmentKernelspecAt(location, `--env ${name}`)), name });
  return specs;
}

/**
 * For `--kernel NAME` when NAME is no kernelspec: the environment, or the kernelspec an environment carries,
 * that `cellbridge kernels` lists under that name (found from `folder`, as it lists them), or undefined.
 */
export async function environmentKernelspecNamed(name: string, folder: string): Promise<Kernelspec | undefined> {
  const kernelspecs = await findKernelspecs();
  if (kernelspecs.some((spec) => spec.name === name.toLowerCase())) return undefined;
  const environments = await findEnvironments({ projectFolders: [folder], askConda: true });
  const environment = environments.find((e) => environmentKernelName(e) === name);
  if (environment) return kernelspecOf(environment, '--kernel');
  // A kernelspec an environment carries, listed by `cellbridge kernels` under its prefixed name.
  return (await kernelspecsCarriedBy(environments, kernelspecs)).find((spec) => spec.name === name);
}
