import { delay, withTimeout } from '../common/async';

/**
 * Kernels lead process groups of their own, so that a signal reaches whatever they started. The groups still
 * alive are killed if this process exits without shutting them down (a crash of ours leaves no kernel behind).
 */
const liveGroups = new Set<number>();
let exitHookInstalled = false;

export function trackGroup(pgid: number): void {
  liveGroups.add(pgid);
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const group of liveGroups) signalGroup(group, 'SIGKILL');
  });
}

export function untrackGroup(pgid: number): void {
  liveGroups.delete(pgid);
}

/** Signals every process of a group; false when the group is already empty. */
export function signalGroup(pgid: number, signal: NodeJS.Signals): boolean {
  try {
    process.kill(-pgid, signal);
    return true;
  } catch {
    return false; // ESRCH: the group is already empty.
  }
}

/**
 * Stops a kernel's group: SIGTERM, SIGKILL after `graceMs` if the kernel has not exited, then SIGKILL whatever
 * is left of the group (children the kernel started share it and outlive a clean kernel exit).
 */
export async function terminateGroup(pgid: number, exited: Promise<unknown>, hasExited: () => boolean, graceMs: number): Promise<void> {
  if (!hasExited()) {
    signalGroup(pgid, 'SIGTERM');
    await withTimeout(exited, graceMs, () => undefined);
  }
  if (!hasExited()) {
    signalGroup(pgid, 'SIGKILL');
    await withTimeout(exited, 2000, () => undefined);
  }
  killGroupNow(pgid);
  await delay(0);
}

/** SIGKILL to the group, without waiting: for disposal paths that cannot await. */
export function killGroupNow(pgid: number): void {
  signalGroup(pgid, 'SIGKILL');
  untrackGroup(pgid);
}
