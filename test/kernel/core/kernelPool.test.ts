import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, test } from 'node:test';
import { KernelPool } from '../../../src/core/kernel/kernelPool';
import { until } from '../helpers/cellWaits';
import { KernelTracker, logger } from '../helpers/kernels';

const jupyterDir = mkdtempSync(path.join(os.tmpdir(), 'cellbridge-pool-test-'));
after(() => rmSync(jupyterDir, { recursive: true, force: true }));

/**
 * A real kernelspec whose first start fails (the process exits at once, as a kernel does when its port was
 * taken or the machine is out of something) and whose later starts run Debian's ipykernel.
 */
function flakyKernelspec(): string {
  const marker = path.join(jupyterDir, 'failed-once');
  const specDir = path.join(jupyterDir, 'kernels', 'flaky');
  mkdirSync(specDir, { recursive: true });
  const script = `if [ -e '${marker}' ]; then exec /usr/bin/python3 -m ipykernel_launcher -f "$0"; fi; touch '${marker}'; echo 'not this time' >&2; exit 3`;
  writeFileSync(path.join(specDir, 'kernel.json'), JSON.stringify({ argv: ['/bin/sh', '-c', script, '{connection_file}'], display_name: 'Flaky', language: 'python' }));
  return 'flaky';
}

test('a pre-start that fails is tried again later: the pool fills without waiting for a request', { timeout: 60_000 }, async () => {
  const tracker = new KernelTracker();
  const pool = new KernelPool({ launcher: tracker.launcher, logger, size: 1, target: { env: { ...process.env, JUPYTER_PATH: jupyterDir } } });
  try {
    pool.warm(flakyKernelspec());
    await until(() => pool.readyCount('flaky') === 1, 'the pool to fill after its first start failed', undefined, 30_000);
  } finally {
    await pool.shutdown();
  }
  tracker.assertNothingLeft();
});

test('an unknown kernel is not tried again: nothing keeps starting in the background', { timeout: 30_000 }, async () => {
  const tracker = new KernelTracker();
  let attempts = 0;
  const counting = new KernelPool({
    launcher: async (target) => {
      attempts++;
      return tracker.launcher(target);
    },
    logger,
    size: 1,
    target: { env: { ...process.env, JUPYTER_PATH: jupyterDir } },
  });
  try {
    counting.warm('no-such-kernel');
    await new Promise((resolve) => setTimeout(resolve, 3000));
    assert.equal(attempts, 1);
    assert.equal(counting.readyCount(), 0);
    // Requests for names that do not exist: each fails, and none leaves an entry in the pool.
    for (let i = 0; i < 5; i++) await assert.rejects(counting.take(`random-${i}`), /random-/);
    await until(() => counting.kernelNames().length === 0, 'the unknown names to leave the pool');
  } finally {
    await counting.shutdown();
  }
});
