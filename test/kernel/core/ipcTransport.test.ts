import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, readlinkSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { LocalKernel } from '../../../src/core/kernel/localKernel';
import { until } from '../helpers/cellWaits';
import { KERNELS, KernelTracker, shownStream, TestDocument } from '../helpers/kernels';

/** Inodes of this machine's TCP sockets in a state (0A listening, 01 established), from /proc/net/tcp and tcp6. */
function tcpInodes(state: '0A' | '01'): Set<string> {
  const inodes = new Set<string>();
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    if (!existsSync(table)) continue;
    for (const line of readFileSync(table, 'utf8').split('\n').slice(1)) {
      const fields = line.trim().split(/\s+/);
      if (fields[3] === state && fields[9]) inodes.add(fields[9]);
    }
  }
  return inodes;
}

/** The socket inodes a process holds open. */
function socketInodesOf(pid: number): string[] {
  return readdirSync(`/proc/${pid}/fd`).flatMap((fd) => {
    try {
      return /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`))?.[1] ?? [];
    } catch {
      return []; // closed meanwhile
    }
  });
}

// python3 is ipykernel 6.17 on the Debian pass of scripts/test.sh and ipykernel 7.4 on the current-stack pass.
describe('ZeroMQ over ipc sockets (python3)', () => {
  const tracker = new KernelTracker();
  let doc: TestDocument;
  before(() => {
    doc = new TestDocument(tracker, 'python3', {}, { transport: 'ipc' });
  });
  after(async () => {
    await doc.close();
    tracker.assertNothingLeft();
  });

  test('the kernel talks over Unix sockets in its private connection directory, not over TCP', async () => {
    const run = await doc.runOne('print("over ipc")');
    assert.equal(run.state, 'done');
    assert.equal(shownStream(run, 'stdout'), 'over ipc\n');
    const kernel = doc.session.kernelIfStarted;
    assert.ok(kernel instanceof LocalKernel && kernel.pid !== undefined);
    const info = JSON.parse(readFileSync(kernel.connectionFilePath, 'utf8')) as { transport: string; ip: string };
    assert.equal(info.transport, 'ipc');
    const dir = path.dirname(kernel.connectionFilePath);
    assert.equal(path.dirname(info.ip), dir);
    assert.equal(statSync(dir).mode & 0o777, 0o700, 'only its owner can enter the directory of the sockets');
    const sockets = readdirSync(dir).filter((name) => statSync(path.join(dir, name)).isSocket());
    assert.equal(sockets.length, 5, `shell, iopub, stdin, control, hb: ${sockets.join(', ')}`);
    const held = socketInodesOf(kernel.pid);
    const established = tcpInodes('01');
    assert.deepEqual(held.filter((inode) => established.has(inode)), [], 'no TCP connection: every channel is a Unix socket');
    // ipykernel binds one loopback stream socket for debugpy whatever the transport; a sandbox's own network
    // namespace is what keeps it from other processes.
    const listening = tcpInodes('0A');
    assert.ok(held.filter((inode) => listening.has(inode)).length <= 1, 'at most the debugger socket listens on TCP');
  });

  test('interrupt and restart work as over tcp', { timeout: 30_000 }, async () => {
    const [sleeping] = doc.runner.enqueue([{ code: 'import time\nprint("sleeping", flush=True)\ntime.sleep(60)' }]);
    await until(() => shownStream(sleeping!, 'stdout').includes('sleeping'), 'the cell to start sleeping');
    await doc.interrupt();
    await sleeping!.finished;
    assert.notEqual(sleeping!.state, 'done');
    const before = doc.session.kernelIfStarted;
    await doc.runner.restart();
    const after = await doc.runOne('print(1 + 1)');
    assert.equal(shownStream(after, 'stdout'), '2\n');
    assert.notEqual(doc.session.kernelIfStarted, before, 'a new kernel, on new sockets');
  });
});

test('xeus-python is started over tcp when ipc is asked for (xeus 2 aborts on socket paths of a private directory)', { skip: !KERNELS.includes('xpython') && 'not on this pass' }, async () => {
  const tracker = new KernelTracker();
  const doc = new TestDocument(tracker, 'xpython', {}, { transport: 'ipc' });
  try {
    const run = await doc.runOne('print("over tcp")');
    assert.equal(shownStream(run, 'stdout'), 'over tcp\n');
    const kernel = doc.session.kernelIfStarted;
    assert.ok(kernel instanceof LocalKernel);
    assert.equal((JSON.parse(readFileSync(kernel.connectionFilePath, 'utf8')) as { transport: string }).transport, 'tcp');
  } finally {
    await doc.close();
    tracker.assertNothingLeft();
  }
});
