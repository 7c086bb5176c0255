/*
 * Runs an extension test suite inside a real VS Code: code-server (VS Code 1.100.3) in headless Chromium, the
 * web counterpart of @vscode/test-electron's runTests(). The workbench URL carries a `payload` naming
 * extensionDevelopmentPath and extensionTestsPath; the remote extension host (a Node process on the code-server
 * side, so suites may use node: modules and `require('vscode')`) requires the suite and awaits its `run()`.
 *
 * The channel, as measured with code-server 4.100.3:
 * - Exit code: the workbench calls `window.codeAutomationExit(code, logFiles)` once the extension host is gone:
 *   0 when run() resolved, 1 when it threw/rejected (the error and its stack are logged first, at 'error').
 *   The extension host process itself always exits 0; only this call carries the suite's result.
 * - Output: when extensionTestsPath is set, everything the extension host prints goes to the workbench's log
 *   service, and from there to `window.codeAutomationLog(level, args)`: console.log/info ('info'),
 *   console.warn ('warn'), console.error ('error'), and also process.stdout.write ('info') and
 *   process.stderr.write ('error'). `args` are the console call's arguments, unformatted (a format string
 *   such as mocha's '%s' comes with its values) and passed through JSON, so this harness applies
 *   util.format and splits the result into lines. Two losses to know about: a console call whose first
 *   argument is not a string (`console.log(42, 'x')`) is dropped by the workbench, and so is console.debug.
 * - The same channel carries the workbench's own info/warn/error lines (connection set-up, "gallery is
 *   disabled", ...), so a suite that wants its lines picked out should give them a prefix of its own; the
 *   order of lines is kept.
 * - The extension host inherits code-server's environment, so `env` reaches the suite's process.env.
 * - Keep the suite inside extensionDevelopmentPath: `require('vscode')` from a file outside every extension
 *   still works but logs a warning ("Could not identify extension for 'vscode' require call").
 * A trivial suite takes 9 to 13 s here on 2 cores: code-server 1 s, Chromium 0.8 s, page load to exit 7 to
 * 11 s (most of it the extension host process starting), cleanup 0.5 to 1.5 s; about 1.6 GiB RSS in all.
 */
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { format } from 'node:util';
import { openBrowser, type Browser } from './chromium';
import { CodeServer } from './codeServer';
import { onExitCleanup, removeDirSync } from './processes';

export type InHostLogLevel = 'trace' | 'debug' | 'info' | 'warn' | 'error';

export interface InHostRunOptions {
  /** The extension under test: a directory holding its package.json. */
  extensionDevelopmentPath: string;
  /** A module exporting `run(): Promise<void>`, required inside the extension host. */
  extensionTestsPath: string;
  /** A directory copied fresh for this run and opened as the workspace folder (tests may write into it). */
  workspaceFixture: string;
  /** Receives inhost.log, workbench-logs/, code-server-logs/ and, on timeout, timeout.png. Created if missing. */
  outputDir: string;
  /**
   * Limit for the whole call. The start-up steps are bounded by their own (30 s) limits and checked against
   * it when done; from the page load on, the run is cut off exactly at it.
   */
  timeoutMs: number;
  /** User settings merged over the harness's test defaults (see codeServer.ts). */
  settings?: Record<string, unknown>;
  /** Extra environment for code-server and so for the extension host running the suite. */
  env?: Record<string, string>;
  /** Each line of output as it arrives (one call per line, already formatted and free of ANSI codes). */
  onLog?: (line: string, level: InHostLogLevel) => void;
}

export interface InHostRunResult {
  /** What the workbench passed to codeAutomationExit: 0 when run() resolved. */
  exitCode: number;
  /** Every output line, in order, as passed to onLog. */
  log: string[];
  /** Where the time went, in ms: starting code-server, starting Chromium, page load to exit, cleaning up. */
  timings: InHostTimings;
}

export interface InHostTimings {
  codeServerStartMs: number;
  browserStartMs: number;
  runMs: number;
  cleanupMs: number;
}

/** One of the workbench's log files, as handed to codeAutomationExit (they live in IndexedDB in the browser). */
interface WorkbenchLogFile {
  relativePath: string;
  contents: string;
}

const ERROR_TAIL_LINES = 40;
const ANSI_ESCAPES = /\u001b\[[0-9;?]*[ -/]*[@-~]/g;

export async function runInHostSuite(options: InHostRunOptions): Promise<InHostRunResult> {
  const deadline = Date.now() + options.timeoutMs;
  const extensionDevelopmentPath = path.resolve(options.extensionDevelopmentPath);
  const extensionTestsPath = path.resolve(options.extensionTestsPath);
  await mustExist(path.join(extensionDevelopmentPath, 'package.json'), 'extensionDevelopmentPath has no package.json');
  await mustExist(extensionTestsPath, 'extensionTestsPath');
  const outputDir = path.resolve(options.outputDir);
  await fs.mkdir(outputDir, { recursive: true });
  for (const stale of ['inhost.log', 'timeout.png', 'workbench-logs', 'code-server-logs']) {
    await fs.rm(path.join(outputDir, stale), { recursive: true, force: true });
  }

  const log: string[] = [];
  const addOutput = (level: InHostLogLevel, args: unknown[]): void => {
    for (const line of formatOutput(args)) {
      log.push(line);
      options.onLog?.(line, level);
    }
  };

  const scratch = await fs.mkdtemp(path.join(os.tmpdir(), 'cellbridge-inhost-'));
  const forgetExitCleanup = onExitCleanup(() => removeDirSync(scratch));
  const workspaceDir = path.join(scratch, path.basename(path.resolve(options.workspaceFixture)));
  let server: CodeServer | undefined;
  let browser: Browser | undefined;
  let workbenchLogs: WorkbenchLogFile[] = [];
  const timings: InHostTimings = { codeServerStartMs: 0, browserStartMs: 0, runMs: 0, cleanupMs: 0 };
  let mark = Date.now();
  const lap = (): number => {
    const now = Date.now();
    const elapsed = now - mark;
    mark = now;
    return elapsed;
  };
  try {
    await fs.cp(options.workspaceFixture, workspaceDir, { recursive: true });
    server = await CodeServer.start({ workspaceDir, settings: options.settings, env: options.env });
    timings.codeServerStartMs = lap();
    browser = await openBrowser();
    timings.browserStartMs = lap();
    const { page } = browser;
    const liveServer = server;

    let settle: (outcome: Outcome) => void = () => undefined;
    const outcome = new Promise<Outcome>((resolve) => (settle = resolve));
    // Both hooks must exist before the workbench loads: it looks for them once, at start-up.
    await page.exposeFunction('codeAutomationLog', (level: InHostLogLevel, args: unknown[]) => addOutput(level, args));
    await page.exposeFunction('codeAutomationExit', (code: number, logs: WorkbenchLogFile[]) => {
      workbenchLogs = Array.isArray(logs) ? logs : [];
      settle({ kind: 'exit', code });
    });
    page.on('crash', () => settle({ kind: 'failed', reason: 'the workbench page crashed' }));
    // E.g. playwright's SIGTERM handler closed the browser: fail now rather than at the timeout.
    page.on('close', () => settle({ kind: 'failed', reason: 'the browser page closed' }));
    void liveServer.exited.then(() => settle({ kind: 'failed', reason: `code-server exited during the run:\n${liveServer.outputTail}` }));
    const timer = setTimeout(() => settle({ kind: 'timeout' }), Math.max(0, deadline - Date.now()));

    try {
      const payload = [
        ['extensionDevelopmentPath', remoteUri(server.port, extensionDevelopmentPath)],
        ['extensionTestsPath', remoteUri(server.port, extensionTestsPath)],
      ];
      const url = `${server.url}/?folder=${encodeURIComponent(workspaceDir)}&payload=${encodeURIComponent(JSON.stringify(payload))}`;
      page
        .goto(url, { waitUntil: 'domcontentloaded', timeout: Math.max(1, deadline - Date.now()) })
        .catch((error: unknown) => settle({ kind: 'failed', reason: `loading the workbench failed: ${String(error)}` }));
      const result = await outcome;
      timings.runMs = lap();
      // timings is filled in further by the outer finally, before the caller sees it.
      if (result.kind === 'exit') return { exitCode: result.code, log, timings };
      if (result.kind === 'timeout') {
        await page.screenshot({ path: path.join(outputDir, 'timeout.png'), timeout: 10_000 }).catch(() => undefined);
        throw new Error(`in-host suite did not finish within ${options.timeoutMs} ms (screenshot: ${path.join(outputDir, 'timeout.png')})${tail(log)}`);
      }
      throw new Error(`in-host suite failed to run: ${result.reason}${tail(log)}`);
    } finally {
      clearTimeout(timer);
    }
  } finally {
    // Artifacts are best effort: failing to write them must neither hide the run's own error nor skip cleanup.
    await saveArtifacts(outputDir, log, workbenchLogs, server?.logsDir).catch(() => undefined);
    await browser?.close();
    await server?.stop();
    await fs.rm(scratch, { recursive: true, force: true });
    forgetExitCleanup();
    timings.cleanupMs = lap();
  }
}

type Outcome = { kind: 'exit'; code: number } | { kind: 'timeout' } | { kind: 'failed'; reason: string };

/** The workbench's URI for a path on the code-server machine (the "remote" authority is code-server itself). */
function remoteUri(port: number, absolutePath: string): string {
  return `vscode-remote://127.0.0.1:${port}${absolutePath.split(path.sep).map(encodeURIComponent).join('/')}`;
}

/**
 * One console call's arguments as text lines. The workbench forwards them unformatted; util.format applies
 * the format string the way the extension host's console would have. ANSI colours are dropped.
 */
export function formatOutput(args: unknown[]): string[] {
  if (!Array.isArray(args) || args.length === 0) return [];
  const text = format(...args).replace(ANSI_ESCAPES, '');
  const lines = text.split(/\r?\n/);
  if (lines.length > 1 && lines[lines.length - 1] === '') lines.pop();
  return lines;
}

async function saveArtifacts(outputDir: string, log: string[], workbenchLogs: WorkbenchLogFile[], serverLogsDir: string | undefined): Promise<void> {
  await fs.writeFile(path.join(outputDir, 'inhost.log'), log.map((line) => `${line}\n`).join(''));
  await saveWorkbenchLogs(path.join(outputDir, 'workbench-logs'), workbenchLogs);
  if (serverLogsDir) await fs.cp(serverLogsDir, path.join(outputDir, 'code-server-logs'), { recursive: true }).catch(() => undefined);
}

async function saveWorkbenchLogs(dir: string, logs: WorkbenchLogFile[]): Promise<void> {
  for (const file of logs) {
    const target = path.resolve(dir, file.relativePath);
    if (!target.startsWith(dir + path.sep)) continue; // The names come from the page; stay inside dir.
    await fs.mkdir(path.dirname(target), { recursive: true });
    await fs.writeFile(target, file.contents);
  }
}

function tail(log: string[]): string {
  if (!log.length) return '\n(no output arrived)';
  return `\nlast ${Math.min(log.length, ERROR_TAIL_LINES)} of ${log.length} output lines:\n${log.slice(-ERROR_TAIL_LINES).join('\n')}`;
}

async function mustExist(file: string, what: string): Promise<void> {
  try {
    await fs.access(file);
  } catch {
    throw new Error(`${what}: ${file} does not exist`);
  }
}
