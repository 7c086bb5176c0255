import { ChildProcess, spawn } from 'node:child_process';
import * as path from 'node:path';
import * as readline from 'node:readline';
import { withTimeout } from '../../src/core/common/async';
import { REPO_ROOT } from '../benchPaths';

const READY_TIMEOUT_MS = 30_000;
const STOP_GRACE_MS = 30_000;
const URL_LINE = /serving POST (http:\/\/\S+)\/run_jupyter/;

export interface ServiceStop {
  /** From SIGTERM to the process's exit. */
  ms: number;
  code: number | null;
  signal: string | null;
  /** Whether it had to be killed after the grace period. */
  killed: boolean;
}

/**
 * The real CLI, `node bin/cellbridge.js serve --port 0 …`, as a child process: its URL is read from the
 * line it prints on stderr; SIGTERM stops it (it answers the runs under way and shuts its pool down).
 */
export class ServiceProcess {
  /** Lines the service wrote to stderr after its URL: warnings, shut-down messages. */
  readonly log: string[] = [];
  readonly exited: Promise<void>;

  private constructor(private readonly child: ChildProcess, readonly url: string) {
    this.exited = child.exitCode !== null || child.signalCode !== null ? Promise.resolve() : new Promise((resolve) => child.once('exit', () => resolve()));
  }

  get pid(): number {
    return this.child.pid!;
  }

  get args(): string[] {
    return this.child.spawnargs.slice(1);
  }

  static async start(serveArgs: readonly string[], env: NodeJS.ProcessEnv): Promise<ServiceProcess> {
    const cli = path.join(REPO_ROOT, 'bin', 'cellbridge.js');
    const child = spawn(process.execPath, [cli, 'serve', '--port', '0', ...serveArgs], { cwd: REPO_ROOT, env, stdio: ['ignore', 'ignore', 'pipe'] });
    const lines = readline.createInterface({ input: child.stderr! });
    const early: string[] = [];
    const url = await withTimeout(
      new Promise<string | undefined>((resolve) => {
        lines.on('line', (line) => {
          const match = URL_LINE.exec(line);
          if (match) resolve(match[1]);
          else early.push(line);
        });
        child.once('exit', () => resolve(undefined));
        child.once('error', () => resolve(undefined));
      }),
      READY_TIMEOUT_MS,
      () => undefined,
    );
    if (!url) {
      child.kill('SIGKILL');
      throw new Error(`cellbridge serve did not print its URL (exit ${child.exitCode ?? child.signalCode ?? 'pending'}):\n${early.join('\n')}`);
    }
    const service = new ServiceProcess(child, url);
    service.log.push(...early);
    lines.on('line', (line) => service.log.push(line));
    return service;
  }

  /** SIGTERM, then wait for the exit; SIGKILL if it does not come within the grace period. */
  async stop(): Promise<ServiceStop> {
    const started = performance.now();
    let killed = false;
    if (this.child.exitCode === null && this.child.signalCode === null) {
      this.child.kill('SIGTERM');
      const stopped = await withTimeout(this.exited.then(() => true), STOP_GRACE_MS, () => false);
      if (!stopped) {
        killed = true;
        this.child.kill('SIGKILL');
        await this.exited;
      }
    }
    return { ms: performance.now() - started, code: this.child.exitCode, signal: this.child.signalCode, killed };
  }
}
