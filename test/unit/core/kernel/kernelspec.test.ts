import assert from 'node:assert/strict';
import * as path from 'node:path';
import { test } from 'node:test';
import { InvalidInputError } from '../../../../src/core/common/errors';
import { jupyterDataDirs } from '../../../../src/core/kernel/jupyterPaths';
import { parseKernelspec } from '../../../../src/core/kernel/kernelspec';

test('data dirs come in Jupyter order: JUPYTER_PATH, user dir, Python prefix, system dirs', () => {
  const dirs = jupyterDataDirs({ JUPYTER_PATH: ['/a', '/b'].join(path.delimiter), HOME: '/home/u' }, '/opt/py');
  assert.deepEqual(dirs, ['/a', '/b', '/home/u/.local/share/jupyter', '/opt/py/share/jupyter', '/usr/local/share/jupyter', '/usr/share/jupyter']);
});

test('JUPYTER_DATA_DIR replaces the user dir and duplicates are dropped', () => {
  const dirs = jupyterDataDirs({ JUPYTER_DATA_DIR: '/usr/share/jupyter', HOME: '/h' }, undefined);
  assert.deepEqual(dirs, ['/usr/share/jupyter', '/usr/local/share/jupyter']);
});

test('a kernelspec reads argv, env, interrupt mode and defaults', () => {
  const spec = parseKernelspec('py', '/k/py', JSON.stringify({ argv: ['python', '-f', '{connection_file}'], display_name: 'Py', language: 'python', env: { A: 1 }, interrupt_mode: 'message' }));
  assert.deepEqual(spec.argv, ['python', '-f', '{connection_file}']);
  assert.deepEqual(spec.env, { A: '1' });
  assert.equal(spec.interruptMode, 'message');
  assert.equal(parseKernelspec('x', '/k/x', JSON.stringify({ argv: ['x'] })).interruptMode, 'signal');
  assert.equal(parseKernelspec('x', '/k/x', JSON.stringify({ argv: ['x'] })).displayName, 'x');
});

test('a kernelspec without a usable argv is refused', () => {
  assert.throws(() => parseKernelspec('x', '/k', JSON.stringify({ argv: [] })), InvalidInputError);
  assert.throws(() => parseKernelspec('x', '/k', JSON.stringify({ argv: [1] })), InvalidInputError);
  assert.throws(() => parseKernelspec('x', '/k', '[]'), InvalidInputError);
});
