import type { LatencyResult } from './latencySection';

export const TARGET_SPEEDUP = 10;

/** "10× lower latency than the fresh-kernel path": fresh-kernel latency over the service's, met at ≥ 10. */
export interface SpeedupCheck {
  name: string;
  /** The issue's own target, or a further view of it. */
  fromIssue: boolean;
  speedup: number;
  pass: boolean;
}

export function evaluateSpeedups(latency: LatencyResult): SpeedupCheck[] {
  const check = (name: string, fromIssue: boolean, fresh: number, service: number): SpeedupCheck => {
    const speedup = fresh / service;
    return { name, fromIssue, speedup, pass: speedup >= TARGET_SPEEDUP };
  };
  const { freshKernel, freshKernelUntilOutputs } = latency;
  const service = latency.service.latency;
  return [
    check('seed example p50: fresh kernel / service', true, freshKernel.p50, service.p50),
    check('seed example p99: fresh kernel / service', false, freshKernel.p99, service.p99),
    check('seed example mean: fresh kernel / service', false, freshKernel.mean, service.mean),
    check('p50, fresh kernel until outputs (shut-down not counted) / service', false, freshKernelUntilOutputs.p50, service.p50),
  ];
}
