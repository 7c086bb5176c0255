import type { BenchConfig } from '../benchConfig';
import type { Contenders } from '../contenders';
import { runNbclient } from '../nbclientRun';
import { nowMs } from '../stats';

type ThroughputContender = 'engine' | 'bare' | 'jupyterClient' | 'nbclient';

export interface ThroughputResult {
  rounds: number;
  cells: number;
  code: string;
  /** Cells per second over all rounds (total cells / total time). */
  rate: Record<ThroughputContender, number>;
  /** Each round's cells per second. */
  roundRates: Record<ThroughputContender, number[]>;
  /** Time ratios, engine over each (below 1: the engine is faster), like every other section's ratios. */
  ratios: { engineOverBare: number; engineOverJupyterClient: number; engineOverNbclient: number };
}

const CONTENDERS: readonly ThroughputContender[] = ['engine', 'bare', 'jupyterClient', 'nbclient'];

/**
 * Many small cells: the engine gets them all at once (Run All) and runs them in order; the bare client and
 * jupyter_client send them one by one; nbclient executes a notebook of them (its own kernel, start not timed).
 * Rounds rotate the order.
 */
export async function measureThroughput(contenders: Contenders, config: BenchConfig): Promise<ThroughputResult> {
  const { rounds, cells, code } = config.throughput;
  const measures: Record<ThroughputContender, () => Promise<number>> = {
    engine: () => timeSeconds(() => contenders.engine.runAll(Array.from({ length: cells }, () => code))),
    bare: () =>
      timeSeconds(async () => {
        for (let i = 0; i < cells; i++) await contenders.bare.client.execute(code);
      }),
    jupyterClient: async () => (await contenders.jupyterClient.request<{ seconds: number }>({ cmd: 'sequential', cells, code })).seconds,
    nbclient: async () => {
      const result = await runNbclient(cells, code, config.kernelName);
      if (!result.ok) throw new Error('nbclient did not execute every cell cleanly');
      return result.seconds;
    },
  };
  const seconds: Record<ThroughputContender, number[]> = { engine: [], bare: [], jupyterClient: [], nbclient: [] };
  for (let round = 0; round < rounds; round++) {
    for (let slot = 0; slot < CONTENDERS.length; slot++) {
      const name = CONTENDERS[(round + slot) % CONTENDERS.length]!;
      seconds[name].push(await measures[name]());
    }
  }
  const total = (name: ThroughputContender): number => seconds[name].reduce((a, b) => a + b, 0);
  const rate = Object.fromEntries(CONTENDERS.map((name) => [name, (cells * rounds) / total(name)])) as Record<ThroughputContender, number>;
  const roundRates = Object.fromEntries(CONTENDERS.map((name) => [name, seconds[name].map((s) => cells / s)])) as Record<ThroughputContender, number[]>;
  return {
    rounds,
    cells,
    code,
    rate,
    roundRates,
    ratios: {
      engineOverBare: total('engine') / total('bare'),
      engineOverJupyterClient: total('engine') / total('jupyterClient'),
      engineOverNbclient: total('engine') / total('nbclient'),
    },
  };
}

async function timeSeconds(work: () => Promise<unknown>): Promise<number> {
  const started = nowMs();
  await work();
  return (nowMs() - started) / 1000;
}
