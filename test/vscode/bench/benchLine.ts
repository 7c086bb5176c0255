/** Marks the benchmark's result lines among the extension host's output (bench/vscodeBench.ts reads them). */
export const BENCH_PREFIX = 'CELLBRIDGE-BENCH ';
