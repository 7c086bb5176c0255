import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { KernelDiedError } from '../../../src/core/common/errors';
import type { CellRun } from '../../../src/core/execution/cellRun';
import { LocalKernel } from '../../../src/core/kernel/localKernel';
import { until, valueOf } from '../helpers/cellWaits';
import { KERNELS, KernelTracker, processesInGroup, processesStillInGroup, TestDocument, transcriptOf } from '../helpers/kernels';

/** A hang guard only: death is noticed from the process exit, in milliseconds; 5 s means it was not. */
const DETECTION_LIMIT_MS = 5000;

for (const kernelName of KERNELS) {
  describe(`a kernel that dies (${kernelName})`, () => {
    const tracker = new KernelTracker();
    let doc: TestDocument;
    before(() => {
      doc = new TestDocument(tracker, kernelName, { stopOnError: false });
    });
    after(async () => {
      await doc.close();
      tracker.assertNothingLeft();
    });

    const sigkill = 'SIGKILL mid-cell: the cell fails as kernelDied saying so, queued cells are cancelled, the next run gets a new kernel';
    test(sigkill, { timeout: 30_000 }, async () => {
      await doc.run('kept = "old kernel"');
      const first = doc.session.kernelIfStarted;
      assert.ok(first instanceof LocalKernel);

      const runs = doc.runner.enqueue([{ code: 'import os, signal\nos.kill(os.getpid(), signal.SIGKILL)' }, { code: 'x = 1' }, { code: 'y = 2' }]);
      await Promise.all(runs.map((r) => r.finished));
      const [killer, queued1, queued2] = runs as [CellRun, CellRun, CellRun];

      assert.equal(killer.state, 'failed');
      assert.equal(killer.failureReason, 'kernelDied');
      assert.ok(killer.cause instanceof KernelDiedError);
      assert.equal(killer.cause.signal, 'SIGKILL');
      assert.ok(killer.durationSeconds * 1000 < DETECTION_LIMIT_MS, `detected after ${killer.durationSeconds} s`);
      const [error] = transcriptOf(killer).error;
      assert.equal(error?.ename, 'KernelDiedError');
      assert.match(error?.evalue ?? '', /The kernel died \(killed by SIGKILL\)/);
      for (const queued of [queued1, queued2]) {
        assert.equal(queued.state, 'cancelled', 'even with stopOnError: false, nothing runs on a dead kernel');
        assert.match(queued.cause?.message ?? '', /kernel died/);
      }
      assert.equal(first.status, 'dead');
      assert.equal(doc.session.kernelIfStarted, undefined, 'the dead kernel is dropped at once');

      assert.equal(await valueOf(doc, 'kept'), `'<gone>'`, 'the next cell ran, on a new kernel');
      assert.equal(tracker.started.length, 2);
      assert.notEqual(doc.session.kernelIfStarted, first);
    });

    test('a kernel that exits with os._exit(3) reports exit code 3', { timeout: 30_000 }, async () => {
      const [run] = await doc.run('import os\nos._exit(3)');
      assert.equal(run?.state, 'failed');
      assert.equal(run.failureReason, 'kernelDied');
      assert.ok(run.cause instanceof KernelDiedError);
      assert.equal(run.cause.exitCode, 3);
      assert.equal(run.cause.signal, null);
      assert.match(transcriptOf(run).error[0]?.evalue ?? '', /The kernel died \(exit code 3\)/);
    });

    test('shutdown also ends the processes a kernel started (its process group)', { timeout: 30_000 }, async () => {
      const [run] = await doc.run('import subprocess\nchild = subprocess.Popen(["sleep", "300"])\nprint(child.pid)');
      assert.equal(run?.state, 'done');
      const kernel = doc.session.kernelIfStarted;
      assert.ok(kernel instanceof LocalKernel && kernel.pid !== undefined);
      const childPid = transcriptOf(run).stdout.trim();
      // The child is really there, in the kernel's group, before the shutdown.
      await until(() => processesInGroup(kernel.pid!).includes(childPid), `sleep (pid ${childPid}) in group ${kernel.pid}`);
      await doc.session.shutdownCurrent();
      assert.deepEqual(processesStillInGroup(kernel.pid), []);
      tracker.assertNothingLeft();
    });
  });
}
