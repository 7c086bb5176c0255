import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export const REPO = path.resolve(__dirname, '..', '..', '..', '..');
const BIN = path.join(REPO, 'bin', 'cellbridge.js');

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
  /** Kernel processes or temp files this invocation left behind (should be none). */
  leftovers: string[];
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
    return { code, stdout, stderr, leftovers: [...readdirSync(tmp), ...processesMentioning(tmp)] };
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

function processesMentioning(text: string): string[] {
  try {
    return execFileSync('pgrep', ['-af', text], { encoding: 'utf8' }).split('\n').filter(Boolean).map((line) => `process: ${line}`);
  } catch {
    return [];
  }
}
