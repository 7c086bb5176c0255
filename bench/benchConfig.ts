/** How much each section measures: the full run (about 3 minutes on 2 cores) or a `--quick` smoke run. */
export interface BenchConfig {
  mode: 'full' | 'quick';
  kernelName: string;
  /** Each round gives every contender `cellsPerRound` cells, in turns of `cellsPerTurn`, so noise falls on all alike. */
  roundTrip: { rounds: number; cellsPerRound: number; cellsPerTurn: number; warmupCells: number };
  throughput: { rounds: number; cells: number; code: string };
  kernelStart: { starts: number };
  /** `repeats` cells per client, the clients taking turns: the machine's drift falls on both alike. */
  largeOutput: { lines: number; repeats: number };
}

export function configFromArgs(args: readonly string[]): BenchConfig {
  const quick = args.includes('--quick');
  return {
    mode: quick ? 'quick' : 'full',
    kernelName: 'python3',
    roundTrip: quick
      ? { rounds: 2, cellsPerRound: 100, cellsPerTurn: 20, warmupCells: 50 }
      : { rounds: 5, cellsPerRound: 200, cellsPerTurn: 20, warmupCells: 50 },
    throughput: { rounds: quick ? 1 : 4, cells: quick ? 200 : 1000, code: 'x = 1' },
    kernelStart: { starts: quick ? 2 : 5 },
    largeOutput: { lines: quick ? 200_000 : 2_000_000, repeats: quick ? 1 : 3 },
  };
}

/** The Python with Jupyter: Debian's, never whatever `python3` comes first on PATH. */
export const JUPYTER_PYTHON = '/usr/bin/python3';

/**
 * The environment for every kernel and Python helper of the run, so all contenders start kernels alike:
 * the engine's kernelspec discovery asks this Python for its prefix, and ipykernel skips its debugger warning.
 */
export function benchEnv(): NodeJS.ProcessEnv {
  return { ...process.env, CELLBRIDGE_PYTHON: process.env.CELLBRIDGE_PYTHON ?? JUPYTER_PYTHON, PYDEVD_DISABLE_FILE_VALIDATION: '1' };
}
