import { environmentKernelName } from '../core/environments/environmentKernelspec';
import { environmentLabel, type PythonEnvironment } from '../core/environments/pythonEnvironment';
import type { JupyterServerAddress } from '../core/kernel/jupyterServer';
import type { Kernelspec } from '../core/kernel/kernelspec';
import { displayUrl } from './serverUrl';

/**
 * A kernel a notebook can be run on: a local kernelspec, a Python environment (an IPython kernel run in it),
 * or a kernelspec of a connected Jupyter Server.
 */
export interface KernelChoice {
  /** Controller id for notebooks; the interactive window's controller adds INTERACTIVE_SUFFIX. */
  readonly id: string;
  readonly kernelName: string;
  readonly label: string;
  readonly description: string;
  readonly language: string;
  readonly server?: { readonly id: string; readonly address: JupyterServerAddress };
  readonly environment?: PythonEnvironment;
  /** A kernelspec not on Jupyter's paths (one an environment carries), started as it is rather than by name. */
  readonly spec?: Kernelspec;
}

/** This extension's id (publisher.name in package.json): VS Code's commands name controllers with it. */
export const EXTENSION_ID = 'cellbridge.cellbridge';

export const INTERACTIVE_SUFFIX = '.interactive';

export function localKernelChoice(spec: { name: string; displayName: string; language: string; resourceDir: string }): KernelChoice {
  return { id: `cellbridge.kernelspec.${spec.name}`, kernelName: spec.name, label: spec.displayName, description: spec.resourceDir, language: spec.language };
}

/** A kernelspec an environment carries (see kernelspecsCarriedBy). */
export function carriedKernelChoice(spec: Kernelspec): KernelChoice {
  return { ...localKernelChoice(spec), spec };
}

export function environmentKernelChoice(environment: PythonEnvironment): KernelChoice {
  const kernelName = environmentKernelName(environment);
  return {
    id: `cellbridge.env.${kernelName}`,
    kernelName,
    label: environmentLabel(environment),
    // Shown under the label in the picker: where it is, and that choosing it will offer to install ipykernel.
    description: environment.hasIpykernel ? environment.prefix : `${environment.prefix} (ipykernel not installed)`,
    language: 'python',
    environment,
  };
}

export function serverKernelChoice(
  server: { id: string; address: JupyterServerAddress },
  spec: { name: string; displayName: string; language: string },
): KernelChoice {
  return {
    id: `cellbridge.server.${server.id}.kernelspec.${spec.name}`,
    kernelName: spec.name,
    label: spec.displayName,
    description: `on ${displayUrl(server.address.url)}`,
    language: spec.language,
    server,
  };
}

/** VS Code language ids for the languages kernelspecs name. */
export function vscodeLanguageIdOf(kernelLanguage: string): string {
  const language = kernelLanguage.toLowerCase();
  return language === 'c++' ? 'cpp' : language;
}
