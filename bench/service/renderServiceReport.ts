import { format, renderTable } from '../report/table';
import type { LatencyResult } from './latencySection';
import type { LatencySummary } from './latencyStats';
import type { RssReport } from './rssSampler';
import type { ServiceBenchResults } from './serviceResults';
import { TARGET_SPEEDUP } from './serviceTargets';
import type { SpeedupCheck } from './serviceTargets';
import type { ThroughputResult } from './throughputSection';

/** The run as a person reads it: latency against the fresh-kernel path, throughput, memory, target, clean-up. */
export function renderServiceReport(results: ServiceBenchResults): string {
  const { machine, config, sections } = results;
  const parts: string[] = [
    `CellBridge service benchmark (${config.mode}) · kernel ${config.kernelName} · ${machine.cpus}× ${machine.cpuModel} · node ${machine.node}`,
    `service: ${results.service.command} (pool full ${(results.service.poolFullAfterMs / 1000).toFixed(1)} s after start)`,
    `load average at start ${loads(machine.loadAverageAtStart)}, at end ${loads(machine.loadAverageAtEnd)} · ${results.durationSeconds.toFixed(0)} s`,
  ];
  if (sections.latency) parts.push(renderLatency(sections.latency));
  if (sections.throughput) parts.push(renderThroughput(sections.throughput, config.maxConcurrency));
  if (results.memory) parts.push(renderMemory(results.memory));
  if (results.targets.length) parts.push(renderTargets(results.targets));
  if (results.shutdown) {
    const { stop, leftRunning, leftTempEntries } = results.shutdown;
    parts.push(
      `\nShut-down: SIGTERM → exit in ${format.ms(stop.ms)} (code ${stop.code ?? stop.signal}${stop.killed ? ', KILLED after the grace period' : ''});` +
        ` processes left: ${leftRunning.length ? leftRunning.join(', ') : 'none'}; temp entries left: ${leftTempEntries.length ? leftTempEntries.join(', ') : 'none'}`,
    );
  }
  const warnings = results.serviceLog.filter((line) => !/shutting down/.test(line));
  if (warnings.length) parts.push(`Service stderr (${warnings.length} lines): ${warnings.slice(0, 5).join(' | ')}`);
  for (const failure of results.failures) parts.push(`FAILED ${failure.section}: ${failure.error}`);
  return parts.join('\n');
}

const loads = (values: number[]): string => values.map((l) => l.toFixed(2)).join(' ');

function latencyRow(name: string, s: LatencySummary): string[] {
  return [name, format.ms(s.p50), format.ms(s.p99), format.ms(s.mean), format.ms(s.min), format.ms(s.max), String(s.count)];
}

function renderLatency(l: LatencyResult): string {
  const p = l.pacing;
  const phases = l.freshKernelPhases;
  return [
    `\n1. Latency of the seed example (4 cells), ${l.pairs} requests each way, taking turns (after ${l.warmupPairs} unmeasured turn(s))`,
    renderTable(
      ['path', 'p50', 'p99', 'mean', 'min', 'max', 'n'],
      [
        latencyRow('service, warm pool (HTTP, keep-alive)', l.service),
        latencyRow('fresh kernel per request (jupyter_client)', l.freshKernel),
        latencyRow('  … until outputs, shut-down not counted', l.freshKernelUntilOutputs),
      ],
    ),
    `  fresh kernel / service: p50 ${format.ratio(l.freshKernel.p50 / l.service.p50)}, p99 ${format.ratio(l.freshKernel.p99 / l.service.p99)}, mean ${format.ratio(l.freshKernel.mean / l.service.mean)}`,
    `  service, from its answers (medians): run ${format.ms(l.serviceBreakdown.runMs)} (cells ${l.serviceBreakdown.cellMs.map((ms) => ms.toFixed(1)).join(' + ')} ms); the rest is HTTP, JSON and the hand-out of the pooled kernel`,
    `  fresh-kernel phases (medians): start_new_kernel ${format.ms(phases.startMs)}, cells ${format.ms(phases.cellsMs)}, shutdown_kernel ${format.ms(phases.shutdownMs)}; timed inside Python, no HTTP`,
    `  pacing: each request sent with the pool full and the service idle; found the pool empty ${p.poolEmptyAtSend}/${l.service.count}, below full ${p.poolBelowFullAtSend}/${l.service.count};` +
      ` waits given up ${p.settleTimeouts}; refill after an answer ${format.ms(p.refillMedianMs)} (median); kernels started per request ${p.kernelsStartedPerRequest.toFixed(2)}`,
    ...(l.wrongAnswers.length ? [`  WRONG ANSWERS (${l.wrongAnswers.length}): ${l.wrongAnswers.slice(0, 5).join(' | ')}`] : []),
  ].join('\n');
}

function renderThroughput(t: ThroughputResult, maxConcurrency: number): string {
  const rows = t.levels.map((level) => [
    String(level.concurrency),
    level.rate.toFixed(2),
    `${level.seconds.toFixed(1)} s`,
    format.ms(level.latency.p50),
    format.ms(level.latency.p99),
    format.ms(level.seedLatency.p50),
    format.ms(level.trivialLatency.p50),
    String(level.tooMany),
    `${level.pool.empty}/${level.pool.polls}`,
  ]);
  const wrong = t.levels.flatMap((level) => level.wrongAnswers.map((w) => `c=${level.concurrency} ${w}`));
  return [
    `\n2. Throughput: ${t.requestsPerLevel} requests per level (${t.mix}); service --max-concurrency ${maxConcurrency}`,
    renderTable(['clients', 'req/s', 'time', 'p50', 'p99', 'seed p50', '1-cell p50', '429s', 'pool empty (polls)'], rows),
    ...(wrong.length ? [`  WRONG ANSWERS (${wrong.length}): ${wrong.slice(0, 5).join(' | ')}`] : []),
  ].join('\n');
}

function renderMemory(m: RssReport): string {
  const rows = [
    ['idle, pool full', format.mib(m.idle.serviceBytes), format.mib(m.idle.kernelsBytes), String(m.idle.kernels)],
    ...Object.entries(m.phases).map(([name, p]) => [`peak during ${name}`, format.mib(p.serviceBytes), format.mib(p.kernelsBytes), String(p.kernels)]),
    ['peak over the run', format.mib(m.peak.serviceBytes), format.mib(m.peak.kernelsBytes), String(m.peak.kernels)],
  ];
  return [
    `\n3. Memory (VmRSS from /proc; ${m.samples.service} samples of the service, ${m.samples.tree} of its process tree)`,
    renderTable(['', 'service process', 'its kernels, total', 'processes'], rows),
  ].join('\n');
}

function renderTargets(targets: readonly SpeedupCheck[]): string {
  return [
    `\nTarget (issue 6): ${TARGET_SPEEDUP}× lower latency than the fresh-kernel path on the seed example`,
    renderTable(
      ['check', 'speedup', 'target', ''],
      targets.map((t) => [`${t.name}${t.fromIssue ? '' : ' (further check)'}`, format.ratio(t.speedup), `≥ ${TARGET_SPEEDUP.toFixed(2)}×`, t.pass ? 'PASS' : 'MISS']),
    ),
  ].join('\n');
}
