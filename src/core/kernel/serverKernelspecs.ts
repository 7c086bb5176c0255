import { KernelSpecAPI } from '@jupyterlab/services';
import { describeServerFailure, JupyterServerAddress, serverSettingsFor } from './jupyterServer';

/** A kernelspec offered by a Jupyter Server: enough to name it and start it there. */
export interface ServerKernelspec {
  readonly name: string;
  readonly displayName: string;
  readonly language: string;
}

/** The kernelspecs a Jupyter Server offers, sorted by name; rejects with an error a user can act on. */
export async function findServerKernelspecs(address: JupyterServerAddress): Promise<ServerKernelspec[]> {
  let specs: Awaited<ReturnType<typeof KernelSpecAPI.getSpecs>>;
  try {
    specs = await KernelSpecAPI.getSpecs(serverSettingsFor(address));
  } catch (error) {
    throw describeServerFailure(address, error);
  }
  return Object.values(specs.kernelspecs)
    .filter((spec): spec is NonNullable<typeof spec> => spec !== undefined)
    .map((spec) => ({ name: spec.name, displayName: spec.display_name || spec.name, language: spec.language || 'python' }))
    .sort((a, b) => a.name.localeCompare(b.name));
}
