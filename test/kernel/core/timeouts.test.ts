import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { CellCancelledError, CellTimeoutError } from '../../../src/core/common/errors';
import { ExecutionQueue } from '../../../src/core/execution/executionQueue';
import { errorNames, untilInsideCell, valueOf } from '../helpers/cellWaits';
import { KERNELS, logger, useTestDocument, transcriptOf } from '../helpers/kernels';

const CELL_TIMEOUT_MS = 1000;
const INTERRUPT_GRACE_MS = 2000;

/** xeus-python 0.14 exits on SIGINT (https://github.com/jupyter-xeus/xeus/issues/272); see interrupt.test.ts. */
const SURVIVES_INTERRUPT: Record<(typeof KERNELS)[number], boolean> = { python3: true, xpython: false };

const IGNORES_SIGINT = 'import signal\nsignal.signal(signal.SIGINT, signal.SIG_IGN)\nprint("deaf", flush=True)\nwhile True:\n    pass';

for (const kernelName of KERNELS) {
  describe(`cell timeouts and run-wide stops (${kernelName})`, () => {
    const doc = useTestDocument(kernelName, { cellTimeoutMs: CELL_TIMEOUT_MS, interruptGraceMs: INTERRUPT_GRACE_MS, stopOnError: false });

    const survives = SURVIVES_INTERRUPT[kernelName];
    const afterTimeout = survives ? 'the kernel keeps its state' : 'the kernel (killed by the interrupt) is replaced';
    test(`a sleeping cell times out, says so, and ${afterTimeout}`, { timeout: 30_000 }, async () => {
      const [setup] = await doc().run('kept = "before the timeout"');
      assert.equal(setup?.state, 'done');
      const kernelBefore = doc().session.kernelIfStarted;

      const [run, next] = await doc().run('import time\ntime.sleep(60)', 'print("next ran")');
      assert.equal(run?.state, 'timedOut');
      assert.ok(run?.cause instanceof CellTimeoutError);
      assert.equal(run.failureReason, undefined);
      // The outputs are the kernel's own: a kernel that survives the interrupt reports its KeyboardInterrupt,
      // and the state says it was a timeout; only a kernel killed by it (xpython) leaves the engine to explain.
      const names = errorNames(run);
      if (survives) {
        assert.deepEqual(names, ['KeyboardInterrupt'], 'no second, invented error');
      } else {
        assert.deepEqual(names, ['CellTimeoutError']);
        assert.match(transcriptOf(run).error.at(-1)?.evalue ?? '', /within its 1 s timeout/);
      }
      assert.equal(next?.state, 'done', 'stopOnError: false, so the next cell runs');
      assert.equal(transcriptOf(next).stdout, 'next ran\n');

      assert.equal(await valueOf(doc(), 'kept'), survives ? `'before the timeout'` : `'<gone>'`);
      assert.equal(doc().session.kernelIfStarted === kernelBefore, survives);
    });

    test('a cell that ignores SIGINT times out and its kernel is replaced: later cells run on a fresh kernel', { timeout: 30_000 }, async () => {
      await doc().run('kept = "before the deaf cell"');
      const kernelBefore = doc().session.kernelIfStarted;

      const [run, next] = await doc().run(IGNORES_SIGINT, 'print("next ran")');
      assert.equal(run?.state, 'timedOut');
      assert.ok(run.cause instanceof CellTimeoutError);
      assert.deepEqual(errorNames(run), ['CellTimeoutError']);
      assert.equal(next?.state, 'done');
      assert.equal(transcriptOf(next).stdout, 'next ran\n');

      assert.notEqual(doc().session.kernelIfStarted, kernelBefore, 'a new kernel');
      assert.equal(kernelBefore?.status, 'dead');
      assert.equal(await valueOf(doc(), 'kept'), `'<gone>'`, 'the fresh kernel has none of the old state');
    });

    const afterStop = survives ? 'the kernel goes on' : 'the kernel is replaced';
    test(`stopAll (a run-wide limit) ends the running cell as timedOut, cancels the queued ones; ${afterStop}`, { timeout: 30_000 }, async () => {
      // Its own queue on the same kernel, without the per-cell timeout: only the run-wide stop may end the cell.
      const queue = new ExecutionQueue({ session: doc().session, outputs: doc().outputs, stopOnError: true, logger });
      try {
        const [setup] = queue.enqueue([{ code: 'kept = "before stopAll"' }]);
        await setup!.finished;
        const sleeping = { code: 'import time\nprint("sleeping", flush=True)\ntime.sleep(60)' };
        const runs = queue.enqueue([sleeping, { code: 'ran_1 = True' }, { code: 'ran_2 = True' }]);
        const [running, queued1, queued2] = runs;
        await untilInsideCell(doc(), running!, 'sleeping');
        const reason = 'Cancelled because the run exceeded its total timeout of 1 s.';
        queue.stopAll(reason, 'timedOut');
        await Promise.all(runs.map((r) => r.finished));
        await queue.whenIdle();

        assert.equal(running!.state, 'timedOut');
        assert.ok(running!.cause instanceof CellCancelledError);
        assert.equal(transcriptOf(running!).error.at(-1)?.evalue, reason, 'the cell says why it ended');
        for (const queued of [queued1!, queued2!]) {
          assert.equal(queued.state, 'cancelled');
          assert.equal(queued.startedAt, undefined);
          assert.equal(queued.cause?.message, reason);
        }
        // The kernel was interrupted, not left sleeping: the next cell runs at once (else it would wait 60 s).
        const [after] = queue.enqueue([{ code: 'print(repr(globals().get("kept", "<gone>")), "ran_1" in globals())' }]);
        await after!.finished;
        assert.equal(after!.state, 'done');
        assert.equal(transcriptOf(after!).stdout, survives ? `'before stopAll' False\n` : `'<gone>' False\n`);
      } finally {
        queue.dispose();
      }
    });

    // On xpython any interrupt already ends the kernel; the deaf cell matters for kernels that survive one.
    const deafStop = 'stopAll (its runner stopping) on a cell that ignores SIGINT: the next run does not queue behind it, it gets a fresh kernel';
    test(deafStop, { skip: !survives, timeout: 30_000 }, async () => {
      const queue = new ExecutionQueue({ session: doc().session, outputs: doc().outputs, stopOnError: true, interruptGraceMs: INTERRUPT_GRACE_MS, logger });
      try {
        const [setup, deaf] = queue.enqueue([{ code: 'kept = "before the deaf cell"' }, { code: IGNORES_SIGINT }]);
        await setup!.finished;
        const kernelBefore = doc().session.kernelIfStarted;
        await untilInsideCell(doc(), deaf!, 'deaf');
        queue.stopAll('Stopped.', 'stopped');
        await deaf!.finished;
        assert.equal(deaf!.state, 'stopped', 'stopped by its runner, not by a limit');

        const [after] = queue.enqueue([{ code: 'print(repr(globals().get("kept", "<gone>")))' }]);
        await after!.finished;
        assert.equal(after!.state, 'done');
        assert.equal(transcriptOf(after!).stdout, `'<gone>'\n`);
        assert.notEqual(doc().session.kernelIfStarted, kernelBefore);
        assert.equal(kernelBefore?.status, 'dead');
      } finally {
        queue.dispose();
      }
    });
  });
}
