import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isIPythonKernel } from '../../../../src/core/kernel/kernelProcess';

test("IPython's configuration flags go only to ipykernel's launchers", () => {
  assert.ok(isIPythonKernel(['/usr/bin/python3', '-m', 'ipykernel_launcher', '-f', '/tmp/k.json']));
  assert.ok(isIPythonKernel(['python', '-m', 'ipykernel', '-f', '{connection_file}']));
  assert.ok(isIPythonKernel(['/opt/env/bin/python', '/opt/env/lib/python3.12/site-packages/ipykernel_launcher.py', '-f', 'k.json']));
  assert.equal(isIPythonKernel(['/usr/bin/xpython', '-f', '{connection_file}']), false, 'xeus-python would refuse them');
  assert.equal(isIPythonKernel(['R', '--slave', '-e', 'IRkernel::main()', '--args', 'k.json']), false);
  assert.equal(isIPythonKernel(['/bin/sh', '-c', 'exec python -m ipykernel_launcher -f "$0"', 'k.json']), false, 'a wrapper script is run as it is');
});
