import { Counter, Gauge, Histogram, MetricsRegistry } from './metrics';

/** What `GET /metrics` reports about the run-cells service. */
export class ServiceMetrics {
  readonly registry = new MetricsRegistry();
  readonly requests = this.registry.add(new Counter('cellbridge_requests_total', 'HTTP requests answered, by route and status code.'));
  readonly runs = this.registry.add(new Counter('cellbridge_runs_total', 'Runs finished, by response status (Success, Failed, SandboxError).'));
  readonly latency = this.registry.add(
    new Histogram('cellbridge_run_duration_seconds', 'Time from request to answer for POST /run_jupyter.', [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120]),
  );
  readonly cells = this.registry.add(new Counter('cellbridge_cells_total', 'Cells run, by cell status (ok, error, timeout, cancelled, kernel_died).'));
  readonly timeouts = this.registry.add(new Counter('cellbridge_timeouts_total', 'Limits hit, by kind (cell, total, memory).'));
  readonly rejected = this.registry.add(new Counter('cellbridge_rejected_total', 'Requests refused before running, by reason.'));
  readonly errors = this.registry.add(new Counter('cellbridge_errors_total', 'Internal failures while serving a request.'));
  readonly kernelsStarted = this.registry.add(new Gauge('cellbridge_kernels_started_total', 'Kernels started since the service began (pooled or not).'));
  readonly poolReady = this.registry.add(new Gauge('cellbridge_pool_ready_kernels', 'Started kernels waiting in the pool.'));
  readonly inFlight = this.registry.add(new Gauge('cellbridge_runs_in_flight', 'Runs executing now.'));
  readonly waiting = this.registry.add(new Gauge('cellbridge_runs_waiting', 'Requests waiting for a free slot.'));
}
