import type { FreshKernelWorker } from './freshKernelWorker';
import type { HttpJsonClient } from './httpJsonClient';
import { LatencySummary, summarizeLatency } from './latencyStats';
import { CellOutputs, seedRequest, wrongOutputs } from './seedExample';
import type { ServiceBenchConfig } from './serviceBenchConfig';
import type { ServiceProbe } from './serviceProbe';

export interface LatencyResult {
  pairs: number;
  warmupPairs: number;
  /** POST /run_jupyter over HTTP (keep-alive), sent with the pool full: request out until the whole answer is in. */
  service: LatencySummary;
  /** jupyter_client, kernel started for the request and shut down after it, timed inside the Python worker (no HTTP). */
  freshKernel: LatencySummary;
  /** The same runs until the outputs are in, before the kernel's shut-down: a bound that favours the fresh-kernel path. */
  freshKernelUntilOutputs: LatencySummary;
  /** Where the service's time goes, from its answers (medians): driver.execution_time and each cell's execution_time. */
  serviceBreakdown: { runMs: number; cellMs: number[] };
  /** Medians of the fresh-kernel phases. */
  freshKernelPhases: { startMs: number; cellsMs: number; shutdownMs: number };
  pacing: {
    /** Measured service requests sent while /health showed no ready kernel. */
    poolEmptyAtSend: number;
    /** … or fewer ready kernels than the pool's size. */
    poolBelowFullAtSend: number;
    /** Waits for a full pool that gave up (the request went anyway). */
    settleTimeouts: number;
    /** Median time from a measured answer until the pool was full and the service idle again (the used kernel shut down, a new one started and warmed). */
    refillMedianMs: number;
    /** Kernels the service started per measured request: 1 when every request took a pooled kernel. */
    kernelsStartedPerRequest: number;
  };
  /** Answers whose outputs were not the seed example's (their times are left out). */
  wrongAnswers: string[];
}

interface ServiceAnswer {
  status?: string;
  driver?: { execution_time?: number };
  cells?: Array<CellOutputs & { execution_time?: number }>;
}

/**
 * The seed example, one request at a time, the service and the fresh-kernel path taking turns (the order
 * swapping every pair). Before each request, of either side, the benchmark waits until the service's pool
 * is full and idle: the service is measured as deployed with a warm pool, and its background refill never
 * competes with the fresh-kernel path for the CPU.
 */
export async function measureLatency(client: HttpJsonClient, probe: ServiceProbe, worker: FreshKernelWorker, config: ServiceBenchConfig): Promise<LatencyResult> {
  const request = seedRequest(config.kernelName);
  const service: number[] = [];
  const fresh: number[] = [];
  const untilOutputs: number[] = [];
  const phases = { startMs: [] as number[], cellsMs: [] as number[], shutdownMs: [] as number[] };
  const refillWaits: number[] = [];
  const runSeconds: number[] = [];
  const cellSeconds: number[][] = [];
  const pacing = { poolEmptyAtSend: 0, poolBelowFullAtSend: 0, settleTimeouts: 0 };
  const wrongAnswers: string[] = [];

  const settle = async (measured: boolean): Promise<number> => {
    const settled = await probe.settle(config.settleTimeoutMs);
    if (measured && settled.timedOut) pacing.settleTimeouts++;
    return settled.ready;
  };
  const viaService = async (measured: boolean): Promise<void> => {
    const ready = await settle(measured);
    const started = performance.now();
    const reply = await client.post<ServiceAnswer>('/run_jupyter', request);
    const ms = performance.now() - started;
    // Refilled straight away, so that this wait is the refill's time and the next request, either side's, finds a full, idle pool.
    const refill = await probe.settle(config.settleTimeoutMs);
    if (measured) refillWaits.push(refill.waitedMs);
    const wrong = reply.status !== 200 ? `HTTP ${reply.status}` : reply.body.status !== 'Success' ? `status ${reply.body.status}` : wrongOutputs('seed', reply.body.cells);
    if (!measured) return;
    if (wrong) return void wrongAnswers.push(`service: ${wrong}`);
    service.push(ms);
    runSeconds.push(reply.body.driver?.execution_time ?? NaN);
    reply.body.cells!.forEach((cell, index) => (cellSeconds[index] ??= []).push(cell.execution_time ?? NaN));
    if (ready === 0) pacing.poolEmptyAtSend++;
    if (ready < config.poolSize) pacing.poolBelowFullAtSend++;
  };
  const viaFreshKernel = async (measured: boolean): Promise<void> => {
    await settle(measured);
    const run = await worker.run(request);
    const wrong = wrongOutputs('seed', run.cells);
    if (!measured) return;
    if (wrong) return void wrongAnswers.push(`fresh kernel: ${wrong}`);
    fresh.push(run.totalMs);
    untilOutputs.push(run.startMs + run.cellsMs);
    phases.startMs.push(run.startMs);
    phases.cellsMs.push(run.cellsMs);
    phases.shutdownMs.push(run.shutdownMs);
  };

  for (let i = 0; i < config.latency.warmupPairs; i++) {
    await viaService(false);
    await viaFreshKernel(false);
  }
  await settle(false);
  const startedBefore = await probe.kernelsStarted();
  for (let i = 0; i < config.latency.pairs; i++) {
    const turn = i % 2 === 0 ? [viaService, viaFreshKernel] : [viaFreshKernel, viaService];
    for (const side of turn) await side(true);
  }
  await settle(false);
  const startedDuring = (await probe.kernelsStarted()) - startedBefore;

  const p50 = (values: number[]): number => summarizeLatency(values).p50;
  return {
    pairs: config.latency.pairs,
    warmupPairs: config.latency.warmupPairs,
    service: summarizeLatency(service),
    freshKernel: summarizeLatency(fresh),
    freshKernelUntilOutputs: summarizeLatency(untilOutputs),
    serviceBreakdown: { runMs: p50(runSeconds) * 1000, cellMs: cellSeconds.map((seconds) => p50(seconds) * 1000) },
    freshKernelPhases: { startMs: p50(phases.startMs), cellsMs: p50(phases.cellsMs), shutdownMs: p50(phases.shutdownMs) },
    pacing: { ...pacing, refillMedianMs: p50(refillWaits), kernelsStartedPerRequest: startedDuring / config.latency.pairs },
    wrongAnswers,
  };
}
