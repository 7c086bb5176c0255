import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { RunResponse } from '../../../src/runner/runResponse';
import { until } from '../helpers/cellWaits';
import { REPO, runCli } from '../helpers/cli';
import { probeCgroups } from '../../../src/core/sandbox/cgroupProbe';
import { KERNEL_PROCESS_LIMIT } from '../../../src/core/sandbox/kernelLimits';
import { KERNELS } from '../helpers/kernels';
import { processesMentioning } from '../helpers/service';

/** Runs the cells with `cellbridge run --sandbox` and returns each cell's stdout; every cell must succeed. */
async function sandboxed(folder: string, cells: string[]): Promise<{ stdout: string[]; response: RunResponse }> {
  const file = path.join(folder, 'cells.py');
  writeFileSync(file, cells.map((cell) => `# %%\n${cell}\n`).join(''));
  const result = await runCli(['run', file, '--sandbox'], { cwd: folder });
  assert.equal(result.code, 0, `${result.stderr}\n${result.stdout}`);
  assert.deepEqual(result.leftovers, []);
  const response = result.response!;
  for (const cell of response.cells) assert.equal(cell.status, 'ok', JSON.stringify(cell));
  return { stdout: response.cells.map((cell) => cell.stdout), response };
}

// python3 is Debian's ipykernel 6.17 on the first pass of scripts/test.sh and ipykernel 7.4 on the second.
describe('cellbridge run --sandbox', () => {
  let folder: string;
  let outside: string;
  let listener: net.Server;
  let port: number;

  before(async () => {
    folder = mkdtempSync(path.join(os.tmpdir(), 'cellbridge-sandbox-run-'));
    // Something of the host's a cell must not reach: a file in another directory, and a listening port.
    outside = mkdtempSync(path.join(os.tmpdir(), 'cellbridge-sandbox-outside-'));
    writeFileSync(path.join(outside, 'secret.txt'), 'another run’s file');
    listener = net.createServer((socket) => socket.end('reached the host\n'));
    await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', resolve));
    port = (listener.address() as net.AddressInfo).port;
  });
  after(async () => {
    await new Promise((resolve) => listener.close(resolve));
    rmSync(folder, { recursive: true, force: true });
    rmSync(outside, { recursive: true, force: true });
  });

  test('no network: the host loopback and its listening ports are out of reach', async () => {
    const probe = `import socket\ntry:\n    print(socket.create_connection(("127.0.0.1", ${port}), timeout=2).recv(100))\nexcept OSError as e:\n    print("refused", e.errno)`;
    const { stdout } = await sandboxed(folder, [probe]);
    assert.match(stdout[0]!, /^refused \d+/);
    // The same cell without the sandbox reaches the port: the test can tell.
    writeFileSync(path.join(folder, 'open.py'), `# %%\n${probe}\n`);
    const open = await runCli(['run', path.join(folder, 'open.py')], { cwd: folder });
    assert.match(open.response?.cells[0]?.stdout ?? '', /reached the host/);
  });

  test('only the run folder is writable; the system, the checkout and other runs are not', async () => {
    const { stdout } = await sandboxed(folder, [
      [
        'import os, sys',
        'open("made-here.txt", "w").write("mine")',
        `for target in ["/etc/cellbridge-evil", ${JSON.stringify(path.join(REPO, 'evil.txt'))}, os.path.join(sys.prefix, "evil.txt")]:`,
        '    try:',
        '        open(target, "w")',
        '        print("wrote", target)',
        '    except OSError as e:',
        '        print("refused", e.errno)',
      ].join('\n'),
    ]);
    assert.deepEqual(stdout[0]!.trim().split('\n'), ['refused 30', 'refused 30', 'refused 30'], 'EROFS for each');
    assert.equal(readFileSync(path.join(folder, 'made-here.txt'), 'utf8'), 'mine');
    assert.equal(existsSync(path.join(REPO, 'evil.txt')), false);
  });

  test("another directory's files, the home directories and the host's processes are not there to see", async () => {
    const { stdout } = await sandboxed(folder, [
      [
        'import os',
        `print(os.path.exists(${JSON.stringify(path.join(outside, 'secret.txt'))}))`,
        // Only what the interpreter needs comes back from the hidden homes (a pyenv version, read-only).
        'print([p for p in ["/root/.config", "/root/.bash_history", "/root/.pyenv/shims", "/home"] if os.path.exists(p) and (p != "/home" or os.listdir(p))])',
        'print(sorted(int(p) for p in os.listdir("/proc") if p.isdigit())[:3], os.getuid())',
        `try:\n    os.kill(${process.pid}, 0)\n    print("host process visible")\nexcept ProcessLookupError:\n    print("no such process")`,
      ].join('\n'),
    ]);
    const [exists, homes, pids, kill] = stdout[0]!.trim().split('\n');
    assert.equal(exists, 'False');
    assert.equal(homes, '[]');
    assert.equal(pids, '[1, 2] 65534', 'its own PID namespace, as nobody');
    assert.equal(kill, 'no such process');
  });

  test('the environment is an allow-list: no secret of the caller reaches the kernel', async () => {
    const file = path.join(folder, 'env.py');
    writeFileSync(file, '# %%\nimport os\nprint(sorted(os.environ))\n');
    // What a caller might hold: the CLI (a child of this process) inherits these.
    const secrets = { CELLBRIDGE_TOKEN: 'service-token', CELLBRIDGE_SERVER_TOKEN: 'server-token', AWS_SECRET_ACCESS_KEY: 'aws' };
    Object.assign(process.env, secrets);
    let result;
    try {
      result = await runCli(['run', file, '--sandbox'], { cwd: folder });
    } finally {
      for (const name of Object.keys(secrets)) delete process.env[name];
    }
    const names = result.response?.cells[0]?.stdout ?? '';
    assert.match(names, /'PATH'/);
    for (const secret of ['CELLBRIDGE_TOKEN', 'CELLBRIDGE_SERVER_TOKEN', 'AWS_SECRET_ACCESS_KEY', 'JPY_PARENT_PID']) assert.doesNotMatch(names, new RegExp(`'${secret}'`));
  });

  test('interrupts and cell timeouts work in the sandbox (the SIGINT reaches the kernel, not bwrap, which would die of it)', async () => {
    const file = path.join(folder, 'slow.py');
    writeFileSync(file, '# %%\nimport time\ntime.sleep(60)\n# %%\nprint("after")\n');
    const result = await runCli(['run', file, '--sandbox', '--cell-timeout', '1'], { cwd: folder });
    assert.deepEqual(
      result.response?.cells.map((cell) => cell.status),
      ['timeout', 'ok'],
    );
    assert.equal(result.response?.cells[1]?.stdout, 'after\n');
    assert.ok((result.response?.cells[0]?.execution_time ?? 99) < 10, 'interrupted, not waited out');
    assert.deepEqual(result.leftovers, []);
  });

  test('a fork bomb stops at the per-kernel process limit, and nothing of it is left', async (t) => {
    const { missing } = await probeCgroups();
    if (missing.has('pids')) return t.skip(missing.get('pids'));
    const bomb = [
      'import os, time',
      'children = 0',
      'try:',
      '    for _ in range(5000):',
      '        if os.fork() == 0:',
      '            time.sleep(30)',
      '            os._exit(0)',
      '        children += 1',
      'except OSError as e:',
      '    print("stopped", e.errno, children)',
    ].join('\n');
    const { stdout } = await sandboxed(folder, [bomb, 'print("still here")']);
    const [, errno, children] = /^stopped (\d+) (\d+)/.exec(stdout[0]!) ?? [];
    assert.equal(errno, '11', `EAGAIN: ${stdout[0]}`);
    assert.ok(Number(children) < KERNEL_PROCESS_LIMIT, `${children} children`);
    assert.equal(stdout[1], 'still here\n', 'the kernel itself goes on');
  });

  test('killed, the CLI takes its sandbox with it: nothing of the kernel is left', async () => {
    const tmp = mkdtempSync(path.join(os.tmpdir(), 'cellbridge-sandbox-kill-'));
    const marker = path.join(folder, 'sleeping');
    const file = path.join(folder, 'killed.py');
    writeFileSync(file, `# %%\nopen(${JSON.stringify(marker)}, "w").close()\nimport time\ntime.sleep(120)\n`);
    const child = spawn(process.execPath, [path.join(REPO, 'bin', 'cellbridge.js'), 'run', file, '--sandbox'], { cwd: folder, env: { ...process.env, TMPDIR: tmp }, stdio: 'ignore' });
    try {
      await until(() => existsSync(marker), 'the cell to start sleeping', undefined, 30_000);
      child.kill('SIGKILL');
      await until(() => processesMentioning(tmp).length === 0, 'every process of the run to be gone', undefined, 10_000);
    } finally {
      child.kill('SIGKILL');
      rmSync(tmp, { recursive: true, force: true });
      rmSync(marker, { force: true });
    }
  });

  test('without bubblewrap, --sandbox refuses to start and says how to get it', async () => {
    const file = path.join(folder, 'plain.py');
    writeFileSync(file, '# %%\nprint(1)\n');
    // A PATH without bwrap, as on a host that lacks it (the kernel's interpreter is named by its full path).
    const result = await new Promise<{ code: number | null; stdout: string }>((resolve) => {
      execFile(process.execPath, [path.join(REPO, 'bin', 'cellbridge.js'), 'run', file, '--sandbox'], { cwd: folder, env: { ...process.env, PATH: '/nonexistent' } }, (error, stdout) =>
        resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout }),
      );
    });
    assert.equal(result.code, 2);
    // The contract's answer for a run that could not start, saying why and what fixes it.
    const answer = JSON.parse(result.stdout) as RunResponse;
    assert.equal(answer.status, 'SandboxError');
    assert.match(answer.message, /cannot be sandboxed: bubblewrap \(bwrap\) is not installed\. To fix it, install it: apt-get install bubblewrap/);
  });

  test('xeus-python runs sandboxed too (its ipc sockets under a short path inside), and is just as cut off', { skip: !KERNELS.includes('xpython') && 'not on this pass' }, async () => {
    const file = path.join(folder, 'x.py');
    writeFileSync(file, `# %%\nimport os, socket\nprint(os.getuid(), os.path.exists(${JSON.stringify(outside)}))\ntry:\n    socket.create_connection(("127.0.0.1", ${port}), timeout=2)\nexcept OSError as e:\n    print("refused", e.errno)\n`);
    const result = await runCli(['run', file, '--sandbox', '--kernel', 'xpython'], { cwd: folder });
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.response?.cells[0]?.stdout ?? '', /^65534 False\nrefused \d+/);
    assert.deepEqual(result.leftovers, []);
  });
});
