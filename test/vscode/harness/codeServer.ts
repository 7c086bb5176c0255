import { ChildProcess, execFile, spawn } from 'node:child_process';
import { existsSync, promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { descendants, killMentioning, onExitCleanup, pgrep, removeDirSync, signal, waitGone } from './processes';
import { repoRoot } from './repoRoot';
import { freeLoopbackPort } from '../../shared/freeLoopbackPort';

/** Where scripts/setup-vscode.sh installs code-server (4.100.3, VS Code 1.100.3, the last on Node 20). */
export const CODE_SERVER_BIN = path.join(repoRoot(), '.code-server', 'node_modules', '.bin', 'code-server');
const READY_TIMEOUT_MS = 30_000;
const INSTALL_TIMEOUT_MS = 120_000;
const TERM_GRACE_MS = 5_000;
const STDERR_TAIL_CHARS = 8192;

/**
 * Test defaults that keep the workbench free of anything that waits for a click (trust prompt, welcome page,
 * restored windows, tips, update and telemetry notices, hot-exit "save?" dialogs) or that races the test
 * (auto-save, extension auto-update).
 */
const DEFAULT_SETTINGS: Record<string, unknown> = {
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'workbench.welcomePage.walkthroughs.openOnInstall': false,
  'workbench.enableExperiments': false,
  'security.workspace.trust.enabled': false,
  'extensions.autoUpdate': false,
  'extensions.autoCheckUpdates': false,
  'extensions.ignoreRecommendations': true,
  'update.mode': 'none',
  'telemetry.telemetryLevel': 'off',
  'window.restoreWindows': 'none',
  'files.hotExit': 'off',
  'files.autoSave': 'off',
  'notebook.confirmDeleteRunningCell': false,
  'git.enabled': false,
  'git.openRepositoryInParentFolders': 'never',
  'chat.commandCenter.enabled': false,
  'chat.disableAIFeatures': true,
};

export interface CodeServerOptions {
  /** The folder the workbench will open; only used as code-server's cwd, the URL names the folder. */
  workspaceDir: string;
  /** Merged over DEFAULT_SETTINGS into the user settings.json. */
  settings?: Record<string, unknown>;
  /** Extra environment for code-server and so for the extension host it forks. */
  env?: Record<string, string>;
  /**
   * .vsix files installed into this server's own extensions dir before it starts, with code-server's
   * `--install-extension`, as a user would: the workbench then finds them as ordinary installed extensions.
   */
  extensionsToInstall?: string[];
}

/**
 * A code-server on a free loopback port with no auth. HOME, user data and extensions live in one temp dir,
 * so nothing of the developer's own VS Code leaks in and stop() leaves no file behind. It runs in its own
 * process group; stop() kills the group and any descendant that left it.
 */
export class CodeServer {
  private stderrTail = '';
  private exitedFlag = false;
  private stopped: Promise<void> | undefined;
  private readonly forgetExitCleanup: () => void;
  /** Settles when the code-server process is gone (stopped, crashed, or failed to spawn). */
  readonly exited: Promise<void>;

  private constructor(
    private readonly child: ChildProcess,
    readonly port: number,
    private readonly tempDir: string,
  ) {
    // code-server runs detached, so a Ctrl-C in the test's terminal does not reach it: kill it on our exit.
    this.forgetExitCleanup = onExitCleanup(() => {
      if (child.pid !== undefined) signal(-child.pid, 'SIGKILL');
      removeDirSync(tempDir);
    });
    // 'error' without 'exit' when the spawn itself fails; stop() must not wait for an exit that never comes.
    this.exited = new Promise((resolve) => {
      child.once('exit', () => resolve());
      child.once('error', () => resolve());
    });
    void this.exited.then(() => (this.exitedFlag = true));
    const keepTail = (chunk: string): void => {
      this.stderrTail = (this.stderrTail + chunk).slice(-STDERR_TAIL_CHARS);
    };
    // stdout too: code-server writes its start-up errors there as often as to stderr.
    child.stdout?.setEncoding('utf8').on('data', keepTail);
    child.stderr?.setEncoding('utf8').on('data', keepTail);
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get hasExited(): boolean {
    return this.exitedFlag;
  }

  /** This server's --extensions-dir (in its temp dir, removed by stop()). */
  get extensionsDir(): string {
    return path.join(this.tempDir, 'extensions');
  }

  /** The server side's log files (remote agent, remote extension host), for copying out before stop(). */
  get logsDir(): string {
    return path.join(this.tempDir, 'user-data', 'logs');
  }

  /** What code-server printed last (stdout and stderr interleaved), for error messages. */
  get outputTail(): string {
    return this.stderrTail.trim();
  }

  static async start(options: CodeServerOptions): Promise<CodeServer> {
    if (!existsSync(CODE_SERVER_BIN)) throw new Error(`code-server is not installed at ${CODE_SERVER_BIN}: run scripts/setup-vscode.sh`);
    const tempDir = await fs.mkdtemp(path.join(os.tmpdir(), 'cellbridge-code-server-'));
    const home = path.join(tempDir, 'home');
    const userDataDir = path.join(tempDir, 'user-data');
    const extensionsDir = path.join(tempDir, 'extensions');
    await fs.mkdir(path.join(userDataDir, 'User'), { recursive: true });
    await fs.mkdir(home);
    await fs.mkdir(extensionsDir);
    const settings = { ...DEFAULT_SETTINGS, ...options.settings };
    await fs.writeFile(path.join(userDataDir, 'User', 'settings.json'), JSON.stringify(settings, null, 2));

    const common = ['--user-data-dir', userDataDir, '--extensions-dir', extensionsDir];
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      // No extension gallery: there is no network here, and the workbench's open-vsx.org queries would only
      // add failed lookups and error lines to the log. An empty gallery config turns the gallery off.
      EXTENSIONS_GALLERY: '{}',
      ...options.env,
      HOME: home,
      // code-server reads its config.yaml from XDG_CONFIG_HOME; keep it away from the developer's one.
      XDG_CONFIG_HOME: path.join(home, '.config'),
      XDG_DATA_HOME: path.join(home, '.local', 'share'),
      PYDEVD_DISABLE_FILE_VALIDATION: '1',
      // The package index this machine's pip reaches is configured in the real HOME, which code-server does not see.
      ...pipConfigOutsideHome(),
    };
    delete env.VSCODE_IPC_HOOK_CLI; // Set when run from a VS Code terminal; would make code-server talk to that one.
    if (options.extensionsToInstall?.length) {
      // Until the server exists (its constructor registers the same cleanup), a dying test still removes tempDir.
      const forgetInstallCleanup = onExitCleanup(() => removeDirSync(tempDir));
      try {
        for (const vsix of options.extensionsToInstall) await installExtension(vsix, common, env, options.workspaceDir);
      } catch (error) {
        await killMentioning(tempDir, TERM_GRACE_MS);
        await fs.rm(tempDir, { recursive: true, force: true });
        throw error;
      } finally {
        forgetInstallCleanup();
      }
    }

    const port = await freeLoopbackPort();
    const args = [
      '--auth', 'none',
      '--bind-addr', `127.0.0.1:${port}`,
      ...common,
      '--disable-telemetry',
      '--disable-update-check',
      '--disable-workspace-trust',
      '--disable-getting-started-override',
      '--ignore-last-opened',
    ];
    const child = spawn(CODE_SERVER_BIN, args, { cwd: options.workspaceDir, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    const server = new CodeServer(child, port, tempDir);
    try {
      await server.waitUntilHealthy();
    } catch (error) {
      await server.stop().catch(() => undefined);
      throw error;
    }
    return server;
  }

  /** Polls GET /healthz, which code-server answers as soon as its HTTP server listens. */
  private async waitUntilHealthy(): Promise<void> {
    const deadline = Date.now() + READY_TIMEOUT_MS;
    while (Date.now() < deadline) {
      if (this.exitedFlag) throw new Error(`code-server exited during start-up:\n${this.outputTail}`);
      try {
        const response = await fetch(`${this.url}/healthz`);
        if (response.ok) return;
      } catch {
        // Not listening yet.
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(`code-server did not answer GET /healthz within ${READY_TIMEOUT_MS / 1000} s:\n${this.outputTail}`);
  }

  /**
   * SIGTERM to the whole group and every descendant (found before the first signal: orphans are re-parented
   * to init and cannot be found afterwards), SIGKILL to what is left after a grace period; then kills
   * anything still naming the temp dir and removes it. Safe to call twice.
   */
  stop(): Promise<void> {
    return (this.stopped ??= this.doStop());
  }

  private async doStop(): Promise<void> {
    const pgid = this.child.pid;
    if (pgid !== undefined) {
      const family = [pgid, ...descendants(pgid)];
      signal(-pgid, 'SIGTERM');
      for (const pid of family) signal(pid, 'SIGTERM');
      const everyone = (): number[] => [...new Set([...family, ...pgrep(['-g', String(pgid)])])];
      if (!(await waitGone(everyone(), TERM_GRACE_MS))) {
        signal(-pgid, 'SIGKILL');
        for (const pid of everyone()) signal(pid, 'SIGKILL');
      }
      await this.exited;
    }
    // HOME, user-data-dir and extensions-dir are all in the temp dir, so its name finds any escaped helper.
    await killMentioning(this.tempDir, TERM_GRACE_MS);
    await fs.rm(this.tempDir, { recursive: true, force: true });
    this.forgetExitCleanup();
  }
}

/**
 * `code-server --install-extension VSIX` into the given user-data and extensions dirs: the same code path as a
 * user's install from a .vsix, and it exits 1 (after printing why) when the file is missing or not a valid
 * extension. It runs before the server starts, so nothing else writes the extensions dir meanwhile.
 */
function installExtension(vsix: string, dirArgs: string[], env: NodeJS.ProcessEnv, cwd: string): Promise<void> {
  const absolute = path.resolve(vsix);
  return new Promise((resolve, reject) => {
    execFile(
      CODE_SERVER_BIN,
      ['--install-extension', absolute, ...dirArgs],
      { cwd, env, timeout: INSTALL_TIMEOUT_MS, killSignal: 'SIGKILL', maxBuffer: 4 * 1024 * 1024 },
      (error, stdout, stderr) => {
        if (!error) return resolve();
        const output = `${stdout}${stderr}`.trim().slice(-STDERR_TAIL_CHARS);
        const why = error.killed ? `did not finish within ${INSTALL_TIMEOUT_MS / 1000} s` : `failed (exit ${String(error.code)})`;
        reject(new Error(`code-server --install-extension ${absolute} ${why}:\n${output}`));
      },
    );
  });
}

/** The dir holding package.json, found upwards from this file (works from test/ and from out/test/). */


/**
 * pip as this machine has it: PIP_CONFIG_FILE for the user's own pip.conf (the package index it reaches), and
 * one retry, as scripts/setupCurrentStack.sh does: where pypi.org is unreachable, pip's default back-off turns
 * an install of a few seconds into minutes.
 */
function pipConfigOutsideHome(): { PIP_CONFIG_FILE?: string; PIP_RETRIES: string } {
  const file = path.join(os.homedir(), '.config', 'pip', 'pip.conf');
  const config = !process.env.PIP_CONFIG_FILE && existsSync(file) ? { PIP_CONFIG_FILE: file } : {};
  return { PIP_RETRIES: process.env.PIP_RETRIES ?? '1', ...config };
}
