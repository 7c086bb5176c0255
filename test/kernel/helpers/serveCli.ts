import { ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { withTimeout } from '../../../src/core/common/async';
import { REPO } from './cli';
import { processesMentioning } from './service';

const BIN = path.join(REPO, 'bin', 'cellbridge.js');
const READY_TIMEOUT_MS = 30_000;
const STOP_TIMEOUT_MS = 30_000;

export interface ServeExit {
  code: number | null;
  stderr: string;
  /** Kernel processes or temp files the service left behind (should be none). */
  leftovers: string[];
}

/**
 * `cellbridge serve` run as a user would, on a free port, with a TMPDIR of its own: what it leaves there,
 * and any process whose command line names it, is told apart from everything else on the machine.
 */
export class ServedCli {
  private stderrText = '';
  private readonly exited: Promise<number | null>;
  private stopped: Promise<ServeExit> | undefined;

  private constructor(private readonly child: ChildProcess, readonly tmp: string) {
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (this.stderrText += chunk));
    this.exited = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
  }

  /** Starts the service and waits for the line on stderr that gives its URL. */
  static async start(args: string[], options: { env?: NodeJS.ProcessEnv; tmpParent?: string } = {}): Promise<{ cli: ServedCli; url: string }> {
    const tmp = mkdtempSync(path.join(options.tmpParent ?? os.tmpdir(), 'cellbridge-serve-test-'));
    const child = spawn(process.execPath, [BIN, 'serve', '--port', '0', ...args], {
      cwd: REPO,
      env: { ...process.env, ...options.env, TMPDIR: tmp },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    const cli = new ServedCli(child, tmp);
    const url = await withTimeout(cli.url(), READY_TIMEOUT_MS, () => undefined);
    if (!url) {
      const exit = await cli.stop();
      throw new Error(`cellbridge serve printed no URL within ${READY_TIMEOUT_MS / 1000} s:\n${exit.stderr}`);
    }
    return { cli, url };
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  /** Whether the service process is still running. */
  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  get stderr(): string {
    return this.stderrText;
  }

  private url(): Promise<string | undefined> {
    return new Promise((resolve) => {
      const look = (): boolean => {
        const match = /serving POST (http:\/\/\S+)\/run_jupyter/.exec(this.stderrText);
        if (match) resolve(match[1]);
        return match !== null;
      };
      if (look()) return;
      const onData = (): void => {
        if (look()) this.child.stderr?.off('data', onData);
      };
      this.child.stderr?.on('data', onData);
      void this.exited.then(() => resolve(undefined));
    });
  }

  /** SIGTERM, as a process manager stops a service; then what it left behind. The TMPDIR is removed. Once. */
  async stop(): Promise<ServeExit> {
    this.stopped ??= this.terminate();
    return this.stopped;
  }

  private async terminate(): Promise<ServeExit> {
    this.child.kill('SIGTERM');
    const hung = await withTimeout(this.exited.then(() => false), STOP_TIMEOUT_MS, () => true);
    if (hung) this.child.kill('SIGKILL');
    const code = await this.exited;
    try {
      const leftovers = [...readdirSync(this.tmp).map((name) => `file: ${name}`), ...processesMentioning(this.tmp)];
      if (hung) leftovers.unshift(`cellbridge serve did not exit within ${STOP_TIMEOUT_MS / 1000} s of SIGTERM`);
      return { code, stderr: this.stderrText, leftovers };
    } finally {
      rmSync(this.tmp, { recursive: true, force: true });
    }
  }
}
