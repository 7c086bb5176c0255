import { median, percentile } from '../stats';

/** Latency of a set of requests, in milliseconds: p50 is the median; p99 is by nearest rank, so with fewer than 100 samples it is the slowest. */
export interface LatencySummary {
  count: number;
  p50: number;
  p99: number;
  mean: number;
  min: number;
  max: number;
}

export function summarizeLatency(samples: readonly number[]): LatencySummary {
  if (samples.length === 0) return { count: 0, p50: NaN, p99: NaN, mean: NaN, min: NaN, max: NaN };
  return {
    count: samples.length,
    p50: median(samples),
    p99: percentile(samples, 0.99),
    mean: samples.reduce((sum, value) => sum + value, 0) / samples.length,
    min: Math.min(...samples),
    max: Math.max(...samples),
  };
}
