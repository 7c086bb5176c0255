import type { KernelStartResult } from '../sections/kernelStart';
import type { LargeOutputResult } from '../sections/largeOutput';
import type { RoundTripResult } from '../sections/roundTrip';
import type { ThroughputResult } from '../sections/throughput';
import type { BenchResults } from './benchResults';
import { format, renderTable } from './table';
import type { TargetCheck } from './targets';

/** The run as a person reads it: one table per section, then the targets with PASS/MISS. */
export function renderReport(results: BenchResults): string {
  const { machine, config, sections } = results;
  const parts: string[] = [
    `CellBridge benchmark (${config.mode}) · kernel ${config.kernelName} · ${machine.cpus}× ${machine.cpuModel} · node ${machine.node}`,
    `load average at start ${machine.loadAverageAtStart.map((l) => l.toFixed(2)).join(' ')}, at end ${machine.loadAverageAtEnd.map((l) => l.toFixed(2)).join(' ')} · ${results.durationSeconds.toFixed(0)} s`,
  ];
  if (sections.roundTrip) parts.push(renderRoundTrip(sections.roundTrip));
  if (sections.throughput) parts.push(renderThroughput(sections.throughput));
  if (sections.kernelStart) parts.push(renderKernelStart(sections.kernelStart));
  if (sections.largeOutput) parts.push(renderLargeOutput(sections.largeOutput));
  if (results.targets.length) parts.push(renderTargets(results.targets));
  parts.push(`\nKernels started: ${results.kernelsStarted}; left running: ${results.kernelsLeftRunning.length ? results.kernelsLeftRunning.join(', ') : 'none'}`);
  for (const failure of results.failures) parts.push(`FAILED ${failure.section}: ${failure.error}`);
  return parts.join('\n');
}

function renderRoundTrip(r: RoundTripResult): string {
  const rows = (
    [
      ['engine (queue + session + outputs)', r.summary.engine, r.roundMedians.engine],
      ['bare ZeroMQ client', r.summary.bare, r.roundMedians.bare],
      ['jupyter_client (Python)', r.summary.jupyterClient, r.roundMedians.jupyterClient],
    ] as const
  ).map(([name, s, rounds]) => [name, format.ms(s.median), format.ms(s.p90), format.ms(s.min), rounds.map((m) => m.toFixed(2)).join(' ')]);
  return [
    `\n1. Round trip of a \`pass\` cell (until execute_reply and idle), ${r.rounds} rounds × ${r.cellsPerRound} cells each, interleaved in turns of ${r.cellsPerTurn}`,
    renderTable(['client', 'median', 'p90', 'min', 'round medians'], rows),
    `  engine / bare ${format.ratio(r.ratios.engineOverBare)}, engine / jupyter_client ${format.ratio(r.ratios.engineOverJupyterClient)}` +
      ` (turn by turn: ${format.ratio(r.pairedRatios.engineOverBare)}, ${format.ratio(r.pairedRatios.engineOverJupyterClient)})`,
  ].join('\n');
}

function renderThroughput(t: ThroughputResult): string {
  const rounds = (rates: number[]): string => rates.map((r) => r.toFixed(0)).join(' ');
  return [
    `\n2. Throughput: ${t.cells} cells of \`${t.code}\`, ${t.rounds} round(s), order rotating`,
    renderTable(
      ['client', 'rate', 'round rates', 'engine time / its time'],
      [
        ['engine (all enqueued at once)', format.rate(t.rate.engine), rounds(t.roundRates.engine), ''],
        ['bare ZeroMQ client (one by one)', format.rate(t.rate.bare), rounds(t.roundRates.bare), format.ratio(t.ratios.engineOverBare)],
        ['jupyter_client (one by one)', format.rate(t.rate.jupyterClient), rounds(t.roundRates.jupyterClient), format.ratio(t.ratios.engineOverJupyterClient)],
        ['nbclient (a notebook)', format.rate(t.rate.nbclient), rounds(t.roundRates.nbclient), format.ratio(t.ratios.engineOverNbclient)],
      ],
    ),
  ].join('\n');
}

function renderKernelStart(k: KernelStartResult): string {
  return [
    `\n3. Kernel start, launch until ready for the first cell, ${k.starts} starts each, alternating`,
    renderTable(
      ['client', 'median', 'min', 'max'],
      [
        ['engine (LocalKernel: kernel_info + iopub live)', format.ms(k.engine.median), format.ms(k.engine.min), format.ms(k.engine.max)],
        ['jupyter_client start_new_kernel', format.ms(k.jupyterClient.median), format.ms(k.jupyterClient.min), format.ms(k.jupyterClient.max)],
      ],
    ),
    `  engine / jupyter_client ${format.ratio(k.ratios.engineOverJupyterClient)}`,
  ].join('\n');
}

function renderLargeOutput(l: LargeOutputResult): string {
  const received = (m: { lines: number; exact: boolean }): string => `${m.lines.toLocaleString('en-US')} ${m.exact ? '(exact)' : '(MISMATCH)'}`;
  const row = (name: string, m: LargeOutputResult['engine']): string[] => [
    name,
    m.allSeconds.length > 1 ? `${format.seconds(m.seconds)} (of ${m.allSeconds.map((s) => s.toFixed(2)).join(', ')})` : format.seconds(m.seconds),
    format.mib(m.peakAboveBaselineBytes),
    format.mib(m.baselineBytes),
    received(m),
  ];
  return [
    `\n4. Large output: ${l.lines.toLocaleString('en-US')} printed lines in one cell, each client in a fresh process, median of the clients' turns`,
    renderTable(['client', 'time', 'peak RSS − baseline', 'baseline RSS', 'lines received'], [row('engine', l.engine), row('jupyter_client', l.jupyterClient)]),
    `  engine / jupyter_client: time ${format.ratio(l.ratios.engineOverJupyterClientTime)}, peak memory ${format.ratio(l.ratios.engineOverJupyterClientMemory)}`,
  ].join('\n');
}

function renderTargets(targets: readonly TargetCheck[]): string {
  return [
    '\nTargets (time ratios, engine over the other client)',
    renderTable(
      ['check', 'ratio', 'target', ''],
      targets.map((t) => [`${t.name}${t.fromIssue ? '' : ' (further check)'}`, format.ratio(t.ratio), `${t.strict ? '<' : '≤'} ${t.limit.toFixed(2)}×`, t.pass ? 'PASS' : 'MISS']),
    ),
  ].join('\n');
}
