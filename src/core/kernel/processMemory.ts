import { promises as fs } from 'node:fs';
import type { Disposable } from '../common/disposable';

/**
 * How a process's memory is counted: `resident`, every page it maps (VmRSS); `proportional`, its share of
 * them (Pss: a page shared by n processes counts 1/n), for a forked kernel whose pages are mostly its fork
 * server's, which would otherwise be counted once per kernel.
 */
export type MemoryMeasure = 'resident' | 'proportional';

/** Memory of a process and all its descendants, in bytes (Linux /proc); 0 once it is gone. */
export async function treeMemoryBytes(pid: number, measure: MemoryMeasure = 'resident'): Promise<number> {
  let total = 0;
  const pending = [pid];
  const seen = new Set<number>();
  while (pending.length) {
    const current = pending.pop()!;
    if (seen.has(current)) continue;
    seen.add(current);
    total += measure === 'proportional' ? await proportionalBytes(current) : await residentBytes(current);
    pending.push(...(await childrenOf(current)));
  }
  return total;
}

/** A `Name:   N kB` line of a /proc file, in bytes; undefined when the file cannot be read (the process is gone, or has no such file). */
async function procFileBytes(pid: number, file: 'status' | 'smaps_rollup', field: string): Promise<number | undefined> {
  let text: string;
  try {
    text = await fs.readFile(`/proc/${pid}/${file}`, 'utf8');
  } catch {
    return undefined;
  }
  const match = new RegExp(`^${field}:\\s+(\\d+)\\s+kB`, 'm').exec(text);
  return match ? Number(match[1]) * 1024 : 0;
}

async function residentBytes(pid: number): Promise<number> {
  return (await procFileBytes(pid, 'status', 'VmRSS')) ?? 0; // gone between the listing and the read
}

async function proportionalBytes(pid: number): Promise<number> {
  // No smaps_rollup (an old kernel): resident memory, an overcount.
  return (await procFileBytes(pid, 'smaps_rollup', 'Pss')) ?? residentBytes(pid);
}

/** Children of every thread of a process (a child belongs to the thread that forked it). */
async function childrenOf(pid: number): Promise<number[]> {
  let threads: string[];
  try {
    threads = await fs.readdir(`/proc/${pid}/task`);
  } catch {
    return [];
  }
  const children: number[] = [];
  for (const thread of threads) {
    try {
      const text = await fs.readFile(`/proc/${pid}/task/${thread}/children`, 'utf8');
      for (const child of text.split(' ')) if (child.trim()) children.push(Number(child));
    } catch {
      // The thread ended meanwhile.
    }
  }
  return children;
}

/** Bytes used when a limit has been passed, else undefined. */
export type MemoryCheck = () => Promise<number | undefined>;

/** Passed when a process tree's memory, counted as `measure` says, is over `limitBytes`. */
export function memoryOver(pid: number, limitBytes: number, measure: MemoryMeasure): MemoryCheck {
  return async () => {
    const used = await treeMemoryBytes(pid, measure);
    return used > limitBytes ? used : undefined;
  };
}

/**
 * Checks a kernel's memory every `intervalMs` and calls `onExceeded` once when the check says it passed
 * its limit. A sample every 100 ms catches a runaway allocation within a few hundred MB on ordinary machines.
 */
export class MemoryWatchdog implements Disposable {
  private timer: NodeJS.Timeout | undefined;
  private sampling = false;

  constructor(check: MemoryCheck, onExceeded: (usedBytes: number) => void, intervalMs = 100) {
    this.timer = setInterval(() => {
      if (this.sampling) return;
      this.sampling = true;
      check()
        .then((used) => {
          if (used !== undefined && this.timer) {
            this.dispose();
            onExceeded(used);
          }
        })
        .catch(() => undefined)
        .finally(() => (this.sampling = false));
    }, intervalMs);
    // Watching must never keep the process alive by itself.
    this.timer.unref();
  }

  dispose(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }
}
