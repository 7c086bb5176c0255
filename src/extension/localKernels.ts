import { findKernelspecs } from '../core/kernel/kernelspec';
import { KernelChoice, localKernelChoice } from './kernelChoice';

/** A controller for every kernelspec Jupyter would find on this machine. */
export async function localKernelChoices(): Promise<KernelChoice[]> {
  return (await findKernelspecs()).map(localKernelChoice);
}
