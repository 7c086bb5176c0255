import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { InvalidInputError } from '../../../src/core/common/errors';
import { parseCliArgs } from '../../../src/runner/cliArgs';

test('run takes a file and typed options', () => {
  const command = parseCliArgs(['run', 'nb.ipynb', '--kernel', 'xpython', '--cell-timeout', '2.5', '--stop-on-error', '--pretty', '-o', 'out.ipynb'], {});
  assert.deepEqual(command, {
    command: 'run',
    file: 'nb.ipynb',
    options: { kernel: 'xpython', cellTimeoutSeconds: 2.5, stopOnError: true, pretty: true, verbose: false, output: 'out.ipynb', kernelStart: 'spawn' },
  });
});

test('--kernel-start: run spawns and serve forks unless told; anything else is refused', () => {
  const run = parseCliArgs(['run', 'a.py', '--kernel-start', 'fork'], {});
  assert.equal(run.command === 'run' && run.options.kernelStart, 'fork');
  const serve = parseCliArgs(['serve'], {});
  assert.equal(serve.command === 'serve' && serve.options.kernelStart, 'fork');
  const spawned = parseCliArgs(['serve', '--kernel-start', 'spawn'], {});
  assert.equal(spawned.command === 'serve' && spawned.options.kernelStart, 'spawn');
  assert.throws(() => parseCliArgs(['serve', '--kernel-start', 'clone'], {}), /--kernel-start.*fork or spawn/);
});

test('the server token comes from the option, else the environment', () => {
  const fromEnv = parseCliArgs(['run', 'a.py', '--server', 'http://h:8888'], { JUPYTER_TOKEN: 't1' });
  assert.equal(fromEnv.command === 'run' && fromEnv.options.server?.token, 't1');
  const fromFlag = parseCliArgs(['run', 'a.py', '--server', 'http://h:8888', '--server-token', 't2'], { CELLBRIDGE_SERVER_TOKEN: 'x' });
  assert.equal(fromFlag.command === 'run' && fromFlag.options.server?.token, 't2');
});

test('bad arguments are refused, naming the option', () => {
  for (const argv of [['run'], ['run', 'a', 'b'], ['run', 'a', '--cell-timeout', '-1'], ['run', 'a', '--cell-timeout', ''], ['frob'], ['run', 'a', '--nope'], ['run', 'a', '--server-token', 't']]) {
    assert.throws(() => parseCliArgs(argv, {}), InvalidInputError, argv.join(' '));
  }
  assert.throws(() => parseCliArgs(['run', 'a', '--total-timeout', 'soon'], {}), /--total-timeout/);
});

test('no command or --help asks for help', () => {
  assert.deepEqual(parseCliArgs([], {}), { command: 'help' });
  assert.deepEqual(parseCliArgs(['run', '--help'], {}), { command: 'help' });
});

test('--python names an environment for run; --env NAME=PATH offers environments to serve', () => {
  const run = parseCliArgs(['run', 'a.py', '--python', '.venv'], {});
  assert.equal(run.command === 'run' && run.options.python, '.venv');
  const serve = parseCliArgs(['serve', '--env', 'ds=/envs/ds', '--env', 'ml = /envs/ml=2'], {});
  assert.deepEqual(serve.command === 'serve' && serve.options.environments, [
    { name: 'ds', location: '/envs/ds' },
    { name: 'ml', location: '/envs/ml=2' },
  ]);
  for (const argv of [
    ['run', 'a', '--python', 'p', '--kernel', 'k'],
    ['run', 'a', '--python', 'p', '--server', 'http://h'],
    ['serve', '--env', 'noequals'],
    ['serve', '--env', '=/path'],
    ['serve', '--env', 'name='],
    ['serve', '--env', 'a=/p', '--server', 'http://h'],
  ]) {
    assert.throws(() => parseCliArgs(argv, {}), /--python|--env/, argv.join(' '));
  }
});

test('serve sandboxes its kernels unless --sandbox off; run only with --sandbox; neither with --server', () => {
  const sandboxOf = (...args: string[]): boolean | undefined => {
    const command = parseCliArgs(['serve', ...args], {});
    return command.command === 'serve' ? command.options.sandbox : undefined;
  };
  assert.equal(sandboxOf(), true);
  assert.equal(sandboxOf('--sandbox', 'off'), false);
  assert.equal(sandboxOf('--server', 'http://h:8888'), false, "a server's kernels are the server's to isolate");
  const plain = parseCliArgs(['run', 'a.py'], {});
  assert.equal(plain.command === 'run' && plain.options.sandbox, undefined);
  for (const args of [['run', 'a.py', '--sandbox'], ['run', '--sandbox', 'a.py'], ['run', 'a.py', '--sandbox', 'on']]) {
    const run = parseCliArgs(args, {});
    assert.equal(run.command === 'run' && run.file === 'a.py' && run.options.sandbox, true, args.join(' '));
  }
  for (const argv of [['serve', '--sandbox=maybe'], ['serve', '--sandbox', 'on', '--server', 'http://h'], ['run', 'a', '--sandbox', '--server', 'http://h']]) {
    assert.throws(() => parseCliArgs(argv, {}), /--sandbox/, argv.join(' '));
  }
});

test("serve's token comes from CELLBRIDGE_TOKEN or --token-file, never from the command line", () => {
  const tokenOf = (argv: string[], env: NodeJS.ProcessEnv = {}): string | undefined => {
    const command = parseCliArgs(['serve', ...argv], env);
    return command.command === 'serve' ? command.options.token : undefined;
  };
  assert.equal(tokenOf([], { CELLBRIDGE_TOKEN: 'from-env' }), 'from-env');
  assert.equal(tokenOf([]), undefined);
  const dir = mkdtempSync(path.join(os.tmpdir(), 'cellbridge-token-'));
  try {
    const file = path.join(dir, 'token');
    writeFileSync(file, 's3cret\nignored\n');
    assert.equal(tokenOf(['--token-file', file], { CELLBRIDGE_TOKEN: 'from-env' }), 's3cret', 'the file wins');
    writeFileSync(file, '\n');
    assert.throws(() => tokenOf(['--token-file', file]), /--token-file: .* holds no token/);
    assert.throws(() => tokenOf(['--token-file', path.join(dir, 'missing')]), /--token-file: cannot read .*ENOENT/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  assert.throws(() => tokenOf(['--token', 'visible']), /--token: a token on the command line can be read by every user/);
});

test("serve's kernel limits: the defaults, each flag, 0 to turn one off, and a clear refusal of nonsense", () => {
  const limitsOf = (...args: string[]) => {
    const command = parseCliArgs(['serve', ...args], {});
    assert.equal(command.command, 'serve');
    return command.command === 'serve' ? command.options.kernelLimits : undefined;
  };
  const MIB = 1024 * 1024;
  assert.deepEqual(limitsOf(), { processes: 512, memoryBytes: 4096 * MIB, cpus: 1, fileSizeBytes: 1024 * MIB });
  assert.deepEqual(limitsOf('--max-memory-mb', '512', '--kernel-cpus', '0.5', '--max-file-mb', '0'), { processes: 512, memoryBytes: 512 * MIB, cpus: 0.5, fileSizeBytes: 0 });
  for (const [flag, value] of [['--max-memory-mb', '-1'], ['--kernel-cpus', 'two'], ['--kernel-cpus', '-1'], ['--max-file-mb', '1.5']] as const) {
    assert.throws(() => parseCliArgs(['serve', flag, value], {}), (error: unknown) => error instanceof InvalidInputError && error.message.includes(flag), `${flag} ${value}`);
  }
});

test("serve's output limits: --max-output-chars for each kind of output per cell, --max-response-mb for the whole answer", () => {
  const limitsOf = (...args: string[]): [number, number] | undefined => {
    const command = parseCliArgs(['serve', ...args], {});
    return command.command === 'serve' ? [command.options.maxOutputCharsPerCell, command.options.maxResponseBytes] : undefined;
  };
  assert.deepEqual(limitsOf(), [10_000_000, 128 * 1024 * 1024]);
  assert.deepEqual(limitsOf('--max-output-chars', '5000', '--max-response-mb', '16'), [5000, 16 * 1024 * 1024]);
  for (const bad of [['--max-response-mb', '0'], ['--max-response-mb', '4097'], ['--max-response-mb', '1.5'], ['--max-output-chars', '0']]) {
    assert.throws(() => parseCliArgs(['serve', ...bad], {}), InvalidInputError, bad.join(' '));
  }
});

test("serve's fetch limit: --max-fetch-mb N, 64 by default", () => {
  const fetchLimitOf = (...args: string[]) => {
    const command = parseCliArgs(['serve', ...args], {});
    return command.command === 'serve' ? command.options.maxFetchBytes : undefined;
  };
  assert.equal(fetchLimitOf(), 64 * 1024 * 1024);
  assert.equal(fetchLimitOf('--max-fetch-mb', '8'), 8 * 1024 * 1024);
  for (const value of ['0', '1.5', 'lots']) assert.throws(() => parseCliArgs(['serve', '--max-fetch-mb', value], {}), /--max-fetch-mb/, value);
});

test("serve's body deadline: --body-timeout S, 30 by default, above 0 and at most an hour", () => {
  const deadlineOf = (...args: string[]) => {
    const command = parseCliArgs(['serve', ...args], {});
    return command.command === 'serve' ? command.options.bodyTimeoutMs : undefined;
  };
  assert.equal(deadlineOf(), 30_000);
  assert.equal(deadlineOf('--body-timeout', '2.5'), 2500);
  for (const value of ['0', '-1', 'soon', '', '3601']) assert.throws(() => parseCliArgs(['serve', '--body-timeout', value], {}), /--body-timeout/, value);
});
