import * as vscode from 'vscode';
import { withTimeout } from '../core/common/async';
import { errorMessage } from '../core/common/errors';
import type { Logger } from '../core/common/logger';
import { settings } from './settings';

const PYTHON_EXTENSION_ID = 'ms-python.python';
const PYTHON_EXTENSION_WAIT_MS = 3000;

/** The part of the Python extension's public API (`@vscode/python-extension`) read here. */
interface PythonExtensionApi {
  environments?: { getActiveEnvironmentPath?: (resource?: vscode.Uri) => { path?: unknown } | undefined };
}

/**
 * Interpreters the user has chosen elsewhere: `python.defaultInterpreterPath`, and the active interpreter of
 * Microsoft's Python extension when it is installed (it is optional; without it, this is the setting alone).
 */
export async function configuredInterpreters(logger: Logger): Promise<string[]> {
  const found: string[] = [];
  const setting = settings.pythonDefaultInterpreterPath();
  if (setting) found.push(setting);
  const active = await pythonExtensionInterpreter(logger);
  if (active) found.push(active);
  return found;
}

async function pythonExtensionInterpreter(logger: Logger): Promise<string | undefined> {
  const extension = vscode.extensions.getExtension<PythonExtensionApi>(PYTHON_EXTENSION_ID);
  if (!extension) return undefined;
  try {
    const api = extension.isActive ? extension.exports : await withTimeout(Promise.resolve(extension.activate()), PYTHON_EXTENSION_WAIT_MS, () => undefined);
    const active = api?.environments?.getActiveEnvironmentPath?.(vscode.workspace.workspaceFolders?.[0]?.uri);
    return typeof active?.path === 'string' && active.path !== '' ? active.path : undefined;
  } catch (error) {
    logger.warn(`Could not ask the Python extension for its interpreter: ${errorMessage(error)}`);
    return undefined;
  }
}
