import type { BenchResults } from '../report/benchResults';
import type { LatencyResult } from './latencySection';
import type { RssReport } from './rssSampler';
import type { ServiceBenchConfig } from './serviceBenchConfig';
import type { ServiceStop } from './serviceProcess';
import type { SpeedupCheck } from './serviceTargets';
import type { ThroughputResult } from './throughputSection';

/** Everything one `npm run bench:service` run measured, as written to bench/results/service-latest.json. */
export interface ServiceBenchResults {
  startedAt: string;
  durationSeconds: number;
  config: ServiceBenchConfig;
  machine: BenchResults['machine'];
  /** The command line the service ran with, and how long its pool took to fill at start-up. */
  service: { command: string; poolFullAfterMs: number };
  sections: { latency?: LatencyResult; throughput?: ThroughputResult };
  memory?: RssReport;
  targets: SpeedupCheck[];
  shutdown?: {
    stop: ServiceStop;
    /** Processes of the run (the service's descendants, the fresh kernels, the workers) still alive at the end. */
    leftRunning: number[];
    /** Entries left in the service's private TMPDIR (run directories, connection files). */
    leftTempEntries: string[];
  };
  /** What the service printed on stderr after its URL (warnings, shut-down). */
  serviceLog: string[];
  failures: Array<{ section: string; error: string }>;
}
