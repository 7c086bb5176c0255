import * as vscode from 'vscode';
import { errorMessage } from '../core/common/errors';
import { createKernelLauncher } from '../core/kernel/kernelLauncher';
import { reportDeadKernels } from './deadKernelNotice';
import { interruptHandler } from './interruptCommand';
import { registerKernelCommands } from './kernelCommands';
import { KernelControllers } from './kernelControllers';
import { KernelStatusBar } from './kernelStatusBar';
import { JupyterServers } from './jupyterServers';
import { localKernelChoices } from './localKernels';
import { NotebookKernels } from './notebookKernels';
import { outputChannelLogger } from './outputChannelLogger';
import { settings } from './settings';
import { inputBoxProvider } from './stdinPrompt';
import { handleTracebackLinks } from './tracebackLinks';
import { InteractiveWindows } from './interactive/interactiveWindows';
import { PythonCellCodeLens } from './interactive/pythonCellCodeLens';
import { registerPythonCellCommands } from './interactive/pythonCellCommands';

let kernels: NotebookKernels | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  const channel = vscode.window.createOutputChannel('CellBridge', { log: true });
  const logger = outputChannelLogger(channel);
  kernels = new NotebookKernels({ launcher: createKernelLauncher(logger), stdin: inputBoxProvider, logger, maxStreamCharsPerCell: settings.maxStreamCharsPerCell });
  const interrupt = interruptHandler(kernels, settings.interruptWaitMs, logger);
  const controllers = new KernelControllers(kernels, interrupt, logger);
  const servers = new JupyterServers(context, controllers, logger);
  const interactiveWindows = new InteractiveWindows(controllers, kernels);
  context.subscriptions.push(
    channel,
    kernels,
    controllers,
    servers,
    new KernelStatusBar(kernels),
    reportDeadKernels(kernels, logger),
    handleTracebackLinks(logger),
    interactiveWindows,
    registerPythonCellCommands(interactiveWindows, kernels, logger),
    vscode.languages.registerCodeLensProvider({ language: 'python' }, new PythonCellCodeLens()),
    registerKernelCommands(kernels, interrupt, channel, logger),
    vscode.commands.registerCommand('cellbridge.refreshKernels', () => refreshLocalKernels(controllers, logger)),
  );
  await refreshLocalKernels(controllers, logger);
  // Saved servers may be slow or gone: they come back in the background, and a failure is only logged.
  // Each server's failure is logged inside; activation does not wait for remote servers.
  void servers.restore();
}

async function refreshLocalKernels(controllers: KernelControllers, logger: ReturnType<typeof outputChannelLogger>): Promise<void> {
  try {
    const choices = await localKernelChoices();
    controllers.sync(choices, (choice) => choice.server === undefined);
    logger.info(`Local kernels: ${choices.map((choice) => choice.kernelName).join(', ') || 'none found'}`);
  } catch (error) {
    logger.error(`Could not list local kernels: ${errorMessage(error)}`);
  }
}

/** Shuts every kernel down before VS Code closes the extension host, so none is left running. */
export async function deactivate(): Promise<void> {
  await kernels?.shutdownAll();
  kernels = undefined;
}
