import type * as vscode from 'vscode';
import type { Logger } from '../core/common/logger';

/** The engine's log, in the "CellBridge" output channel (kernel starts, exits and errors). */
export function outputChannelLogger(channel: vscode.LogOutputChannel): Logger {
  return {
    debug: (message) => channel.debug(message),
    info: (message) => channel.info(message),
    warn: (message) => channel.warn(message),
    error: (message) => channel.error(message),
  };
}
