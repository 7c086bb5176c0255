import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { errorNames, untilInsideCell, valueOf } from '../helpers/cellWaits';
import { KERNELS, KernelTracker, TestDocument, transcriptOf } from '../helpers/kernels';

const CASES = [
  { what: 'time.sleep(60)', code: 'import time\nprint("sleeping", flush=True)\ntime.sleep(60)', marker: 'sleeping' },
  { what: 'a busy pure-Python loop', code: 'print("looping", flush=True)\nwhile True:\n    pass', marker: 'looping' },
];

/**
 * xeus-python 0.14 (on xeus 2.4) installs no SIGINT handler and treats `interrupt_request` as a no-op, so
 * no client can interrupt it: SIGINT kills it (https://github.com/jupyter-xeus/xeus/issues/272). For it the
 * suite checks that the engine says so and recovers, instead of pretending the cell was interrupted.
 */
const SURVIVES_INTERRUPT: Record<(typeof KERNELS)[number], boolean> = { python3: true, xpython: false };

for (const kernelName of KERNELS) {
  describe(`interrupt (${kernelName})`, () => {
    const tracker = new KernelTracker();
    let doc: TestDocument;
    before(() => {
      // The notebook default: an interrupted cell is a failed cell, and the cells after it would be cancelled.
      doc = new TestDocument(tracker, kernelName, { stopOnError: true });
    });
    after(async () => {
      await doc.close();
      tracker.assertNothingLeft();
    });

    for (const { what, code, marker } of CASES) {
      const expected = SURVIVES_INTERRUPT[kernelName]
        ? 'fails the cell with KeyboardInterrupt and keeps the kernel and its state'
        : 'kills the kernel: the cell fails as kernelDied, saying so, and the next cell runs on a new kernel';
      test(`interrupting ${what} ${expected}`, { timeout: 30_000 }, async () => {
        const [setup] = await doc.run(`kept = "${marker}-state"`);
        assert.equal(setup?.state, 'done');
        const kernelBefore = doc.session.kernelIfStarted;

        const [run, queued] = doc.runner.enqueue([{ code }, { code: 'print("after")' }]);
        await untilInsideCell(doc, run!, marker);
        await doc.interrupt();
        await Promise.all([run!.finished, queued!.finished]);

        assert.equal(run!.state, 'failed');
        assert.ok(run!.endedAt !== undefined && run!.startedAt !== undefined && run!.endedAt >= run!.startedAt);
        assert.equal(queued!.state, 'cancelled', 'stopOnError: the cell after a failed one is cancelled');
        if (SURVIVES_INTERRUPT[kernelName]) {
          assert.equal(run!.failureReason, 'error');
          assert.deepEqual(errorNames(run!), ['KeyboardInterrupt']);
          assert.equal(doc.session.kernelIfStarted, kernelBefore, 'the same kernel goes on');
          assert.equal(await valueOf(doc, 'kept'), `'${marker}-state'`);
        } else {
          assert.equal(run!.failureReason, 'kernelDied');
          const [error] = transcriptOf(run!).error;
          assert.equal(error?.ename, 'KernelDiedError');
          assert.match(error?.evalue ?? '', /interrupted: this kernel does not survive interrupts \(SIGINT\)/);
          assert.equal(await valueOf(doc, 'kept'), `'<gone>'`);
          assert.notEqual(doc.session.kernelIfStarted, kernelBefore, 'a new kernel ran the next cell');
        }
      });
    }

    test('interrupt with nothing running does nothing', async () => {
      await doc.run('kept = "idle"');
      await doc.interrupt();
      assert.equal(await valueOf(doc, 'kept'), `'idle'`);
    });
  });
}
