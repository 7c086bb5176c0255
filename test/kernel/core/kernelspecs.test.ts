import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { KernelNotFoundError, KernelStartError } from '../../../src/core/common/errors';
import { findKernelspec, findKernelspecs } from '../../../src/core/kernel/kernelspec';
import { KernelTracker } from '../helpers/kernels';

/** A hang guard only: a kernel that cannot start is noticed when its process ends, not at the 60 s start timeout. */
const QUICKLY_MS = 5000;

async function writeSpec(dataDir: string, name: string, spec: object): Promise<string> {
  const dir = path.join(dataDir, 'kernels', name);
  await fs.mkdir(dir, { recursive: true });
  await fs.writeFile(path.join(dir, 'kernel.json'), JSON.stringify(spec));
  return dir;
}

describe('kernelspecs', () => {
  const tracker = new KernelTracker();
  let scratch: string;
  let first: string;
  let second: string;
  let env: NodeJS.ProcessEnv;
  before(async () => {
    scratch = await fs.mkdtemp(path.join(os.tmpdir(), 'cellbridge-kernelspecs-'));
    first = path.join(scratch, 'first');
    second = path.join(scratch, 'second');
    env = { ...process.env, JUPYTER_PATH: [first, second].join(path.delimiter) };
    const python3 = (await findKernelspec('python3')).argv;
    await writeSpec(first, 'python3', { argv: python3, display_name: 'Shadowing Python', language: 'python' });
    await writeSpec(first, 'Extra-Kernel', { argv: python3, display_name: 'Extra', language: 'python', interrupt_mode: 'message', env: { EXTRA: 1 } });
    await writeSpec(second, 'extra-kernel', { argv: python3, display_name: 'Extra, shadowed', language: 'python' });
    await writeSpec(first, 'not-a-spec', {});
    await writeSpec(first, 'missing-exe', { argv: ['/nonexistent/cellbridge-kernel', '-f', '{connection_file}'], display_name: 'Missing', language: 'python' });
    await writeSpec(first, 'exits-at-once', {
      argv: ['/usr/bin/python3', '-c', 'import sys; sys.stderr.write("no kernel here, sorry\\n"); sys.exit(2)', '-f', '{connection_file}'],
      display_name: 'Exits',
      language: 'python',
    });
    await writeSpec(first, 'false', { argv: ['/bin/false', '{connection_file}'], display_name: 'False', language: 'python' });
  });
  after(async () => {
    await fs.rm(scratch, { recursive: true, force: true });
    tracker.assertNothingLeft();
  });

  test('finds the system kernelspecs: python3 (ipykernel) and xpython', async () => {
    const specs = await findKernelspecs();
    const byName = new Map(specs.map((s) => [s.name, s]));
    assert.match(byName.get('python3')?.argv.join(' ') ?? '', /ipykernel_launcher -f \{connection_file\}/);
    assert.equal(byName.get('xpython')?.argv[0], '/usr/bin/xpython');
    assert.equal(byName.get('xpython')?.language, 'python');
    assert.deepEqual(
      specs.map((s) => s.name),
      [...specs.map((s) => s.name)].sort((a, b) => a.localeCompare(b)),
      'sorted by name',
    );
  });

  test('JUPYTER_PATH directories come first, in order; names are lower-cased; invalid specs are skipped', async () => {
    const specs = await findKernelspecs({ env });
    const byName = new Map(specs.map((s) => [s.name, s]));
    assert.equal(byName.get('python3')?.displayName, 'Shadowing Python');
    assert.equal(byName.get('python3')?.resourceDir, path.join(first, 'kernels', 'python3'));
    const extra = byName.get('extra-kernel');
    assert.equal(extra?.displayName, 'Extra', 'the first JUPYTER_PATH entry wins');
    assert.equal(extra?.interruptMode, 'message');
    assert.deepEqual(extra?.env, { EXTRA: '1' });
    assert.equal(byName.get('xpython')?.argv[0], '/usr/bin/xpython', 'the system ones are still there');
    assert.equal(byName.has('not-a-spec'), false);
  });

  test('an unknown name: KernelNotFoundError listing the kernels there are', async () => {
    await assert.rejects(findKernelspec('no-such-kernel', { env }), (error: unknown) => {
      assert.ok(error instanceof KernelNotFoundError);
      assert.ok(error.available.includes('python3') && error.available.includes('xpython') && error.available.includes('extra-kernel'));
      assert.match(error.message, /^No kernel named 'no-such-kernel'\. Available kernels: .*python3.*xpython/);
      return true;
    });
  });

  describe('kernels that cannot start', () => {
    // Connection files go to os.tmpdir(), which follows TMPDIR: a private one shows that a failed start leaves none.
    let tmpdir: string;
    let savedTmpdir: string | undefined;
    before(async () => {
      tmpdir = await fs.mkdtemp(path.join(scratch, 'tmp-'));
      savedTmpdir = process.env.TMPDIR;
      process.env.TMPDIR = tmpdir;
    });
    after(async () => {
      if (savedTmpdir === undefined) delete process.env.TMPDIR;
      else process.env.TMPDIR = savedTmpdir;
    });

    const startFails = async (kernelName: string, message: RegExp): Promise<void> => {
      const started = Date.now();
      await assert.rejects(tracker.launcher({ kernelName, env }), (error: unknown) => {
        assert.ok(error instanceof KernelStartError, String(error));
        assert.match(error.message, message);
        return true;
      });
      assert.ok(Date.now() - started < QUICKLY_MS, `failed after ${Date.now() - started} ms`);
      assert.deepEqual(await fs.readdir(tmpdir), [], 'no connection file is left behind');
    };

    test('argv pointing to a missing executable: KernelStartError naming it', async () => {
      await startFails('missing-exe', /'missing-exe'.*\/nonexistent\/cellbridge-kernel.*(not found|does not exist)/s);
    });

    test('a process that exits at once: KernelStartError with its exit code and the tail of its stderr', async () => {
      await startFails('exits-at-once', /'exits-at-once' exited during start-up \(exit code 2\):\nno kernel here, sorry/);
    });

    test('/bin/false: KernelStartError with exit code 1', async () => {
      await startFails('false', /'false' exited during start-up \(exit code 1\)/);
    });
  });
});
