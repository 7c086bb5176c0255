import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { CellRun } from '../../../src/core/execution/cellRun';
import { ExecutionQueue } from '../../../src/core/execution/executionQueue';
import { untilInsideCell, valueOf } from '../helpers/cellWaits';
import { KernelTracker, logger, TestDocument, transcriptOf } from '../helpers/kernels';

/** Queue semantics do not depend on the kernel; one ipykernel serves the whole suite. */
describe('execution queue (python3)', () => {
  const tracker = new KernelTracker();
  let doc: TestDocument;
  let runOn: ExecutionQueue;
  before(() => {
    // The document's own queue is the notebook default (stopOnError: true); `runOn` is the runner's default, on the same kernel.
    doc = new TestDocument(tracker, 'python3', { stopOnError: true });
    runOn = new ExecutionQueue({ session: doc.session, outputs: doc.outputs, stopOnError: false, logger });
  });
  after(async () => {
    runOn.dispose();
    await doc.close();
    assert.equal(tracker.started.length, 1, 'one kernel for the whole suite');
    tracker.assertNothingLeft();
  });

  const settle = async (runs: CellRun[]): Promise<CellRun[]> => {
    await Promise.all(runs.map((r) => r.finished));
    return runs;
  };

  test('cells run strictly in order, one at a time, with increasing execution counts and timings', async () => {
    await doc.run('import time\norder = []');
    const cells = [0, 1, 2, 3, 4].map((i) => ({ code: `order.append(${i})\ntime.sleep(0.05)` }));
    const runs = doc.runner.enqueue(cells);
    assert.ok(runs.every((r) => r.state === 'queued'), 'nothing starts before enqueue() returns');
    const firstStates: string[] = [];
    runs[0]!.onDidChangeState((state) => firstStates.push(state));
    await settle(runs);
    assert.deepEqual(firstStates, ['running', 'done'], 'a subscriber sees every transition of the first run');
    assert.deepEqual(
      runs.map((r) => r.state),
      ['done', 'done', 'done', 'done', 'done'],
    );
    assert.equal(await valueOf(doc, 'order'), '[0, 1, 2, 3, 4]');
    for (const [i, run] of runs.entries()) {
      assert.ok(run.startedAt !== undefined && run.endedAt !== undefined, 'timings set');
      assert.ok(run.endedAt >= run.startedAt);
      assert.ok(run.durationSeconds >= 0.05, `cell ${i} lasted at least its sleep (${run.durationSeconds} s)`);
      const previous = runs[i - 1];
      if (previous) {
        assert.ok(run.startedAt >= previous.endedAt!, `cell ${i} started only after cell ${i - 1} ended`);
        assert.equal(run.executionCount, previous.executionCount! + 1);
      }
    }
  });

  test('blank and skip cells are never sent, even when a failure cancels the cells around them', async () => {
    const before = await doc.run('1');
    const counted = before[0]!.executionCount!;
    const runs = doc.runner.enqueue([{ code: ' \n\t' }, { code: '2' }, { code: 'print("skipped")', skip: true }, { code: '1/0' }, { code: '' }, { code: 'print("x")', skip: true }, { code: '3' }]);
    await settle(runs);
    assert.deepEqual(runs.map((r) => r.state), ['skipped', 'done', 'skipped', 'failed', 'skipped', 'skipped', 'cancelled']);
    assert.deepEqual(runs.map((r) => r.executionCount), [null, counted + 1, null, counted + 2, null, null, null], 'only sent cells are counted');
    assert.ok(runs.filter((r) => r.state === 'skipped').every((r) => r.outputs.outputs.length === 0 && r.startedAt === undefined));
  });

  test('a cell enqueued the moment the previous one finishes still runs', { timeout: 30_000 }, async () => {
    // Guards a queue that cleared its "draining" flag one microtask late and left such a cell queued forever.
    // Whether the gap is hit depends on how many promise hops lie between `finished` and the next enqueue,
    // so the cells are awaited both directly and through helpers that add hops.
    for (let i = 0; i < 10; i++) {
      const [run] = doc.runner.enqueue([{ code: `n = ${i}` }]);
      await run!.finished;
      assert.equal(run!.state, 'done', `cell ${i}`);
      const [viaHelper] = await doc.run(`n = ${i}`);
      assert.equal(viaHelper!.state, 'done', `cell ${i} via a helper`);
      const [viaAll] = await settle(doc.runner.enqueue([{ code: `n = ${i}` }]));
      assert.equal(viaAll!.state, 'done', `cell ${i} via Promise.all`);
    }
    await doc.runner.whenIdle();
  });

  test('stopOnError: a failing cell cancels the cells queued after it; they never run', async () => {
    const runs = await settle(doc.runner.enqueue([{ code: 'a = 1' }, { code: 'raise ValueError("stop here")' }, { code: 'b = 2' }, { code: 'c = 3' }]));
    assert.deepEqual(
      runs.map((r) => r.state),
      ['done', 'failed', 'cancelled', 'cancelled'],
    );
    assert.equal(runs[1]!.failureReason, 'error');
    for (const cancelled of runs.slice(2)) {
      assert.match(cancelled.cause?.message ?? '', /cell \d+ failed/);
      assert.equal(cancelled.startedAt, undefined);
      assert.equal(cancelled.executionCount, null);
      assert.equal(cancelled.durationSeconds, 0);
    }
    assert.equal(await valueOf(doc, 'b'), `'<gone>'`);
    assert.equal(await valueOf(doc, 'c'), `'<gone>'`);
    // Cancelled cells took no execution count.
    const [next] = await doc.run('pass');
    assert.equal(next!.executionCount, runs[1]!.executionCount! + 3, 'two valueOf cells, then this one');
  });

  test('stopOnError: a failing cell tagged raises-exception does not stop the queue', async () => {
    const runs = await settle(doc.runner.enqueue([{ code: 'raise KeyError("expected")', tags: ['raises-exception'] }, { code: 'd = 4' }]));
    assert.deepEqual(
      runs.map((r) => r.state),
      ['failed', 'done'],
    );
    assert.equal(transcriptOf(runs[0]!).error[0]?.ename, 'KeyError');
    assert.equal(await valueOf(doc, 'd'), '4');
  });

  test('stopOnError: false runs the cells after a failing one', async () => {
    const runs = await settle(runOn.enqueue([{ code: 'raise RuntimeError("go on")' }, { code: 'e = 5' }, { code: '1 / 0' }, { code: 'f = 6' }]));
    assert.deepEqual(
      runs.map((r) => r.state),
      ['failed', 'done', 'failed', 'done'],
    );
    assert.equal(await valueOf(doc, 'e'), '5');
    assert.equal(await valueOf(doc, 'f'), '6');
  });

  test('cancel(run) on a queued run cancels only it', async () => {
    const [first, cancelled, kept] = doc.runner.enqueue([
      { code: 'print("first", flush=True)\ntime.sleep(0.3)' },
      { code: 'g = "should not run"' },
      { code: 'h = "ran"' },
    ]);
    await untilInsideCell(doc, first!, 'first');
    await doc.runner.cancel(cancelled!);
    assert.equal(cancelled!.state, 'cancelled', 'at once');
    await settle([first!, cancelled!, kept!]);
    assert.equal(first!.state, 'done', 'the running cell is not affected');
    assert.equal(kept!.state, 'done');
    assert.equal(cancelled!.startedAt, undefined);
    assert.equal(await valueOf(doc, 'g'), `'<gone>'`);
    assert.equal(await valueOf(doc, 'h'), `'ran'`);
  });

  test('cancel(run) on a finished run changes nothing', async () => {
    const [run] = await doc.run('i = 1');
    await doc.runner.cancel(run!);
    assert.equal(run!.state, 'done');
  });
});
