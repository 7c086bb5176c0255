import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { after, describe, test } from 'node:test';
import { DocumentRunner } from '../../../src/core/execution/documentRunner';
import { LocalKernel } from '../../../src/core/kernel/localKernel';
import { until } from '../helpers/cellWaits';
import { KernelTracker, logger } from '../helpers/kernels';

/** The policies both faces get from the DocumentRunner: interrupt with an outcome, restart, stop. */
describe('the document runner (python3)', () => {
  const tracker = new KernelTracker();
  const runner = new DocumentRunner({ launch: () => tracker.launcher({ kernelName: 'python3' }), stopOnError: true, logger });
  after(async () => {
    await runner.shutdown();
    tracker.assertNothingLeft();
  });

  const started = (marker: string): Promise<void> =>
    until(() => runner.runningCell?.outputs.outputs.some((o) => o.output_type === 'stream' && o.text.includes(marker)) === true, `the cell to print ${marker}`);

  test('interrupt tells whether the running cell stopped in time; with nothing running it says so', async () => {
    assert.equal(await runner.interrupt(1000).outcome, 'nothingRunning');
    const [sleeping] = runner.enqueue([{ code: 'import time\nprint("sleeping", flush=True)\ntime.sleep(60)' }]);
    await started('sleeping');
    const { sent, outcome } = runner.interrupt(10_000);
    await sent;
    assert.equal(await outcome, 'stopped');
    assert.equal(sleeping!.state, 'failed');

    const [deaf] = runner.enqueue([{ code: 'import signal, time\nsignal.signal(signal.SIGINT, signal.SIG_IGN)\nprint("deaf", flush=True)\ntime.sleep(60)' }]);
    await started('deaf');
    assert.equal(await runner.interrupt(1000).outcome, 'ignored', 'a kernel that ignores SIGINT needs a restart');
    await runner.restart();
    await deaf!.finished;
    assert.equal(deaf!.state, 'cancelled', 'the restart ended it');
  });

  test('restart cancels what is queued and starts a fresh kernel', async () => {
    const [set] = runner.enqueue([{ code: 'x = 1' }]);
    await set!.finished;
    const before = runner.session.kernelIfStarted;
    const [sleeping, queued] = runner.enqueue([{ code: 'import time\nprint("napping", flush=True)\ntime.sleep(60)' }, { code: 'x = 2' }]);
    await started('napping');
    await runner.restart();
    await Promise.all([sleeping!.finished, queued!.finished]);
    assert.equal(queued!.state, 'cancelled');
    assert.notEqual(runner.session.kernelIfStarted, before);
    const [probe] = runner.enqueue([{ code: 'print(globals().get("x", "gone"))' }]);
    await probe!.finished;
    assert.deepEqual(probe!.outputs.outputs, [{ output_type: 'stream', name: 'stdout', text: 'gone\n' }]);
  });

  test('stop ends the running cell as its caller says, cancels the rest, and leaves no kernel behind', async () => {
    const [running, queued] = runner.enqueue([{ code: 'import time\nprint("working", flush=True)\ntime.sleep(60)' }, { code: '1' }]);
    await started('working');
    const kernel = runner.session.kernelIfStarted;
    assert.ok(kernel instanceof LocalKernel);
    await runner.stop('Stopped by its client.', 'stopped');
    assert.deepEqual([running!.state, queued!.state], ['stopped', 'cancelled']);
    assert.equal(kernel.status, 'dead');
    assert.equal(existsSync(kernel.connectionFilePath), false);
    assert.equal(runner.session.kernelIfStarted, undefined, 'the next cell starts a new kernel');
  });
});
