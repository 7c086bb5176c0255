/**
 * The VS Code benchmark, run inside the extension host (bench/vscodeBench.ts starts it). For each case it
 * times, in the same process and the same run, (1) CellBridge in VS Code: from the run command until the
 * extension host sees the cell ended with its last output, and (2) the engine alone on the same code and the
 * same kernelspec (engineAlone.ts): from enqueue until the run finished. The two alternate, so drift on the
 * machine hits both alike. While VS Code runs a case, the extension host's event-loop lag is sampled: a
 * stalled loop is what freezes a window. Two sections: Debian's python3 (an empty cell, a long print, display
 * updates), then widgets on the current stack (widgetSection.ts). Results are printed as lines starting with
 * BENCH_PREFIX.
 */
import * as vscode from 'vscode';
import { closeAllEditors, openNotebook, selectController } from '../suite/notebooks';
import { BENCH_CASES, BENCH_KERNEL, type BenchCase, SLIDER_SETUP, WIDGET_CASES, WIDGET_KERNEL } from './benchCases';
import { BENCH_PREFIX } from './benchLine';
import { timeInVsCode, writeBenchNotebook } from './benchNotebook';
import { EngineAlone } from './engineAlone';
import { openWidgetNotebook, sliderInVsCode } from './widgetSection';
import { FIRST_RUN_CASE } from './benchLine';
import { measureFirstRun } from './firstRunSection';

const emit = (record: Record<string, unknown>): void => console.log(BENCH_PREFIX + JSON.stringify(record));

export async function run(): Promise<void> {
  const quick = process.env.CELLBRIDGE_BENCH_QUICK === '1';
  emit({ case: FLOOR_CASE, kernel: '', vscodeMs: await measureFloor(quick ? 10 : 30), engineMs: [], maxLoopLagMs: [], maxLoopLagCpuMs: [] });

  await writeBenchNotebook(BENCH_NOTEBOOK, BENCH_CASES.map((benchCase) => benchCase.code));
  const notebook = await openNotebook(BENCH_NOTEBOOK);
  await selectController();
  await measureCases(notebook, BENCH_KERNEL, BENCH_CASES, [], quick);
  // Closing it shuts its kernel down (saving first: its outputs made it dirty), so only the widget section's kernels run next.
  await closeAllEditors();

  // Fork against spawn: `vscodeMs` holds the forked starts, `engineMs` the spawned ones (bench/vscodeBench.ts prints them apart).
  const firstRun = await measureFirstRun(quick);
  emit({ case: FIRST_RUN_CASE, kernel: BENCH_KERNEL, vscodeMs: firstRun.fork, engineMs: firstRun.spawn, maxLoopLagMs: [], maxLoopLagCpuMs: [] });

  const widgetNotebook = await openWidgetNotebook();
  await measureCases(widgetNotebook, WIDGET_KERNEL, WIDGET_CASES, [SLIDER_SETUP], quick, (benchCase) => sliderInVsCode(widgetNotebook, benchCase));
  await closeAllEditors();
}

/**
 * Each case: one untimed run in each (imports, first-output paths and the JIT warm up), then timed runs
 * alternating VS Code and the engine. `sliderAfter` runs after each VS Code run, untimed: where a slider case left the slider.
 */
async function measureCases(
  notebook: vscode.NotebookDocument,
  kernel: string,
  cases: readonly BenchCase[],
  engineSetup: readonly string[],
  quick: boolean,
  sliderAfter: (benchCase: BenchCase) => Promise<number | undefined> = async () => undefined,
): Promise<void> {
  const engine = await EngineAlone.start(kernel, engineSetup);
  try {
    for (const benchCase of cases) {
      const repeats = quick ? benchCase.quickRepeats : benchCase.repeats;
      await timeInVsCode(notebook, benchCase);
      await sliderAfter(benchCase);
      await engine.time(benchCase);
      const vscodeMs: number[] = [];
      const engineMs: number[] = [];
      const lagMs: number[] = [];
      const lagCpuMs: number[] = [];
      const sliderEnds: { vscode: Array<number | null>; engine: Array<number | null> } = { vscode: [], engine: [] };
      for (let i = 0; i < repeats; i++) {
        const timed = await timeInVsCode(notebook, benchCase);
        const vscodeSlider = await sliderAfter(benchCase);
        vscodeMs.push(timed.ms);
        lagMs.push(timed.maxLoopLagMs);
        lagCpuMs.push(timed.maxLoopLagCpuMs);
        const engineTimed = await engine.time(benchCase);
        engineMs.push(engineTimed.ms);
        if (benchCase.sliderEndsAt !== undefined) {
          sliderEnds.vscode.push(vscodeSlider ?? null);
          sliderEnds.engine.push(engineTimed.sliderEnd ?? null);
        }
      }
      emit({ case: benchCase.name, kernel, vscodeMs, engineMs, maxLoopLagMs: lagMs, maxLoopLagCpuMs: lagCpuMs, ...(benchCase.sliderEndsAt !== undefined ? { sliderEnds, sliderEndsAt: benchCase.sliderEndsAt } : {}) });
    }
  } finally {
    await engine.shutdown();
  }
}

const BENCH_NOTEBOOK = 'bench.ipynb';

const FLOOR_NOTEBOOK = 'floor.ipynb';
const FLOOR_CASE = 'VS Code floor: a no-op controller';

/**
 * What VS Code itself costs to run a cell: a controller whose handler starts and ends each cell at once, timed
 * the same way as CellBridge. Everything above it is the extension, the engine and the kernel.
 */
async function measureFloor(repeats: number): Promise<number[]> {
  const controller = vscode.notebooks.createNotebookController('cellbridge.bench.noop', 'jupyter-notebook', 'No-op (benchmark floor)', (cells) => {
    for (const cell of cells) {
      const execution = controller.createNotebookCellExecution(cell);
      execution.start(Date.now());
      execution.end(true, Date.now());
    }
  });
  try {
    await writeBenchNotebook(FLOOR_NOTEBOOK, ['pass']);
    const notebook = await openNotebook(FLOOR_NOTEBOOK);
    await selectController(controller.id);
    const samples: number[] = [];
    for (let i = 0; i <= repeats; i++) {
      const timed = await timeInVsCode(notebook, { ...BENCH_CASES[0]!, cellIndex: 0 });
      if (i > 0) samples.push(timed.ms);
    }
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    return samples;
  } finally {
    controller.dispose();
  }
}
