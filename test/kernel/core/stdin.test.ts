import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { StdinUnavailableError } from '../../../src/core/common/errors';
import type { CancellationToken } from '../../../src/core/common/cancellation';
import type { CellRun } from '../../../src/core/execution/cellRun';
import { ExecutionQueue } from '../../../src/core/execution/executionQueue';
import { InputRequest, linesInputProvider } from '../../../src/core/execution/stdin';
import { errorNames, valueOf } from '../helpers/cellWaits';
import { KERNELS, KernelTracker, logger, TestDocument, transcriptOf } from '../helpers/kernels';

/** A hang guard only: an unanswerable input() ends its cell in well under a second. */
const NO_HANG_MS = 10_000;

/** xeus-python 0.14 exits on SIGINT (https://github.com/jupyter-xeus/xeus/issues/272); see interrupt.test.ts. */
const SURVIVES_INTERRUPT: Record<(typeof KERNELS)[number], boolean> = { python3: true, xpython: false };

for (const kernelName of KERNELS) {
  describe(`stdin (${kernelName})`, () => {
    const tracker = new KernelTracker();
    const asked: InputRequest[] = [];
    const answers = ['Ada', 's3cret'];
    // A provider like a UI's: it records what the kernel asked and answers in turn.
    const provider = async (request: InputRequest, _token: CancellationToken): Promise<string> => {
      asked.push(request);
      return answers[(asked.length - 1) % answers.length]!;
    };
    // The input provider is an option of the queue: three queues, one kernel.
    let doc: TestDocument;
    let withoutProvider: ExecutionQueue;
    let withLines: ExecutionQueue;
    const run = async (queue: ExecutionQueue, ...codes: string[]): Promise<CellRun[]> => {
      const runs = queue.enqueue(codes.map((code) => ({ code })));
      await Promise.all(runs.map((r) => r.finished));
      return runs;
    };
    before(() => {
      doc = new TestDocument(tracker, kernelName, { stdin: provider });
      const shared = { session: doc.session, outputs: doc.outputs, stopOnError: false, logger };
      withoutProvider = new ExecutionQueue(shared);
      withLines = new ExecutionQueue({ ...shared, stdin: linesInputProvider(['only line'], (request) => new StdinUnavailableError(request.prompt)) });
    });
    after(async () => {
      withoutProvider.dispose();
      withLines.dispose();
      await doc.close();
      tracker.assertNothingLeft();
    });

    test('input(): the prompt reaches the provider and the answer reaches the code', async () => {
      asked.length = 0;
      const [run] = await doc.run('name = input("name? ")\nprint("hello", name)');
      assert.equal(run?.state, 'done');
      assert.deepEqual(asked, [{ prompt: 'name? ', password: false }]);
      assert.match(transcriptOf(run).stdout, /hello Ada\n$/);
    });

    test('getpass.getpass() asks with password: true', async () => {
      asked.length = 0;
      const [run] = await doc.run('import getpass\nsecret = getpass.getpass("pw: ")\nprint(len(secret))');
      assert.equal(run?.state, 'done');
      assert.deepEqual(asked, [{ prompt: 'pw: ', password: true }]);
      assert.match(transcriptOf(run).stdout, /3\n$/);
    });

    test('without a provider, input() fails in the kernel itself and nothing hangs', { timeout: NO_HANG_MS }, async () => {
      const [failed, next] = await run(withoutProvider, 'input("name? ")', 'print("still here")');
      assert.equal(failed?.state, 'failed');
      assert.equal(failed.failureReason, 'error');
      const [error] = transcriptOf(failed).error;
      // ipykernel raises StdinNotImplementedError; xeus-python a RuntimeError saying the same.
      assert.match(`${error?.ename}: ${error?.evalue}`, /StdinNotImplementedError|does not support input requests/);
      assert.equal(next?.state, 'done');
      assert.equal(transcriptOf(next).stdout, 'still here\n');
    });

    const afterwards = SURVIVES_INTERRUPT[kernelName] ? 'the kernel goes on' : 'a new kernel takes over';
    test(`lines exhausted: the cell fails as stdinUnavailable with a clear message, and ${afterwards}`, { timeout: NO_HANG_MS }, async () => {
      await run(withLines, 'pass');
      const kernelBefore = doc.session.kernelIfStarted;
      assert.ok(kernelBefore);
      const [exhausted] = await run(withLines, 'first = input("1? ")\nsecond = input("2? ")\nprint("never")');
      assert.equal(exhausted?.state, 'failed');
      assert.equal(exhausted.failureReason, 'stdinUnavailable');
      assert.ok(exhausted.cause instanceof StdinUnavailableError);
      assert.ok(exhausted.durationSeconds * 1000 < NO_HANG_MS);
      const engineError = transcriptOf(exhausted).error.at(-1);
      assert.equal(engineError?.ename, 'StdinUnavailableError');
      assert.match(engineError?.evalue ?? '', /asked for input \("2\? "\) but none is available/);
      assert.ok(!transcriptOf(exhausted).stdout.includes('never'));
      if (SURVIVES_INTERRUPT[kernelName]) {
        assert.deepEqual(errorNames(exhausted), ['KeyboardInterrupt', 'StdinUnavailableError']);
        assert.equal(await valueOf(doc, 'first'), `'only line'`, 'the kernel kept its state');
        assert.ok(doc.session.kernelIfStarted === kernelBefore, 'the same kernel');
      } else {
        assert.match(engineError?.evalue ?? '', /the next cell starts a new one/);
        assert.equal(await valueOf(doc, 'first'), `'<gone>'`, 'a new kernel runs the next cell');
      }
    });
  });
}
