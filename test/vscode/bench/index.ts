/**
 * The VS Code benchmark, run inside the extension host (bench/vscodeBench.ts starts it). For each case it
 * times, in the same process and the same run, (1) CellBridge in VS Code: from the run command until the
 * extension host sees the cell ended with its last output, and (2) the engine alone on the same code: from
 * enqueue until the run finished. The two alternate, so drift on the machine hits both alike. While VS Code
 * runs a case, the extension host's event-loop lag is sampled: a stalled loop is what freezes a window.
 * Results are printed as lines starting with BENCH_PREFIX.
 */
import { performance } from 'node:perf_hooks';
import * as vscode from 'vscode';
import { silentLogger } from '../../../src/core/common/logger';
import { ExecutionQueue } from '../../../src/core/execution/executionQueue';
import { KernelSession } from '../../../src/core/execution/kernelSession';
import { createKernelLauncher } from '../../../src/core/kernel/kernelLauncher';
import { DocumentOutputs } from '../../../src/core/outputs/documentOutputs';
import { endedSince, openNotebook, selectController, text, workspaceUri } from '../suite/notebooks';
import { BENCH_CASES, BenchCase } from './benchCases';
import { BENCH_PREFIX } from './benchLine';


const emit = (record: Record<string, unknown>): void => console.log(BENCH_PREFIX + JSON.stringify(record));

export async function run(): Promise<void> {
  const quick = process.env.CELLBRIDGE_BENCH_QUICK === '1';
  emit({ case: FLOOR_CASE, vscodeMs: await measureFloor(quick ? 10 : 30), engineMs: [], maxLoopLagMs: [] });
  await writeBenchNotebook(BENCH_NOTEBOOK, BENCH_CASES.map((benchCase) => benchCase.code));
  const notebook = await openNotebook(BENCH_NOTEBOOK);
  await selectController();
  const engine = await EngineAlone.start();
  try {
    for (const benchCase of BENCH_CASES) {
      const repeats = quick ? benchCase.quickRepeats : benchCase.repeats;
      // One untimed run of each: imports, first-output paths and the JIT warm up.
      await timeInVsCode(notebook, benchCase);
      await engine.time(benchCase);
      const vscodeMs: number[] = [];
      const engineMs: number[] = [];
      const lagMs: number[] = [];
      for (let i = 0; i < repeats; i++) {
        const timed = await timeInVsCode(notebook, benchCase);
        vscodeMs.push(timed.ms);
        lagMs.push(timed.maxLoopLagMs);
        engineMs.push(await engine.time(benchCase));
      }
      emit({ case: benchCase.name, vscodeMs, engineMs, maxLoopLagMs: lagMs });
    }
  } finally {
    await engine.shutdown();
  }
}

const BENCH_NOTEBOOK = 'bench.ipynb';

const FLOOR_NOTEBOOK = 'floor.ipynb';
const FLOOR_CASE = 'VS Code floor: a no-op controller';

/** Cells as an .ipynb in the (throw-away) test workspace, one cell per source. */
async function writeBenchNotebook(name: string, sources: readonly string[]): Promise<void> {
  const notebook = {
    nbformat: 4,
    nbformat_minor: 4,
    metadata: { kernelspec: { name: 'python3', display_name: 'Python 3', language: 'python' } },
    cells: sources.map((source) => ({ cell_type: 'code', execution_count: null, metadata: {}, outputs: [], source })),
  };
  await vscode.workspace.fs.writeFile(workspaceUri(name), new TextEncoder().encode(JSON.stringify(notebook)));
}

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

async function timeInVsCode(notebook: vscode.NotebookDocument, benchCase: BenchCase): Promise<{ ms: number; maxLoopLagMs: number }> {
  const cell = notebook.cellAt(benchCase.cellIndex);
  const since = Date.now();
  const lag = sampleLoopLag();
  const started = performance.now();
  const finished = new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${benchCase.name}: no final output within 120 s`)), 120_000);
    const check = (): void => {
      if (!endedSince(cell, since) || !benchCase.isComplete(lastItemText(cell))) return;
      clearTimeout(timer);
      subscription.dispose();
      resolve(performance.now() - started);
    };
    const subscription = vscode.workspace.onDidChangeNotebookDocument((event) => event.notebook === notebook && check());
  });
  await vscode.commands.executeCommand('notebook.cell.execute', { ranges: [{ start: cell.index, end: cell.index + 1 }], document: notebook.uri });
  const ms = await finished;
  return { ms, maxLoopLagMs: lag.stop() };
}

function lastItemText(cell: vscode.NotebookCell): string {
  const items = cell.outputs.at(-1)?.items ?? [];
  const item = items.find((i) => i.mime === 'text/plain') ?? items.at(-1);
  return item ? text(item) : '';
}

/** The longest gap between 10 ms ticks, beyond the 10 ms asked for. */
function sampleLoopLag(): { stop: () => number } {
  let last = performance.now();
  let worst = 0;
  const timer = setInterval(() => {
    const now = performance.now();
    worst = Math.max(worst, now - last - 10);
    last = now;
  }, 10);
  return {
    stop: () => {
      clearInterval(timer);
      return Math.round(worst);
    },
  };
}

/** The engine with no VS Code in between: its own kernel, queue and outputs, in this same process. */
class EngineAlone {
  private constructor(private readonly session: KernelSession, private readonly outputs: DocumentOutputs, private readonly queue: ExecutionQueue) {}

  static async start(): Promise<EngineAlone> {
    const launch = createKernelLauncher(silentLogger);
    const session = new KernelSession(() => launch({ kernelName: 'python3' }), silentLogger);
    const outputs = new DocumentOutputs();
    const queue = new ExecutionQueue({ session, outputs, stopOnError: false, logger: silentLogger });
    await session.kernel();
    return new EngineAlone(session, outputs, queue);
  }

  async time(benchCase: BenchCase): Promise<number> {
    const started = performance.now();
    const [run] = this.queue.enqueue([{ code: benchCase.code }]);
    await run!.finished;
    const ms = performance.now() - started;
    const last = run!.outputs.outputs.at(-1);
    const shown = last?.output_type === 'stream' ? last.text : last && 'data' in last ? String(last.data['text/plain'] ?? '') : '';
    if (!benchCase.isComplete(shown)) throw new Error(`${benchCase.name}: the engine's outputs are not complete`);
    run!.outputs.dispose();
    return ms;
  }

  async shutdown(): Promise<void> {
    this.queue.dispose();
    this.outputs.dispose();
    await this.session.shutdown();
  }
}
