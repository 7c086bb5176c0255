import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';
import type { RunResponse } from '../../../src/runner/runResponse';
import { until } from '../helpers/cellWaits';
import { REPO } from '../helpers/cli';
import { ServedCli } from '../helpers/serveCli';
import { assertRunJupyterAnswer, assertSeedAnswer, fileInARunDir, Metrics } from '../helpers/service';

/** `cellbridge serve` as a user runs it, with its default warm-up, asked by the client of SandboxFusion's docs. */
const CLIENT = path.join(REPO, 'test', 'fixtures', 'sandboxfusion_client.py');
let cli: ServedCli;
let url: string;

before(async () => {
  ({ cli, url } = await ServedCli.start(['--kernel-pool', '1', '--max-concurrency', '1', '--max-queue', '4', '-v']));
});

after(async () => {
  // Normally stopped by the last test; this only catches a failure before it.
  await cli.stop();
});

describe('cellbridge serve', () => {
  test("the client of SandboxFusion's docs, run by Python, gets the doc's answer with a real PNG", async () => {
    const { stdout } = await promisify(execFile)('/usr/bin/python3', [CLIENT, url], { encoding: 'utf8' });
    const answer = JSON.parse(stdout) as RunResponse;
    // The service logs verbosely (-v): if a kernel failed, its log says why.
    assert.equal(answer.status, 'Success', `${answer.message}\n${cli.stderr}`);
    assertSeedAnswer(answer);
  });

  test('/health and /metrics answer', async () => {
    const health = (await (await fetch(`${url}/health`)).json()) as { status: string; pool: { target: number } };
    assert.equal(health.status, 'ok');
    assert.equal(health.pool.target, 1);
    const metrics = new Metrics(await (await fetch(`${url}/metrics`)).text());
    assert.equal(metrics.count('cellbridge_runs_total', { status: 'Success' }), 1);
  });

  test('SIGTERM: the run under way answers with what finished, a waiting request gets 503, nothing is left', async () => {
    // The sign is left in the cell's run directory: the service's kernels are sandboxed and can write nowhere else.
    const running = post({ cells: ['print("finished")', 'open("inside", "w").close()\nimport time\ntime.sleep(60)'], total_timeout: 0 });
    await until(() => fileInARunDir(cli.tmp, 'inside') !== undefined, 'the second cell to start');
    const waiting = post({ cells: ['print("never")'] });
    let queued = 0;
    await until(() => queued === 1, 'the second request to wait', async () => {
      queued = ((await (await fetch(`${url}/health`)).json()) as { waiting: number }).waiting;
    });
    const exit = cli.stop();
    const [ran, refused] = await Promise.all([running, waiting]);
    assert.equal(ran.status, 200);
    const answer = ran.body as RunResponse;
    assert.equal(answer.status, 'Failed');
    assert.match(answer.message, /stopped/);
    // Stopped by the service shutting down, not by a limit.
    assert.deepEqual(answer.cells.map((c) => c.status), ['ok', 'stopped']);
    assert.equal(answer.cells[0]?.stdout, 'finished\n');
    assert.equal(refused.status, 503);
    const { code, stderr, leftovers } = await exit;
    assert.equal(code, 0, stderr);
    assert.match(stderr, /shutting down/);
    assert.deepEqual(leftovers, []);
  });
});

async function post(body: object): Promise<{ status: number; body: unknown }> {
  const response = await fetch(`${url}/run_jupyter`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const answer = { status: response.status, body: (await response.json()) as unknown };
  assertRunJupyterAnswer(answer.status, answer.body);
  return answer;
}
