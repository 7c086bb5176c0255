/** Marks the benchmark's result lines among the extension host's output (bench/vscodeBench.ts reads them). */
export const BENCH_PREFIX = 'CELLBRIDGE-BENCH ';

/** The case name of the first-Run section (firstRunSection.ts): forked starts in `vscodeMs`, spawned ones in `engineMs`. */
export const FIRST_RUN_CASE = 'first Run after opening (fork vs spawn)';
