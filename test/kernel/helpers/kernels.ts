import { after, before } from 'node:test';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { silentLogger, stderrLogger } from '../../../src/core/common/logger';
import type { CellRequest, CellRun } from '../../../src/core/execution/cellRun';
import { DocumentRunner, type DocumentRunnerOptions } from '../../../src/core/execution/documentRunner';
import type { KernelSession } from '../../../src/core/execution/kernelSession';
import type { KernelHandle } from '../../../src/core/kernel/kernelHandle';
import { createKernelLauncher, type KernelLauncher, KernelTarget } from '../../../src/core/kernel/kernelLauncher';
import { ForkServers } from '../../../src/core/kernel/fork/forkServers';
import { LocalKernel } from '../../../src/core/kernel/localKernel';
import type { CellOutputs } from '../../../src/core/outputs/cellOutputs';
import { type CellTranscript, DocumentTranscripts } from '../../../src/core/outputs/cellTranscript';
import type { DocumentOutputs } from '../../../src/core/outputs/documentOutputs';

/** The two kernels the suite runs against: they split streams and report errors differently. */
/**
 * The kernels each behaviour is checked on. On the current-stack pass of scripts/test.sh (`python3` is then
 * ipykernel 7.4), xeus-python is not run again: it is the same Debian kernel on both passes.
 */
export const KERNELS: ReadonlyArray<'python3' | 'xpython'> = process.env.CELLBRIDGE_TEST_STACK === 'current' ? ['python3'] : ['python3', 'xpython'];

export const logger = process.env.CELLBRIDGE_TEST_VERBOSE ? stderrLogger(true) : silentLogger;
// @jupyterlab/services logs every socket and status change with console.debug.
console.debug = () => undefined;

/**
 * How the suite starts Python kernels: forked from fork servers (the default: a kernel of an environment
 * waits for its server's start, so that every IPython kernel is forked), or spawned every time with
 * CELLBRIDGE_TEST_KERNEL_START=spawn. Sandboxed kernels are always spawned.
 */
export const TEST_FORK_SERVERS: ForkServers | null = process.env.CELLBRIDGE_TEST_KERNEL_START === 'spawn' ? null : new ForkServers({ logger, waitForStart: true });

/** Starts kernels and remembers every local one, so a test can prove none outlived its owner. */
export class KernelTracker {
  readonly started: KernelHandle[] = [];
  private readonly launch: KernelLauncher;

  /** `forkServers`: the fork servers kernels are started from; the suite's own (TEST_FORK_SERVERS) unless given; null: spawn every kernel. */
  constructor(forkServers: ForkServers | null = TEST_FORK_SERVERS) {
    this.launch = createKernelLauncher(logger, forkServers ? { forkServers } : {});
  }

  launcher = async (target: KernelTarget): Promise<KernelHandle> => {
    const kernel = await this.launch(target);
    this.started.push(kernel);
    return kernel;
  };

  /** Throws if any process of a kernel's group is alive or its connection file is still on disk. */
  assertNothingLeft(): void {
    for (const kernel of this.started) {
      if (!(kernel instanceof LocalKernel) || kernel.pid === undefined) continue;
      const alive = processesStillInGroup(kernel.pid);
      if (alive.length) throw new Error(`kernel group ${kernel.pid} still has processes: ${alive.join(', ')}`);
      if (existsSync(kernel.connectionFilePath)) throw new Error(`connection file left behind: ${kernel.connectionFilePath}`);
    }
  }
}

/**
 * The live processes of a group, waiting up to `graceMs` for them to go. A SIGKILLed process needs a moment
 * to be scheduled and die; a process that was not killed is still there after it.
 */
export function processesStillInGroup(pgid: number, graceMs = 500): string[] {
  const deadline = Date.now() + graceMs;
  let alive = processesInGroup(pgid);
  while (alive.length && Date.now() < deadline) {
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 20); // a synchronous sleep: the check stays synchronous
    alive = processesInGroup(pgid);
  }
  return alive;
}

/**
 * The pids of the live processes of a group. Zombies are left out: they are dead already, and the kernel's
 * own children become zombies of init, which here reaps them only a second or two later.
 */
export function processesInGroup(pgid: number): string[] {
  let pids: string[];
  try {
    pids = execFileSync('pgrep', ['-g', String(pgid)], { encoding: 'utf8' }).split('\n').filter(Boolean);
  } catch {
    return []; // pgrep exits 1 when nothing matches.
  }
  return pids.filter((pid) => !isZombie(pid));
}

function isZombie(pid: string): boolean {
  try {
    // /proc/PID/stat: "pid (comm) state ..."; comm may hold spaces and parentheses, the state follows the last ')'.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z');
  } catch {
    return true; // Gone between pgrep and now.
  }
}

const transcriptsOfCells = new WeakMap<CellOutputs, DocumentTranscripts>();

/** The run-cells transcript of a run of a TestDocument: its raw logs, its errors, the displays it shows. */
export function transcriptOf(run: CellRun): CellTranscript {
  const transcripts = transcriptsOfCells.get(run.outputs);
  if (!transcripts) throw new Error('transcriptOf: the run is not one of a TestDocument');
  return transcripts.of(run.outputs);
}

/** A document's engine as the faces use it: a DocumentRunner, whose outputs keep transcripts as the runner's do. */
export class TestDocument {
  readonly runner: DocumentRunner;
  private readonly transcripts: DocumentTranscripts;

  constructor(readonly tracker: KernelTracker, kernelName: string, options: Partial<DocumentRunnerOptions> = {}, target: Partial<KernelTarget> = {}) {
    this.runner = new DocumentRunner({ launch: () => tracker.launcher({ kernelName, ...target }), stopOnError: false, logger, ...options });
    // With the runner's limits, as run-cells records them.
    this.transcripts = new DocumentTranscripts(this.runner.outputs, options.outputLimits);
    this.runner.outputs.onDidCreateCell((cell) => transcriptsOfCells.set(cell, this.transcripts));
  }

  get session(): KernelSession {
    return this.runner.session;
  }

  get outputs(): DocumentOutputs {
    return this.runner.outputs;
  }

  async run(...cells: Array<string | CellRequest>): Promise<CellRun[]> {
    const runs = this.runner.enqueue(cells.map((c) => (typeof c === 'string' ? { code: c } : c)));
    await Promise.all(runs.map((r) => r.finished));
    return runs;
  }

  async runOne(code: string): Promise<CellRun> {
    const [run] = await this.run(code);
    return run!;
  }

  /** Sends the running cell an interrupt (whether it stops is for the test to see). */
  interrupt(): Promise<void> {
    return this.runner.interrupt(0).sent;
  }

  async close(): Promise<void> {
    await this.runner.shutdown();
    this.transcripts.dispose();
  }
}

/** The text of all stream outputs of a name, as shown. */
export function shownStream(run: CellRun, name: 'stdout' | 'stderr'): string {
  return run.outputs.outputs
    .filter((o) => o.output_type === 'stream' && o.name === name)
    .map((o) => (o.output_type === 'stream' ? o.text : ''))
    .join('');
}

/** Strips ANSI escapes from tracebacks, for assertions on their words. */
export function plain(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/\x1b\[[0-9;]*m/g, '');
}

/**
 * One TestDocument on `kernelName` for a `describe` block: made before its tests, closed after them, and
 * checked to have left no kernel process behind. Call inside the describe; the getter gives the document.
 */
export function useTestDocument(kernelName: string, options: Partial<DocumentRunnerOptions> = {}, target: Partial<KernelTarget> = {}): () => TestDocument {
  const tracker = new KernelTracker();
  let doc: TestDocument | undefined;
  before(() => {
    doc = new TestDocument(tracker, kernelName, options, target);
  });
  after(async () => {
    await doc?.close();
    tracker.assertNothingLeft();
  });
  return () => {
    if (!doc) throw new Error('useTestDocument: the document exists only while the describe block runs');
    return doc;
  };
}
