/**
 * `npm run bench:charts`: how long CellBridge's chart renderers take in a real VS Code (code-server in
 * Chromium), on the current stack's kernel: a 10,000-point Plotly scatter and a 5,000-row Vega-Lite bar
 * chart (Altair), each beside a 3-point one of the same library as its floor, measured in the same run.
 * Two times per chart: the renderer's own (from VS Code handing it the output to the chart drawn, which it
 * records on the chart's element) and the wall time from pressing Run All until the chart is on screen
 * (kernel, extension and renderer). Also the size of each renderer bundle. Writes bench/results/charts-latest.json.
 */
import { mkdir, stat, writeFile } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { useCurrentStackKernel } from '../test/kernel/helpers/currentStack';
import { clickRunAll, CURRENT_STACK_LABEL, notebookJson, openNotebookFromExplorer, outputFrame, withTempFolder, withWorkbench } from '../test/ui/workbench';
import { REPO_ROOT } from './benchPaths';
import { describeMachine } from './report/benchResults';
import { median } from './stats';

interface ChartCase {
  name: string;
  cellIndex: number;
  /** The drawn chart's element (it carries data-render-ms) and how many marks it must have. */
  selector: string;
  marks: string;
  markCount: number;
}

const CELLS = [
  'import numpy as np\nimport plotly.express as px\nrng = np.random.default_rng(0)\npx.scatter(x=rng.normal(size=10_000), y=rng.normal(size=10_000), title="10,000 points")',
  'px.scatter(x=[1, 2, 3], y=[3, 1, 2], title="3 points")',
  'import altair as alt\nimport pandas as pd\nalt.data_transformers.disable_max_rows()\nrows = pd.DataFrame({"k": np.arange(5_000), "v": rng.random(5_000)})\nalt.Chart(rows).mark_bar().encode(x="k:Q", y="v:Q").properties(title="5,000 rows", width="container")',
  'alt.Chart(rows.head(3)).mark_bar().encode(x="k:Q", y="v:Q").properties(title="3 rows", width="container")',
];

const CASES: ChartCase[] = [
  // Over 1,000 points plotly.express draws with WebGL (scattergl): one canvas, no SVG marks to count.
  { name: 'Plotly scatter, 10,000 points', cellIndex: 0, selector: '.cellbridge-plotly', marks: 'canvas.gl-canvas', markCount: 1 },
  { name: 'Plotly scatter, 3 points (floor)', cellIndex: 1, selector: '.cellbridge-plotly', marks: '.scatterlayer .point', markCount: 3 },
  { name: 'Vega-Lite bars, 5,000 rows', cellIndex: 2, selector: '.cellbridge-vega', marks: 'svg .mark-rect path', markCount: 5_000 },
  { name: 'Vega-Lite bars, 3 rows (floor)', cellIndex: 3, selector: '.cellbridge-vega', marks: 'svg .mark-rect path', markCount: 3 },
];

const RESULTS_FILE = path.join(REPO_ROOT, 'bench', 'results', 'charts-latest.json');

async function main(args: string[]): Promise<number> {
  const repeats = args.includes('--quick') ? 2 : 5;
  const kernel = useCurrentStackKernel();
  const machine = describeMachine();
  const renderMs = new Map<string, number[]>(CASES.map((c) => [c.name, []]));
  const wallMs = new Map<string, number[]>(CASES.map((c) => [c.name, []]));
  await withTempFolder('cellbridge-charts-bench-', async (folder) => {
    const file = path.join(folder, 'charts-bench.ipynb');
    await writeFile(file, notebookJson(CELLS, kernel));
    // Tall enough that VS Code renders every output: it draws only those in view.
    await withWorkbench('bench-charts', [file], { height: 4000, env: { JUPYTER_PATH: process.env.JUPYTER_PATH ?? '' } }, async (page) => {
      await openNotebookFromExplorer(page, 'charts-bench.ipynb', CURRENT_STACK_LABEL);
      const outputs = outputFrame(page);
      for (let run = 0; run <= repeats; run++) {
        if (run > 0) await page.locator('.notebook-toolbar-container').getByRole('button', { name: /Clear All Outputs/ }).click();
        await outputs.locator('.cellbridge-plotly, .cellbridge-vega').first().waitFor({ state: 'detached', timeout: 30_000 }).catch(() => undefined);
        const started = Date.now();
        await clickRunAll(page);
        const seen = new Map<string, number>();
        await Promise.all(
          CASES.map(async (chartCase, index) => {
            const chart = outputs.locator(`${chartCase.selector}[data-render-ms]`).nth(index % 2);
            await chart.locator(chartCase.marks).nth(chartCase.markCount - 1).waitFor({ state: 'attached', timeout: 120_000 });
            seen.set(chartCase.name, Date.now() - started);
          }),
        );
        // The first run warms the kernel's imports and the renderers' bundles up: not counted.
        if (run === 0) continue;
        for (const [index, chartCase] of CASES.entries()) {
          const drawn = await outputs.locator(chartCase.selector).nth(index % 2).getAttribute('data-render-ms');
          renderMs.get(chartCase.name)!.push(Number(drawn));
          wallMs.get(chartCase.name)!.push(seen.get(chartCase.name)!);
        }
        process.stderr.write(`[bench:charts] run ${run} of ${repeats} done\n`);
      }
    });
  });
  machine.loadAverageAtEnd = os.loadavg();
  const bundles = await Promise.all(['plotly', 'vega', 'geojson', 'table', 'widgets', 'error'].map(async (name) => ({ name, bytes: (await stat(path.join(REPO_ROOT, 'dist', 'renderers', `${name}.js`))).size })));
  const lines = [
    `CellBridge's chart renderers in code-server 4.100.3 (Chromium), current stack's kernel, ${repeats} runs after one warm-up.`,
    `Load average at start ${machine.loadAverageAtStart.map((l) => l.toFixed(2)).join(' ')}, at end ${machine.loadAverageAtEnd.map((l) => l.toFixed(2)).join(' ')}.`,
    '',
    'chart | renderer p50 (ms) | × its 3-mark floor | Run All to drawn p50 (ms)',
  ];
  for (const [index, chartCase] of CASES.entries()) {
    const floor = CASES[index - (index % 2) + 1]!;
    const own = median(renderMs.get(chartCase.name)!);
    lines.push(`${chartCase.name} | ${own.toFixed(0)} | ${(own / median(renderMs.get(floor.name)!)).toFixed(2)}× | ${median(wallMs.get(chartCase.name)!).toFixed(0)}`);
  }
  lines.push("(Run All runs the cells in order: a later chart's wall time includes the cells before it.)");
  const size = (bytes: number): string => (bytes >= 1024 * 1024 ? `${(bytes / 1024 / 1024).toFixed(2)} MB` : `${(bytes / 1024).toFixed(0)} KB`);
  lines.push('', `Bundles (dist/renderers/): ${bundles.map((b) => `${b.name}.js ${size(b.bytes)}`).join(', ')}`);
  process.stdout.write(lines.join('\n') + '\n');
  await mkdir(path.dirname(RESULTS_FILE), { recursive: true });
  await writeFile(RESULTS_FILE, JSON.stringify({ machine, repeats, renderMs: Object.fromEntries(renderMs), wallMs: Object.fromEntries(wallMs), bundles }, null, 2) + '\n');
  process.stderr.write(`[bench:charts] results in ${path.relative(REPO_ROOT, RESULTS_FILE)}\n`);
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`[bench:charts] ${error instanceof Error ? error.stack : String(error)}\n`);
    process.exit(1);
  },
);
