import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { repoRoot } from '../../vscode/harness/repoRoot';
import * as os from 'node:os';
import * as path from 'node:path';
import type { RunResponse } from '../../../src/runner/runResponse';
import { assertRunAnswer } from '../../shared/sandboxFusionSchema';

export const REPO = repoRoot();
const BIN = path.join(REPO, 'bin', 'cellbridge.js');

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
  /** Kernel processes or temp files this invocation left behind (should be none). */
  leftovers: string[];
  /**
   * What `cellbridge run` printed as JSON (not with --pretty), already checked to be an answer SandboxFusion's
   * client accepts, with our contract's fields; undefined when it printed nothing (it refused to start).
   */
  response?: RunResponse;
}

/**
 * Runs the built CLI as a user would. Each run gets its own TMPDIR, so whatever it left there (connection
 * files, run directories) and any process whose command line names it can be told apart from other runs.
 */
export async function runCli(args: string[], options: { stdin?: string; cwd?: string; signalWhenExists?: string } = {}): Promise<CliResult> {
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'cellbridge-cli-test-'));
  try {
    const child = spawn(process.execPath, [BIN, ...args], {
      cwd: options.cwd ?? REPO,
      env: { ...process.env, TMPDIR: tmp, PYDEVD_DISABLE_FILE_VALIDATION: '1' },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.stdin.end(options.stdin ?? '');
    // SIGINT once the run has reached the point the test wants (a cell writes the file), not after a guess.
    const marker = options.signalWhenExists;
    // Once only, as a person presses Ctrl-C once: a SIGINT repeated while the CLI shuts down after its handler
    // is gone would kill it with the signal, and made this flaky under load.
    const poll = marker
      ? setInterval(() => {
          if (!existsSync(marker)) return;
          clearInterval(poll);
          child.kill('SIGINT');
        }, 50)
      : undefined;
    child.on('close', () => clearInterval(poll));
    const code = await new Promise<number | null>((resolve) => child.on('close', (c) => resolve(c)));
    const result: CliResult = { code, stdout, stderr, leftovers: [...readdirSync(tmp), ...processesMentioning(tmp)] };
    if (args[0] === 'run' && !args.includes('--pretty') && stdout !== '') result.response = runAnswerOf(stdout, stderr);
    return result;
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

/** The JSON that `cellbridge run` printed: one run-cells answer, checked against the contract. */
function runAnswerOf(stdout: string, stderr: string): RunResponse {
  let body: unknown;
  try {
    body = JSON.parse(stdout);
  } catch (error) {
    throw new Error(`cellbridge run printed something else than JSON (${String(error)}):\n${stdout.slice(0, 500)}\nstderr:\n${stderr}`);
  }
  return assertRunAnswer(body);
}

function processesMentioning(text: string): string[] {
  try {
    return execFileSync('pgrep', ['-af', text], { encoding: 'utf8' }).split('\n').filter(Boolean).map((line) => `process: ${line}`);
  } catch {
    return [];
  }
}
