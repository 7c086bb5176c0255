import * as vscode from 'vscode';
import { errorMessage } from '../core/common/errors';
import type { Logger } from '../core/common/logger';
import { environmentKernelspec } from '../core/environments/environmentKernelspec';
import { inspectEnvironment } from '../core/environments/inspectEnvironment';
import { installIpykernel } from '../core/environments/installIpykernel';
import { environmentLabel, type PythonEnvironment } from '../core/environments/pythonEnvironment';
import type { Kernelspec } from '../core/kernel/kernelspec';


/**
 * The kernelspec that starts a kernel in the environment. Its files are read again first (ipykernel may have
 * been installed or removed since discovery); without ipykernel the user is offered to install it, with
 * pip's output in the log, and `onInstalled` runs after a successful install.
 */
export async function environmentKernelspecFor(environment: PythonEnvironment, logger: Logger, onInstalled: () => void): Promise<Kernelspec> {
  const current = (await inspectEnvironment(environment.interpreter)) ?? environment;
  if (current.hasIpykernel) return environmentKernelspec(current);
  const label = environmentLabel(current);
  if (!(await userAgreesToInstall(current, label))) {
    throw new Error(`${label} has no ipykernel. Install it (${current.interpreter} -m pip install ipykernel), or pick another kernel.`);
  }
  await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: `Installing ipykernel into ${label}… (pip's output is in the CellBridge log)`, cancellable: true },
    async (_, token) => {
      try {
        await installIpykernel(current, logger, token);
      } catch (error) {
        throw new Error(`Could not install ipykernel into ${label}: ${errorMessage(error)}`);
      }
    },
  );
  const installed = await inspectEnvironment(current.interpreter);
  if (!installed?.hasIpykernel) throw new Error(`pip finished, but ipykernel is still not found in ${label}.`);
  logger.info(`Installed ipykernel into ${label}.`);
  onInstalled();
  return environmentKernelspec(installed);
}

/**
 * Asked where the user is looking (a quick pick at the top, kept when focus moves), not in a corner
 * notification that is easy to miss while the cell waits.
 */
async function userAgreesToInstall(environment: PythonEnvironment, label: string): Promise<boolean> {
  const install = { label: '$(cloud-download) Install ipykernel', detail: `Runs ${environment.interpreter} -m pip install ipykernel, then the cells. pip's output goes to the CellBridge log.` };
  const skip = { label: 'Not now', detail: 'The cells are not run. Pick another kernel, or install ipykernel yourself.' };
  const answer = await vscode.window.showQuickPick([install, skip], { title: `${label} has no ipykernel, which running a kernel in it needs`, ignoreFocusOut: true });
  return answer === install;
}
