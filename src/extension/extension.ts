import * as vscode from 'vscode';
import type { Logger } from '../core/common/logger';
import { createKernelLauncher, type KernelLauncher } from '../core/kernel/kernelLauncher';
import { ForkServers } from '../core/kernel/fork/forkServers';
import { reportDeadKernels } from './deadKernelNotice';
import { interruptHandler } from './interruptCommand';
import { registerKernelCommands } from './kernelCommands';
import { KernelControllers } from './kernelControllers';
import { KernelStatusBar } from './kernelStatusBar';
import { JupyterServers } from './jupyterServers';
import { LocalKernels } from './localKernels';
import { NotebookSessions } from './notebookSessions';
import { outputChannelLogger } from './outputChannelLogger';
import { settings } from './settings';
import { inputBoxProvider } from './stdinPrompt';
import { handleTracebackLinks } from './tracebackLinks';
import { InteractiveWindows } from './interactive/interactiveWindows';
import { WidgetBridge } from './widgets/widgetBridge';
import { LanguageInfoRecorder } from './languageInfoRecorder';
import { registerChartMessaging } from './chartMessaging';
import { PythonCellCodeLens } from './interactive/pythonCellCodeLens';
import { registerPythonCellCommands } from './interactive/pythonCellCommands';

let sessions: NotebookSessions | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  const channel = vscode.window.createOutputChannel('CellBridge', { log: true });
  const logger = outputChannelLogger(channel);
  const forkServers = new ForkServers({ logger });
  sessions = new NotebookSessions({ launcher: kernelStartLauncher(logger, forkServers), stdin: inputBoxProvider, logger, maxStreamCharsPerCell: settings.maxStreamCharsPerCell, forkServers });
  const interrupt = interruptHandler(sessions, settings.interruptWaitMs, logger);
  const controllers = new KernelControllers(sessions, interrupt, context.workspaceState, logger);
  const localKernels = new LocalKernels(context.globalState, controllers, logger);
  const servers = new JupyterServers(context, controllers, logger);
  const interactiveWindows = new InteractiveWindows(controllers, sessions);
  context.subscriptions.push(
    channel,
    sessions,
    forkServers,
    controllers,
    localKernels,
    // refresh() logs its own failures.
    sessions.onDidChangeEnvironment(() => void localKernels.refresh()),
    servers,
    new KernelStatusBar(sessions),
    reportDeadKernels(sessions, logger),
    handleTracebackLinks(logger),
    new WidgetBridge(sessions, logger),
    new LanguageInfoRecorder(sessions, logger),
    registerChartMessaging(logger),
    interactiveWindows,
    registerPythonCellCommands(interactiveWindows, sessions, logger),
    vscode.languages.registerCodeLensProvider({ language: 'python' }, new PythonCellCodeLens()),
    registerKernelCommands(sessions, interrupt, channel, logger),
    vscode.commands.registerCommand('cellbridge.refreshKernels', () => localKernels.refresh()),
  );
  await offerLocalKernels(localKernels, logger);
  // Saved servers may be slow or gone: they come back in the background, and a failure is only logged.
  // Each server's failure is logged inside; activation does not wait for remote servers.
  void servers.restore();
}

/**
 * What was found last time is offered before activation ends, and refreshed in the background; on a first
 * start there is nothing to offer, so activation waits for discovery (a Run would otherwise find no kernel).
 */
async function offerLocalKernels(localKernels: LocalKernels, logger: Logger): Promise<void> {
  const started = Date.now();
  const restored = localKernels.restore();
  const refreshed = localKernels.refresh(); // logs its own failures
  if (!restored) await refreshed;
  logger.info(`Kernels offered ${Date.now() - started} ms into activation (${restored ? 'as found last time; refreshing' : 'first discovery'})`);
}

/** Starts kernels as `cellbridge.kernelStart` says at each start: forked where a server is ready, or spawned. */
function kernelStartLauncher(logger: Logger, forkServers: ForkServers): KernelLauncher {
  const forking = createKernelLauncher(logger, { forkServers });
  const spawning = createKernelLauncher(logger);
  return (target) => (settings.kernelStart() === 'fork' ? forking(target) : spawning(target));
}

/** Shuts every kernel down before VS Code closes the extension host, so none is left running. */
export async function deactivate(): Promise<void> {
  await sessions?.shutdownAll();
  sessions = undefined;
}
