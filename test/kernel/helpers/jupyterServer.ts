import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { withTimeout } from '../../../src/core/common/async';
import type { JupyterServerAddress } from '../../../src/core/kernel/jupyterServer';
import { freeLoopbackPort } from '../../shared/freeLoopbackPort';

/** Debian's jupyter-server 1.23, unless the run is on the current stack (scripts/test.sh sets this to its 2.x). */
const JUPYTER_SERVER = process.env.CELLBRIDGE_TEST_JUPYTER_SERVER || '/usr/bin/jupyter-server';
const NODELAY_CONFIG = path.join('test', 'fixtures', 'jupyter_server_nodelay.py');
const READY_TIMEOUT_MS = 30_000;
const TERM_GRACE_MS = 5_000;

export interface ServerKernel {
  id: string;
  name: string;
  execution_state: string;
}

/**
 * A real jupyter-server for the remote-kernel tests: a free loopback port, a random token, both iopub rate
 * limits off (they drop large outputs), TCP_NODELAY on kernel sockets (test/fixtures/jupyter_server_nodelay.py),
 * and every directory it writes (root, runtime with the kernels' connection files, config, data) in one
 * temporary directory. `stop()` leaves no process and no file of it behind.
 */
export class TestJupyterServer {
  private stderr = '';
  private exited: Promise<void>;
  private hasExited = false;

  private constructor(private readonly child: ChildProcess, readonly url: string, readonly token: string, readonly tempDir: string) {
    this.exited = new Promise((resolve) => child.once('exit', () => resolve()));
    void this.exited.then(() => (this.hasExited = true));
    child.stderr?.setEncoding('utf8');
    child.stderr?.on('data', (chunk: string) => (this.stderr = (this.stderr + chunk).slice(-8192)));
  }

  static async start(): Promise<TestJupyterServer> {
    const tempDir = await fs.mkdtemp(path.join(os.tmpdir(), 'cellbridge-jupyter-server-'));
    const dirs = { root: 'root', runtime: 'runtime', config: 'config', data: 'data', ipython: 'ipython' };
    for (const dir of Object.values(dirs)) await fs.mkdir(path.join(tempDir, dir));
    const port = await freeLoopbackPort();
    const token = randomBytes(24).toString('hex');
    const args = [
      '--ip=127.0.0.1',
      `--port=${port}`,
      '--port-retries=0',
      '--no-browser',
      '--allow-root',
      `--ServerApp.token=${token}`,
      '--ServerApp.iopub_data_rate_limit=0',
      '--ServerApp.iopub_msg_rate_limit=0',
      `--ServerApp.root_dir=${path.join(tempDir, dirs.root)}`,
      `--config=${path.join(repoRoot(), NODELAY_CONFIG)}`,
    ];
    const env = {
      ...process.env,
      JUPYTER_RUNTIME_DIR: path.join(tempDir, dirs.runtime),
      JUPYTER_CONFIG_DIR: path.join(tempDir, dirs.config),
      JUPYTER_DATA_DIR: path.join(tempDir, dirs.data),
      IPYTHONDIR: path.join(tempDir, dirs.ipython),
      PYDEVD_DISABLE_FILE_VALIDATION: '1',
    };
    // Its own process group, so that stop() can reach whatever it leaves in it.
    const child = spawn(JUPYTER_SERVER, args, { cwd: tempDir, env, detached: true, stdio: ['ignore', 'ignore', 'pipe'] });
    const server = new TestJupyterServer(child, `http://127.0.0.1:${port}/`, token, tempDir);
    try {
      await server.waitUntilAnswering();
    } catch (error) {
      await server.stop().catch(() => undefined);
      throw error;
    }
    return server;
  }

  get address(): JupyterServerAddress {
    return { url: this.url, token: this.token };
  }

  /** GET with the token; the parsed JSON body. */
  async get<T>(apiPath: string): Promise<T> {
    const response = await fetch(new URL(apiPath, this.url), { headers: { Authorization: `token ${this.token}` } });
    if (!response.ok) throw new Error(`GET ${apiPath}: HTTP ${response.status}`);
    return (await response.json()) as T;
  }

  kernels(): Promise<ServerKernel[]> {
    return this.get<ServerKernel[]>('api/kernels');
  }

  private async waitUntilAnswering(): Promise<void> {
    const deadline = Date.now() + READY_TIMEOUT_MS;
    while (Date.now() < deadline) {
      if (this.hasExited) throw new Error(`jupyter-server exited during start-up:\n${this.stderr.trim()}`);
      try {
        await this.get<{ version: string }>('api');
        return;
      } catch {
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }
    throw new Error(`jupyter-server did not answer GET /api within ${READY_TIMEOUT_MS / 1000} s:\n${this.stderr.trim()}`);
  }

  /**
   * SIGTERM (the server shuts its kernels down), SIGKILL after a grace period; then makes sure that no
   * process refers to the temp dir (kernels run in their own sessions, outside the server's group, with
   * connection files under it) and removes the dir. Throws, after cleaning up, if anything had to be killed.
   */
  async stop(): Promise<void> {
    const pgid = this.child.pid;
    if (pgid !== undefined && !this.hasExited) {
      signal(pgid, 'SIGTERM');
      const exited = await withTimeout(this.exited.then(() => true), TERM_GRACE_MS, () => false);
      if (!exited) signal(-pgid, 'SIGKILL');
      await this.exited;
    }
    const leftovers = [...(pgid === undefined ? [] : pgrep(['-g', String(pgid)])), ...pgrep(['-f', this.tempDir])];
    for (const pid of leftovers) signal(Number(pid), 'SIGKILL');
    await fs.rm(this.tempDir, { recursive: true, force: true });
    if (leftovers.length) throw new Error(`jupyter-server left processes behind (killed now): ${leftovers.join(', ')}`);
  }
}

function repoRoot(): string {
  for (let dir = __dirname; dir !== path.dirname(dir); dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, NODELAY_CONFIG))) return dir;
  }
  throw new Error(`${NODELAY_CONFIG} not found above ${__dirname}`);
}

/** Live (non-zombie) pids matching a pgrep selection. */
function pgrep(args: string[]): string[] {
  try {
    return execFileSync('pgrep', ['-r', 'R,S,D,T,t', ...args], { encoding: 'utf8' }).split('\n').filter(Boolean);
  } catch {
    return []; // Exit status 1: nothing matches.
  }
}

function signal(pid: number, name: NodeJS.Signals): void {
  try {
    process.kill(pid, name);
  } catch {
    // Already gone.
  }
}
