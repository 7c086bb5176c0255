import { createHash } from 'node:crypto';
import * as path from 'node:path';
import type { Kernelspec } from '../kernel/kernelspec';
import { environmentLabel, type PythonEnvironment } from './pythonEnvironment';

/** The kernel name of an environment: stable across runs and machines' discoveries, distinct per `sys.prefix`. */
export function environmentKernelName(environment: PythonEnvironment): string {
  const slug = environment.name.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^-+|-+$/g, '').toLowerCase() || 'python';
  const digest = createHash('sha256').update(environment.prefix).digest('hex').slice(0, 8);
  return `${environment.kind}-${slug}-${digest}`;
}

/**
 * The kernelspec that runs an IPython kernel in an environment, as `python -m ipykernel_launcher` does with the
 * environment activated: its `bin` first on PATH and VIRTUAL_ENV or CONDA_PREFIX set, so that `!pip install`,
 * `%pip` and subprocesses use this environment and not whatever started CellBridge.
 */
export function environmentKernelspec(environment: PythonEnvironment): Kernelspec {
  const binDir = path.dirname(environment.interpreter);
  const activation: Record<string, string> = { PATH: `${binDir}${path.delimiter}\${PATH}` };
  // As its `activate` script does: the venv's folder as reached (through a link, the link), which holds bin/.
  if (environment.kind === 'venv') activation.VIRTUAL_ENV = path.dirname(binDir);
  if (environment.kind === 'conda') {
    activation.CONDA_PREFIX = environment.prefix;
    activation.CONDA_DEFAULT_ENV = environment.name;
  }
  return {
    name: environmentKernelName(environment),
    displayName: environmentLabel(environment),
    language: 'python',
    argv: [environment.interpreter, '-m', 'ipykernel_launcher', '-f', '{connection_file}'],
    env: activation,
    interruptMode: 'signal',
    resourceDir: environment.prefix,
    metadata: { cellbridge: { environment: environment.prefix } },
  };
}
