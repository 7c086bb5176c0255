/**
 * `npm run bench:service-throughput`: requests per second of SandboxFusion's seed example (its four cells)
 * at 1, 4 and 8 concurrent clients, each level for a fixed time, on each way of serving it, one after
 * another with the machine to itself:
 * - `cellbridge serve` as deployed (sandbox on, kernels forked each into a sandbox of its own);
 * - `cellbridge serve --kernel-start spawn` (sandbox on, kernels spawned, one sandbox each);
 * - `cellbridge serve --sandbox off`, kernels forked from a fork server;
 * - SandboxFusion's way: a fresh jupyter_client kernel per request, one Python worker per core.
 * For each: requests/s, latency p50 and p99, the CPU-seconds a request costs (the machine's busy time over
 * the level, kernels and all) and the ceiling that cost implies on this
 * machine (cores ÷ CPU per request). Then, for cellbridge's forked ways, a single client sending requests back to
 * back, interleaved with the floors its latency can approach (FloorKernels: the same four cells on an
 * already-warm kernel, and on a fresh forked kernel with nothing else running), sandboxed as the service's
 * kernels are for the sandboxed ways. `--quick` for a smoke run; `--latency-only` for that last part alone.
 * Writes bench/results/service-throughput-latest.json.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import * as path from 'node:path';
import { silentLogger } from '../src/core/common/logger';
import { ForkServers } from '../src/core/kernel/fork/forkServers';
import { findKernelspec, type Kernelspec } from '../src/core/kernel/kernelspec';
import { LocalKernel } from '../src/core/kernel/localKernel';
import { RUN_DIR_PREFIX } from '../src/core/kernel/staleConnectionDirs';
import { SERVICE_KERNEL_LIMITS } from '../src/core/sandbox/kernelLimits';
import { benchEnv } from './benchConfig';
import { REPO_ROOT } from './benchPaths';
import { waitForKernelsToExit } from './kernelPids';
import { BenchedService } from './service/benchedService';
import { FreshKernelWorker } from './service/freshKernelWorker';
import { seedRequest, wrongOutputs, type CellOutputs } from './service/seedExample';
import { quietConsole } from './quietConsole';
import { nowMs, percentile, summarize } from './stats';

const KERNEL = 'python3';
const RESULTS_FILE = path.join(REPO_ROOT, 'bench', 'results', 'service-throughput-latest.json');

interface LevelResult {
  clients: number;
  seconds: number;
  requests: number;
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  cpuSecondsPerRequest: number;
  /** Cores ÷ CPU per request: the rate this cost allows on this machine, whatever the concurrency. */
  cpuCeilingPerSecond: number;
  wrongAnswers: string[];
}

/** One way of serving a request: what a client calls. */
interface Side {
  name: string;
  /** Its kernels are sandboxed (SandboxFusion's are not): which warm kernel is its latency floor. */
  sandboxed: boolean;
  /** Its kernels are forked ahead into cellbridge's pool, as the floors' are: its single-client latency is set against theirs. */
  pairedWithFloors: boolean;
  run(): Promise<{ ok: true } | { ok: false; why: string }>;
  close(): Promise<void>;
}

/**
 * CPU time the whole machine has spent busy, in seconds (/proc/stat). A process tree cannot be followed
 * here: a sandboxed kernel killed with its PID namespace is reaped by no process of ours, so its CPU time
 * is counted nowhere but in the machine's total. This bench's own client is counted too (a few per cent).
 */
function machineBusySeconds(): number {
  const [cpu] = readFileSync('/proc/stat', 'utf8').split('\n');
  const [, user, nice, system, , , irq, softirq, steal] = (cpu ?? '').trim().split(/\s+/).map(Number);
  return ((user ?? 0) + (nice ?? 0) + (system ?? 0) + (irq ?? 0) + (softirq ?? 0) + (steal ?? 0)) / TICKS_PER_SECOND;
}
const TICKS_PER_SECOND = 100;

async function serviceSide(name: string, sandbox: boolean, extraArgs: string[]): Promise<Omit<Side, 'pairedWithFloors'>> {
  const service = await BenchedService.start(sandbox, ['--kernel', KERNEL, ...extraArgs]);
  await service.firstFill(120_000);
  return {
    name,
    sandboxed: sandbox,
    run: async () => {
      for (;;) {
        const reply = await service.client.post<{ status?: string; cells?: CellOutputs[] }>('/run_jupyter', seedRequest(KERNEL));
        if (reply.status === 429) {
          await new Promise((resolve) => setTimeout(resolve, 50));
          continue;
        }
        const wrong = reply.status !== 200 ? `HTTP ${reply.status}` : reply.body.status !== 'Success' ? `status ${reply.body.status}` : wrongOutputs('seed', reply.body.cells);
        return wrong ? { ok: false, why: wrong } : { ok: true };
      }
    },
    close: async () => void (await service.stop()),
  };
}

function sandboxFusionSide(workers: number): Omit<Side, 'pairedWithFloors'> {
  const pool = Array.from({ length: workers }, () => FreshKernelWorker.spawn(benchEnv()));
  const idle = [...pool];
  const waiting: Array<(worker: FreshKernelWorker) => void> = [];
  const take = (): Promise<FreshKernelWorker> => (idle.length ? Promise.resolve(idle.pop()!) : new Promise((resolve) => waiting.push(resolve)));
  const give = (worker: FreshKernelWorker): void => {
    const next = waiting.shift();
    if (next) next(worker);
    else idle.push(worker);
  };
  return {
    name: `SandboxFusion's way (a fresh jupyter_client kernel per request, ${workers} workers)`,
    sandboxed: false,
    run: async () => {
      const worker = await take();
      try {
        const reply = await worker.run(seedRequest(KERNEL));
        const wrong = wrongOutputs('seed', reply.cells);
        return wrong ? { ok: false, why: wrong } : { ok: true };
      } finally {
        give(worker);
      }
    },
    close: async () => void (await Promise.all(pool.map((worker) => worker.close()))),
  };
}

async function measureLevel(side: Side, clients: number, seconds: number): Promise<LevelResult> {
  const latencies: number[] = [];
  const wrongAnswers: string[] = [];
  const cpuBefore = machineBusySeconds();
  const started = nowMs();
  const deadline = started + seconds * 1000;
  await Promise.all(
    Array.from({ length: clients }, async () => {
      while (nowMs() < deadline) {
        const sent = nowMs();
        const result = await side.run();
        if (result.ok) latencies.push(nowMs() - sent);
        else wrongAnswers.push(result.why);
      }
    }),
  );
  const elapsed = (nowMs() - started) / 1000;
  const cpuSeconds = machineBusySeconds() - cpuBefore;
  const requests = latencies.length;
  const cpuSecondsPerRequest = requests ? cpuSeconds / requests : NaN;
  return {
    clients,
    seconds: elapsed,
    requests,
    requestsPerSecond: requests / elapsed,
    p50Ms: requests ? percentile(latencies, 0.5) : NaN,
    p99Ms: requests ? percentile(latencies, 0.99) : NaN,
    cpuSecondsPerRequest,
    cpuCeilingPerSecond: availableParallelism() / cpuSecondsPerRequest,
    wrongAnswers,
  };
}

/**
 * The floors a single client's request is set against, started as the service starts its kernels (forked, in a
 * sandbox under the service's limits; or as `--sandbox off` does):
 * - one kernel already started and warmed, kept for the whole run, the four cells run on it many times (its
 *   caches hot): no start, no clean-up, nothing else running;
 * - a fresh forked kernel's first run of the four cells, started with nothing else running and killed after:
 *   what a request's kernel does, without the service around it (HTTP, the pool's refill, the used kernel's kill).
 */
class FloorKernels {
  private constructor(
    private readonly warm: LocalKernel,
    private readonly forkServers: ForkServers,
    private readonly spec: Kernelspec,
    private readonly sandboxed: boolean,
    private readonly runFolder: string,
  ) {}

  static async start(sandboxed: boolean): Promise<FloorKernels> {
    const forkServers = new ForkServers({ logger: silentLogger, waitForStart: true });
    const spec = await findKernelspec(KERNEL, { env: benchEnv() });
    const runFolder = mkdtempSync(path.join(tmpdir(), RUN_DIR_PREFIX));
    const warm = await FloorKernels.startKernel(spec, forkServers, sandboxed, runFolder);
    const floors = new FloorKernels(warm, forkServers, spec, sandboxed, runFolder);
    for (let i = 0; i < 2; i++) await floors.warmRoundMs();
    return floors;
  }

  private static startKernel(spec: Kernelspec, forkServers: ForkServers, sandboxed: boolean, cwd: string): Promise<LocalKernel> {
    const placement = sandboxed ? { sandbox: true, cwd, limits: SERVICE_KERNEL_LIMITS, transport: 'ipc' as const } : {};
    return LocalKernel.start(spec, { logger: silentLogger, env: benchEnv(), forkServers, historyInMemory: true, ...placement });
  }

  /** The four cells once on the warm kernel, in ms. */
  warmRoundMs(): Promise<number> {
    return runSeedCellsMs(this.warm);
  }

  /** The four cells on a kernel forked for them, in ms (its start and kill not counted, nor overlapping them). */
  async freshRoundMs(): Promise<number> {
    const cwd = mkdtempSync(path.join(this.runFolder, RUN_DIR_PREFIX));
    const kernel = await FloorKernels.startKernel(this.spec, this.forkServers, this.sandboxed, cwd);
    try {
      // As long as a pooled kernel waits at least, between its start and its request.
      await new Promise((resolve) => setTimeout(resolve, 100));
      return await runSeedCellsMs(kernel);
    } finally {
      await kernel.shutdown({ now: true });
      rmSync(cwd, { recursive: true, force: true });
    }
  }

  async close(): Promise<void> {
    await this.warm.shutdown({ now: true });
    this.forkServers.dispose();
    rmSync(this.runFolder, { recursive: true, force: true });
  }
}

async function runSeedCellsMs(kernel: LocalKernel): Promise<number> {
  const started = nowMs();
  for (const code of seedRequest(KERNEL).cells) await kernel.connection.requestExecute({ code, stop_on_error: false }).done;
  return nowMs() - started;
}

interface PairedLatency {
  requestP50Ms: number;
  warmP50Ms: number;
  freshP50Ms: number;
  overWarm: number;
  overFresh: number;
  samples: number;
}

/**
 * A single client's latency over the floors', measured interleaved so that the machine's drift (its speed varies
 * by a third between minutes here) falls on all alike: blocks of back-to-back requests, each followed by as many
 * rounds on the warm kernel and as many fresh kernels. The first request of each block is dropped (after a
 * pause, it finds the pool's refill done), and so is the warm kernel's first round (it would overlap that refill).
 */
async function pairedLatency(side: Side, floors: FloorKernels, blocks: number, perBlock: number): Promise<PairedLatency> {
  const requests: number[] = [];
  const warmRounds: number[] = [];
  const freshRounds: number[] = [];
  for (let block = 0; block < blocks; block++) {
    for (let i = 0; i < perBlock; i++) {
      const sent = nowMs();
      const result = await side.run();
      if (!result.ok) throw new Error(`wrong answer in the paired latency: ${result.why}`);
      if (i > 0) requests.push(nowMs() - sent);
    }
    for (let i = 0; i < perBlock; i++) {
      const ms = await floors.warmRoundMs();
      if (i > 0) warmRounds.push(ms);
    }
    for (let i = 0; i < perBlock - 1; i++) freshRounds.push(await floors.freshRoundMs());
  }
  const requestP50Ms = percentile(requests, 0.5);
  const warmP50Ms = percentile(warmRounds, 0.5);
  const freshP50Ms = percentile(freshRounds, 0.5);
  return { requestP50Ms, warmP50Ms, freshP50Ms, overWarm: requestP50Ms / warmP50Ms, overFresh: requestP50Ms / freshP50Ms, samples: requests.length };
}

async function main(): Promise<void> {
  const log = quietConsole();
  const quick = process.argv.includes('--quick');
  const seconds = quick ? 8 : 30;
  // --latency-only: the single client against its floors, on cellbridge's forked ways alone (a few minutes less).
  const latencyOnly = process.argv.includes('--latency-only');
  const levels = latencyOnly ? [] : [1, 4, 8];
  const results: Record<string, unknown> = { date: new Date().toISOString(), cores: availableParallelism(), loadAverageAtStart: loadavg(), secondsPerLevel: seconds };
  log(`Service throughput: the seed example, ${seconds} s per level; ${availableParallelism()} cores; load average ${loadavg().map((n) => n.toFixed(2)).join(' ')}`);
  const floorKernels = { sandboxed: await FloorKernels.start(true), unsandboxed: await FloorKernels.start(false) };
  const warmRounds = async (floors: FloorKernels): Promise<number[]> => {
    const times: number[] = [];
    for (let i = 0; i < (quick ? 5 : 20); i++) times.push(await floors.warmRoundMs());
    return times;
  };
  const warm = { sandboxed: summarize(await warmRounds(floorKernels.sandboxed)), unsandboxed: summarize(await warmRounds(floorKernels.unsandboxed)) };
  results.warmKernel = warm;
  log(`The same four cells on an already-warm kernel: p50 ${warm.sandboxed.median.toFixed(0)} ms sandboxed as the service's (p90 ${warm.sandboxed.p90.toFixed(0)}), ${warm.unsandboxed.median.toFixed(0)} ms unsandboxed (p90 ${warm.unsandboxed.p90.toFixed(0)})`);
  const paired: Record<string, PairedLatency> = {};
  results.singleClientOverFloors = paired;
  const ways: Array<{ pairedWithFloors: boolean; make: () => Promise<Omit<Side, 'pairedWithFloors'>> }> = [
    { pairedWithFloors: true, make: () => serviceSide('cellbridge serve as deployed (sandbox on, kernels forked into their sandboxes)', true, []) },
    { pairedWithFloors: false, make: () => serviceSide('cellbridge serve --kernel-start spawn (sandbox on, kernels spawned)', true, ['--kernel-start', 'spawn']) },
    { pairedWithFloors: true, make: () => serviceSide('cellbridge serve --sandbox off (kernels forked)', false, ['--kernel-start', 'fork']) },
    { pairedWithFloors: false, make: async () => sandboxFusionSide(availableParallelism()) },
  ];
  const sides: Record<string, LevelResult[]> = {};
  for (const way of ways.filter((candidate) => !latencyOnly || candidate.pairedWithFloors)) {
    const side: Side = { ...(await way.make()), pairedWithFloors: way.pairedWithFloors };
    log(side.name);
    const measured: LevelResult[] = [];
    try {
      for (const clients of levels) {
        const level = await measureLevel(side, clients, seconds);
        measured.push(level);
        const floor = side.sandboxed ? warm.sandboxed : warm.unsandboxed;
        const overFloor = clients === 1 ? ` (${(level.p50Ms / floor.median).toFixed(2)}× the warm kernel)` : '';
        log(
          `  ${String(clients).padStart(2)} clients: ${level.requestsPerSecond.toFixed(2)} req/s (${level.requests} in ${level.seconds.toFixed(1)} s), p50 ${level.p50Ms.toFixed(0)} ms${overFloor}, p99 ${level.p99Ms.toFixed(0)} ms, ${level.cpuSecondsPerRequest.toFixed(2)} CPU-s per request (CPU ceiling ${level.cpuCeilingPerSecond.toFixed(1)} req/s)${level.wrongAnswers.length ? `, ${level.wrongAnswers.length} WRONG: ${level.wrongAnswers[0]}` : ''}`,
        );
      }
      if (side.pairedWithFloors) {
        const pair = await pairedLatency(side, side.sandboxed ? floorKernels.sandboxed : floorKernels.unsandboxed, quick ? 3 : 12, 6);
        paired[side.name] = pair;
        log(
          `  1 client, interleaved with the floors: p50 ${pair.requestP50Ms.toFixed(0)} ms; ${pair.overWarm.toFixed(2)}× the warm kernel's ${pair.warmP50Ms.toFixed(0)} ms, ${pair.overFresh.toFixed(2)}× a fresh forked kernel's first run, ${pair.freshP50Ms.toFixed(0)} ms (${pair.samples} requests)`,
        );
      }
    } finally {
      await side.close();
    }
    sides[side.name] = measured;
  }
  results.sides = sides;
  await Promise.all([floorKernels.sandboxed.close(), floorKernels.unsandboxed.close()]);
  results.leftRunning = await waitForKernelsToExit();
  results.loadAverageAtEnd = loadavg();
  await mkdir(path.dirname(RESULTS_FILE), { recursive: true });
  await writeFile(RESULTS_FILE, `${JSON.stringify(results, null, 2)}\n`);
  log(`figures written to ${path.relative(REPO_ROOT, RESULTS_FILE)}`);
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
