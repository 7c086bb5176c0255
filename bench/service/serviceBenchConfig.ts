import { availableParallelism } from 'node:os';

/** What `npm run bench:service` measures: a full run (about 3 minutes on 2 cores) or a `--quick` smoke run. */
export interface ServiceBenchConfig {
  mode: 'full' | 'quick';
  kernelName: string;
  /** `serve --kernel-pool`: ready kernels kept by the service. */
  poolSize: number;
  /** `serve --max-concurrency`: runs at once inside the service (default, as the CLI's: the CPU count); the rest wait in its queue. */
  maxConcurrency: number;
  /** Seed-example requests each way, taking turns, after `warmupPairs` unmeasured turns. */
  latency: { pairs: number; warmupPairs: number };
  throughput: { levels: number[]; requestsPerLevel: number };
  /** How long to wait for the pool to be full and the service idle before a paced request goes anyway. */
  settleTimeoutMs: number;
}

export function serviceConfigFromArgs(args: readonly string[]): ServiceBenchConfig {
  const quick = args.includes('--quick');
  return {
    mode: quick ? 'quick' : 'full',
    kernelName: 'python3',
    poolSize: wholeArg(args, '--kernel-pool', 2),
    maxConcurrency: wholeArg(args, '--max-concurrency', availableParallelism()),
    latency: quick ? { pairs: 3, warmupPairs: 1 } : { pairs: 12, warmupPairs: 1 },
    throughput: { levels: [1, 4, 16], requestsPerLevel: wholeArg(args, '--requests', quick ? 4 : 24) },
    settleTimeoutMs: 30_000,
  };
}

function wholeArg(args: readonly string[], name: string, fallback: number): number {
  const index = args.indexOf(name);
  if (index < 0) return fallback;
  const value = Number(args[index + 1]);
  if (!Number.isInteger(value) || value < 1) throw new Error(`${name} expects a whole number ≥ 1, got '${args[index + 1] ?? ''}'`);
  return value;
}
