import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, describe, test } from 'node:test';
import type { RunResponse } from '../../../src/runner/runResponse';
import { REPO, runCli } from '../helpers/cli';

const work = mkdtempSync(path.join(os.tmpdir(), 'cellbridge-cli-files-'));
after(() => rmSync(work, { recursive: true, force: true }));
function file(name: string, content: string | object): string {
  const target = path.join(work, name);
  writeFileSync(target, typeof content === 'string' ? content : JSON.stringify(content));
  return target;
}

/** The example of ../shared/reference/000_*.txt (SandboxFusion's Jupyter mode), byte for byte. */
const SEED_CELLS = [
  '\na = 123\n# display stream\na\n    ',
  '\n# stdout & stderr stream\nprint(a)\nimport sys\nsys.stderr.write(str(a))\n    ',
  '\nraise Exception("This exception doesn\'t interrupt cell execution")\n    ',
  '\nimport matplotlib.pyplot as plt\n\nplt.plot([1, 2, 3], [1, 2, 3])\n    ',
];

describe('cellbridge run', () => {
  test('the seed example gives the same shape SandboxFusion gives, with a real PNG', async () => {
    const result = await runCli(['run', file('seed.json', { cells: SEED_CELLS, kernel: 'python3' })]);
    assert.equal(result.code, 0, result.stderr);
    assert.deepEqual(result.leftovers, []);
    const response = JSON.parse(result.stdout) as RunResponse;
    assert.equal(response.status, 'Success');
    assert.equal(response.driver.status, 'Finished');
    assert.equal(response.cells.length, 4);
    const [first, second, third, fourth] = response.cells;
    assert.deepEqual(first?.display, [{ 'text/plain': '123' }]);
    assert.equal(second?.stdout, '123\n');
    assert.equal(second?.stderr, '123');
    assert.deepEqual(second?.display, [{ 'text/plain': '3' }]);
    assert.equal(third?.status, 'error');
    assert.equal(third?.error[0]?.ename, 'Exception');
    assert.equal(third?.error[0]?.evalue, "This exception doesn't interrupt cell execution");
    assert.equal(fourth?.status, 'ok');
    const png = fourth?.display.find((bundle) => 'image/png' in bundle)?.['image/png'];
    assert.ok(typeof png === 'string' && Buffer.from(png, 'base64').subarray(1, 4).toString('latin1') === 'PNG', 'a real PNG');
    assert.ok(Buffer.from(png, 'base64').length > 5000);
  });

  test('a notebook runs on its kernelspec and --output writes a valid executed notebook', async () => {
    const output = path.join(work, 'demo-out.ipynb');
    const result = await runCli(['run', path.join(REPO, 'examples', 'demo.ipynb'), '--output', output]);
    assert.equal(result.code, 0, result.stderr);
    const response = JSON.parse(result.stdout) as RunResponse;
    assert.ok(response.cells.every((cell) => cell.status === 'ok'), JSON.stringify(response.cells.map((c) => c.status)));
    // nbformat's own validator is the judge of "valid nbformat".
    execFileSync('/usr/bin/python3', ['-c', 'import sys, nbformat; nbformat.validate(nbformat.read(sys.argv[1], as_version=4))', output]);
    const notebook = JSON.parse(readFileSync(output, 'utf8')) as { metadata: { language_info?: { name?: string; version?: string } }; cells: Array<{ cell_type: string; execution_count?: number; outputs?: unknown[] }> };
    const counts = notebook.cells.filter((c) => c.cell_type === 'code').map((c) => c.execution_count);
    assert.deepEqual(counts, counts.map((_, i) => i + 1));
    // As nbclient: the kernel's language_info, its version included.
    assert.equal(notebook.metadata.language_info?.name, 'python');
    assert.match(notebook.metadata.language_info?.version ?? '', /^3\.\d+\.\d+/);
  });

  test('a # %% script runs cell by cell', async () => {
    const script = file('cells.py', 'x = 2\n\n# %% second\nprint(x * 21)\n\n# %% [markdown]\n# not code\n\n#%%\nx + 1\n');
    const result = await runCli(['run', script]);
    assert.equal(result.code, 0, result.stderr);
    const response = JSON.parse(result.stdout) as RunResponse;
    assert.deepEqual(response.cells.map((c) => c.stdout), ['', '42\n', '']);
    assert.deepEqual(response.cells[2]?.display, [{ 'text/plain': '3' }]);
  });

  test('--stdin answers input() prompts in order; running out fails the cell with a clear error', async () => {
    const cells = ['name = input("name? ")\nprint("hello", name)', 'input("again? ")', 'print("still alive")'];
    const result = await runCli(['run', file('stdin.json', { cells }), '--stdin', '-'], { stdin: 'Ada\n' });
    assert.equal(result.code, 0, result.stderr);
    const response = JSON.parse(result.stdout) as RunResponse;
    // The prompt travels in the input_request, not on stdout.
    assert.equal(response.cells[0]?.stdout, 'hello Ada\n');
    assert.equal(response.cells[1]?.status, 'error');
    assert.ok(response.cells[1]?.error.some((e) => /--stdin/.test(e.evalue)), JSON.stringify(response.cells[1]?.error));
    assert.equal(response.cells[2]?.stdout, 'still alive\n');
  });

  test('without --stdin, input() fails the cell at once instead of hanging', async () => {
    const result = await runCli(['run', file('nostdin.json', { cells: ['input("? ")', '1'] })]);
    const response = JSON.parse(result.stdout) as RunResponse;
    assert.equal(response.cells[0]?.status, 'error');
    assert.match(response.cells[0]?.error[0]?.ename ?? '', /StdinNotImplementedError/);
    assert.equal(response.cells[1]?.status, 'ok');
  });

  test('--cell-timeout stops a hung cell and later cells still run; --total-timeout keeps what finished', async () => {
    const cells = ['x = 1', 'import time; time.sleep(60)', 'x + 1'];
    const perCell = await runCli(['run', file('hung.json', { cells }), '--cell-timeout', '1']);
    const perCellResponse = JSON.parse(perCell.stdout) as RunResponse;
    assert.deepEqual(perCellResponse.cells.map((c) => c.status), ['ok', 'timeout', 'ok']);
    assert.deepEqual(perCellResponse.cells[2]?.display, [{ 'text/plain': '2' }]);
    assert.equal(perCell.code, 0);

    const total = await runCli(['run', file('hung-total.json', { cells, total_timeout: 2 })]);
    assert.equal(total.code, 1);
    const totalResponse = JSON.parse(total.stdout) as RunResponse;
    assert.equal(totalResponse.status, 'Failed');
    assert.equal(totalResponse.driver.status, 'TimeLimitExceeded');
    assert.deepEqual(totalResponse.cells.map((c) => c.status), ['ok', 'timeout', 'cancelled']);
    assert.deepEqual(total.leftovers, []);
  });

  test('--stop-on-error cancels the cells after a failure', async () => {
    const result = await runCli(['run', file('stop.json', { cells: ['1/0', 'print("never")'] }), '--stop-on-error']);
    const response = JSON.parse(result.stdout) as RunResponse;
    assert.deepEqual(response.cells.map((c) => c.status), ['error', 'cancelled']);
    assert.equal(response.cells[1]?.stdout, '');
  });

  test('Ctrl-C prints what finished, exits 130 and leaves no kernel behind', async () => {
    const marker = path.join(work, 'sleeping.marker');
    const cells = ['print("first")', `import time; open(${JSON.stringify(marker)}, "w").close(); time.sleep(60)`];
    const result = await runCli(['run', file('long.json', { cells, total_timeout: 0 })], { signalWhenExists: marker });
    assert.equal(result.code, 130, result.stderr);
    const response = JSON.parse(result.stdout) as RunResponse;
    assert.equal(response.cells[0]?.stdout, 'first\n');
    assert.equal(response.cells[1]?.status, 'stopped', 'stopped by its runner, not by a limit');
    assert.deepEqual(result.leftovers, []);
  });
});

describe('cellbridge run, without a sandbox: fetch_files', () => {
  test('a hard link a cell made to a file outside the run is not read back; the reason is in file_errors', async () => {
    // Outside any run, on the filesystem of the runs' temp folders (a hard link cannot cross filesystems).
    const secret = file('secret.txt', 'SECRET');
    const result = await runCli([
      'run',
      file('hardlink.json', {
        cells: [`import os\nos.link(${JSON.stringify(secret)}, "x")\nprint(os.stat("x").st_nlink)`],
        fetch_files: ['x'],
      }),
    ]);
    assert.equal(result.code, 0, result.stderr);
    const response = result.response!;
    assert.equal(response.cells[0]?.stdout, '2\n', JSON.stringify(response.cells[0]?.error));
    assert.deepEqual(response.files, {});
    assert.match(response.file_errors?.x ?? '', /^it has 2 hard links, and a hard-linked file may be one from outside the run/);
    assert.deepEqual(result.leftovers, []);
    assert.equal(readFileSync(secret, 'utf8'), 'SECRET');
  });
});

describe('cellbridge run refuses bad input before starting anything', () => {
  const noKernelStarted = (stderr: string) => assert.doesNotMatch(stderr, /Started kernel/);

  test('a malformed notebook', async () => {
    const result = await runCli(['run', path.join(REPO, 'test', 'fixtures', 'malformed.ipynb'), '--verbose']);
    assert.equal(result.code, 2);
    assert.equal(result.stdout, '');
    assert.match(result.stderr, /JSON|notebook/i);
    noKernelStarted(result.stderr);
  });

  test('a notebook cell with an invalid source names the field', async () => {
    const result = await runCli(['run', path.join(REPO, 'test', 'fixtures', 'bad-source.ipynb'), '--verbose']);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /cells\[\d+\]\.source/);
    noKernelStarted(result.stderr);
  });

  test('a request whose cells are not strings names the field', async () => {
    const result = await runCli(['run', file('bad.json', { cells: ['1', 2] }), '--verbose']);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /cells\[1\]/);
    noKernelStarted(result.stderr);
  });

  test('a missing file, an unknown option, a bad number', async () => {
    assert.match((await runCli(['run', path.join(work, 'nope.ipynb')])).stderr, /no such file/);
    assert.equal((await runCli(['run', 'x.ipynb', '--frobnicate'])).code, 2);
    assert.match((await runCli(['run', 'x.ipynb', '--cell-timeout', 'soon'])).stderr, /--cell-timeout/);
  });

  test('an unknown kernel answers SandboxError naming the kernels there are', async () => {
    const result = await runCli(['run', file('unknown.json', { cells: ['1'], kernel: 'nosuchkernel' })]);
    assert.equal(result.code, 2);
    const response = JSON.parse(result.stdout) as RunResponse;
    assert.equal(response.status, 'SandboxError');
    assert.match(response.message, /nosuchkernel/);
    assert.match(response.message, /python3/);
  });
});

describe('cellbridge kernels', () => {
  test('lists the kernelspecs found here', async () => {
    const result = await runCli(['kernels', '--json']);
    assert.equal(result.code, 0);
    const names = (JSON.parse(result.stdout) as Array<{ name: string }>).map((k) => k.name);
    assert.ok(names.includes('python3') && names.includes('xpython'), names.join(','));
  });
});
