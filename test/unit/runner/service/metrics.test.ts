import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Counter, Gauge, Histogram, MetricsRegistry } from '../../../../src/runner/service/metrics';
import { CellCancelledError, CellTimeoutError } from '../../../../src/core/common/errors';
import { CellRun, type FinalCellRunState } from '../../../../src/core/execution/cellRun';
import { DocumentOutputs } from '../../../../src/core/outputs/documentOutputs';
import { cellTimeoutsOf, ServiceMetrics } from '../../../../src/runner/service/serviceMetrics';
import type { CellResponse, RunResponse } from '../../../../src/runner/runResponse';

describe('Prometheus text rendering', () => {
  test('a counter without samples shows 0; labels are sorted and escaped', () => {
    const counter = new Counter('x_total', 'Things.');
    assert.deepEqual(counter.render(), ['# HELP x_total Things.', '# TYPE x_total counter', 'x_total 0']);
    counter.inc({ b: 'two', a: 'say "hi"\\\n' });
    counter.inc({ a: 'say "hi"\\\n', b: 'two' }, 2);
    assert.deepEqual(counter.render().slice(2), ['x_total{a="say \\"hi\\"\\\\\\n",b="two"} 3']);
  });

  test('a gauge reads its value when rendered', () => {
    let value = 1;
    const gauge = new Gauge('g', 'Now.');
    gauge.track(() => value);
    value = 5;
    assert.deepEqual(gauge.render(), ['# HELP g Now.', '# TYPE g gauge', 'g 5']);
  });

  test('a histogram has cumulative buckets, +Inf, sum and count', () => {
    const histogram = new Histogram('h_seconds', 'Time.', [0.1, 1]);
    for (const value of [0.0625, 0.5, 0.75, 3]) histogram.observe(value);
    assert.deepEqual(histogram.render().slice(2), [
      'h_seconds_bucket{le="0.1"} 1',
      'h_seconds_bucket{le="1"} 3',
      'h_seconds_bucket{le="+Inf"} 4',
      'h_seconds_sum 4.3125',
      'h_seconds_count 4',
    ]);
  });

  test('the registry renders every metric in order, ending with a newline', () => {
    const registry = new MetricsRegistry();
    registry.add(new Counter('a_total', 'A.'));
    registry.add(new Counter('b_total', 'B.'));
    const text = registry.render();
    assert.ok(text.endsWith('a_total 0\n# HELP b_total B.\n# TYPE b_total counter\nb_total 0\n'));
  });
});

function cell(status: CellResponse['status'], enames: string[] = []): CellResponse {
  return {
    stdout: '',
    stderr: '',
    display: [],
    error: enames.map((ename) => ({ ename, evalue: '', traceback: [] })),
    status,
    execution_count: null,
    execution_time: 0,
    outputs: [],
  };
}

function answer(status: RunResponse['status'], driver: RunResponse['driver']['status'], cells: CellResponse[]): RunResponse {
  return { status, message: '', driver: { status: driver, execution_time: 1, return_code: 0, stdout: '', stderr: '' }, cells, executor_pod_name: null, files: {} };
}

describe('ServiceMetrics', () => {
  test('paths nobody serves are counted under one label, so clients cannot add label values', () => {
    const metrics = new ServiceMetrics();
    metrics.request('/run_jupyter', 200);
    metrics.request('/random-1', 404);
    metrics.request('/random-2', 404);
    const text = metrics.registry.render();
    assert.match(text, /cellbridge_requests_total\{code="200",route="\/run_jupyter"\} 1/);
    assert.match(text, /cellbridge_requests_total\{code="404",route="other"\} 2/);
    assert.doesNotMatch(text, /random/);
  });

  test('kernels started is a counter', () => {
    const metrics = new ServiceMetrics();
    metrics.kernelStarted();
    metrics.kernelStarted();
    const text = metrics.registry.render();
    assert.match(text, /# TYPE cellbridge_kernels_started_total counter\ncellbridge_kernels_started_total 2\n/);
  });

  test('limits are counted by kind: a cell stopped by the total timeout is not a cell timeout', () => {
    const metrics = new ServiceMetrics();
    metrics.run(answer('Success', 'Finished', [cell('ok'), cell('timeout', ['KeyboardInterrupt']), cell('ok')]), 1, 1);
    // Two `timeout` cells, one of them cut by the total timeout: what ended the runs says only one hit its own.
    const timedOut = [finishedRun('timedOut', new CellTimeoutError(1)), finishedRun('timedOut', new CellCancelledError('total timeout')), finishedRun('cancelled')];
    metrics.run(answer('Failed', 'TimeLimitExceeded', [cell('timeout', ['CellTimeoutError']), cell('timeout', ['CellCancelledError']), cell('cancelled')]), 2, cellTimeoutsOf(timedOut));
    metrics.run(answer('Failed', 'Error', [cell('stopped', ['CellCancelledError'])]), 0.5, 0);
    metrics.run(answer('Failed', 'Error', [cell('memory_limit', ['MemoryLimitExceededError'])]), 0.5, 0);
    const text = metrics.registry.render();
    assert.match(text, /cellbridge_timeouts_total\{kind="cell"\} 2\n/);
    assert.match(text, /cellbridge_timeouts_total\{kind="total"\} 1\n/);
    assert.match(text, /cellbridge_timeouts_total\{kind="memory"\} 1\n/);
    assert.match(text, /cellbridge_runs_total\{status="Failed"\} 3\n/);
    assert.match(text, /cellbridge_run_duration_seconds_count 4\n/);
    assert.match(text, /cellbridge_cells_total\{status="timeout"\} 3\n/);
    assert.match(text, /cellbridge_cells_total\{status="stopped"\} 1\n/);
  });
});

/** A run ended as the queue ends it, without a kernel: only its state and cause matter to the metrics. */
function finishedRun(state: FinalCellRunState, cause?: Error): CellRun {
  const run = new CellRun(0, { code: 'x' }, new DocumentOutputs().createCell());
  run.finish(state, cause ? { cause } : {});
  return run;
}
