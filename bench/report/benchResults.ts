import { mkdir, writeFile } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import type { BenchConfig } from '../benchConfig';
import type { KernelStartResult } from '../sections/kernelStart';
import type { LargeOutputResult } from '../sections/largeOutput';
import type { RoundTripResult } from '../sections/roundTrip';
import type { ThroughputResult } from '../sections/throughput';
import type { TargetCheck } from './targets';

/** Everything one run measured, as written to bench/results/latest.json. */
export interface BenchResults {
  startedAt: string;
  durationSeconds: number;
  config: BenchConfig;
  machine: { cpus: number; cpuModel: string; totalMemoryBytes: number; node: string; platform: string; loadAverageAtStart: number[]; loadAverageAtEnd: number[] };
  sections: {
    roundTrip?: RoundTripResult;
    throughput?: ThroughputResult;
    kernelStart?: KernelStartResult;
    largeOutput?: LargeOutputResult;
  };
  targets: TargetCheck[];
  kernelsStarted: number;
  kernelsLeftRunning: number[];
  /** Sections that failed, with why; the others still report. */
  failures: Array<{ section: string; error: string }>;
}

export function describeMachine(): BenchResults['machine'] {
  const cpus = os.cpus();
  return {
    cpus: cpus.length,
    cpuModel: cpus[0]?.model ?? 'unknown',
    totalMemoryBytes: os.totalmem(),
    node: process.version,
    platform: `${os.platform()} ${os.release()}`,
    loadAverageAtStart: os.loadavg(),
    loadAverageAtEnd: [],
  };
}

export async function writeResults(file: string, results: BenchResults): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, JSON.stringify(results, null, 2) + '\n');
}
