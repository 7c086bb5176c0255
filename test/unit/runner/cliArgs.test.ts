import assert from 'node:assert/strict';
import { test } from 'node:test';
import { InvalidInputError } from '../../../src/core/common/errors';
import { parseCliArgs } from '../../../src/runner/cliArgs';

test('run takes a file and typed options', () => {
  const command = parseCliArgs(['run', 'nb.ipynb', '--kernel', 'xpython', '--cell-timeout', '2.5', '--stop-on-error', '--pretty', '-o', 'out.ipynb'], {});
  assert.deepEqual(command, {
    command: 'run',
    file: 'nb.ipynb',
    options: { kernel: 'xpython', cellTimeoutSeconds: 2.5, stopOnError: true, pretty: true, verbose: false, output: 'out.ipynb' },
  });
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
