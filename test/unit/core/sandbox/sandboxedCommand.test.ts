import assert from 'node:assert/strict';
import { test } from 'node:test';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { hideFromKernels } from '../../../../src/core/sandbox/hiddenPaths';
import { sandboxedCommand } from '../../../../src/core/sandbox/sandboxedCommand';

const argvOf = (command: string[]): { bwrap: string[]; kernel: string[] } => {
  const at = command.indexOf('--');
  return { bwrap: command.slice(1, at), kernel: command.slice(at + 1) };
};

/** The values of every occurrence of a flag taking `arity` values. */
function valuesOf(args: readonly string[], flag: string, arity: number): string[][] {
  const found: string[][] = [];
  args.forEach((arg, i) => arg === flag && found.push(args.slice(i + 1, i + 1 + arity)));
  return found;
}

test('the kernel sees an allow-listed environment: locale and PATH, its kernelspec env, a HOME of its own; no secret', () => {
  const command = sandboxedCommand(['/usr/bin/python3', '-m', 'ipykernel_launcher', '-f', '/tmp/c/k.json'], {
    workDir: '/tmp/run',
    connectionDir: '/tmp/c',
    home: '/tmp/cellbridge-kernel-1-home-x',
    specEnv: { MY_SETTING: '1' },
    baseEnv: { PATH: '/usr/bin:/bin', LANG: 'C.UTF-8', CELLBRIDGE_TOKEN: 'secret', AWS_SECRET_ACCESS_KEY: 'k', HOME: '/root' },
  });
  assert.equal(command[0], 'bwrap');
  const { bwrap, kernel } = argvOf(command);
  assert.deepEqual(kernel, ['/usr/bin/python3', '-m', 'ipykernel_launcher', '-f', '/tmp/c/k.json']);
  assert.ok(bwrap.includes('--clearenv'));
  const env = Object.fromEntries(valuesOf(bwrap, '--setenv', 2));
  assert.deepEqual(Object.keys(env).sort(), ['HOME', 'IPYTHONDIR', 'LANG', 'MPLCONFIGDIR', 'MY_SETTING', 'PATH', 'PYDEVD_DISABLE_FILE_VALIDATION', 'TMPDIR']);
  assert.equal(env.HOME, '/tmp/cellbridge-kernel-1-home-x');
  assert.equal(env.IPYTHONDIR, '/tmp/cellbridge-kernel-1-home-x/.ipython');
  assert.equal(env.MPLCONFIGDIR, '/tmp/cellbridge-kernel-1-home-x/.matplotlib');
  assert.equal(env.TMPDIR, '/tmp');
  // The host folder of that name is another (its fork server's); the kernel gets an empty one of its own.
  const index = (flag: string, value: string): number => bwrap.findIndex((arg, i) => arg === flag && bwrap[i + 1] === value);
  assert.ok(index('--tmpfs', '/tmp') < index('--tmpfs', env.HOME), 'its HOME is a tmpfs, mounted after the /tmp it lies in');
});

test('binds come after the tmpfs they sit in; the run folder is the working directory and the only writable bind', () => {
  const { bwrap } = argvOf(sandboxedCommand(['/usr/bin/python3'], { workDir: '/tmp/run', connectionDir: '/tmp/c', specEnv: {}, baseEnv: {} }));
  const index = (flag: string, value: string): number => bwrap.findIndex((arg, i) => arg === flag && bwrap[i + 1] === value);
  assert.ok(index('--tmpfs', '/tmp') < index('--bind', '/tmp/run'));
  assert.ok(index('--tmpfs', '/tmp') < index('--bind', '/tmp/c'));
  assert.deepEqual(valuesOf(bwrap, '--bind', 2), [
    ['/tmp/c', '/run/k'],
    ['/tmp/run', '/tmp/run'],
  ]);
  assert.deepEqual(valuesOf(bwrap, '--chdir', 1), [['/tmp/run']]);
  for (const flag of ['--unshare-all', '--unshare-user', '--die-with-parent', '--disable-userns']) assert.ok(bwrap.includes(flag), flag);
  assert.deepEqual(valuesOf(bwrap, '--ro-bind', 2)[0], ['/', '/']);
});

test("an interpreter in a hidden home comes back read-only; a bare command is found on the host's PATH", () => {
  const { bwrap, kernel } = argvOf(sandboxedCommand(['sh', '-c', 'true'], { workDir: '/tmp/run', connectionDir: '/tmp/c', specEnv: {}, baseEnv: { PATH: '/usr/bin:/bin' } }));
  assert.ok(kernel[0] === '/usr/bin/sh' || kernel[0] === '/bin/sh', kernel[0]);
  const venv = argvOf(sandboxedCommand(['/home/ann/project/.venv/bin/python'], { workDir: '/tmp/run', connectionDir: '/tmp/c', specEnv: {}, baseEnv: {} }));
  assert.deepEqual(valuesOf(venv.bwrap, '--ro-bind', 2).slice(1), [['/home/ann/project/.venv', '/home/ann/project/.venv']]);
  assert.deepEqual(valuesOf(bwrap, '--ro-bind', 2).slice(1), [], 'nothing comes back for a system interpreter');
});

test("CellBridge's temp folders elsewhere than /tmp are covered (other kernels' keys, other runs' files), and so is a hidden file", () => {
  const tokenDir = mkdtempSync(path.join(os.tmpdir(), 'cellbridge-hidden-test-'));
  const tokenFile = path.join(tokenDir, 'token');
  writeFileSync(tokenFile, 'secret\n');
  try {
    hideFromKernels(tokenFile);
    const workDir = '/var/tmp/cellbridge-run-1-abc';
    const { bwrap } = argvOf(sandboxedCommand(['/usr/bin/python3'], { workDir, connectionDir: '/var/tmp/cellbridge-kernel-1-x', specEnv: {}, baseEnv: {} }));
    const index = (flag: string, value: string): number => bwrap.findIndex((arg, i) => arg === flag && bwrap[i + 1] === value);
    assert.ok(index('--tmpfs', '/var/tmp') >= 0, 'the temp folder holding them is an empty tmpfs inside');
    assert.ok(index('--tmpfs', '/var/tmp') < index('--bind', workDir), 'before the run folder is bound back');
    assert.ok(valuesOf(bwrap, '--ro-bind', 2).some(([from, to]) => from === '/dev/null' && to === tokenFile), 'the file is covered by /dev/null');
    // A folder of the user's own (`run --sandbox` on a notebook's folder) keeps its parent: its neighbours are the user's to share.
    const own = argvOf(sandboxedCommand(['/usr/bin/python3'], { workDir: '/srv/project', connectionDir: '/tmp/cellbridge-kernel-1-x', specEnv: {}, baseEnv: {} }));
    assert.equal(valuesOf(own.bwrap, '--tmpfs', 1).flat().includes('/srv'), false);
  } finally {
    rmSync(tokenDir, { recursive: true, force: true });
  }
});

test('shared read-only files are bound after the private /tmp they land in', () => {
  const readOnlyFiles = [{ source: '/var/tmp/cellbridge-fonts-1-x/fontlist-v330.json', target: '/tmp/.matplotlib/fontlist-v330.json' }];
  const { bwrap } = argvOf(sandboxedCommand(['/usr/bin/python3'], { workDir: '/tmp/run', connectionDir: '/tmp/c', specEnv: {}, baseEnv: {}, readOnlyFiles }));
  const at = bwrap.findIndex((arg, i) => arg === '--ro-bind' && bwrap[i + 2] === readOnlyFiles[0]!.target);
  assert.equal(bwrap[at + 1], readOnlyFiles[0]!.source);
  assert.ok(bwrap.findIndex((arg, i) => arg === '--tmpfs' && bwrap[i + 1] === '/tmp') < at);
});

test("a kernel capped at N CPUs gets N threads in its math libraries (their spinning would eat its quota); its kernelspec's env has the last word", () => {
  const envOf = (cpus: number, specEnv: Record<string, string> = {}): Record<string, string> =>
    Object.fromEntries(valuesOf(argvOf(sandboxedCommand(['/usr/bin/python3'], { workDir: '/tmp/run', connectionDir: '/tmp/c', specEnv, baseEnv: {}, home: '/tmp/h', cpus })).bwrap, '--setenv', 2));
  for (const name of ['OMP_NUM_THREADS', 'OPENBLAS_NUM_THREADS', 'MKL_NUM_THREADS']) {
    assert.equal(envOf(1)[name], '1', name);
    assert.equal(envOf(1.5)[name], '2', `${name}: a part of a CPU is a thread`);
    assert.equal(envOf(0)[name], undefined, `${name}: no cap, the libraries' own choice`);
  }
  assert.equal(envOf(1, { OMP_NUM_THREADS: '4' }).OMP_NUM_THREADS, '4');
});
