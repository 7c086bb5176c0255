import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { PythonEnvironment } from '../../../src/core/environments/pythonEnvironment';
import { environmentKernelChoice, localKernelChoice, serverKernelChoice, type KernelChoice } from '../../../src/extension/kernelChoice';
import { preferredChoice } from '../../../src/extension/kernelPreference';

const spec = (name: string, language = 'python'): KernelChoice => localKernelChoice({ name, displayName: name, language, resourceDir: `/usr/share/jupyter/kernels/${name}` });
const env = (folder: string, kind: PythonEnvironment['kind'] = 'venv'): KernelChoice =>
  environmentKernelChoice({ kind, prefix: folder, interpreter: `${folder}/bin/python3`, version: '3.11.7', name: folder.split('/').pop()!, hasIpykernel: true });

const python3 = spec('python3');
const xpython = spec('xpython');
const ir = spec('ir', 'r');
const projectVenv = env('/work/project/.venv');
const nestedVenv = env('/work/project/analysis/.venv');
const otherVenv = env('/elsewhere/.venv');
const pyenv = env('/root/.pyenv/versions/3.12.1', 'pyenv');
const server = serverKernelChoice({ id: 's', address: { url: 'http://h:8888' } }, { name: 'python3', displayName: 'Python 3', language: 'python' });
const all = [server, python3, xpython, ir, otherVenv, pyenv, projectVenv, nestedVenv];

test("a Python notebook in a project runs in the project's environment nearest to it, up to the workspace folder", () => {
  assert.equal(preferredChoice({ folder: '/work/project', workspaceFolder: '/work/project', kernelspecName: 'python3', language: 'python' }, all), projectVenv);
  assert.equal(preferredChoice({ folder: '/work/project/analysis/deep', workspaceFolder: '/work/project' }, all), nestedVenv);
  assert.equal(preferredChoice({ folder: '/work/project/notes', workspaceFolder: '/work/project/notes' }, all), python3, 'not above the workspace folder');
  assert.equal(preferredChoice({ folder: '/work/other', workspaceFolder: '/work/other', language: 'python' }, all), python3, 'no environment of its own: python3');
});

test('a pyenv version or a global Python is never taken for a project environment', () => {
  assert.equal(preferredChoice({ folder: '/root/.pyenv/versions', language: 'python' }, [python3, pyenv]), python3);
});

test('the saved kernelspec wins when it is more than a generic Python; an environment it names wins over all but the user', () => {
  assert.equal(preferredChoice({ folder: '/work/project', kernelspecName: 'xpython', language: 'python' }, all), xpython);
  assert.equal(preferredChoice({ folder: '/work/project', kernelspecName: otherVenv.kernelName, language: 'python' }, all), otherVenv);
  assert.equal(preferredChoice({ folder: '/work/project', kernelspecName: 'ir', language: 'r' }, all), ir);
  assert.equal(preferredChoice({ folder: '/work/project', language: 'r' }, all), undefined, 'an R notebook gets no Python');
});

test("the user's pick for the notebook comes first, a server's kernel included; a pick no longer offered is passed over", () => {
  assert.equal(preferredChoice({ folder: '/work/project', rememberedChoiceId: server.id }, all), server);
  assert.equal(preferredChoice({ folder: '/work/project', rememberedChoiceId: 'gone' }, all), projectVenv);
  assert.equal(preferredChoice({ folder: '/work/project', kernelspecName: 'python3' }, [server]), undefined, "a server's kernel is not picked for the user");
});
