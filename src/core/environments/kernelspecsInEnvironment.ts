import * as path from 'node:path';
import { isIPythonKernel } from '../kernel/kernelProcess';
import { type Kernelspec, readKernelsDir } from '../kernel/kernelspec';
import { environmentKernelName, environmentKernelspec } from './environmentKernelspec';
import { environmentLabel, type PythonEnvironment } from './pythonEnvironment';

/**
 * The kernelspecs environments carry in their own `share/jupyter/kernels` (an R or Julia kernel installed
 * into a conda environment, say), which Jupyter finds only when started from that environment, less those
 * its own search found already (`found`: the system Python's prefix is /usr, whose kernels are on Jupyter's
 * paths). Each runs with its environment activated, a bare `python` in its argv meaning the environment's
 * interpreter (as jupyter_client started from there reads it), under a name that tells it from a system
 * kernelspec. IPython kernels are left out: the environment's own kernel (environmentKernelspec) is that one.
 */
export async function kernelspecsCarriedBy(environments: readonly PythonEnvironment[], found: readonly Kernelspec[]): Promise<Kernelspec[]> {
  const known = new Set(found.map((spec) => path.resolve(spec.resourceDir)));
  const carried: Kernelspec[] = [];
  for (const environment of environments) {
    const specs = await readKernelsDir(path.join(environment.prefix, 'share', 'jupyter', 'kernels'));
    carried.push(...carriedBy(environment, specs.filter((spec) => !known.has(path.resolve(spec.resourceDir)))));
  }
  return carried;
}

function carriedBy(environment: PythonEnvironment, specs: readonly Kernelspec[]): Kernelspec[] {
  const activated = environmentKernelspec(environment);
  return specs
    .filter((spec) => !isIPythonKernel(spec.argv))
    .map((spec) => ({
      ...spec,
      name: `${environmentKernelName(environment)}-${spec.name}`,
      displayName: `${spec.displayName} (${environmentLabel(environment)})`,
      argv: spec.argv.map((arg, i) => (i === 0 && (arg === 'python' || arg === 'python3') ? environment.interpreter : arg)),
      env: { ...activated.env, ...spec.env },
    }));
}
