import type { BenchConfig } from '../benchConfig';
import type { Contenders } from '../contenders';
import { median, nowMs, Summary, summarize } from '../stats';

export type RoundTripContender = 'engine' | 'bare' | 'jupyterClient';

export interface RoundTripResult {
  rounds: number;
  cellsPerRound: number;
  cellsPerTurn: number;
  /** Milliseconds per empty cell, all rounds pooled. */
  summary: Record<RoundTripContender, Summary>;
  /** Each round's median, to show how steady the machine was. */
  roundMedians: Record<RoundTripContender, number[]>;
  /** Ratios of the pooled medians: the headline figures. */
  ratios: { engineOverBare: number; engineOverJupyterClient: number };
  /**
   * Median over turns of the ratio of turn medians, each turn's contenders a fraction of a second apart:
   * a cross-check that load drifting over the run did not favour one contender.
   */
  pairedRatios: { engineOverBare: number; engineOverJupyterClient: number };
}

type Measure = (cells: number) => Promise<number[]>;

const CONTENDERS: readonly RoundTripContender[] = ['engine', 'bare', 'jupyterClient'];

/**
 * `pass` cells (a blank one is not sent by the engine, as in JupyterLab), one at a time, until reply and idle. Within a round the contenders take short turns
 * (`cellsPerTurn` cells each) and the order rotates every turn, so that bursts of machine noise and any
 * warm-up advantage fall on all of them alike.
 */
export async function measureRoundTrip(contenders: Contenders, config: BenchConfig): Promise<RoundTripResult> {
  const { rounds, cellsPerRound, cellsPerTurn, warmupCells } = config.roundTrip;
  const measures: Record<RoundTripContender, Measure> = {
    engine: (cells) => timeEach(cells, () => contenders.engine.runOne('pass')),
    bare: (cells) => timeEach(cells, () => contenders.bare.client.execute('pass')),
    jupyterClient: async (cells) => (await contenders.jupyterClient.request<{ ms: number[] }>({ cmd: 'roundtrip', cells })).ms,
  };
  for (const name of CONTENDERS) await measures[name](warmupCells);

  const samples: Record<RoundTripContender, number[]> = { engine: [], bare: [], jupyterClient: [] };
  const roundMedians: Record<RoundTripContender, number[]> = { engine: [], bare: [], jupyterClient: [] };
  const turns = Math.ceil(cellsPerRound / cellsPerTurn);
  const turnRatios = { engineOverBare: [] as number[], engineOverJupyterClient: [] as number[] };
  for (let round = 0; round < rounds; round++) {
    const roundSamples: Record<RoundTripContender, number[]> = { engine: [], bare: [], jupyterClient: [] };
    for (let turn = 0; turn < turns; turn++) {
      const cells = Math.min(cellsPerTurn, cellsPerRound - turn * cellsPerTurn);
      const turnMedians: Partial<Record<RoundTripContender, number>> = {};
      for (let slot = 0; slot < CONTENDERS.length; slot++) {
        const name = CONTENDERS[(round * turns + turn + slot) % CONTENDERS.length]!;
        const times = await measures[name](cells);
        roundSamples[name].push(...times);
        turnMedians[name] = median(times);
      }
      turnRatios.engineOverBare.push(turnMedians.engine! / turnMedians.bare!);
      turnRatios.engineOverJupyterClient.push(turnMedians.engine! / turnMedians.jupyterClient!);
    }
    for (const name of CONTENDERS) {
      samples[name].push(...roundSamples[name]);
      roundMedians[name].push(median(roundSamples[name]));
    }
  }
  const summary = { engine: summarize(samples.engine), bare: summarize(samples.bare), jupyterClient: summarize(samples.jupyterClient) };
  return {
    rounds,
    cellsPerRound,
    cellsPerTurn,
    summary,
    roundMedians,
    ratios: {
      engineOverBare: summary.engine.median / summary.bare.median,
      engineOverJupyterClient: summary.engine.median / summary.jupyterClient.median,
    },
    pairedRatios: { engineOverBare: median(turnRatios.engineOverBare), engineOverJupyterClient: median(turnRatios.engineOverJupyterClient) },
  };
}

async function timeEach(cells: number, runCell: () => Promise<unknown>): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < cells; i++) {
    const started = nowMs();
    await runCell();
    times.push(nowMs() - started);
  }
  return times;
}
