import type { CellRun } from '../../../src/core/execution/cellRun';
import { transcriptOf, type TestDocument } from './kernels';

/**
 * Polls `condition` until it holds, running `refresh` before each look; fails after `timeoutMs`
 * (a hang guard, not a timing assertion).
 */
export async function until(condition: () => boolean, what: string, refresh?: () => Promise<void>, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    await refresh?.();
    if (condition()) return;
    if (Date.now() > deadline) throw new Error(`Gave up waiting for ${what} after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, refresh ? 100 : 10));
  }
}

/**
 * Waits until a cell is really inside its code: the run is `running`, the kernel is busy, and the cell has
 * printed `marker`. The marker matters: ipykernel reports busy before it installs the SIGINT handler of a
 * running cell, and a signal in that gap is ignored by the kernel (the cell would then sleep on).
 */
export async function untilInsideCell(doc: TestDocument, run: CellRun, marker: string): Promise<void> {
  await until(
    () =>
      run.state === 'running' &&
      doc.session.kernelIfStarted?.status === 'busy' &&
      transcriptOf(run).stdout.includes(marker),
    `cell ${run.index} to print ${JSON.stringify(marker)}`,
  );
}

/** The ename of every error output of a run, the kernel's and the engine's. */
export function errorNames(run: CellRun): string[] {
  return transcriptOf(run).error.map((e) => e.ename);
}

/** Runs `print(repr(globals().get(name, "<gone>")))` and returns what it printed, trimmed. */
export async function valueOf(doc: TestDocument, name: string): Promise<string> {
  const run = await doc.runOne(`print(repr(globals().get(${JSON.stringify(name)}, "<gone>")))`);
  if (run.state !== 'done') throw new Error(`reading ${name} ended ${run.state}: ${JSON.stringify(transcriptOf(run).error)}`);
  return transcriptOf(run).stdout.trim();
}
