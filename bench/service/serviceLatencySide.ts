import type { HttpJsonClient } from './httpJsonClient';
import { LatencySummary, summarizeLatency } from './latencyStats';
import { CellOutputs, wrongOutputs } from './seedExample';
import type { BenchRequest } from './seedExample';
import type { ServiceProbe } from './serviceProbe';

/** The seed example through one service's warm pool. */
export interface ServiceLatency {
  /** POST /run_jupyter over HTTP (keep-alive), sent with the pool full: request out until the whole answer is in. */
  latency: LatencySummary;
  /** Where the service's time goes, from its answers (medians): driver.execution_time and each cell's execution_time. */
  breakdown: { runMs: number; cellMs: number[] };
  pacing: {
    /** Measured requests sent while /health showed no ready kernel. */
    poolEmptyAtSend: number;
    /** … or fewer ready kernels than the pool's size. */
    poolBelowFullAtSend: number;
    /** Median time from a measured answer until the pool was full and the service idle again (the used kernel shut down, a new one started and warmed). */
    refillMedianMs: number;
    /** Kernels the service started per measured request: 1 when every request took a pooled kernel. */
    kernelsStartedPerRequest: number;
  };
}

interface ServiceAnswer {
  status?: string;
  driver?: { execution_time?: number };
  cells?: Array<CellOutputs & { execution_time?: number }>;
}

/** One service under test in the latency section: sends the seed example and keeps what each measured answer says. */
export class ServiceLatencySide {
  private readonly times: number[] = [];
  private readonly refillWaits: number[] = [];
  private readonly runSeconds: number[] = [];
  private readonly cellSeconds: number[][] = [];
  private readonly pacing = { poolEmptyAtSend: 0, poolBelowFullAtSend: 0 };
  private startedBefore = 0;
  private startedDuring = 0;

  constructor(readonly name: string, private readonly client: HttpJsonClient, readonly probe: ServiceProbe, private readonly poolSize: number) {}

  /** Counts the kernels the service starts from here until measured() ends. */
  async beginMeasuring(): Promise<void> {
    this.startedBefore = await this.probe.kernelsStarted();
  }

  async endMeasuring(): Promise<void> {
    this.startedDuring = (await this.probe.kernelsStarted()) - this.startedBefore;
  }

  /**
   * One request, sent when every service was seen settled (`ready`: this one's ready kernels then). Returns
   * what was wrong with the answer, if anything; a wrong answer is not timed.
   */
  async send(request: BenchRequest, ready: number, measured: boolean, settleTimeoutMs: number): Promise<string | undefined> {
    const started = performance.now();
    const reply = await this.client.post<ServiceAnswer>('/run_jupyter', request);
    const ms = performance.now() - started;
    // Refilled straight away, so that this wait is the refill's time and the next request, of any side, finds a full, idle pool.
    const refill = await this.probe.settle(settleTimeoutMs);
    const wrong = reply.status !== 200 ? `HTTP ${reply.status}` : reply.body.status !== 'Success' ? `status ${reply.body.status}` : wrongOutputs('seed', reply.body.cells);
    if (!measured || wrong) return wrong;
    this.refillWaits.push(refill.waitedMs);
    this.times.push(ms);
    this.runSeconds.push(reply.body.driver?.execution_time ?? NaN);
    reply.body.cells!.forEach((cell, index) => (this.cellSeconds[index] ??= []).push(cell.execution_time ?? NaN));
    if (ready === 0) this.pacing.poolEmptyAtSend++;
    if (ready < this.poolSize) this.pacing.poolBelowFullAtSend++;
    return undefined;
  }

  summary(rounds: number): ServiceLatency {
    const p50 = (values: number[]): number => summarizeLatency(values).p50;
    return {
      latency: summarizeLatency(this.times),
      breakdown: { runMs: p50(this.runSeconds) * 1000, cellMs: this.cellSeconds.map((seconds) => p50(seconds) * 1000) },
      pacing: { ...this.pacing, refillMedianMs: p50(this.refillWaits), kernelsStartedPerRequest: this.startedDuring / rounds },
    };
  }
}
