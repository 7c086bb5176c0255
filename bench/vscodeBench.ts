/**
 * `npm run bench:vscode`: CellBridge inside a real VS Code (code-server in Chromium) against the engine alone,
 * on the same cells in the same run: an empty cell, a 200,000-line print, 1,000 display updates (Debian's
 * python3), then 1,000 slider updates beside the same loop printing (the current stack's kernel, which has
 * ipywidgets). The timing itself happens in the extension host (test/vscode/bench/index.ts); this script starts
 * it, collects its lines and prints the table. `--quick` for fewer repeats. Writes bench/results/vscode-latest.json.
 */
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { runInHostSuite } from '../test/vscode/harness/inHostRun';
import { WIDGET_CASES, WIDGET_KERNEL } from '../test/vscode/bench/benchCases';
import { BENCH_PREFIX, FIRST_RUN_CASE } from '../test/vscode/bench/benchLine';
import { benchEnv } from './benchConfig';
import { REPO_ROOT } from './benchPaths';
import { describeMachine } from './report/benchResults';
import { median, summarize } from './stats';

interface CaseResult {
  case: string;
  kernel: string;
  vscodeMs: number[];
  engineMs: number[];
  maxLoopLagMs: number[];
  /** The extension host's own CPU time during each run's longest stall (see LoopLag). */
  maxLoopLagCpuMs: number[];
  /** For a case that sets a slider: where it ended after each run, in VS Code's and the engine's widget state. */
  sliderEnds?: { vscode: Array<number | null>; engine: Array<number | null> };
  sliderEndsAt?: number;
}

const RESULTS_FILE = path.join(REPO_ROOT, 'bench', 'results', 'vscode-latest.json');
/** Where scripts/setupCurrentStack.sh puts the widget section's kernelspec (the kernel tests use it too). */
const CURRENT_STACK_JUPYTER_PATH = path.join(REPO_ROOT, '.test-venvs', 'jupyter');
/** What issue 14 allows the extension host to block for while widget updates arrive. */
const MAX_LOOP_LAG_MS = 50;

async function main(args: string[]): Promise<number> {
  const quick = args.includes('--quick');
  // Checked, not made here: the set-up script rewrites the kernelspec to point at the checkout it runs in.
  if (!existsSync(path.join(CURRENT_STACK_JUPYTER_PATH, 'kernels', WIDGET_KERNEL, 'kernel.json'))) {
    process.stderr.write(`[bench:vscode] the widget section needs the ${WIDGET_KERNEL} kernelspec: run bash scripts/setupCurrentStack.sh first\n`);
    return 1;
  }
  const machine = describeMachine();
  const cases: CaseResult[] = [];
  const started = Date.now();
  const run = await runInHostSuite({
    extensionDevelopmentPath: REPO_ROOT,
    extensionTestsPath: path.join(REPO_ROOT, 'out', 'test', 'vscode', 'bench', 'index.js'),
    workspaceFixture: path.join(REPO_ROOT, 'test', 'fixtures', 'vscode-workspace'),
    outputDir: path.join(REPO_ROOT, '.test-output', 'bench-vscode'),
    timeoutMs: 20 * 60_000,
    env: { ...stringEnv(benchEnv()), JUPYTER_PATH: jupyterPath(), ...(quick ? { CELLBRIDGE_BENCH_QUICK: '1' } : {}) },
    onLog: (line) => {
      if (!line.startsWith(BENCH_PREFIX)) return;
      const result = JSON.parse(line.slice(BENCH_PREFIX.length)) as CaseResult;
      cases.push(result);
      process.stderr.write(`[bench:vscode] ${result.case}: done\n`);
    },
  });
  machine.loadAverageAtEnd = os.loadavg();
  if (run.exitCode !== 0) {
    process.stderr.write(run.log.slice(-40).join('\n') + '\n');
    return 1;
  }
  printTable(cases, machine.loadAverageAtStart, machine.loadAverageAtEnd);
  await mkdir(path.dirname(RESULTS_FILE), { recursive: true });
  await writeFile(RESULTS_FILE, JSON.stringify({ startedAt: new Date(started).toISOString(), quick, machine, cases }, null, 2) + '\n');
  process.stderr.write(`[bench:vscode] results in ${path.relative(REPO_ROOT, RESULTS_FILE)}\n`);
  return 0;
}

function printTable(cases: readonly CaseResult[], loadAtStart: number[], loadAtEnd: number[]): void {
  const lines = [
    `CellBridge in VS Code (code-server 4.100.3) against the engine alone, same cells, same kernelspec, same run.`,
    `Time from the run command until the extension host sees the cell ended with its last output (ms).`,
    `The floor is VS Code's own cost for a cell (a controller that does nothing); "above the floor" is the rest.`,
    `Load average at start ${loadAtStart.map((l) => l.toFixed(2)).join(' ')}, at end ${loadAtEnd.map((l) => l.toFixed(2)).join(' ')}.`,
    '',
    ['case', 'kernel', 'n', 'VS Code p50', 'p90', 'engine p50', 'p90', 'ratio p50', 'p50 above the floor', 'ext-host max loop lag'].join(' | '),
  ];
  const floor = cases.find((result) => result.engineMs.length === 0);
  const firstRun = cases.find((result) => result.case === FIRST_RUN_CASE);
  const floorMs = floor ? median(floor.vscodeMs) : 0;
  if (floor) lines.push([floor.case, '', String(floor.vscodeMs.length), floorMs.toFixed(1), summarize(floor.vscodeMs).p90.toFixed(1), '', '', '', '', ''].join(' | '));
  for (const result of cases) {
    if (result === floor || result === firstRun) continue;
    const inVsCode = summarize(result.vscodeMs);
    const alone = summarize(result.engineMs);
    lines.push(
      [
        result.case,
        result.kernel,
        String(inVsCode.count),
        inVsCode.median.toFixed(1),
        inVsCode.p90.toFixed(1),
        alone.median.toFixed(1),
        alone.p90.toFixed(1),
        `${(median(result.vscodeMs) / median(result.engineMs)).toFixed(2)}×`,
        `${(median(result.vscodeMs) - floorMs).toFixed(1)} ms (${((median(result.vscodeMs) - floorMs) / median(result.engineMs)).toFixed(2)}× engine)`,
        `${maxLag(result)} ms`,
      ].join(' | '),
    );
  }
  process.stdout.write([...lines, '', ...firstRunSummary(firstRun), '', ...widgetSummary(cases)].join('\n') + '\n');
}

/** Opening a notebook and pressing Run, until the first output: kernels forked from a fork server against spawned ones. */
function firstRunSummary(result: CaseResult | undefined): string[] {
  if (!result || !result.vscodeMs.length || !result.engineMs.length) return ['First Run: the section did not run.'];
  const fork = summarize(result.vscodeMs);
  const spawned = summarize(result.engineMs);
  return [
    `First Run after opening a notebook (Run 3 s after opening; the cell imports numpy, pandas and matplotlib, then prints), n = ${fork.count}:`,
    `  forked kernel  p50 ${fork.median.toFixed(0)} ms (p90 ${fork.p90.toFixed(0)})`,
    `  spawned kernel p50 ${spawned.median.toFixed(0)} ms (p90 ${spawned.p90.toFixed(0)})   fork ÷ spawn ${(fork.median / spawned.median).toFixed(2)}×`,
  ];
}

/** Issue 14's question in words: the slider loop beside the same loop printing, and whether the host kept up. */
function widgetSummary(cases: readonly CaseResult[]): string[] {
  const [sliderCase, printCase] = WIDGET_CASES.map((benchCase) => cases.find((result) => result.case === benchCase.name));
  if (!sliderCase || !printCase) return ['Widgets: the section did not run.'];
  const slider = median(sliderCase.vscodeMs);
  const print = median(printCase.vscodeMs);
  const within = (result: CaseResult): string => (maxLag(result) <= MAX_LOOP_LAG_MS ? `within ${MAX_LOOP_LAG_MS} ms` : `OVER ${MAX_LOOP_LAG_MS} ms`);
  return [
    `Widgets (${sliderCase.kernel}): ${sliderCase.case} ${slider.toFixed(1)} ms p50 in VS Code, ${(slider / print).toFixed(2)}× ${printCase.case} (${print.toFixed(1)} ms);`,
    `  engine alone ${median(sliderCase.engineMs).toFixed(1)} ms and ${median(printCase.engineMs).toFixed(1)} ms.`,
    `  Extension host's longest stall: ${maxLag(sliderCase)} ms with the slider (${within(sliderCase)}; ${stallCpu(sliderCase)}), ${maxLag(printCase)} ms with the print (${within(printCase)}; ${stallCpu(printCase)}).`,
    `  ${sliderEndsLine(sliderCase)}`,
  ];
}

/** Whether every update arrived: the slider's last value in each run's widget state. */
function sliderEndsLine(result: CaseResult): string {
  const ends = result.sliderEnds;
  if (!ends || result.sliderEndsAt === undefined) return 'Slider values after each run: not recorded.';
  const all = [...ends.vscode, ...ends.engine];
  if (all.every((value) => value === result.sliderEndsAt)) return `Every run's last update arrived: the slider ended at ${result.sliderEndsAt} in VS Code and in the engine, in all ${ends.vscode.length} runs.`;
  return `UPDATES LOST: the slider ended at ${JSON.stringify(ends.vscode)} in VS Code and ${JSON.stringify(ends.engine)} in the engine, not ${result.sliderEndsAt} (a kernel's iopub drops messages past ZeroMQ's high-water mark when its reader falls behind).`;
}

function maxLag(result: CaseResult): number {
  return Math.max(...result.maxLoopLagMs);
}

/** During the longest stall, how much the host itself was running: busy with work, or waiting for a core. */
function stallCpu(result: CaseResult): string {
  const worst = result.maxLoopLagMs.indexOf(maxLag(result));
  const cpu = result.maxLoopLagCpuMs[worst];
  return cpu === undefined ? 'its CPU not recorded' : `the host's own CPU in it ${cpu} ms`;
}

/** The current stack's kernelspec added to what Jupyter already finds; Debian's python3 stays python3. */
function jupyterPath(): string {
  return [CURRENT_STACK_JUPYTER_PATH, ...(process.env.JUPYTER_PATH ? [process.env.JUPYTER_PATH] : [])].join(path.delimiter);
}

function stringEnv(env: NodeJS.ProcessEnv): Record<string, string> {
  return Object.fromEntries(Object.entries(env).filter((entry): entry is [string, string] => entry[1] !== undefined));
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`[bench:vscode] ${error instanceof Error ? error.stack : String(error)}\n`);
    process.exit(1);
  },
);
