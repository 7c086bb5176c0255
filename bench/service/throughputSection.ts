import { setTimeout as sleep } from 'node:timers/promises';
import type { HttpJsonClient } from './httpJsonClient';
import { LatencySummary, summarizeLatency } from './latencyStats';
import { CellOutputs, RequestKind, requestOf, wrongOutputs } from './seedExample';
import type { ServiceBenchConfig } from './serviceBenchConfig';
import type { PoolPolls, ServiceProbe } from './serviceProbe';

export interface ThroughputLevel {
  concurrency: number;
  requests: number;
  seconds: number;
  /** Right answers per second, first request out to last answer in. */
  rate: number;
  latency: LatencySummary;
  seedLatency: LatencySummary;
  trivialLatency: LatencySummary;
  /** 429 answers; each is retried after its Retry-After, so `requests` still all complete. */
  tooMany: number;
  /** How often /health, polled during the level, showed no ready kernel. */
  pool: PoolPolls;
  wrongAnswers: string[];
}

export interface ThroughputResult {
  requestsPerLevel: number;
  mix: string;
  levels: ThroughputLevel[];
}

const RETRY_AFTER_FALLBACK_S = 1;

/**
 * For each concurrency level, `requestsPerLevel` requests alternating the seed example and a one-cell
 * request, kept `concurrency` at a time by as many client loops. Each level starts with a full, idle pool.
 */
export async function measureThroughput(client: HttpJsonClient, probe: ServiceProbe, config: ServiceBenchConfig): Promise<ThroughputResult> {
  const levels: ThroughputLevel[] = [];
  for (const concurrency of config.throughput.levels) {
    await probe.settle(config.settleTimeoutMs);
    levels.push(await measureLevel(client, probe, concurrency, config));
  }
  return { requestsPerLevel: config.throughput.requestsPerLevel, mix: 'seed example and print(1 + 1), alternating', levels };
}

async function measureLevel(client: HttpJsonClient, probe: ServiceProbe, concurrency: number, config: ServiceBenchConfig): Promise<ThroughputLevel> {
  const total = config.throughput.requestsPerLevel;
  const latency: Record<RequestKind, number[]> = { seed: [], trivial: [] };
  const wrongAnswers: string[] = [];
  let tooMany = 0;
  let next = 0;

  const send = async (kind: RequestKind): Promise<void> => {
    for (;;) {
      const started = performance.now();
      const reply = await client.post<{ status?: string; cells?: CellOutputs[] }>('/run_jupyter', requestOf(kind, config.kernelName));
      const ms = performance.now() - started;
      if (reply.status === 429) {
        tooMany++;
        await sleep(retryAfterSeconds(reply.headers['retry-after']) * 1000);
        continue;
      }
      const wrong = reply.status !== 200 ? `HTTP ${reply.status}` : reply.body.status !== 'Success' ? `status ${reply.body.status}` : wrongOutputs(kind, reply.body.cells);
      if (wrong) wrongAnswers.push(`${kind}: ${wrong}`);
      else latency[kind].push(ms);
      return;
    }
  };
  const loop = async (): Promise<void> => {
    while (next < total) {
      const index = next++;
      await send(index % 2 === 0 ? 'seed' : 'trivial');
    }
  };

  const stopWatching = probe.watchPool();
  const started = performance.now();
  await Promise.all(Array.from({ length: concurrency }, loop));
  const seconds = (performance.now() - started) / 1000;
  const pool = await stopWatching();
  const all = [...latency.seed, ...latency.trivial];
  return {
    concurrency,
    requests: total,
    seconds,
    rate: all.length / seconds,
    latency: summarizeLatency(all),
    seedLatency: summarizeLatency(latency.seed),
    trivialLatency: summarizeLatency(latency.trivial),
    tooMany,
    pool,
    wrongAnswers,
  };
}

function retryAfterSeconds(header: string | string[] | undefined): number {
  const value = Number(Array.isArray(header) ? header[0] : header);
  return Number.isFinite(value) && value > 0 ? value : RETRY_AFTER_FALLBACK_S;
}
