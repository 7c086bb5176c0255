import type { BenchConfig } from '../benchConfig';
import { benchEnv } from '../benchConfig';
import { EngineDocument } from '../engine/engineDocument';
import { trackedKernelPids } from '../kernelPids';
import { PeakRssSampler } from '../memorySampler';
import { nowMs } from '../stats';
import { expectedLines, LinesMeasurement, linesCell } from './linesCell';

export const ENGINE_LINES_CHILD_FLAG = '--child=engine-lines';

/** What the child process sends back to the parent over IPC. */
export interface EngineLinesMessage {
  result?: LinesMeasurement;
  error?: string;
  kernelPids: number[];
}

/**
 * Runs in a fresh Node process (forked by largeOutput.ts) so that the memory figure is this cell's alone:
 * one cell printing `lines` lines through the engine, RSS sampled every 20 ms, then every line checked.
 */
export async function runEngineLinesChild(config: BenchConfig): Promise<void> {
  const document = new EngineDocument(config.kernelName, benchEnv());
  const message: EngineLinesMessage = { kernelPids: [] };
  try {
    await document.start();
    await document.runOne('pass');
    collectGarbage();
    const sampler = new PeakRssSampler(20);
    const started = nowMs();
    const run = await document.runOne(linesCell(config.largeOutput.lines));
    const seconds = (nowMs() - started) / 1000;
    const memory = sampler.stop();
    const shown = run.outputs.outputs.map((o) => (o.output_type === 'stream' && o.name === 'stdout' ? o.text : '')).join('');
    message.result = {
      seconds,
      lines: countNewlines(shown),
      exact: shown === expectedLines(config.largeOutput.lines),
      baselineBytes: memory.baselineBytes,
      peakBytes: memory.peakBytes,
    };
  } catch (error) {
    message.error = error instanceof Error ? error.stack ?? error.message : String(error);
  } finally {
    await document.close();
    message.kernelPids = trackedKernelPids();
  }
  await new Promise<void>((resolve) => process.send!(message, () => resolve()));
}

function countNewlines(text: string): number {
  let count = 0;
  for (let at = text.indexOf('\n'); at !== -1; at = text.indexOf('\n', at + 1)) count++;
  return count;
}

/** The child is started with --expose-gc: a collected heap makes the baseline honest. */
function collectGarbage(): void {
  (globalThis as { gc?: () => void }).gc?.();
}
