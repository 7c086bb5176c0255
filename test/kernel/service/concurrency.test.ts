import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { until } from '../helpers/cellWaits';
import { LocalKernel } from '../../../src/core/kernel/localKernel';
import { processesInGroup } from '../helpers/kernels';
import { fileInARunDir, keyOf, TestService } from '../helpers/service';

/** Many clients at once, a client that leaves, and what /metrics and /health say about it all. */
const REQUESTS = 50;
let service: TestService;

before(async () => {
  service = await TestService.start({ poolSize: 2, maxConcurrency: 4, maxQueue: 64 });
});

after(async () => {
  assert.deepEqual(await service.close(), []);
});

describe('concurrent requests', () => {
  test(`${REQUESTS} requests at once are all answered, each with its own outputs`, async () => {
    const ids = Array.from({ length: REQUESTS }, (_, i) => `request-${i}-${Math.random().toString(36).slice(2)}`);
    const answers = await Promise.all(
      ids.map((id) => service.run({ cells: [`rid = ${JSON.stringify(id)}`, 'print(rid, get_ipython().kernel.session.key.decode())', 'rid'] })),
    );
    // Kernels told apart by their signing keys (KERNEL_KEY_CELL): in a sandbox every kernel is pid 2.
    const keys = new Set<string>();
    answers.forEach((answer, i) => {
      assert.equal(answer.status, 200, JSON.stringify(answer.body));
      const response = answer.body;
      assert.equal(response.status, 'Success', `${response.message} ${JSON.stringify(response.cells.map((c) => c.error))}`);
      const [printed, key] = response.cells[1]!.stdout.trim().split(' ');
      assert.equal(printed, ids[i]);
      assert.deepEqual(response.cells[2]?.display, [{ 'text/plain': `'${ids[i]}'` }]);
      keys.add(key!);
    });
    assert.equal(keys.size, REQUESTS, 'every request had a kernel of its own');
  });
});

describe('a client that disconnects mid-run', () => {
  test('its run is stopped, its kernel shut down and its directory removed', async () => {
    // The cell reports in its own run directory: the only place it can write (the service's kernels are sandboxed).
    const reportOf = (): string | undefined => {
      const file = fileInARunDir(service.tmp, 'running-kernel');
      return file && readFileSync(file, 'utf8').includes(' ') ? file : undefined;
    };
    const leaving = new AbortController();
    const cells = ['import os\nopen("running-kernel", "w").write(get_ipython().kernel.session.key.decode() + " " + os.getcwd())', 'import time\ntime.sleep(60)'];
    const answer = service.run({ cells, total_timeout: 0 }, { signal: leaving.signal }).catch((error: unknown) => error);
    await until(() => reportOf() !== undefined, 'the cell to report its kernel');
    const [key, cwd] = readFileSync(reportOf()!, 'utf8').split(' ');
    const kernel = service.tracker.started.find((k) => keyOf(k) === key);
    const pid = kernel instanceof LocalKernel ? kernel.pid : undefined;
    assert.ok(pid !== undefined && processesInGroup(pid).length > 0, 'the kernel runs');
    leaving.abort();
    assert.ok((await answer) instanceof Error);
    await until(() => processesInGroup(pid).length === 0 && !existsSync(cwd!), `kernel ${pid} and ${cwd} to be gone`);
    let running = -1;
    await until(() => running === 0, 'the run to end', async () => {
      running = (await service.request<{ running: number }>('/health')).body.running;
    });
    const metrics = await service.metrics();
    assert.equal(metrics.count('cellbridge_requests_total', { route: '/run_jupyter', code: '499' }), 1);
    assert.equal(metrics.count('cellbridge_runs_total', { status: 'Failed' }), 1);
  });
});

describe('/metrics and /health', () => {
  test('/metrics is Prometheus text: requests, latency histogram, kernels started, pool, timeouts, errors', async () => {
    const answer = await service.request<string>('/metrics');
    assert.equal(answer.status, 200);
    assert.match(answer.headers.get('content-type') ?? '', /^text\/plain; version=0\.0\.4/);
    const metrics = await service.metrics();
    assert.equal(metrics.types.get('cellbridge_requests_total'), 'counter');
    assert.equal(metrics.count('cellbridge_requests_total', { route: '/run_jupyter', code: '200' }), REQUESTS);
    assert.equal(metrics.count('cellbridge_runs_total', { status: 'Success' }), REQUESTS);
    assert.equal(metrics.count('cellbridge_cells_total', { status: 'ok' }), 3 * REQUESTS + 1);

    assert.equal(metrics.types.get('cellbridge_run_duration_seconds'), 'histogram');
    const count = metrics.value('cellbridge_run_duration_seconds_count');
    assert.equal(count, REQUESTS + 1);
    assert.equal(metrics.value('cellbridge_run_duration_seconds_bucket', { le: '+Inf' }), count);
    const buckets = [...metrics.samples].filter(([key]) => key.startsWith('cellbridge_run_duration_seconds_bucket')).map(([, value]) => value);
    assert.deepEqual(buckets, [...buckets].sort((a, b) => a - b), 'cumulative buckets never decrease');
    assert.ok((metrics.value('cellbridge_run_duration_seconds_sum') ?? 0) > 0);

    assert.equal(metrics.types.get('cellbridge_kernels_started_total'), 'counter');
    assert.equal(metrics.value('cellbridge_kernels_started_total'), service.tracker.started.length);
    assert.ok(service.tracker.started.length >= REQUESTS + 1);
    assert.equal(metrics.types.get('cellbridge_pool_ready_kernels'), 'gauge');
    assert.ok(metrics.value('cellbridge_pool_ready_kernels') !== undefined);
    assert.equal(metrics.types.get('cellbridge_timeouts_total'), 'counter');
    assert.equal(metrics.count('cellbridge_errors_total'), 0);
  });

  test('/health tells the pool, the runs and the queue', async () => {
    let health: { status: string; pool: { ready: number; target: number; kernel: string }; running: number; waiting: number } | undefined;
    await until(() => health?.pool.ready === 2, 'the pool to refill', async () => {
      health = (await service.request<typeof health>('/health')).body;
    });
    assert.deepEqual(health, { status: 'ok', pool: { ready: 2, target: 2, kernel: 'python3' }, running: 0, waiting: 0 });
  });
});
