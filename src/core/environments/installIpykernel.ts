import { spawn } from 'node:child_process';
import * as path from 'node:path';
import type { CancellationToken } from '../common/cancellation';
import type { Logger } from '../common/logger';
import type { PythonEnvironment } from './pythonEnvironment';

/**
 * Installs ipykernel into the environment with its own pip, every line of pip's output going to the log.
 * A venv made without pip (`--without-pip`, or Debian's `python3 -m venv` without `python3-venv`'s wheels)
 * gets pip from `ensurepip` first. Rejects with pip's last lines when it fails.
 */
export async function installIpykernel(environment: PythonEnvironment, logger: Logger, token?: CancellationToken): Promise<void> {
  const install = await runPython(environment, ['-m', 'pip', 'install', 'ipykernel'], logger, token);
  if (install.code === 0) return;
  if (/No module named pip\b/.test(install.tail)) {
    logger.info(`${environment.interpreter} has no pip; installing it with ensurepip first.`);
    const ensure = await runPython(environment, ['-m', 'ensurepip', '--upgrade'], logger, token);
    if (ensure.code !== 0) throw new Error(`ensurepip failed in ${environment.prefix}:\n${ensure.tail}`);
    const retry = await runPython(environment, ['-m', 'pip', 'install', 'ipykernel'], logger, token);
    if (retry.code === 0) return;
    throw new Error(`pip install ipykernel failed in ${environment.prefix}:\n${retry.tail}`);
  }
  throw new Error(`pip install ipykernel failed in ${environment.prefix}:\n${install.tail}`);
}

const TAIL_LINES = 8;

function runPython(environment: PythonEnvironment, args: string[], logger: Logger, token?: CancellationToken): Promise<{ code: number | null; tail: string }> {
  return new Promise((resolve) => {
    const env = { ...process.env, PATH: `${path.dirname(environment.interpreter)}${path.delimiter}${process.env.PATH ?? ''}`, PIP_DISABLE_PIP_VERSION_CHECK: '1' };
    logger.info(`$ ${environment.interpreter} ${args.join(' ')}`);
    const child = spawn(environment.interpreter, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    const tail: string[] = [];
    const onLine = (line: string): void => {
      if (!line.trim()) return;
      logger.info(line);
      tail.push(line);
      if (tail.length > TAIL_LINES) tail.shift();
    };
    for (const stream of [child.stdout, child.stderr]) {
      let pending = '';
      stream.setEncoding('utf8').on('data', (chunk: string) => {
        const lines = (pending + chunk).split(/\r?\n/);
        pending = lines.pop() ?? '';
        lines.forEach(onLine);
      });
      stream.on('end', () => onLine(pending));
    }
    const cancelled = token?.onCancellationRequested(() => child.kill('SIGTERM'));
    child.once('error', (error) => {
      cancelled?.dispose();
      resolve({ code: -1, tail: error.message });
    });
    child.once('close', (code) => {
      cancelled?.dispose();
      resolve({ code, tail: tail.join('\n') });
    });
  });
}
