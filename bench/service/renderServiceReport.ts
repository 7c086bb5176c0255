import { format, renderTable } from '../report/table';
import type { ServiceRecord } from './benchedService';
import { renderKernelStart, renderLatency } from './renderLatency';
import type { RssPeaks, RssReport } from './rssSampler';
import { SANDBOX_COST_LIMIT, type SandboxCostCheck } from './sandboxCost';
import type { ServiceBenchResults } from './serviceResults';
import { TARGET_SPEEDUP } from './serviceTargets';
import type { SpeedupCheck } from './serviceTargets';
import type { ThroughputResult } from './throughputSection';

/** The run as a person reads it: kernel start and latency (sandbox on and off, and the fresh-kernel path), throughput, memory, targets, clean-up. */
export function renderServiceReport(results: ServiceBenchResults): string {
  const { machine, config, sections } = results;
  const { sandboxed, unsandboxed } = results.services;
  const parts: string[] = [
    `CellBridge service benchmark (${config.mode}) · kernel ${config.kernelName} · ${machine.cpus}× ${machine.cpuModel} · node ${machine.node}`,
    ...(sandboxed ? [`service: ${describeService(sandboxed)}`] : []),
    ...(unsandboxed ? [`beside it for the latency section: ${describeService(unsandboxed)}`] : []),
    `load average at start ${loads(machine.loadAverageAtStart)}, at end ${loads(machine.loadAverageAtEnd)} · ${results.durationSeconds.toFixed(0)} s`,
  ];
  if (sections.kernelStart) parts.push(renderKernelStart(sections.kernelStart));
  if (sections.latency) parts.push(renderLatency(sections.latency));
  if (sections.throughput) parts.push(renderThroughput(sections.throughput, config.maxConcurrency));
  if (sandboxed?.memory) parts.push(renderMemory(sandboxed.memory, unsandboxed?.memory));
  if (results.targets.length) parts.push(renderTargets(results.targets));
  if (results.sandboxCost.length) parts.push(renderSandboxCost(results.sandboxCost));
  parts.push(renderCleanUp(results));
  for (const service of [sandboxed, unsandboxed]) {
    const lines = service?.log.filter((line) => !/shutting down/.test(line)) ?? [];
    if (lines.length) parts.push(`Service stderr, ${sandboxName(service!)} (${lines.length} lines): ${lines.slice(0, 5).join(' | ')}`);
  }
  for (const failure of results.failures) parts.push(`FAILED ${failure.section}: ${failure.error}`);
  return parts.join('\n');
}

const loads = (values: number[]): string => values.map((l) => l.toFixed(2)).join(' ');
const sandboxName = (service: ServiceRecord): string => (service.sandbox ? 'sandbox on' : 'sandbox off');
const describeService = (service: ServiceRecord): string => `${service.command} (pool full ${(service.poolFullAfterMs / 1000).toFixed(1)} s after start)`;

function renderCleanUp(results: ServiceBenchResults): string {
  const lines = ['\nClean-up:'];
  for (const service of [results.services.sandboxed, results.services.unsandboxed]) {
    if (!service?.stop) continue;
    const { stop } = service;
    lines.push(
      `  service, ${sandboxName(service)}: SIGTERM → exit in ${format.ms(stop.ms)} (code ${stop.code ?? stop.signal}${stop.killed ? ', KILLED after the grace period' : ''});` +
        ` temp entries left: ${list(service.leftTempEntries)}`,
    );
  }
  if (results.sections.kernelStart) lines.push(`  kernel-start section: temp entries left: ${list(results.sections.kernelStart.leftTempEntries)}`);
  if (results.leftRunning) lines.push(`  processes left (every kernel and service process seen in the run): ${list(results.leftRunning.map(String))}`);
  return lines.join('\n');
}

const list = (items: readonly string[]): string => (items.length ? items.join(', ') : 'none');

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
    `\n3. Throughput: ${t.requestsPerLevel} requests per level (${t.mix}); service --max-concurrency ${maxConcurrency}`,
    renderTable(['clients', 'req/s', 'time', 'p50', 'p99', 'seed p50', '1-cell p50', '429s', 'pool empty (polls)'], rows),
    ...(wrong.length ? [`  WRONG ANSWERS (${wrong.length}): ${wrong.slice(0, 5).join(' | ')}`] : []),
  ].join('\n');
}

function renderMemory(m: RssReport, unsandboxed: RssReport | undefined): string {
  const row = (name: string, p: RssPeaks): string[] => [name, format.mib(p.serviceBytes), format.mib(p.kernelsBytes), String(p.kernels)];
  const rows = [row('idle, pool full', m.idle), ...Object.entries(m.phases).map(([name, p]) => row(`peak during ${name}`, p)), row('peak over the run', m.peak)];
  if (unsandboxed) {
    rows.push(row('--sandbox off: idle, pool full', unsandboxed.idle));
    rows.push(...Object.entries(unsandboxed.phases).map(([name, p]) => row(`--sandbox off: peak during ${name}`, p)));
  }
  return [
    `\n4. Memory (VmRSS from /proc; ${m.samples.service} samples of the service, ${m.samples.tree} of its process tree)`,
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

function renderSandboxCost(checks: readonly SandboxCostCheck[]): string {
  return [
    `\nTarget (issue 13): the sandbox costs at most ${Math.round((SANDBOX_COST_LIMIT - 1) * 100)}% (sandbox on / off, same run)`,
    renderTable(
      ['check', 'on / off', 'limit', ''],
      checks.map((c) => [`${c.name}${c.fromIssue ? '' : ' (further check)'}`, format.ratio(c.ratio), `≤ ${SANDBOX_COST_LIMIT.toFixed(2)}×`, c.pass ? 'PASS' : 'MISS']),
    ),
  ].join('\n');
}
