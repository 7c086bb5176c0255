import { format, renderTable } from '../report/table';
import type { Summary } from '../stats';
import type { KernelStartResult } from './kernelStartSection';
import type { LatencyResult } from './latencySection';
import type { LatencySummary } from './latencyStats';
import type { ServiceLatency } from './serviceLatencySide';

/** The report's sections on one kernel and one request: kernel start, sandbox on and off; the seed example's latency. */

export function renderKernelStart(k: KernelStartResult): string {
  const { sandboxed: on, unsandboxed: off } = k;
  const row = (name: string, pick: (side: typeof on) => Summary): string[] => {
    const [a, b] = [pick(on), pick(off)];
    return [name, format.ms(a.median), format.ms(a.p90), format.ms(b.median), format.ms(b.p90), format.ratio(a.median / b.median), format.ratio(a.p90 / b.p90)];
  };
  return [
    `\n1. Kernel start, as the pool starts one (its own run directory, history in memory), ${k.starts} starts each way, alternating (after ${k.warmupStarts} unmeasured each)`,
    '  sandbox on: bwrap, a pids cgroup where the host has one, ipc sockets; off: as `serve --sandbox off` (tcp).',
    "  CPU: user + system time of the kernel's processes (bwrap's included) from /proc, in 10 ms steps; other load on the machine hardly moves it.",
    renderTable(
      ['phase', 'on p50', 'on p90', 'off p50', 'off p90', 'on/off p50', 'on/off p90'],
      [
        row('until ready (kernel_info answered, iopub live)', (s) => s.ready),
        row('  CPU of its processes until ready', (s) => s.readyCpu),
        row("pool's warm-up (imports, a figure, an error)", (s) => s.warmUp),
        row('  CPU of its processes for the warm-up', (s) => s.warmUpCpu),
        row('start + warm-up: one pooled kernel, a refill', (s) => s.readyAndWarm),
        row('shut-down, run directory removed', (s) => s.shutdown),
      ],
    ),
  ].join('\n');
}

function latencyRow(name: string, s: LatencySummary): string[] {
  return [name, format.ms(s.p50), format.ms(s.p99), format.ms(s.mean), format.ms(s.min), format.ms(s.max), String(s.count)];
}

function ratios(a: LatencySummary, b: LatencySummary): string {
  return `p50 ${format.ratio(a.p50 / b.p50)}, p99 ${format.ratio(a.p99 / b.p99)}, mean ${format.ratio(a.mean / b.mean)}`;
}

const breakdown = (s: ServiceLatency): string => `run ${format.ms(s.breakdown.runMs)} (cells ${s.breakdown.cellMs.map((ms) => ms.toFixed(1)).join(' + ')} ms)`;

function pacing(s: ServiceLatency): string {
  const p = s.pacing;
  const n = s.latency.count;
  return `found the pool empty ${p.poolEmptyAtSend}/${n}, below full ${p.poolBelowFullAtSend}/${n}, refill after an answer ${format.ms(p.refillMedianMs)} (median), kernels started per request ${p.kernelsStartedPerRequest.toFixed(2)}`;
}

export function renderLatency(l: LatencyResult): string {
  const { service: on, unsandboxedService: off } = l;
  const phases = l.freshKernelPhases;
  return [
    `\n2. Latency of the seed example (4 cells), ${l.rounds} rounds of one request per path, the order rotating (after ${l.warmupRounds} unmeasured round(s))`,
    renderTable(
      ['path', 'p50', 'p99', 'mean', 'min', 'max', 'n'],
      [
        latencyRow('service, warm pool, sandbox on (HTTP, keep-alive)', on.latency),
        latencyRow('service, warm pool, --sandbox off', off.latency),
        latencyRow('fresh kernel per request (jupyter_client)', l.freshKernel),
        latencyRow('  … until outputs, shut-down not counted', l.freshKernelUntilOutputs),
      ],
    ),
    `  fresh kernel / service (sandbox on): ${ratios(l.freshKernel, on.latency)}`,
    `  service, sandbox on / off: ${ratios(on.latency, off.latency)}`,
    `  service, from its answers (medians): sandbox on ${breakdown(on)}; off ${breakdown(off)}; the rest is HTTP, JSON and the hand-out of the pooled kernel`,
    `  fresh-kernel phases (medians): start_new_kernel ${format.ms(phases.startMs)}, cells ${format.ms(phases.cellsMs)}, shutdown_kernel ${format.ms(phases.shutdownMs)}; timed inside Python, no HTTP`,
    `  pacing: each request sent with both services' pools full and both idle (waits given up: ${l.settleTimeouts});`,
    `    sandbox on: ${pacing(on)}`,
    `    sandbox off: ${pacing(off)}`,
    ...(l.wrongAnswers.length ? [`  WRONG ANSWERS (${l.wrongAnswers.length}): ${l.wrongAnswers.slice(0, 5).join(' | ')}`] : []),
  ].join('\n');
}
