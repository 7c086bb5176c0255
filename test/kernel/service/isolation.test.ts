import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, rmSync, symlinkSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { LocalKernel } from '../../../src/core/kernel/localKernel';
import { PYTHON_WARM_UP_STEPS } from '../../../src/core/kernel/silentWarmUp';
import type { RunResponse } from '../../../src/runner/runResponse';
import { until } from '../helpers/cellWaits';
import { processesInGroup } from '../helpers/kernels';
import { KERNEL_KEY_CELL, keyOf, TestService } from '../helpers/service';

/** Files in and out of a run, and what makes the service stateless: a fresh kernel in a fresh directory each time. */
let service: TestService;

/** A folder outside every run, where nothing may ever be written (made before the service takes over TMPDIR). */
let outside: string;

before(async () => {
  outside = mkdtempSync(path.join(os.tmpdir(), 'cellbridge-outside-'));
  // The real warm-up: what it does to a pooled kernel must not show.
  service = await TestService.start({ poolSize: 1, warmUpSteps: PYTHON_WARM_UP_STEPS });
});

after(async () => {
  rmSync(outside, { recursive: true, force: true });
  assert.deepEqual(await service.close(), []);
});

async function untilPoolReady(): Promise<void> {
  let ready = 0;
  await until(() => ready >= 1, 'a kernel ready in the pool', async () => {
    ready = (await service.request<{ pool: { ready: number } }>('/health')).body.pool.ready;
  });
}

const b64 = (data: string | Buffer): string => Buffer.from(data).toString('base64');
const ALL_BYTES = Buffer.from(Array.from({ length: 256 }, (_, i) => i));

describe('files and fetch_files', () => {
  test('files are in the kernel\'s working directory before the first cell', async () => {
    const response = await service.runOk({
      cells: ['print(open("data/in.txt").read(), end="")\nprint(list(open("raw.bin", "rb").read()) == list(range(256)))'],
      files: { 'data/in.txt': b64('hello from the client\n'), './raw.bin': b64(ALL_BYTES) },
    });
    assert.equal(response.status, 'Success', JSON.stringify(response.cells[0]?.error));
    assert.equal(response.cells[0]?.stdout, 'hello from the client\nTrue\n');
  });

  test('fetch_files reads back what the cells wrote, base64; missing files, links and FIFOs are absent, each with its reason', async () => {
    const response = await service.runOk({
      cells: [
        'open("out.bin", "wb").write(bytes(range(256)))\nimport os\nos.makedirs("sub", exist_ok=True)\nopen("sub/n.txt", "w").write("42")',
        'os.symlink("/etc/passwd", "passwd")\nos.symlink("out.bin", "inside-link")\nos.mkfifo("pipe")',
      ],
      fetch_files: ['out.bin', 'sub/n.txt', 'missing.txt', 'passwd', 'inside-link', 'pipe'],
    });
    assert.deepEqual(response.cells.map((c) => c.status), ['ok', 'ok'], JSON.stringify(response.cells.map((c) => c.error)));
    assert.deepEqual(Object.keys(response.files).sort(), ['out.bin', 'sub/n.txt']);
    assert.deepEqual(Buffer.from(response.files['out.bin']!, 'base64'), ALL_BYTES);
    assert.equal(Buffer.from(response.files['sub/n.txt']!, 'base64').toString(), '42');
    // Links are never followed, not even to a file inside the run: a link can be swapped while it is read.
    assert.deepEqual(response.file_errors, {
      'missing.txt': 'it does not exist',
      passwd: 'it is a symbolic link, and files are never read through links',
      'inside-link': 'it is a symbolic link, and files are never read through links',
      pipe: 'it is a FIFO, not a regular file',
    });
  });

  test('a fetch through a folder the cells replaced with a symlink is refused, naming that folder', async () => {
    const response = await service.runOk({
      cells: ['import os\nos.symlink("/etc", "etc")\nos.makedirs("real")\nopen("real/f.txt", "w").write("inside")\nos.symlink("real", "alias")'],
      fetch_files: ['etc/passwd', 'alias/f.txt', 'real/f.txt'],
    });
    assert.equal(response.status, 'Success', JSON.stringify(response.cells[0]?.error));
    assert.deepEqual(Object.keys(response.files), ['real/f.txt']);
    assert.deepEqual(response.file_errors, {
      'etc/passwd': "its folder 'etc' is a symbolic link, and files are never read through links",
      'alias/f.txt': "its folder 'alias' is a symbolic link, and files are never read through links",
    });
  });

  test('a hard link is never fetched; in the sandbox, one to a file outside the run cannot even be made', async () => {
    const response = await service.runOk({
      cells: [
        // The run directory is a mount of its own in the sandbox, and link() never crosses mounts.
        'import errno, os\ntry:\n    os.link("/etc/passwd", "passwd")\n    print("linked")\nexcept OSError as e:\n    print(errno.errorcode[e.errno])',
        'open("a.txt", "w").write("a")\nos.link("a.txt", "b.txt")',
      ],
      fetch_files: ['passwd', 'a.txt', 'b.txt'],
    });
    assert.deepEqual(response.cells.map((c) => c.status), ['ok', 'ok'], JSON.stringify(response.cells.map((c) => c.error)));
    assert.match(response.cells[0]!.stdout, /^E[A-Z]+\n$/, 'the link failed with an errno (EXDEV)');
    assert.deepEqual(response.files, {});
    assert.equal(response.file_errors?.passwd, 'it does not exist');
    for (const name of ['a.txt', 'b.txt']) assert.match(response.file_errors?.[name] ?? '', /^it has 2 hard links/, name);
  });

  test("an upload is never written through a symlink planted in a pooled kernel's run directory", async () => {
    await untilPoolReady();
    // The test plants it from outside, as another kernel could without a sandbox: the pooled kernel's run
    // directory is the only one there while nothing runs.
    const runDirs = readdirSync(service.tmp).filter((name) => name.startsWith('cellbridge-run-'));
    assert.ok(runDirs.length > 0, 'a pooled kernel waits in its run directory');
    for (const dir of runDirs) {
      try {
        symlinkSync(outside, path.join(service.tmp, dir, 'data'));
      } catch {
        // The previous run's directory, removed meanwhile.
      }
    }
    const response = await service.runOk({ cells: ['print("never runs")'], files: { 'data/in.txt': b64('planted?') } });
    assert.equal(response.status, 'SandboxError');
    assert.equal(response.message, 'files["data/in.txt"] could not be written: its folder \'data\' is a symbolic link, and files are never written through links.');
    assert.deepEqual(response.cells, []);
    assert.deepEqual(readdirSync(outside), [], 'nothing was written outside the run');
  });

  test('a file given by the client can be changed by the cells and fetched back', async () => {
    const response = await service.runOk({
      cells: ['with open("notes.txt", "a") as f:\n    f.write("two\\n")'],
      files: { 'notes.txt': b64('one\n') },
      fetch_files: ['notes.txt'],
    });
    assert.equal(Buffer.from(response.files['notes.txt'] ?? '', 'base64').toString(), 'one\ntwo\n');
  });
});

describe('statelessness', () => {
  const probe = [
    'import os, sys\nprint(get_ipython().kernel.session.key.decode(), os.getcwd(), sorted(os.listdir(".")), globals().get("secret", "undefined"))',
    'secret = 42\nprint([n for n in globals() if n.startswith("_cellbridge")], hasattr(sys, "last_value"))',
    'import matplotlib.pyplot as plt\nplt.get_fignums()',
  ];
  interface Probe {
    /** The kernel's signing key: which kernel ran the request (see KERNEL_KEY_CELL). */
    key: string;
    cwd: string;
    listing: string;
    secret: string;
    response: RunResponse;
  }
  const probes: Probe[] = [];

  before(async () => {
    for (let i = 0; i < 3; i++) {
      const response = await service.runOk({ cells: probe });
      assert.equal(response.status, 'Success', JSON.stringify(response.cells.map((c) => c.error)));
      const [key, cwd, listing, secret] = response.cells[0]!.stdout.trim().split(' ');
      probes.push({ key: key!, cwd: cwd!, listing: listing!, secret: secret!, response });
    }
  });

  test('a variable set by one request is not defined in the next', () => {
    assert.deepEqual(probes.map((p) => p.secret), ['undefined', 'undefined', 'undefined']);
  });

  test('every request runs in a kernel nobody used before, one of those the service started', () => {
    const keys = probes.map((p) => p.key);
    assert.equal(new Set(keys).size, keys.length, `kernels reused: ${keys.join(', ')}`);
    const started = service.tracker.started.map(keyOf);
    for (const key of keys) assert.ok(started.includes(key), `${key} is a kernel of the service`);
  });

  test('execution counts start at 1, and the warm-up left nothing a user would see', () => {
    for (const { response } of probes) {
      assert.deepEqual(response.cells.map((c) => c.execution_count), [1, 2, 3]);
      assert.equal(response.cells[1]?.stdout, '[] False\n');
      assert.deepEqual(response.cells[2]?.display, [{ 'text/plain': '[]' }]);
      assert.equal(response.cells.flatMap((c) => c.error).length, 0);
    }
  });

  test('each request has its own fresh, empty working directory, removed after the answer with its kernel', async () => {
    const cwds = probes.map((p) => p.cwd);
    assert.equal(new Set(cwds).size, cwds.length);
    for (const { cwd, listing, key } of probes) {
      assert.ok(cwd.startsWith(service.tmp), `${cwd} is under the service's TMPDIR`);
      assert.equal(listing, '[]');
      const kernel = service.tracker.started.find((k) => keyOf(k) === key);
      const pid = kernel instanceof LocalKernel ? kernel.pid : undefined;
      assert.ok(pid !== undefined, `the kernel of key ${key} is one the service started`);
      await until(() => !existsSync(cwd) && processesInGroup(pid).length === 0, `${cwd} and kernel ${pid} to be gone`);
    }
  });
});

describe('the pool', () => {
  test('a pooled kernel that died while it waited is never handed out', async () => {
    let health = { running: 1, pool: { ready: 0 } };
    await until(() => health.pool.ready === 1 && health.running === 0, 'the pool to refill', async () => {
      health = (await service.request<typeof health>('/health')).body;
    });
    // With no run under way, the only live kernel is the one waiting in the pool.
    const live = service.tracker.started.filter((kernel) => kernel.status !== 'dead');
    assert.equal(live.length, 1);
    const pooled = live[0];
    assert.ok(pooled instanceof LocalKernel && pooled.pid !== undefined);
    process.kill(pooled.pid, 'SIGKILL');
    await until(() => pooled.diedWith !== undefined, 'the pooled kernel to be seen dead');
    const response = await service.runOk({ cells: [KERNEL_KEY_CELL] });
    assert.equal(response.status, 'Success');
    assert.notEqual(response.cells[0]?.stdout, `${keyOf(pooled)}\n`);
  });
});

describe('IPython history', () => {
  test("one request's code cannot be read back from the history by the next; kernels keep history in memory", async () => {
    const first = await service.runOk({ cells: ['API_KEY = "sk-cellbridge-history-probe"'] });
    assert.equal(first.status, 'Success');
    // The pattern is assembled at run time, so the probing cell's own source does not match it.
    const second = await service.runOk({
      cells: [
        'hm = get_ipython().history_manager\n' +
          'pattern = "*" + "sk-cellbridge" + "-history-probe*"\n' +
          'print(str(hm.hist_file), [source for session, _, source in hm.search(pattern) if session != hm.session_number])',
      ],
    });
    assert.equal(second.cells[0]?.stdout, ':memory: []\n', JSON.stringify(second.cells[0]));
  });
});
