/**
 * A kernel forked by a fork server. It is not our child: its exit comes from the server (which reaps it), or,
 * when the server is gone, from watching its pid; its stderr is a file in its connection directory. It leads
 * its own process group, so signals and kills reach it and whatever it started, as for a spawned kernel.
 */
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { type KernelOsProcess, type ProcessExit, STDERR_TAIL_BYTES } from '../kernelOsProcess';
import { readProcStat } from '../procStat';
import { killGroupNow, signalGroup, terminateGroup, trackGroup } from '../processGroups';

const ORPHAN_POLL_MS = 250;

/**
 * Whether the process is there and not a zombie: an orphan is reaped by whatever PID 1 is, and in a container
 * that does not reap (a shell, a Node process) a dead kernel would stay a zombie, alive to kill(pid, 0).
 */
function isRunning(pid: number): boolean {
  const stat = readProcStat(pid);
  return stat !== undefined && stat.state !== 'Z';
}

export class ForkedKernelProcess implements KernelOsProcess {
  readonly memoryMeasure = 'proportional';
  readonly cgroup = undefined;
  readonly spawnFailure = undefined;
  readonly exited: Promise<ProcessExit>;
  private exitValue: ProcessExit | undefined;
  private resolveExit!: (exit: ProcessExit) => void;
  private orphanWatch: NodeJS.Timeout | undefined;

  constructor(
    readonly pid: number,
    private readonly stderrFile: string,
  ) {
    this.exited = new Promise((resolve) => (this.resolveExit = resolve));
    trackGroup(pid);
  }

  get exit(): ProcessExit | undefined {
    return this.exitValue;
  }

  get stderrTail(): string {
    try {
      const fd = openSync(this.stderrFile, 'r');
      try {
        const size = fstatSync(fd).size;
        const length = Math.min(size, STDERR_TAIL_BYTES);
        const buffer = Buffer.alloc(length);
        readSync(fd, buffer, 0, length, size - length);
        return buffer.toString('utf8');
      } finally {
        closeSync(fd);
      }
    } catch {
      return '';
    }
  }

  /** The server reaped it. */
  exitedWith(exit: ProcessExit): void {
    if (this.exitValue) return;
    this.exitValue = exit;
    clearInterval(this.orphanWatch);
    this.resolveExit(exit);
  }

  /** Its server is gone, and nobody will reap it for us: watch its pid until it is gone (its status is then unknown). */
  orphaned(): void {
    if (this.exitValue || this.orphanWatch) return;
    this.orphanWatch = setInterval(() => {
      if (!isRunning(this.pid)) this.exitedWith({ code: null, signal: null });
    }, ORPHAN_POLL_MS);
    this.orphanWatch.unref();
  }

  signal(signal: NodeJS.Signals): void {
    if (!this.exitValue) signalGroup(this.pid, signal);
  }

  async terminate(graceMs: number): Promise<void> {
    await terminateGroup(this.pid, this.exited, () => this.exitValue !== undefined, graceMs);
  }

  dispose(): void {
    killGroupNow(this.pid);
    clearInterval(this.orphanWatch);
  }
}
