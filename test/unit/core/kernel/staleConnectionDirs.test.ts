import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { connectionDirPrefix, removeStaleConnectionDirs } from '../../../../src/core/kernel/staleConnectionDirs';

test('connection dirs of a process that is gone are removed; those of live processes and foreign names stay', async () => {
  const tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'cellbridge-stale-test-'));
  try {
    const gone = spawnSync('true').pid!; // Exited and reaped: its pid names no process (until reused).
    const deadDir = await fs.mkdtemp(path.join(tmp, connectionDirPrefix(gone)));
    await fs.writeFile(path.join(deadDir, 'kernel-x.json'), '{}');
    const liveDir = await fs.mkdtemp(path.join(tmp, connectionDirPrefix(process.pid)));
    const legacyDir = await fs.mkdtemp(path.join(tmp, 'cellbridge-kernel-'));
    const removed = await removeStaleConnectionDirs(tmp);
    assert.deepEqual(removed, [deadDir]);
    assert.ok(!existsSync(deadDir));
    assert.ok(existsSync(liveDir) && existsSync(legacyDir));
  } finally {
    await fs.rm(tmp, { recursive: true, force: true });
  }
});
