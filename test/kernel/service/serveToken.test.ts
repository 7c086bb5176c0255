import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { RunResponse } from '../../../src/runner/runResponse';
import { ServedCli } from '../helpers/serveCli';

// Without a sandbox a kernel runs as the service's user and could still read the service's memory or its
// /proc/PID/environ (which keeps the environment the process started with): only the sandbox hides those.
test("the service token is required, and is not in a kernel's environment, even one run without a sandbox", async () => {
  const token = `token-${Math.random().toString(36).slice(2)}`;
  process.env.CELLBRIDGE_TOKEN = token;
  let started: Awaited<ReturnType<typeof ServedCli.start>>;
  try {
    started = await ServedCli.start(['--kernel-pool', '0', '--sandbox', 'off']);
  } finally {
    delete process.env.CELLBRIDGE_TOKEN;
  }
  const { cli, url } = started;
  try {
    const body = JSON.stringify({ cells: ['import os\nprint(os.environ.get("CELLBRIDGE_TOKEN"))'] });
    const refused = await fetch(`${url}/run_jupyter`, { method: 'POST', body });
    assert.equal(refused.status, 401);
    const answer = (await (await fetch(`${url}/run_jupyter`, { method: 'POST', body, headers: { authorization: `Bearer ${token}` } })).json()) as RunResponse;
    assert.equal(answer.status, 'Success', JSON.stringify(answer));
    assert.equal(answer.cells[0]?.stdout, 'None\n', "not in the kernel's environment");
    assert.match(cli.stderr, /--sandbox off: kernels run as this user/);
  } finally {
    const exit = await cli.stop();
    assert.deepEqual(exit.leftovers, []);
  }
});
