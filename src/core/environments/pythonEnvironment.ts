/**
 * A Python environment a kernel can run in: a virtual environment, a conda environment, a pyenv version or a
 * Python installed on the system. Found by reading files (see inspectEnvironment), never by starting Python.
 */
export type EnvironmentKind = 'venv' | 'conda' | 'pyenv' | 'global';

export interface PythonEnvironment {
  readonly kind: EnvironmentKind;
  /** Its `sys.prefix`, resolved: two ways to reach one environment meet here. */
  readonly prefix: string;
  /** The interpreter to start: inside the environment (a venv's own `bin/python`, never the base it links to). */
  readonly interpreter: string;
  /** `3.11.7`, or `3.11` when only that much can be read from its files; undefined when none. */
  readonly version: string | undefined;
  /** What users call it: a venv's folder name, a conda environment's name, a pyenv version. */
  readonly name: string;
  /** Whether `ipykernel` is installed in it (it can run a kernel now). */
  readonly hasIpykernel: boolean;
}

/** The name users recognise: `.venv (Python 3.11.7)`, `conda: myenv (Python 3.12)`, `Python 3.11.7 (pyenv)`. */
export function environmentLabel(environment: PythonEnvironment): string {
  const python = environment.version ? `Python ${environment.version}` : 'Python';
  switch (environment.kind) {
    case 'venv':
      return `${environment.name} (${python})`;
    case 'conda':
      return `conda: ${environment.name} (${python})`;
    case 'pyenv':
      return `${python} (pyenv)`;
    case 'global':
      return `${python} (${environment.interpreter})`;
  }
}
