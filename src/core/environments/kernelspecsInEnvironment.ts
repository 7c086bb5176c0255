import * as path from 'node:path';
import { isIPythonKernel } from '../kernel/kernelProcess';
import { type Kernelspec, readKernelsDir } from '../kernel/kernelspec';
import { environmentKernelName, environmentKernelspec } from './environmentKernelspec';
import { environmentLabel, type PythonEnvironment } from './pythonEnvironment';

/**
 * The kernelspecs an environment carries in its own `share/jupyter/kernels` (an R or Julia kernel installed
 * into a conda environment, say), which Jupyter finds only when started from that environment. Each runs
 * with the environment activated, a bare `python` in its argv meaning the environment's interpreter (as
 * jupyter_client started from there reads it), under a name that tells it from a system kernelspec.
 * IPython kernels are left out: the environment's own kernel (environmentKernelspec) is that one.
 */
export async function kernelspecsInEnvironment(environment: PythonEnvironment): Promise<Kernelspec[]> {
  const activated = environmentKernelspec(environment);
  const specs = await readKernelsDir(path.join(environment.prefix, 'share', 'jupyter', 'kernels'));
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
