import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { MemoryLimitExceededError } from '../../../src/core/common/errors';
import { ForkServers } from '../../../src/core/kernel/fork/forkServers';
import { findKernelspec, type Kernelspec } from '../../../src/core/kernel/kernelspec';
import { LocalKernel } from '../../../src/core/kernel/localKernel';
import type { KernelHandle } from '../../../src/core/kernel/kernelHandle';
import type { KernelMessage } from '@jupyterlab/services';
import { PYTHON_WARM_UP_STEPS, pythonWarmUp } from '../../../src/core/kernel/silentWarmUp';
import { until, valueOf } from '../helpers/cellWaits';
import { KernelTracker, logger, TestDocument, transcriptOf } from '../helpers/kernels';
import { assertKernelDiesWithItsOwner } from '../helpers/kernelOwner';

// Kernels forked from a warm fork server, on the Python kernel of the stack under test (Debian's ipykernel
// 6.17, or 7.4 on the current-stack pass): each hazard of forking a warm interpreter, and each way back to
// spawning. xeus-python is not an IPython kernel and is always spawned.

const KERNEL = 'python3';

/** The parent pid of a process, from /proc. */
function parentOf(pid: number): number {
  const stat = execFileSync('cat', [`/proc/${pid}/stat`], { encoding: 'utf8' });
  return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
}

/** What a cell printed, run straight on the kernel's connection. */
async function stdoutOf(kernel: KernelHandle, code: string): Promise<string> {
  let text = '';
  const future = kernel.connection.requestExecute({ code });
  future.onIOPub = (message) => {
    if (message.header.msg_type === 'stream') text += (message.content as { text: string }).text;
  };
  await future.done;
  return text;
}

async function readyServers(spec: Kernelspec, env: NodeJS.ProcessEnv = process.env): Promise<ForkServers> {
  const servers = new ForkServers({ logger, startOnDemand: false });
  const state = await servers.prepare(spec, env);
  assert.equal(state?.kind, 'ready', `the fork server is ready: ${JSON.stringify(state)}`);
  return servers;
}

describe(`kernels forked from a fork server (${KERNEL})`, () => {
  let spec: Kernelspec;
  let servers: ForkServers;
  const tracker = () => new KernelTracker(servers);
  before(async () => {
    spec = await findKernelspec(KERNEL);
    servers = await readyServers(spec);
  });
  after(() => servers.dispose());

  test('a forked kernel is a fresh kernel: counts from 1, shares nothing with its sibling, its own random state, fonts reloaded, PNG figures inline', { timeout: 60_000 }, async () => {
    const kernels = tracker();
    const first = new TestDocument(kernels, KERNEL);
    const second = new TestDocument(kernels, KERNEL);
    try {
      const [setRun] = await first.run('secret = 42\nimport numpy, os\nprint(numpy.random.rand(), os.getppid(), os.getpgid(0) == os.getpid())');
      const [otherRun] = await second.run('import numpy, os\nprint(numpy.random.rand(), os.getppid())');
      for (const kernel of [first.session.kernelIfStarted, second.session.kernelIfStarted]) {
        assert.ok(kernel instanceof LocalKernel && kernel.forked, 'forked, not spawned');
        assert.equal(parentOf(kernel.pid!), servers.states()[0]?.pid, "the kernel's parent is the fork server");
      }
      assert.equal(setRun?.executionCount, 1, 'the first cell of each is [1]');
      assert.equal(otherRun?.executionCount, 1);
      const [firstRandom, , ownGroup] = transcriptOf(setRun!).stdout.trim().split(' ');
      const [secondRandom] = transcriptOf(otherRun!).stdout.trim().split(' ');
      assert.equal(ownGroup, 'True', 'it leads its own process group');
      assert.notEqual(firstRandom, secondRandom, "numpy's global random state was reseeded in each");
      assert.equal(await valueOf(second, 'secret'), `'<gone>'`, "a sibling's variables are not there");
      const fonts = await second.runOne('import matplotlib.font_manager as fm\nprint(fm._get_font.cache_info().currsize)');
      assert.equal(transcriptOf(fonts).stdout.trim(), '0', "no font the server opened is shared (each open font's file offset would be)");
      const figure = await first.runOne('import matplotlib.pyplot as plt\nplt.plot([1, 2, 3])');
      assert.equal(figure.state, 'done');
      assert.ok(figure.outputs.outputs.some((output) => 'data' in output && 'image/png' in output.data), `the figure is shown inline as a PNG: ${JSON.stringify(figure.outputs.outputs.map((o) => o.output_type))}`);
      const backend = await first.runOne('import matplotlib\nprint(matplotlib.get_backend())');
      assert.match(transcriptOf(backend).stdout, /inline/);
    } finally {
      await first.close();
      await second.close();
    }
    kernels.assertNothingLeft();
  });

  test('SIGINT interrupts a forked kernel, which lives on; its stderr reaches us; shutdown leaves nothing', { timeout: 60_000 }, async () => {
    const kernels = tracker();
    const doc = new TestDocument(kernels, KERNEL);
    try {
      await doc.run('import sys; print("warm", file=sys.stderr)');
      const [sleeping] = doc.runner.enqueue([{ code: 'import time\nprint("sleeping", flush=True)\ntime.sleep(60)' }]);
      await until(() => transcriptOf(sleeping!).stdout.includes('sleeping'), 'the cell to start sleeping');
      await doc.interrupt();
      await sleeping!.finished;
      assert.equal(transcriptOf(sleeping!).error[0]?.ename, 'KeyboardInterrupt');
      assert.equal(await valueOf(doc, '__name__'), `'__main__'`, 'the kernel lives on');
      const kernel = doc.session.kernelIfStarted as LocalKernel;
      assert.ok(kernel.forked);
    } finally {
      await doc.close();
    }
    kernels.assertNothingLeft();
  });

  test("the pool's default warm-up is skipped in a forked kernel (its server ran it) and runs in a spawned one; a service's own runs in both; sys.path is a spawned kernel's", { timeout: 90_000 }, async () => {
    const forkedKernels = tracker();
    const spawnedKernels = new KernelTracker(null);
    const forked = await forkedKernels.launcher({ kernelName: KERNEL, historyInMemory: true });
    const spawned = await spawnedKernels.launcher({ kernelName: KERNEL, historyInMemory: true });
    try {
      assert.ok(forked.forked && !spawned.forked);
      /** How many cells the warm-up ran (a silent cell shows nothing but the kernel's busy status for it). */
      const busyDuring = async (kernel: KernelHandle, steps: readonly string[]): Promise<number> => {
        let cells = 0;
        const count = (_: unknown, message: KernelMessage.IIOPubMessage): void => {
          const parent = message.parent_header as Partial<KernelMessage.IHeader>;
          if (message.header.msg_type === 'status' && (message.content as { execution_state?: string }).execution_state === 'busy' && parent.msg_type === 'execute_request') cells++;
        };
        kernel.connection.iopubMessage.connect(count);
        await pythonWarmUp(steps)(kernel);
        // The last idle status may trail the last reply.
        await stdoutOf(kernel, 'pass');
        kernel.connection.iopubMessage.disconnect(count);
        return cells - 1;
      };
      assert.equal(await busyDuring(forked, PYTHON_WARM_UP_STEPS), 0, 'nothing is run in a forked kernel');
      assert.equal(await busyDuring(spawned, PYTHON_WARM_UP_STEPS), PYTHON_WARM_UP_STEPS.length, 'each step in a spawned one');
      assert.equal(await busyDuring(forked, ['import json']), 1, "a service's own warm-up runs in a forked kernel too");
      const sysPath = 'import sys, json, os\nprint(json.dumps([entry.replace(os.getcwd(), "CWD") for entry in sys.path]))';
      assert.deepEqual(JSON.parse(await stdoutOf(forked, sysPath)), JSON.parse(await stdoutOf(spawned, sysPath)), 'sys.path as the launcher leaves it');
    } finally {
      await forked.shutdown();
      await spawned.shutdown();
    }
    forkedKernels.assertNothingLeft();
    spawnedKernels.assertNothingLeft();
  });

  test("no kernel CellBridge starts sleeps before its replies, forked or spawned, and a cell's last output still comes before the cell ends", { timeout: 90_000 }, async () => {
    const forkedKernels = tracker();
    const spawnedKernels = new KernelTracker(null);
    const kernels = [
      await forkedKernels.launcher({ kernelName: KERNEL }),
      await forkedKernels.launcher({ kernelName: KERNEL, historyInMemory: true }),
      await spawnedKernels.launcher({ kernelName: KERNEL }),
      await spawnedKernels.launcher({ kernelName: KERNEL, historyInMemory: true }),
    ];
    try {
      assert.deepEqual(kernels.map((kernel) => kernel.forked), [true, true, false, false]);
      for (const kernel of kernels) {
        assert.equal(await stdoutOf(kernel, 'print(get_ipython().kernel._execute_sleep)'), '0.0\n', `forked: ${kernel.forked}`);
        // What the sleep was for: output flushed just before the reply. The engine waits for idle, which follows it.
        for (let i = 0; i < 20; i++) {
          const text = await stdoutOf(kernel, `import sys; sys.stdout.write("a" * 5000); print(${i})`);
          assert.ok(text === `${'a'.repeat(5000)}${i}\n`, `cell ${i}: ${text.length} characters, ending ${JSON.stringify(text.slice(-8))}`);
        }
      }
    } finally {
      for (const kernel of kernels) await kernel.shutdown();
    }
    forkedKernels.assertNothingLeft();
    spawnedKernels.assertNothingLeft();
  });

  test('a memory limit counts only what the forked kernel itself uses, not the pages it shares with the server', { timeout: 60_000 }, async () => {
    const kernels = tracker();
    const doc = new TestDocument(kernels, KERNEL);
    try {
      await doc.run('import numpy, pandas, matplotlib.pyplot');
      const kernel = doc.session.kernelIfStarted as LocalKernel;
      assert.ok(kernel.forked);
      const resident = Number(execFileSync('sh', ['-c', `grep VmRSS /proc/${kernel.pid}/status | tr -dc 0-9`], { encoding: 'utf8' })) * 1024;
      // A limit below the kernel's resident size but above its own share: a spawned kernel would be over it already.
      const limit = Math.max(resident - 30 * 2 ** 20, 60 * 2 ** 20);
      assert.ok(kernel.limitMemory(limit));
      const [small] = await doc.run('small = bytearray(5 * 2**20); len(small)');
      assert.equal(small?.state, 'done', `5 MB more is allowed under a limit of ${Math.round(limit / 2 ** 20)} MB (resident ${Math.round(resident / 2 ** 20)} MB)`);
      const [big] = await doc.run('import time\nbig = bytearray(2 * 2**30)\ntime.sleep(5)');
      assert.equal(big?.state, 'failed');
      assert.ok(big?.cause instanceof MemoryLimitExceededError, `stopped for its memory: ${String(big?.cause)}`);
    } finally {
      await doc.close();
    }
  });

  test('a server killed mid-run: its kernels run on and their end is still seen; kernels are spawned meanwhile; it comes back', { timeout: 90_000 }, async () => {
    const local = new ForkServers({ logger, startOnDemand: false });
    try {
      assert.equal((await local.prepare(spec))?.kind, 'ready');
      const kernels = new KernelTracker(local);
      const doc = new TestDocument(kernels, KERNEL);
      await doc.run('x = 1');
      const kernel = doc.session.kernelIfStarted as LocalKernel;
      assert.ok(kernel.forked);
      const serverPid = local.states()[0]!.pid!;
      process.kill(serverPid, 'SIGKILL');
      await until(() => local.states()[0]?.state.kind === 'down' || local.states()[0]?.pid !== serverPid, 'the server to be seen down');
      assert.equal(await valueOf(doc, 'x'), '1', 'the kernel did not die with its server');
      const spawnedMeanwhile = new TestDocument(kernels, KERNEL);
      await spawnedMeanwhile.run('y = 2');
      assert.equal((spawnedMeanwhile.session.kernelIfStarted as LocalKernel).forked, false, 'spawned while the server is down');
      await spawnedMeanwhile.close();
      // The orphaned kernel's death is seen by watching its pid.
      const [dying] = await doc.run('import os\nos._exit(7)');
      assert.equal(dying?.failureReason, 'kernelDied');
      await until(() => local.states()[0]?.state.kind === 'ready', 'the server to be restarted', undefined, 30_000);
      const again = new TestDocument(kernels, KERNEL);
      await again.run('z = 3');
      assert.ok((again.session.kernelIfStarted as LocalKernel).forked, 'forked again from the new server');
      await again.close();
      await doc.close();
      kernels.assertNothingLeft();
    } finally {
      local.dispose();
    }
  });

  test('kernels die with the process that asked for them (the lifeline), though the server is not their parent', { timeout: 60_000 }, async () => {
    await assertKernelDiesWithItsOwner(spec.name);
  });

  test('only the kernel the server was started as is forked: another environment is spawned; a server that cannot fork safely refuses', { timeout: 90_000 }, async () => {
    const otherEnv = { ...process.env, CELLBRIDGE_OTHER: '1' };
    const kernels = tracker();
    const doc = new TestDocument(kernels, KERNEL, {}, { env: otherEnv });
    await doc.run('import os\nprint(os.environ.get("CELLBRIDGE_OTHER"))');
    assert.equal((doc.session.kernelIfStarted as LocalKernel).forked, false, 'a kernel of another environment is spawned');
    await doc.close();

    // A library that starts a thread when imported leaves the server unable to fork safely.
    const folder = mkdtempSync(path.join(os.tmpdir(), 'cellbridge-fork-unsafe-'));
    try {
      writeFileSync(path.join(folder, 'threaded_library.py'), 'import threading, time\nthreading.Thread(target=time.sleep, args=(600,), daemon=True).start()\n');
      const env = { ...process.env, PYTHONPATH: folder };
      const unsafe = new ForkServers({ logger, startOnDemand: false, config: { preload: ['threaded_library'], learn: false } });
      try {
        const state = await unsafe.prepare(spec, env);
        assert.equal(state?.kind, 'unsafe');
        assert.match(state?.kind === 'unsafe' ? state.reason : '', /2 threads/);
        const refusing = new KernelTracker(unsafe);
        const spawned = new TestDocument(refusing, KERNEL, {}, { env });
        await spawned.run('x = 1');
        assert.equal((spawned.session.kernelIfStarted as LocalKernel).forked, false);
        await spawned.close();
        refusing.assertNothingLeft();
      } finally {
        unsafe.dispose();
      }
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });
});

/** A separate Node process that starts a forked kernel, says its pid, and waits to be killed. */


