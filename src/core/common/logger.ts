/** Where the engine reports what it does; the CLI writes to stderr, the extension to an output channel. */
export interface Logger {
  debug(message: string): void;
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

export const silentLogger: Logger = { debug() {}, info() {}, warn() {}, error() {} };

export function stderrLogger(verbose: boolean): Logger {
  const write = (level: string) => (message: string) => process.stderr.write(`[cellbridge ${level}] ${message}\n`);
  return { debug: verbose ? write('debug') : () => undefined, info: verbose ? write('info') : () => undefined, warn: write('warn'), error: write('error') };
}
