import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, rmSync } from 'node:fs';

// Process helpers for the harness's cleanup: code-server and Chromium fork helpers that leave their parent's
// process group or get re-parented to init, and the harness promises that nothing outlives a run. They read
// /proc directly (Linux only, like code-server's and Debian's Chromium here) because stop() polls them.

/** State letter and parent pid from /proc/PID/stat; undefined once the pid is gone. */
function procStat(pid: number): { state: string; ppid: number } | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // "pid (comm) state ppid ...": comm may hold spaces and parentheses, so split after the last ')'.
    const [state, ppid] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return state === undefined || ppid === undefined ? undefined : { state, ppid: Number(ppid) };
  } catch {
    return undefined;
  }
}

/** Alive and not a zombie (a zombie is already dead; its parent, or init, reaps it). */
export function isAlive(pid: number): boolean {
  const stat = procStat(pid);
  return stat !== undefined && stat.state !== 'Z' && stat.state !== 'X';
}

/** All live descendants of `root`. */
export function descendants(root: number): number[] {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync('/proc')) {
    const pid = Number(entry);
    const stat = Number.isInteger(pid) ? procStat(pid) : undefined;
    if (stat) children.set(stat.ppid, [...(children.get(stat.ppid) ?? []), pid]);
  }
  const found: number[] = [];
  const queue = [root];
  for (let next = queue.shift(); next !== undefined; next = queue.shift()) {
    for (const child of children.get(next) ?? []) {
      if (isAlive(child)) found.push(child);
      queue.push(child);
    }
  }
  return found;
}

/** Live (non-zombie) pids matching a pgrep selection (e.g. `-g PGID`, `-f TEXT`), never this process. */
export function pgrep(args: string[]): number[] {
  try {
    const out = execFileSync('pgrep', ['-r', 'R,S,D,T,t', ...args], { encoding: 'utf8' });
    return out.split('\n').filter(Boolean).map(Number).filter((pid) => pid !== process.pid);
  } catch {
    return []; // Exit status 1: nothing matches.
  }
}

export function signal(pid: number, name: NodeJS.Signals): void {
  try {
    process.kill(pid, name);
  } catch {
    // Already gone.
  }
}

/** Waits until none of `pids` is alive or `ms` have passed; true if they all went. */
export async function waitGone(pids: number[], ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (pids.some(isAlive)) {
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return true;
}

/**
 * Kills whatever still has `text` on its command line (a run's private temp dir): helpers that escaped both
 * the process group and the process tree. SIGTERM, then SIGKILL after `graceMs`. Returns what it found.
 */
export async function killMentioning(text: string, graceMs: number): Promise<string[]> {
  const pids = pgrep(['-f', text]);
  if (!pids.length) return [];
  const described = pids.map((pid) => `${pid} ${commandLine(pid)}`);
  for (const pid of pids) signal(pid, 'SIGTERM');
  if (!(await waitGone(pids, graceMs))) for (const pid of pids) signal(pid, 'SIGKILL');
  await waitGone(pids, 1000);
  return described;
}

function commandLine(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ').trim().slice(0, 200);
  } catch {
    return '(gone)';
  }
}

/**
 * Last-resort cleanup for when this process exits without the harness's own (async) cleanup having run:
 * a Ctrl-C (playwright's SIGINT handler closes its browsers, then calls process.exit) or a test process that
 * ends early. Only synchronous work can run then. Returns the function that unregisters the hook.
 */
const exitCleanups = new Set<() => void>();
let exitHookInstalled = false;

export function onExitCleanup(cleanup: () => void): () => void {
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    process.on('exit', () => {
      for (const run of exitCleanups) {
        try {
          run();
        } catch {
          // Best effort: the process is going away.
        }
      }
    });
  }
  exitCleanups.add(cleanup);
  return () => exitCleanups.delete(cleanup);
}

/** rmSync for exit hooks: a dying helper may still be writing into the dir, so one failure is tolerated. */
export function removeDirSync(dir: string): void {
  try {
    rmSync(dir, { recursive: true, force: true, maxRetries: 2 });
  } catch {
    // Left for the OS's tmp cleaning.
  }
}
