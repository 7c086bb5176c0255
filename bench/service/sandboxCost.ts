import type { KernelStartResult } from './kernelStartSection';
import type { LatencyResult } from './latencySection';

/** Issue 13: a sandboxed kernel start and the seed example through a warm pool within 10% of the unsandboxed figures. */
export const SANDBOX_COST_LIMIT = 1.1;

/** A figure with the sandbox on over the same figure with it off, in the same run: met at ≤ 1.10. */
export interface SandboxCostCheck {
  name: string;
  /** The issue's own requirement, or a further view of it. */
  fromIssue: boolean;
  ratio: number;
  pass: boolean;
}

export function evaluateSandboxCost(kernelStart: KernelStartResult | undefined, latency: LatencyResult | undefined): SandboxCostCheck[] {
  const check = (name: string, fromIssue: boolean, on: number, off: number): SandboxCostCheck => {
    const ratio = on / off;
    return { name, fromIssue, ratio, pass: ratio <= SANDBOX_COST_LIMIT };
  };
  const checks: SandboxCostCheck[] = [];
  if (kernelStart) {
    const { sandboxed: on, unsandboxed: off } = kernelStart;
    checks.push(check('kernel start until ready, p50: sandbox on / off', true, on.ready.median, off.ready.median));
    checks.push(check('kernel start until ready, p90: sandbox on / off', false, on.ready.p90, off.ready.p90));
    checks.push(check("kernel start until ready, its processes' CPU p50: sandbox on / off", false, on.readyCpu.median, off.readyCpu.median));
    checks.push(check('start + pool warm-up (a refill), p50: sandbox on / off', false, on.readyAndWarm.median, off.readyAndWarm.median));
  }
  if (latency) {
    const { service: on, unsandboxedService: off } = latency;
    checks.push(check('seed example via a warm pool, p50: sandbox on / off', true, on.latency.p50, off.latency.p50));
    checks.push(check('seed example via a warm pool, p99: sandbox on / off', false, on.latency.p99, off.latency.p99));
  }
  return checks;
}
