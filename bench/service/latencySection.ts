import type { FreshKernelWorker } from './freshKernelWorker';
import { LatencySummary, summarizeLatency } from './latencyStats';
import { seedRequest, wrongOutputs } from './seedExample';
import type { ServiceBenchConfig } from './serviceBenchConfig';
import { type ServiceLatency, ServiceLatencySide } from './serviceLatencySide';
import type { BenchedService } from './benchedService';

export interface LatencyResult {
  rounds: number;
  warmupRounds: number;
  /** `serve` as deployed: every kernel, pooled ones included, in a sandbox of its own. */
  service: ServiceLatency;
  /** `serve --sandbox off`, in the same rounds: what the sandbox costs. */
  unsandboxedService: ServiceLatency;
  /** jupyter_client, kernel started for the request and shut down after it, timed inside the Python worker (no HTTP). */
  freshKernel: LatencySummary;
  /** The same runs until the outputs are in, before the kernel's shut-down: a bound that favours the fresh-kernel path. */
  freshKernelUntilOutputs: LatencySummary;
  /** Medians of the fresh-kernel phases. */
  freshKernelPhases: { startMs: number; cellsMs: number; shutdownMs: number };
  /** Waits for full, idle pools that gave up (the request went anyway). */
  settleTimeouts: number;
  /** Answers whose outputs were not the seed example's (their times are left out). */
  wrongAnswers: string[];
}

/**
 * The seed example, one request at a time, in rounds of one request per side: the sandboxed service, the
 * unsandboxed one and the fresh-kernel path, the order rotating every round. Before each request, of any
 * side, the benchmark waits until both services' pools are full and idle: each service is measured as
 * deployed with a warm pool, and no refill competes with the request under way for the CPU.
 */
export async function measureLatency(services: { sandboxed: BenchedService; unsandboxed: BenchedService }, worker: FreshKernelWorker, config: ServiceBenchConfig): Promise<LatencyResult> {
  const request = seedRequest(config.kernelName);
  const sandboxed = new ServiceLatencySide('service, sandbox on', services.sandboxed.client, services.sandboxed.probe, config.poolSize);
  const unsandboxed = new ServiceLatencySide('service, sandbox off', services.unsandboxed.client, services.unsandboxed.probe, config.poolSize);
  const fresh: number[] = [];
  const untilOutputs: number[] = [];
  const phases = { startMs: [] as number[], cellsMs: [] as number[], shutdownMs: [] as number[] };
  const wrongAnswers: string[] = [];
  let settleTimeouts = 0;

  /** Waits for both services to settle; returns how many ready kernels each had. */
  const settleAll = async (measured: boolean): Promise<Map<ServiceLatencySide, number>> => {
    const ready = new Map<ServiceLatencySide, number>();
    for (const side of [sandboxed, unsandboxed]) {
      const settled = await side.probe.settle(config.settleTimeoutMs);
      if (measured && settled.timedOut) settleTimeouts++;
      ready.set(side, settled.ready);
    }
    return ready;
  };
  const viaService = (side: ServiceLatencySide) => async (measured: boolean): Promise<void> => {
    const ready = await settleAll(measured);
    const wrong = await side.send(request, ready.get(side)!, measured, config.settleTimeoutMs);
    if (measured && wrong) wrongAnswers.push(`${side.name}: ${wrong}`);
  };
  const viaFreshKernel = async (measured: boolean): Promise<void> => {
    await settleAll(measured);
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

  const sides = [viaService(sandboxed), viaService(unsandboxed), viaFreshKernel];
  for (let i = 0; i < config.latency.warmupRounds; i++) {
    for (const side of sides) await side(false);
  }
  await settleAll(false);
  await Promise.all([sandboxed.beginMeasuring(), unsandboxed.beginMeasuring()]);
  for (let i = 0; i < config.latency.rounds; i++) {
    // Round i starts with side i mod 3: over every three rounds each side goes first, second and last once.
    for (let j = 0; j < sides.length; j++) await sides[(i + j) % sides.length]!(true);
  }
  await settleAll(false);
  await Promise.all([sandboxed.endMeasuring(), unsandboxed.endMeasuring()]);

  const p50 = (values: number[]): number => summarizeLatency(values).p50;
  return {
    rounds: config.latency.rounds,
    warmupRounds: config.latency.warmupRounds,
    service: sandboxed.summary(config.latency.rounds),
    unsandboxedService: unsandboxed.summary(config.latency.rounds),
    freshKernel: summarizeLatency(fresh),
    freshKernelUntilOutputs: summarizeLatency(untilOutputs),
    freshKernelPhases: { startMs: p50(phases.startMs), cellsMs: p50(phases.cellsMs), shutdownMs: p50(phases.shutdownMs) },
    settleTimeouts,
    wrongAnswers,
  };
}
