import { availableParallelism } from 'node:os';

/** What `npm run bench:service` measures: a full run (about 3½ minutes on 2 quiet cores) or a `--quick` smoke run. */
export interface ServiceBenchConfig {
  mode: 'full' | 'quick';
  kernelName: string;
  /** `serve --kernel-pool`: ready kernels kept by the service. */
  poolSize: number;
  /** `serve --max-concurrency`: runs at once inside the service (default, as the CLI's: the CPU count); the rest wait in its queue. */
  maxConcurrency: number;
  /** Kernel starts each way (sandbox on, off), alternating, after `warmupStarts` unmeasured ones each. */
  kernelStart: { starts: number; warmupStarts: number };
  /** Rounds of seed-example requests, one per side in each (sandboxed service, unsandboxed service, fresh kernel), after `warmupRounds` unmeasured ones. */
  latency: { rounds: number; warmupRounds: number };
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
    // 10 a side: p90 by nearest rank is then the second slowest, not the slowest.
    kernelStart: quick ? { starts: 3, warmupStarts: 1 } : { starts: 10, warmupStarts: 1 },
    // A multiple of 3, so that each side is first, second and third in as many rounds.
    latency: quick ? { rounds: 3, warmupRounds: 1 } : { rounds: 12, warmupRounds: 1 },
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
