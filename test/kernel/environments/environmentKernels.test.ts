import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { RunResponse } from '../../../src/runner/runResponse';
import { runCli } from '../helpers/cli';
import { CURRENT_STACK_VENV, useCurrentStackKernel } from '../helpers/currentStack';
import { ServedCli } from '../helpers/serveCli';

/** A cell that reports where it runs: its prefix, the activation a subprocess sees, and which pip `!pip` would use. */
const WHERE_AM_I = [
  'import sys, os, shutil, subprocess, ipykernel',
  'pip = subprocess.run(["pip", "--version"], capture_output=True, text=True).stdout',
  'print(os.path.realpath(sys.prefix), os.environ.get("VIRTUAL_ENV"), shutil.which("python"), pip.split(" from ")[1].split()[0], ipykernel.__version__, sep="\\n")',
].join('\n');

function linesOf(answer: RunResponse | undefined): string[] {
  const cell = answer?.cells[0];
  assert.equal(cell?.status, 'ok', JSON.stringify(answer));
  return cell.stdout.trim().split('\n');
}

function assertRanInVenv(lines: readonly string[], venv: string): void {
  const [prefix, virtualEnv, python, pip, version] = lines;
  assert.equal(prefix, path.resolve(CURRENT_STACK_VENV));
  assert.equal(virtualEnv, venv, 'VIRTUAL_ENV is the venv');
  assert.equal(python, path.join(venv, 'bin', 'python'), "the venv's python comes first on PATH");
  assert.ok(pip?.startsWith(path.resolve(CURRENT_STACK_VENV)), `pip of the venv: ${pip}`);
  assert.match(version ?? '', /^7\./, 'the venv has ipykernel 7');
}

describe('kernels in Python environments, from the command line', () => {
  let project: string;
  let script: string;

  before(() => {
    useCurrentStackKernel();
    project = mkdtempSync(path.join(os.tmpdir(), 'cellbridge-env-project-'));
    // The project's .venv is the current-stack venv (ipykernel 7.4), reached through the name users give it.
    symlinkSync(CURRENT_STACK_VENV, path.join(project, '.venv'));
    script = path.join(project, 'where.py');
    writeFileSync(script, `# %%\n${WHERE_AM_I}\n`);
  });
  after(() => rmSync(project, { recursive: true, force: true }));

  test('run --python ENV_FOLDER runs the cells in that environment, activated', async () => {
    const result = await runCli(['run', script, '--python', CURRENT_STACK_VENV]);
    assert.equal(result.code, 0, result.stderr);
    assertRanInVenv(linesOf(result.response), path.resolve(CURRENT_STACK_VENV));
    assert.deepEqual(result.leftovers, []);
  });

  test("kernels lists the project's .venv; run --kernel with that name uses it", async () => {
    const listed = await runCli(['kernels', '--json'], { cwd: project });
    assert.equal(listed.code, 0, listed.stderr);
    const rows = JSON.parse(listed.stdout) as Array<{ name: string; displayName: string; environment?: { kind: string; hasIpykernel: boolean } }>;
    const venv = rows.find((row) => row.displayName.startsWith('.venv (Python '));
    assert.ok(venv, listed.stdout);
    assert.deepEqual(venv.environment && [venv.environment.kind, venv.environment.hasIpykernel], ['venv', true]);
    const result = await runCli(['run', script, '--kernel', venv.name], { cwd: project });
    assert.equal(result.code, 0, result.stderr);
    assertRanInVenv(linesOf(result.response), path.join(project, '.venv'));
  });

  test('an environment without ipykernel is refused with the command that installs it, and nothing runs', async () => {
    const bare = path.join(project, 'bare');
    const python = execFileSync('python3', ['-c', 'import sys; print(sys.executable)'], { encoding: 'utf8' }).trim();
    execFileSync(python, ['-m', 'venv', '--without-pip', bare]);
    const result = await runCli(['run', script, '--python', bare]);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /bare \(Python [\d.]+\) has no ipykernel; install it with: .*bare\/bin\/python3 -m pip install ipykernel/);
    assert.equal(result.stdout, '');
    const missing = await runCli(['run', script, '--python', path.join(project, 'nowhere')]);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /--python: no Python interpreter or environment at/);
  });

  test('serve --env NAME=PATH offers the environment as kernel NAME', async () => {
    const { cli, url } = await ServedCli.start(['--kernel-pool', '0', '--env', `project=${CURRENT_STACK_VENV}`]);
    try {
      const answer = (await (
        await fetch(`${url}/run_jupyter`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ cells: [WHERE_AM_I], kernel: 'project' }) })
      ).json()) as RunResponse;
      assert.equal(answer.status, 'Success', JSON.stringify(answer));
      assertRanInVenv(linesOf(answer), path.resolve(CURRENT_STACK_VENV));
    } finally {
      const exit = await cli.stop();
      assert.deepEqual(exit.leftovers, []);
    }
  });
});
