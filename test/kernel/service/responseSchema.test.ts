import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Logger } from '../../../src/core/common/logger';
import type { RunResponse } from '../../../src/runner/runResponse';
import { assertRunAnswer } from '../../shared/sandboxFusionSchema';
import { until } from '../helpers/cellWaits';
import { runCli } from '../helpers/cli';
import { fileInARunDir, Metrics, TestService } from '../helpers/service';

/**
 * One real run per way a run can end, each answer checked against SandboxFusion's response models (its
 * official client raises on an answer that does not fit them) and against the statuses the contract
 * documents (../shared/reference/run-jupyter.md). TestService.run and runCli check every answer they get;
 * the explicit assertRunAnswer calls below make that visible where the answer is the point of the test.
 */
let service: TestService;
const logged: Array<{ level: 'warn' | 'error'; message: string }> = [];
const recordingLogger: Logger = {
  debug: () => undefined,
  info: () => undefined,
  warn: (message) => logged.push({ level: 'warn', message }),
  error: (message) => logged.push({ level: 'error', message }),
};
const work = mkdtempSync(path.join(os.tmpdir(), 'cellbridge-response-schema-'));

before(async () => {
  service = await TestService.start({ poolSize: 1, maxConcurrency: 2, logger: recordingLogger });
});

after(async () => {
  rmSync(work, { recursive: true, force: true });
  assert.deepEqual(await service.close(), []);
});

const statuses = (response: RunResponse): string[] => response.cells.map((cell) => cell.status);
const b64 = (text: string): string => Buffer.from(text).toString('base64');

async function run(body: object): Promise<RunResponse> {
  return assertRunAnswer(await service.runOk(body));
}

describe('every way a run ends gives an answer SandboxFusion accepts, with the documented statuses', () => {
  test('a cell raises: Success, Finished, the cell error, later cells run', async () => {
    const response = await run({ cells: ['x = 1', '1/0', 'x + 1'] });
    assert.deepEqual([response.status, response.message, response.driver.status, response.driver.return_code], ['Success', '', 'Finished', 0]);
    assert.deepEqual(statuses(response), ['ok', 'error', 'ok']);
    assert.equal(response.cells[1]?.error[0]?.ename, 'ZeroDivisionError');
    assert.deepEqual(response.cells[2]?.display, [{ 'text/plain': '2' }]);
  });

  test('a cell over its cell_timeout: that cell timeout, later cells run, the run Success', async () => {
    const response = await run({ cells: ['import time; time.sleep(30)', 'print("after")'], cell_timeout: 0.5 });
    assert.deepEqual([response.status, response.driver.status], ['Success', 'Finished']);
    assert.deepEqual(statuses(response), ['timeout', 'ok']);
    assert.equal(response.cells[1]?.stdout, 'after\n');
  });

  test('the total_timeout: Failed, TimeLimitExceeded, the cells finished kept', async () => {
    const response = await run({ cells: ['print("first")', 'import time; time.sleep(30)', 'print("never")'], total_timeout: 1 });
    assert.deepEqual([response.status, response.driver.status], ['Failed', 'TimeLimitExceeded']);
    assert.notEqual(response.driver.return_code, 0);
    assert.match(response.message, /total timeout/);
    assert.deepEqual(statuses(response), ['ok', 'timeout', 'cancelled']);
    assert.equal(response.cells[0]?.stdout, 'first\n');
    assert.equal(response.cells[2]?.execution_count, null);
  });

  test('the memory limit: Failed, driver Error (not MemoryLimitExceeded, which SandboxFusion rejects), the cell memory_limit', async () => {
    // Grows in steps (at most 2 GB, should the limit not hold) so the kernel is over its limit for a while.
    const hog = 'import time\nchunks = []\nfor _ in range(40):\n    chunks.append(b"x" * 50_000_000)\n    time.sleep(0.05)';
    const response = await run({ cells: ['print("before")', hog, 'print("after")'], memory_limit_MB: 150 });
    assert.deepEqual([response.status, response.driver.status], ['Failed', 'Error']);
    assert.match(response.message, /memory limit/i);
    assert.match(response.message, /150 MB/);
    assert.deepEqual(statuses(response), ['ok', 'memory_limit', 'cancelled']);
    assert.equal(response.cells[0]?.stdout, 'before\n');
  });

  test('the kernel dies: Failed, Error, the cell kernel_died', async () => {
    const response = await run({ cells: ['print("before")', 'import os; os.kill(os.getpid(), 9)', 'print("after")'] });
    assert.deepEqual([response.status, response.driver.status], ['Failed', 'Error']);
    assert.match(response.message, /died/);
    assert.equal(response.cells[0]?.stdout, 'before\n');
    assert.equal(response.cells[1]?.status, 'kernel_died');
    assert.equal(response.cells[2]?.status, 'cancelled');
  });

  test('an unknown kernel: SandboxError naming it, driver Error, no cells', async () => {
    const response = await run({ cells: ['1'], kernel: 'nosuchkernel' });
    assert.deepEqual([response.status, response.driver.status], ['SandboxError', 'Error']);
    assert.match(response.message, /nosuchkernel/);
    assert.deepEqual(response.cells, []);
    assert.deepEqual(response.files, {});
  });

  test('files in, fetch_files out: base64 strings by path, missing files absent', async () => {
    const response = await run({
      cells: ['data = open("in/data.txt").read()\nopen("out.txt", "w").write(data.upper())'],
      files: { 'in/data.txt': b64('hello') },
      fetch_files: ['out.txt', 'in/data.txt', 'missing.txt'],
    });
    assert.deepEqual([response.status, statuses(response)], ['Success', ['ok']]);
    assert.deepEqual(response.files, { 'out.txt': b64('HELLO'), 'in/data.txt': b64('hello') });
  });

  test('stop_on_error: the failing cell error, the cells after it cancelled, never run', async () => {
    const response = await run({ cells: ['print("one")', '1/0', 'print("never")'], stop_on_error: true });
    assert.equal(response.status, 'Success', 'a cell error does not fail the run');
    assert.equal(response.driver.status, 'Finished');
    assert.deepEqual(statuses(response), ['ok', 'error', 'cancelled']);
    assert.deepEqual([response.cells[2]?.stdout, response.cells[2]?.execution_count, response.cells[2]?.outputs], ['', null, []]);
  });

  test('an empty list of cells: Success with no cells', async () => {
    const response = await run({ cells: [] });
    assert.deepEqual([response.status, response.driver.status, response.cells], ['Success', 'Finished', []]);
  });

  test('blank cells still answer a cell each', async () => {
    const response = await run({ cells: ['', '   \n', '6 * 7'] });
    assert.equal(response.status, 'Success');
    assert.equal(response.cells.length, 3);
    assert.deepEqual(response.cells[2]?.display, [{ 'text/plain': '42' }]);
  });
});

describe('a run stopped by its client', () => {
  test('a client that hangs up mid-run: its run ends, the running cell counted stopped, nothing logged as broken', async () => {
    const before = await service.metrics();
    const loggedBefore = logged.length;
    const leaving = new AbortController();
    // The sign is left in the cell's run directory: a sandboxed kernel can write nowhere else.
    const cells = ['print("first")', 'import time; open("hang-up.marker", "w").close(); time.sleep(30)', 'print("never")'];
    const answer = service.run({ cells, total_timeout: 0 }, { signal: leaving.signal }).catch((error: unknown) => error);
    await until(() => fileInARunDir(service.tmp, 'hang-up.marker') !== undefined, 'the second cell to start');
    leaving.abort();
    assert.ok((await answer) instanceof Error, 'the client left before any answer');
    // The answer nobody received was still made; /metrics counts it when the run ends.
    let after: Metrics | undefined;
    await until(() => after !== undefined && delta(after, before, 'cellbridge_runs_total', { status: 'Failed' }) === 1, 'the run to end', async () => {
      after = await service.metrics();
    });
    assert.equal(delta(after!, before, 'cellbridge_requests_total', { route: '/run_jupyter', code: '499' }), 1);
    assert.deepEqual(
      ['ok', 'stopped', 'timeout', 'cancelled'].map((status) => delta(after!, before, 'cellbridge_cells_total', { status })),
      [1, 1, 0, 1],
      'cells counted ok, stopped, timeout, cancelled',
    );
    assert.equal(delta(after!, before, 'cellbridge_errors_total'), 0);
    assert.deepEqual(logged.slice(loggedBefore).filter((entry) => entry.level === 'error'), []);
    // And the service goes on as before.
    const next = await run({ cells: ['print("next")'] });
    assert.deepEqual([next.status, next.cells[0]?.stdout], ['Success', 'next\n'], next.message);
  });

  test('Ctrl-C on `cellbridge run`: JSON with the running cell stopped (not timeout), exit 130', async () => {
    const marker = path.join(work, 'ctrl-c.marker');
    const request = path.join(work, 'ctrl-c.json');
    const cells = ['print("first")', `import time; open(${JSON.stringify(marker)}, "w").close(); time.sleep(30)`, 'print("never")'];
    writeFileSync(request, JSON.stringify({ cells, total_timeout: 0 }));
    const result = await runCli(['run', request], { signalWhenExists: marker });
    assert.equal(result.code, 130, result.stderr);
    const response = assertRunAnswer(JSON.parse(result.stdout));
    assert.deepEqual(response, result.response);
    assert.deepEqual([response.status, response.driver.status], ['Failed', 'Error']);
    assert.deepEqual(statuses(response), ['ok', 'stopped', 'cancelled']);
    assert.equal(response.cells[0]?.stdout, 'first\n');
    assert.deepEqual(result.leftovers, []);
  });
});

function delta(after: Metrics, before: Metrics, name: string, labels: Record<string, string> = {}): number {
  return after.count(name, labels) - before.count(name, labels);
}
