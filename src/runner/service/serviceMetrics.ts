import { CellTimeoutError } from '../../core/common/errors';
import type { CellRun } from '../../core/execution/cellRun';
import type { RunResponse } from '../runResponse';
import { Counter, Gauge, Histogram, MetricsRegistry } from './metrics';

/** Routes the service serves; any other path is counted as `other`, so clients cannot add label values at will. */
const ROUTES = new Set(['/run_jupyter', '/health', '/metrics']);

/** What `GET /metrics` reports about the run-cells service. */
export class ServiceMetrics {
  readonly registry = new MetricsRegistry();
  private readonly requests = this.registry.add(new Counter('cellbridge_requests_total', 'HTTP requests answered, by route and status code (499: the client left first).'));
  private readonly runs = this.registry.add(new Counter('cellbridge_runs_total', 'Runs finished, by response status (Success, Failed, SandboxError).'));
  private readonly latency = this.registry.add(
    new Histogram('cellbridge_run_duration_seconds', 'Time from request to answer for POST /run_jupyter.', [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120]),
  );
  private readonly cells = this.registry.add(new Counter('cellbridge_cells_total', 'Cells run, by cell status (ok, error, timeout, memory_limit, stopped, cancelled, kernel_died).'));
  private readonly timeouts = this.registry.add(new Counter('cellbridge_timeouts_total', 'Limits hit, by kind (cell, total, memory).'));
  private readonly rejected = this.registry.add(new Counter('cellbridge_rejected_total', 'Requests refused before running, by reason.'));
  private readonly errors = this.registry.add(new Counter('cellbridge_errors_total', 'Internal failures while serving a request.'));
  private readonly kernels = this.registry.add(new Counter('cellbridge_kernels_started_total', 'Kernels started since the service began: pooled, on demand, and replacements after a timeout.'));
  readonly poolReady = this.registry.add(new Gauge('cellbridge_pool_ready_kernels', 'Started kernels waiting in the pool.'));
  readonly inFlight = this.registry.add(new Gauge('cellbridge_runs_in_flight', 'Runs executing now.'));
  readonly waiting = this.registry.add(new Gauge('cellbridge_runs_waiting', 'Requests waiting for a free slot.'));
  readonly reading = this.registry.add(new Gauge('cellbridge_requests_reading', 'Requests of /run_jupyter whose body is still arriving (they hold no run slot yet).'));

  request(path: string, status: number): void {
    this.requests.inc({ route: ROUTES.has(path) ? path : 'other', code: String(status) });
  }

  rejection(status: number): void {
    this.rejected.inc({ reason: String(status) });
  }

  error(): void {
    this.errors.inc();
  }

  kernelStarted(): void {
    this.kernels.inc();
  }

  /** One answered run; `cellTimeouts`: its cells that hit their own cell_timeout (`cellTimeoutsOf`). */
  run(answer: RunResponse, seconds: number, cellTimeouts: number): void {
    this.runs.inc({ status: answer.status });
    this.latency.observe(seconds);
    for (const cell of answer.cells) this.cells.inc({ status: cell.status });
    if (cellTimeouts > 0) this.timeouts.inc({ kind: 'cell' }, cellTimeouts);
    if (answer.driver.status === 'TimeLimitExceeded') this.timeouts.inc({ kind: 'total' });
    if (answer.cells.some((cell) => cell.status === 'memory_limit')) this.timeouts.inc({ kind: 'memory' });
  }
}

/**
 * The cells that hit their own cell_timeout. The cell the total timeout cut off is `timeout` in the answer too,
 * so the answer cannot tell them apart; what ended each run can (a CellTimeoutError, or the run-wide stop).
 */
export function cellTimeoutsOf(runs: readonly CellRun[]): number {
  return runs.filter((run) => run.cause instanceof CellTimeoutError).length;
}
