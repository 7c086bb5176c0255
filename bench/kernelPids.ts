import { readFileSync, rmSync } from 'node:fs';
import * as path from 'node:path';

/** Every kernel process the run started, through any contender, so the end of the run can prove none is left. */
const started = new Set<number>();
/** Connection-file directories of kernels launched from this process, for a synchronous clean-up on Ctrl-C. */
const connectionDirs = new Set<string>();

export function trackKernelPid(pid: number | null | undefined): void {
  if (typeof pid === 'number') started.add(pid);
}

export function trackConnectionFile(file: string): void {
  connectionDirs.add(path.dirname(file));
}

export function trackedKernelPids(): number[] {
  return [...started];
}

/**
 * On an interrupted run: kernelProcess.ts kills the kernels' process groups on exit, but their connection
 * files are removed asynchronously, which an exiting process never gets to. Each sits alone in its own temp dir.
 */
export function removeConnectionDirsSync(): void {
  for (const dir of connectionDirs) rmSync(dir, { recursive: true, force: true });
}

/** Tracked kernels still running (zombies awaiting their parent's wait() count as gone). */
export function liveKernelPids(): number[] {
  return [...started].filter(isRunning);
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    // /proc/PID/stat: "pid (comm) state …"; the comm may hold spaces, the state follows its last ')'.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return true;
  }
}

/** Kernels shut down by Python workers may take a moment to be reaped; waits up to `graceMs` before calling any leaked. */
export async function waitForKernelsToExit(graceMs = 5000): Promise<number[]> {
  const deadline = Date.now() + graceMs;
  let live = liveKernelPids();
  while (live.length && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    live = liveKernelPids();
  }
  return live;
}
