import type { BenchResults } from '../report/benchResults';
import type { ServiceRecord } from './benchedService';
import type { KernelStartResult } from './kernelStartSection';
import type { LatencyResult } from './latencySection';
import type { SandboxCostCheck } from './sandboxCost';
import type { ServiceBenchConfig } from './serviceBenchConfig';
import type { SpeedupCheck } from './serviceTargets';
import type { ThroughputResult } from './throughputSection';

/** Everything one `npm run bench:service` run measured, as written to bench/results/service-latest.json. */
export interface ServiceBenchResults {
  startedAt: string;
  durationSeconds: number;
  config: ServiceBenchConfig;
  machine: BenchResults['machine'];
  /**
   * `sandboxed`: `serve` as deployed, through latency, throughput and memory; `unsandboxed`: `serve --sandbox
   * off`, beside it for the latency section only.
   */
  services: { sandboxed?: ServiceRecord; unsandboxed?: ServiceRecord };
  sections: { kernelStart?: KernelStartResult; latency?: LatencyResult; throughput?: ThroughputResult };
  targets: SpeedupCheck[];
  sandboxCost: SandboxCostCheck[];
  /** Processes of the run (the services' descendants, every kernel started, the workers) still alive at the end. */
  leftRunning?: number[];
  failures: Array<{ section: string; error: string }>;
}
