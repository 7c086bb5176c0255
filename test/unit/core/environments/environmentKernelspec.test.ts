import assert from 'node:assert/strict';
import { test } from 'node:test';
import { environmentKernelName, environmentKernelspec } from '../../../../src/core/environments/environmentKernelspec';
import { environmentLabel, type PythonEnvironment } from '../../../../src/core/environments/pythonEnvironment';
import { substituteEnv } from '../../../../src/core/kernel/kernelProcess';

const venv: PythonEnvironment = { kind: 'venv', prefix: '/p/.venv', interpreter: '/p/.venv/bin/python3', version: '3.11.7', name: '.venv', hasIpykernel: true };

test('labels read the way users name their environments', () => {
  assert.equal(environmentLabel(venv), '.venv (Python 3.11.7)');
  assert.equal(environmentLabel({ ...venv, kind: 'conda', name: 'myenv', version: '3.12' }), 'conda: myenv (Python 3.12)');
  assert.equal(environmentLabel({ ...venv, kind: 'pyenv', name: '3.10.13', version: '3.10.13' }), 'Python 3.10.13 (pyenv)');
  assert.equal(environmentLabel({ ...venv, kind: 'global', interpreter: '/usr/bin/python3', version: undefined }), 'Python (/usr/bin/python3)');
});

test('kernel names are stable for one prefix and differ between prefixes of the same name', () => {
  assert.equal(environmentKernelName(venv), environmentKernelName({ ...venv }));
  assert.match(environmentKernelName(venv), /^venv-\.venv-[0-9a-f]{8}$/);
  assert.notEqual(environmentKernelName(venv), environmentKernelName({ ...venv, prefix: '/q/.venv' }));
  assert.match(environmentKernelName({ ...venv, name: 'My Env!' }), /^venv-my-env-[0-9a-f]{8}$/);
});

test("an environment's kernel is ipykernel_launcher on its own interpreter, with the environment activated", () => {
  const spec = environmentKernelspec(venv);
  assert.deepEqual(spec.argv, ['/p/.venv/bin/python3', '-m', 'ipykernel_launcher', '-f', '{connection_file}']);
  assert.deepEqual(spec.env, { PATH: '/p/.venv/bin:${PATH}', VIRTUAL_ENV: '/p/.venv' });
  assert.equal(spec.displayName, '.venv (Python 3.11.7)');
  assert.deepEqual(substituteEnv(spec.env, { PATH: '/usr/bin:/bin' }), { PATH: '/p/.venv/bin:/usr/bin:/bin', VIRTUAL_ENV: '/p/.venv' });
});

test('${NAME} in kernelspec env values is substituted as jupyter_client does; unknown names stay as written', () => {
  assert.deepEqual(substituteEnv({ A: '${HOME}/x:${NOPE}', B: '$HOME', C: '${HOME}${HOME}' }, { HOME: '/h' }), { A: '/h/x:${NOPE}', B: '$HOME', C: '/h/h' });
});
