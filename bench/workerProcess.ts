import type { ChildProcess } from 'node:child_process';
import { withTimeout } from '../src/core/common/async';

/**
 * Closes a line-driven Python worker: its stdin ends, so it finishes (shutting its kernel down) and exits;
 * killed if it has not within `graceMs`.
 */
export async function closeWorker(child: ChildProcess, exited: Promise<void>, graceMs: number): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.stdin!.end();
  await withTimeout(exited, graceMs, () => undefined);
  if (child.exitCode === null && child.signalCode === null) {
    child.kill('SIGKILL');
    await exited;
  }
}
