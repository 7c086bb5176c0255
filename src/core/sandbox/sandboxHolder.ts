import { type ChildProcess, spawn } from 'node:child_process';
import type { Readable } from 'node:stream';
import { withTimeout } from '../common/async';
import { killGroupNow, trackGroup } from '../kernel/processGroups';
import { BWRAP } from './bubblewrap';
import type { KernelCgroup } from './kernelCgroup';
import type { KernelLimits } from './kernelLimits';
import { limitedCommand } from './limitedCommand';

const READY_TIMEOUT_MS = 10_000;
const READY_LINE = 'ready';

/**
 * A kernel's sandbox made by bubblewrap with nothing in it yet but a placeholder, for a fork server to fork
 * the kernel into (fork/forkServerScript.ts enters its namespaces): the same bwrap, namespaces, mounts,
 * cgroups and rlimits as a spawned sandboxed kernel gets, at the cost of starting bwrap (milliseconds) rather
 * than an interpreter.
 *
 * The placeholder is `cat` reading a pipe that only we write to: it ends when we close it or die, and with it
 * bwrap's init, whose PID namespace takes the kernel down with it (as does `--die-with-parent`).
 */
export class SandboxHolder {
  private constructor(
    private readonly child: ChildProcess,
    /** A process in the sandbox's namespaces, as the host numbers it (bwrap's init in it). */
    readonly nsPid: number,
  ) {}

  /** Makes the sandbox: bwrap with `bwrapArgs` (kernelSandbox's), joined to `cgroup`, under `limits`' rlimits. Rejects when it cannot be made. */
  static async start(bwrapArgs: readonly string[], limits: KernelLimits, cgroup: KernelCgroup | undefined): Promise<SandboxHolder> {
    const command = limitedCommand([BWRAP, ...bwrapArgs, '--info-fd', '3', '--', '/bin/sh', '-c', `echo ${READY_LINE} && exec cat`], limits, cgroup);
    const child = spawn(command[0]!, command.slice(1), { env: { PATH: process.env.PATH ?? '/usr/bin:/bin' }, detached: true, stdio: ['pipe', 'pipe', 'pipe', 'pipe'] });
    if (child.pid !== undefined) trackGroup(child.pid);
    let stderr = '';
    child.stderr?.setEncoding('utf8');
    child.stderr?.on('data', (chunk: string) => (stderr = (stderr + chunk).slice(-2000)));
    child.stdin?.on('error', () => undefined);
    const exited = new Promise<string>((resolve) => {
      child.once('error', (error) => resolve(error.message));
      child.once('exit', (code, signal) => resolve(`bwrap exited (${signal ?? `code ${code}`})`));
    });
    const made = Promise.all([readLine(child.stdout!), readJson(child.stdio[3] as Readable)]).then(([line, info]) => {
      const nsPid = (info as { 'child-pid'?: unknown })['child-pid'];
      if (line !== READY_LINE || typeof nsPid !== 'number') throw new Error(`bwrap said ${JSON.stringify(line)} and ${JSON.stringify(info)}`);
      return nsPid;
    });
    const failed = exited.then((reason) => Promise.reject(new Error(`${reason}${stderr.trim() ? `: ${stderr.trim()}` : ''}`)));
    // Whichever loses the race settles later, unobserved.
    made.catch(() => undefined);
    failed.catch(() => undefined);
    try {
      const nsPid = await withTimeout<number | undefined>(Promise.race([made, failed]), READY_TIMEOUT_MS, () => undefined);
      if (nsPid === undefined) throw new Error(`bwrap made no sandbox within ${READY_TIMEOUT_MS / 1000} s`);
      // From here it is the kernel's: it must not keep this process alive (a kernel does not), and it is killed with it.
      child.unref();
      for (const stream of [child.stdin, child.stdout, child.stderr, child.stdio[3]]) (stream as unknown as { unref?: () => void } | null)?.unref?.();
      return new SandboxHolder(child, nsPid);
    } catch (error) {
      if (child.pid !== undefined) killGroupNow(child.pid);
      throw error;
    }
  }

  /** Ends the sandbox, and whatever is still in it. */
  kill(): void {
    if (this.child.pid !== undefined && this.child.exitCode === null && this.child.signalCode === null) killGroupNow(this.child.pid);
    this.child.stdin?.destroy();
  }
}

/**
 * Reads `stream` as text until `parse` makes something of what came so far; rejects with `whyNot` if it ends first.
 * Stops listening then: the sandbox may keep its end open.
 */
function readUntil<T>(stream: Readable, parse: (text: string) => T | undefined, whyNot: string): Promise<T> {
  return new Promise((resolve, reject) => {
    let text = '';
    stream.setEncoding('utf8');
    const onData = (chunk: string): void => {
      text += chunk;
      const value = parse(text);
      if (value === undefined) return;
      stream.off('data', onData);
      resolve(value);
    };
    stream.on('data', onData);
    stream.once('end', () => reject(new Error(whyNot)));
  });
}

/** The first line the placeholder writes. */
function readLine(stream: Readable): Promise<string> {
  return readUntil(stream, (text) => (text.includes('\n') ? text.slice(0, text.indexOf('\n')) : undefined), 'bwrap ended before its sandbox was ready');
}

/** bwrap's --info-fd object, parsed as soon as it is whole. */
function readJson(stream: Readable): Promise<unknown> {
  return readUntil(
    stream,
    (text) => {
      try {
        return JSON.parse(text) as unknown;
      } catch {
        return undefined; // not whole yet
      }
    },
    'bwrap gave no information about its sandbox',
  );
}
