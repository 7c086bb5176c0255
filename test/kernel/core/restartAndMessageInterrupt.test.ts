import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { LocalKernel } from '../../../src/core/kernel/localKernel';
import { errorNames, untilInsideCell, valueOf } from '../helpers/cellWaits';
import { KernelTracker, processesInGroup, TestDocument } from '../helpers/kernels';

describe('restart', () => {
  const tracker = new KernelTracker();
  let doc: TestDocument;
  before(() => {
    doc = new TestDocument(tracker, 'python3');
  });
  after(async () => {
    await doc.close();
    tracker.assertNothingLeft();
  });

  test('a restart gives a new kernel process with empty state; the old one is gone', async () => {
    await doc.runOne('kept = 41');
    const old = doc.session.kernelIfStarted as LocalKernel;
    const fresh = (await doc.session.restart()) as LocalKernel;
    assert.notEqual(fresh.pid, old.pid);
    assert.deepEqual(processesInGroup(old.pid!), []);
    assert.equal(await valueOf(doc, 'kept'), "'<gone>'");
    const counted = await doc.runOne('1');
    assert.equal(counted.executionCount, 2, 'the new kernel counts from 1 (valueOf ran first)');
  });
});

describe("interrupt_mode 'message': interrupt_request on the control channel, no signal", () => {
  const tracker = new KernelTracker();
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'cellbridge-spec-'));
  let doc: TestDocument;
  before(() => {
    // ipykernel honours interrupt_request; a kernelspec that asks for message mode makes the engine use it.
    const specDir = path.join(dataDir, 'kernels', 'python3-message');
    mkdirSync(specDir, { recursive: true });
    writeFileSync(
      path.join(specDir, 'kernel.json'),
      JSON.stringify({ argv: ['/usr/bin/python3', '-m', 'ipykernel_launcher', '-f', '{connection_file}'], display_name: 'Message interrupts', language: 'python', interrupt_mode: 'message' }),
    );
    doc = new TestDocument(tracker, 'python3-message', {}, { env: { ...process.env, JUPYTER_PATH: dataDir } });
  });
  after(async () => {
    await doc.close();
    tracker.assertNothingLeft();
    rmSync(dataDir, { recursive: true, force: true });
  });

  test('a sleeping cell ends with KeyboardInterrupt and the state survives', async () => {
    await doc.runOne('state = "kept"');
    const [run] = doc.runner.enqueue([{ code: 'import time\nprint("sleeping", flush=True)\ntime.sleep(60)' }]);
    await untilInsideCell(doc, run!, 'sleeping');
    // Proof that the request went over the control channel: only then does the kernel send interrupt_reply.
    const replies: string[] = [];
    doc.session.kernelIfStarted!.connection.anyMessage.connect((_, { msg, direction }) => {
      if (direction === 'recv' && msg.header.msg_type === 'interrupt_reply') replies.push(msg.channel);
    });
    await doc.interrupt();
    await run!.finished;
    assert.deepEqual(replies, ['control']);
    assert.equal(run!.state, 'failed');
    assert.ok(errorNames(run!).includes('KeyboardInterrupt'), errorNames(run!).join(','));
    assert.equal(await valueOf(doc, 'state'), "'kept'");
  });
});
