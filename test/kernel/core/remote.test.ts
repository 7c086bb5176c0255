import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { KernelDiedError, KernelNotFoundError, ServerConnectionError } from '../../../src/core/common/errors';
import { RemoteKernel } from '../../../src/core/kernel/remoteKernel';
import { errorNames, until, untilInsideCell, valueOf } from '../helpers/cellWaits';
import { freeLoopbackPort } from '../../shared/freeLoopbackPort';
import { TestJupyterServer } from '../helpers/jupyterServer';
import { KernelTracker, shownStream, TestDocument, transcriptOf } from '../helpers/kernels';

/** The same engine through a real jupyter-server: one server and, where state allows, one kernel for the suite. */
describe('remote kernels on a Jupyter Server (python3)', () => {
  const tracker = new KernelTracker();
  let server: TestJupyterServer;
  let doc: TestDocument;
  before(async () => {
    server = await TestJupyterServer.start();
    doc = new TestDocument(tracker, 'python3', { stopOnError: false }, { server: server.address });
  });
  after(async () => {
    try {
      await doc?.close();
      assert.deepEqual(await server.kernels(), [], 'no kernel is left on the server');
    } finally {
      await server?.stop();
    }
    tracker.assertNothingLeft();
  });

  test('streams: stdout and stderr', async () => {
    const [run] = await doc.run('import sys\nprint("out")\nsys.stderr.write("err\\n")');
    assert.equal(run?.state, 'done');
    assert.ok(doc.session.kernelIfStarted instanceof RemoteKernel);
    assert.equal(shownStream(run, 'stdout'), 'out\n');
    assert.equal(shownStream(run, 'stderr'), 'err\n');
  });

  test('execute_result', async () => {
    const [run] = await doc.run('6 * 7');
    const [result] = run!.outputs.outputs;
    assert.equal(result?.output_type, 'execute_result');
    assert.equal(result?.output_type === 'execute_result' && result.data['text/plain'], '42');
    assert.equal(result?.output_type === 'execute_result' && result.execution_count, run!.executionCount);
  });

  test('update_display_data reaches a display shown by an earlier cell', async () => {
    const [first] = await doc.run('from IPython.display import display\nh = display("v1", display_id="remote")');
    const [second] = await doc.run('h.update("v2")');
    assert.equal(second?.state, 'done');
    assert.deepEqual(transcriptOf(first!).display, [{ 'text/plain': "'v2'" }]);
    assert.deepEqual(transcriptOf(second).display, []);
  });

  test('error', async () => {
    const [run] = await doc.run('raise ValueError("remote bad")');
    assert.equal(run?.state, 'failed');
    assert.equal(run.failureReason, 'error');
    const [error] = transcriptOf(run).error;
    assert.equal(error?.ename, 'ValueError');
    assert.equal(error?.evalue, 'remote bad');
  });

  test('interrupting time.sleep (the REST call) fails the cell with KeyboardInterrupt and keeps the state', { timeout: 30_000 }, async () => {
    await doc.run('kept = "remote state"');
    const [run] = doc.runner.enqueue([{ code: 'import time\nprint("sleeping", flush=True)\ntime.sleep(60)' }]);
    await untilInsideCell(doc, run!, 'sleeping');
    await doc.interrupt();
    await run!.finished;
    assert.equal(run!.state, 'failed');
    assert.deepEqual(errorNames(run!), ['KeyboardInterrupt']);
    assert.equal(await valueOf(doc, 'kept'), `'remote state'`);
  });

  test('a kernel that kills itself: failed as kernelDied, queued cells cancelled, the next cell runs on a new kernel', { timeout: 60_000 }, async () => {
    const first = doc.session.kernelIfStarted;
    assert.ok(first instanceof RemoteKernel);
    const [killer, queued] = await doc.run('import os, signal\nos.kill(os.getpid(), signal.SIGKILL)', 'print("never")');
    assert.equal(killer?.state, 'failed');
    assert.equal(killer.failureReason, 'kernelDied');
    assert.ok(killer.cause instanceof KernelDiedError);
    const said = transcriptOf(killer).error[0]?.evalue ?? '';
    assert.match(said, /The kernel died\. The Jupyter Server at .* reported the kernel (restarting|autorestarting|dead)/);
    assert.equal(queued?.state, 'cancelled');

    assert.equal(await valueOf(doc, 'kept'), `'<gone>'`, 'the next cell ran on a new kernel');
    const second = doc.session.kernelIfStarted;
    assert.ok(second instanceof RemoteKernel && second !== first);
    // The server restarts a dead kernel under its old id; the engine shuts that one down (in the background).
    let ids: string[] = [];
    await until(() => ids.length === 1 && ids[0] === second.connection.id, 'the old kernel to leave the server', async () => {
      ids = (await server.kernels()).map((k) => k.id);
    });
  });

  test('an unknown kernel name: KernelNotFoundError listing the server kernels', async () => {
    // @jupyterlab/services console.error()s the server's Python traceback of a failed request; not ours to show.
    const consoleError = console.error;
    console.error = () => undefined;
    const started = tracker.launcher({ kernelName: 'no-such-kernel', server: server.address }).finally(() => (console.error = consoleError));
    await assert.rejects(started, (error: unknown) => {
      assert.ok(error instanceof KernelNotFoundError);
      assert.match(error.message, /No kernel named 'no-such-kernel'/);
      assert.ok(error.available.includes('python3') && error.available.includes('xpython'), error.message);
      return true;
    });
  });

  test('a wrong token: ServerConnectionError about the token', async () => {
    await assert.rejects(tracker.launcher({ kernelName: 'python3', server: { url: server.url, token: 'wrong' } }), (error: unknown) => {
      assert.ok(error instanceof ServerConnectionError);
      assert.match(error.message, /token/);
      return true;
    });
  });

  test('an unreachable URL: ServerConnectionError', async () => {
    const url = `http://127.0.0.1:${await freeLoopbackPort()}/`;
    await assert.rejects(tracker.launcher({ kernelName: 'python3', server: { url, token: 'x' } }), (error: unknown) => {
      assert.ok(error instanceof ServerConnectionError);
      assert.match(error.message, /Could not reach the Jupyter Server/);
      return true;
    });
  });
});
