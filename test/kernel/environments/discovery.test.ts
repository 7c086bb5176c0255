import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { environmentKernelName, environmentKernelspec } from '../../../src/core/environments/environmentKernelspec';
import { kernelspecsCarriedBy } from '../../../src/core/environments/kernelspecsInEnvironment';
import { findKernelspecs } from '../../../src/core/kernel/kernelspec';
import { findEnvironments } from '../../../src/core/environments/findEnvironments';
import { inspectEnvironment } from '../../../src/core/environments/inspectEnvironment';
import { environmentLabel } from '../../../src/core/environments/pythonEnvironment';
import { CURRENT_STACK_VENV, useCurrentStackKernel } from '../helpers/currentStack';

/** What the interpreter itself says, to check what discovery read from files without starting it. */
function askPython(interpreter: string): { prefix: string; version: string; ipykernel: boolean } {
  const out = execFileSync(interpreter, ['-c', 'import sys, importlib.util as u; print(sys.prefix); print("%d.%d.%d" % sys.version_info[:3]); print(u.find_spec("ipykernel") is not None)'], {
    encoding: 'utf8',
  }).split('\n');
  return { prefix: realpathSync(out[0]!), version: out[1]!, ipykernel: out[2] === 'True' };
}

describe('finding Python environments from their files', () => {
  let project: string;
  const basePython = execFileSync('python3', ['-c', 'import sys; print(sys.executable)'], { encoding: 'utf8' }).trim();

  before(() => {
    useCurrentStackKernel();
    project = mkdtempSync(path.join(os.tmpdir(), 'cellbridge-envs-'));
    // Real venvs, as users make them; --without-pip keeps this to about a second.
    execFileSync(basePython, ['-m', 'venv', '--without-pip', path.join(project, '.venv')]);
    execFileSync(basePython, ['-m', 'venv', '--without-pip', path.join(project, 'tools-env')]);
    mkdirSync(path.join(project, 'notes'));
  });
  after(() => rmSync(project, { recursive: true, force: true }));

  test("a project's .venv and a folder with a pyvenv.cfg one level down are found, as what Python says they are", async () => {
    const found = await findEnvironments({ projectFolders: [project], env: { PATH: '', HOME: project } });
    assert.deepEqual(
      found.map((e) => [e.kind, e.name]),
      [
        ['venv', '.venv'],
        ['venv', 'tools-env'],
      ],
    );
    const venv = found[0]!;
    const truth = askPython(venv.interpreter);
    assert.equal(venv.prefix, truth.prefix);
    assert.equal(venv.version, truth.version);
    assert.equal(venv.hasIpykernel, truth.ipykernel);
    assert.equal(venv.hasIpykernel, false);
    assert.equal(venv.interpreter, path.join(project, '.venv', 'bin', 'python3'), "the venv's own interpreter, not the base it links to");
    assert.equal(environmentLabel(venv), `.venv (Python ${truth.version})`);
  });

  test('a venv with ipykernel is seen to have it; reached by its folder and by its interpreter it is one environment', async () => {
    const interpreter = path.join(CURRENT_STACK_VENV, 'bin', 'python');
    const found = await findEnvironments({ configured: [CURRENT_STACK_VENV, interpreter], env: { PATH: '', HOME: project } });
    assert.equal(found.length, 1);
    const truth = askPython(interpreter);
    assert.deepEqual([found[0]!.prefix, found[0]!.version, found[0]!.hasIpykernel], [truth.prefix, truth.version, true]);
  });

  test("the system's python3, reached through several PATH entries, appears once, with Debian's ipykernel seen in dist-packages", async () => {
    const found = await findEnvironments({ env: { PATH: ['/usr/bin', '/bin', '/usr/local/bin'].join(':'), HOME: project } });
    const system = found.filter((e) => e.prefix === '/usr');
    assert.equal(system.length, 1, `one /usr environment in ${JSON.stringify(found.map((e) => e.interpreter))}`);
    const truth = askPython('/usr/bin/python3');
    assert.equal(system[0]!.kind, 'global');
    assert.equal(system[0]!.hasIpykernel, truth.ipykernel);
    assert.ok(truth.version.startsWith(system[0]!.version!), `${system[0]!.version} is a prefix of ${truth.version}`);
  });

  // pyenv's root as pyenv itself finds it: PYENV_ROOT first, so that a run with a throwaway HOME still tests it.
  const pyenvRoot = process.env.PYENV_ROOT || path.join(os.homedir(), '.pyenv');
  test("pyenv's versions are found as themselves, its shims on PATH are not followed", { skip: !existsSync(path.join(pyenvRoot, 'versions')) && 'no pyenv here' }, async () => {
    const root = pyenvRoot;
    const found = await findEnvironments({ env: { PATH: path.join(root, 'shims'), HOME: os.homedir(), PYENV_ROOT: root } });
    assert.ok(found.length > 0);
    for (const environment of found) {
      assert.equal(environment.kind, 'pyenv');
      assert.equal(environment.version, path.basename(environment.prefix));
      assert.match(environmentLabel(environment), /^Python \d+\.\d+\.\d+ \(pyenv\)$/);
    }
    const newest = found[0]!;
    assert.equal(askPython(newest.interpreter).version, newest.version);
  });

  test('a conda environment listed in ~/.conda/environments.txt, with its name and the Python version conda recorded', async () => {
    // No conda can be installed on this machine, so this environment is laid out as conda lays one out
    // (conda-meta/, bin/python3, lib/pythonX.Y/site-packages) around the real base interpreter.
    const home = mkdtempSync(path.join(os.tmpdir(), 'cellbridge-conda-home-'));
    try {
      const prefix = path.join(home, 'miniconda3', 'envs', 'myenv');
      mkdirSync(path.join(prefix, 'conda-meta'), { recursive: true });
      mkdirSync(path.join(prefix, 'bin'));
      mkdirSync(path.join(prefix, 'lib', 'python3.12', 'site-packages', 'ipykernel'), { recursive: true });
      writeFileSync(path.join(prefix, 'lib', 'python3.12', 'site-packages', 'ipykernel', '__init__.py'), '');
      writeFileSync(path.join(prefix, 'conda-meta', 'python-3.12.4-h5148396_1.json'), '{}');
      symlinkSync(basePython, path.join(prefix, 'bin', 'python3'));
      mkdirSync(path.join(home, '.conda'));
      writeFileSync(path.join(home, '.conda', 'environments.txt'), `${prefix}\n`);
      const found = await findEnvironments({ env: { PATH: '', HOME: home } });
      assert.equal(found.length, 1);
      const conda = found[0]!;
      assert.deepEqual([conda.kind, conda.name, conda.version, conda.hasIpykernel], ['conda', 'myenv', '3.12.4', true]);
      assert.equal(environmentLabel(conda), 'conda: myenv (Python 3.12.4)');
      const spec = environmentKernelspec(conda);
      assert.equal(spec.env.CONDA_PREFIX, prefix);
      assert.equal(spec.env.PATH, `${path.join(prefix, 'bin')}:\${PATH}`);
    } finally {
      rmSync(home, { recursive: true, force: true });
    }
  });

  test("kernelspecs an environment carries run with its interpreter and activation; its IPython one is the environment's own kernel", async () => {
    const venv = path.join(project, 'tools-env');
    const kernels = path.join(venv, 'share', 'jupyter', 'kernels');
    mkdirSync(path.join(kernels, 'echo'), { recursive: true });
    mkdirSync(path.join(kernels, 'python3'), { recursive: true });
    writeFileSync(path.join(kernels, 'echo', 'kernel.json'), JSON.stringify({ argv: ['python', '-m', 'echo_kernel', '-f', '{connection_file}'], display_name: 'Echo', language: 'text', env: { ECHO: '1' } }));
    writeFileSync(path.join(kernels, 'python3', 'kernel.json'), JSON.stringify({ argv: ['python', '-m', 'ipykernel_launcher', '-f', '{connection_file}'], display_name: 'Python 3', language: 'python' }));
    const environment = (await inspectEnvironment(venv))!;
    const carried = await kernelspecsCarriedBy([environment], []);
    assert.deepEqual(
      carried.map((spec) => [spec.name, spec.displayName, spec.argv[0], spec.env.ECHO, spec.env.VIRTUAL_ENV]),
      [[`${environmentKernelName(environment)}-echo`, `Echo (${environmentLabel(environment)})`, path.join(venv, 'bin', 'python3'), '1', venv]],
    );
  });

  test("the system Python's kernelspecs, on Jupyter's paths already, are not found again as carried by it", async () => {
    const system = (await inspectEnvironment('/usr/bin/python3'))!;
    const found = await findKernelspecs();
    assert.ok(found.some((spec) => spec.resourceDir.startsWith('/usr/share/jupyter/kernels/')), 'this machine has system kernelspecs');
    assert.deepEqual(await kernelspecsCarriedBy([system], found), []);
  });

  test('what is not a Python environment is not one', async () => {
    assert.equal(await inspectEnvironment(path.join(project, 'notes')), undefined);
    assert.equal(await inspectEnvironment(path.join(project, 'missing')), undefined);
    const notExecutable = path.join(project, 'notes', 'python3');
    writeFileSync(notExecutable, '#!/bin/sh\n');
    assert.equal(await inspectEnvironment(notExecutable), undefined);
  });
});
