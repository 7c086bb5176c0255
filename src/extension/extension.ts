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
import { NotebookSessions } from './notebookSessions';
import { outputChannelLogger } from './outputChannelLogger';
import { settings } from './settings';
import { inputBoxProvider } from './stdinPrompt';
import { handleTracebackLinks } from './tracebackLinks';
import { InteractiveWindows } from './interactive/interactiveWindows';
import { PythonCellCodeLens } from './interactive/pythonCellCodeLens';
import { registerPythonCellCommands } from './interactive/pythonCellCommands';

let sessions: NotebookSessions | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  const channel = vscode.window.createOutputChannel('CellBridge', { log: true });
  const logger = outputChannelLogger(channel);
  sessions = new NotebookSessions({ launcher: createKernelLauncher(logger), stdin: inputBoxProvider, logger, maxStreamCharsPerCell: settings.maxStreamCharsPerCell });
  const interrupt = interruptHandler(sessions, settings.interruptWaitMs, logger);
  const controllers = new KernelControllers(sessions, interrupt, logger);
  const servers = new JupyterServers(context, controllers, logger);
  const interactiveWindows = new InteractiveWindows(controllers, sessions);
  context.subscriptions.push(
    channel,
    sessions,
    controllers,
    servers,
    new KernelStatusBar(sessions),
    reportDeadKernels(sessions, logger),
    handleTracebackLinks(logger),
    interactiveWindows,
    registerPythonCellCommands(interactiveWindows, sessions, logger),
    vscode.languages.registerCodeLensProvider({ language: 'python' }, new PythonCellCodeLens()),
    registerKernelCommands(sessions, interrupt, channel, logger),
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
  await sessions?.shutdownAll();
  sessions = undefined;
}
