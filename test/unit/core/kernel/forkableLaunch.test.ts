import assert from 'node:assert/strict';
import { test } from 'node:test';
import { forkableLaunch, forkedKernelArgs } from '../../../../src/core/kernel/fork/forkableLaunch';
import type { Kernelspec } from '../../../../src/core/kernel/kernelspec';

const spec = (argv: string[], env: Record<string, string> = {}): Kernelspec => ({ name: 'k', displayName: 'K', language: 'python', argv, env, resourceDir: '/specs/k', interruptMode: 'signal', metadata: {} }) as Kernelspec;
const base = { PATH: '/usr/bin', HOME: '/home/u', JPY_PARENT_PID: '123' };

test('an ipykernel kernelspec run with -m is forkable; its server runs in the environment a spawn would give, less JPY_PARENT_PID', () => {
  const launch = forkableLaunch(spec(['/venv/bin/python', '-m', 'ipykernel_launcher', '-f', '{connection_file}'], { EXTRA: '${HOME}/x' }), base);
  assert.ok(launch);
  assert.equal(launch.python, '/venv/bin/python');
  assert.equal(launch.launcher, 'ipykernel_launcher');
  assert.deepEqual(launch.env, { PYDEVD_DISABLE_FILE_VALIDATION: '1', PATH: '/usr/bin', HOME: '/home/u', EXTRA: '/home/u/x' });
  assert.deepEqual(forkedKernelArgs(launch, '/tmp/c.json', ['--HistoryManager.hist_file=:memory:']), ['-f', '/tmp/c.json', '--HistoryManager.hist_file=:memory:']);
  assert.equal(forkableLaunch(spec(['/venv/bin/python', '-m', 'ipykernel', '-f', '{connection_file}']), base)?.launcher, 'ipykernel');
});

test('what a fork would inherit decides the server: the interpreter and every variable; the parent pid does not', () => {
  const argv = ['/venv/bin/python', '-m', 'ipykernel_launcher', '-f', '{connection_file}'];
  const key = (s: Kernelspec, env: NodeJS.ProcessEnv): string | undefined => forkableLaunch(s, env)?.key;
  assert.equal(key(spec(argv), base), key(spec(argv), { ...base, JPY_PARENT_PID: '999' }));
  assert.notEqual(key(spec(argv), base), key(spec(argv), { ...base, OPENBLAS_NUM_THREADS: '1' }));
  assert.notEqual(key(spec(argv), base), key(spec(argv, { MPLBACKEND: 'agg' }), base), "the kernelspec's own env");
  assert.notEqual(key(spec(argv), base), key(spec(['/other/bin/python', ...argv.slice(1)]), base));
});

test('anything else is spawned: other kernels, interpreter flags, scripts', () => {
  for (const argv of [
    ['xpython', '-f', '{connection_file}'],
    ['/venv/bin/python', '-X', 'frozen_modules=off', '-m', 'ipykernel_launcher', '-f', '{connection_file}'],
    ['/venv/bin/python', '/path/to/launcher.py', '-f', '{connection_file}'],
    ['/venv/bin/python', '-m', 'my_kernel', '-f', '{connection_file}'],
  ]) {
    assert.equal(forkableLaunch(spec(argv), base), undefined, argv.join(' '));
  }
});
