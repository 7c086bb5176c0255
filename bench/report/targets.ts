import type { BenchResults } from './benchResults';

/** A goal on a time ratio (engine over another client): met when the ratio is at most, or below, the limit. */
export interface TargetCheck {
  name: string;
  /** Whether the issue sets this target, or it is a further check of "faster than jupyter_client". */
  fromIssue: boolean;
  ratio: number;
  limit: number;
  strict: boolean;
  pass: boolean;
}

function check(name: string, fromIssue: boolean, ratio: number, limit: number, strict: boolean): TargetCheck {
  return { name, fromIssue, ratio, limit, strict, pass: strict ? ratio < limit : ratio <= limit };
}

/** The issue's targets (engine within 1.15× of the bare client's round trip; faster than jupyter_client), and the same "faster" on every other figure. */
export function evaluateTargets(results: BenchResults): TargetCheck[] {
  const checks: TargetCheck[] = [];
  const { roundTrip, throughput, kernelStart, largeOutput } = results.sections;
  if (roundTrip) {
    checks.push(check('round trip: engine / bare ZeroMQ', true, roundTrip.ratios.engineOverBare, 1.15, false));
    checks.push(check('round trip: engine / jupyter_client', true, roundTrip.ratios.engineOverJupyterClient, 1, true));
  }
  if (throughput) {
    checks.push(check(`${throughput.cells}-cell time: engine / jupyter_client`, false, throughput.ratios.engineOverJupyterClient, 1, true));
    checks.push(check(`${throughput.cells}-cell time: engine / nbclient`, false, throughput.ratios.engineOverNbclient, 1, true));
  }
  if (kernelStart) checks.push(check('kernel start: engine / jupyter_client', false, kernelStart.ratios.engineOverJupyterClient, 1, true));
  if (largeOutput) checks.push(check('large output time: engine / jupyter_client', false, largeOutput.ratios.engineOverJupyterClientTime, 1, true));
  return checks;
}
