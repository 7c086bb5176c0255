/** How the VS Code benchmark writes its notebooks and times a cell in them, with the extension host's loop lag. */
import { performance } from 'node:perf_hooks';
import * as vscode from 'vscode';
import { endedSince, text, workspaceUri } from '../suite/notebooks';
import type { BenchCase } from './benchCases';

/**
 * How long the lag sampler keeps going after the cell ended: work queued by the last messages (the widget
 * relay posts its last batch up to a frame after them) stalls a window just as much as work before the end.
 */
const LAG_TAIL_MS = 100;

/** Cells as an .ipynb in the (throw-away) test workspace, one cell per source, saved for this kernelspec. */
export async function writeBenchNotebook(name: string, sources: readonly string[], kernelspec = { name: 'python3', display_name: 'Python 3' }): Promise<void> {
  const notebook = {
    nbformat: 4,
    nbformat_minor: 4,
    metadata: { kernelspec: { ...kernelspec, language: 'python' } },
    cells: sources.map((source) => ({ cell_type: 'code', execution_count: null, metadata: {}, outputs: [], source })),
  };
  await vscode.workspace.fs.writeFile(workspaceUri(name), new TextEncoder().encode(JSON.stringify(notebook)));
}

/** From the run command until the extension host sees the cell ended with its last output. */
export async function timeInVsCode(notebook: vscode.NotebookDocument, benchCase: BenchCase): Promise<{ ms: number } & LoopLag> {
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
  await new Promise((resolve) => setTimeout(resolve, LAG_TAIL_MS));
  return { ms, ...lag.stop() };
}

function lastItemText(cell: vscode.NotebookCell): string {
  const items = cell.outputs.at(-1)?.items ?? [];
  const item = items.find((i) => i.mime === 'text/plain') ?? items.at(-1);
  return item ? text(item) : '';
}

/** The extension host's longest stall, and how much of it the host's process spent on its CPUs. */
export interface LoopLag {
  /** The longest gap between 10 ms ticks, beyond the 10 ms asked for. */
  maxLoopLagMs: number;
  /**
   * CPU time of the extension host's process during that gap: near the gap, the host was busy (blocked by
   * work); far below it, it was waiting for a core (2 cores shared with the kernel, the webview and the server).
   */
  maxLoopLagCpuMs: number;
}

function sampleLoopLag(): { stop: () => LoopLag } {
  let last = performance.now();
  let lastCpu = process.cpuUsage();
  let worst: LoopLag = { maxLoopLagMs: 0, maxLoopLagCpuMs: 0 };
  const timer = setInterval(() => {
    const now = performance.now();
    const cpu = process.cpuUsage(lastCpu);
    const lag = now - last - 10;
    if (lag > worst.maxLoopLagMs) worst = { maxLoopLagMs: Math.round(lag), maxLoopLagCpuMs: Math.round((cpu.user + cpu.system) / 1000) };
    last = now;
    lastCpu = process.cpuUsage();
  }, 10);
  return {
    stop: () => {
      clearInterval(timer);
      return worst;
    },
  };
}
