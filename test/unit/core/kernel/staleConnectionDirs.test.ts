import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { connectionDirPrefix, ownedDirPrefix, removeStaleConnectionDirs, removeStaleOwnedDirs, RUN_DIR_PREFIX } from '../../../../src/core/kernel/staleConnectionDirs';

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

test('run directories are owned the same way: those of a process that is gone are removed, live ones kept', async () => {
  const tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'cellbridge-stale-runs-'));
  try {
    const gone = 2 ** 22 + 12345; // above pid_max's default: no such process
    const deadRun = await fs.mkdtemp(path.join(tmp, ownedDirPrefix(RUN_DIR_PREFIX, gone)));
    await fs.writeFile(path.join(deadRun, 'uploaded.csv'), 'a,b\n');
    const liveRun = await fs.mkdtemp(path.join(tmp, ownedDirPrefix(RUN_DIR_PREFIX)));
    const unrelated = await fs.mkdtemp(path.join(tmp, 'cellbridge-run-'));
    assert.deepEqual(await removeStaleOwnedDirs(RUN_DIR_PREFIX, tmp), [deadRun]);
    assert.deepEqual((await fs.readdir(tmp)).sort(), [path.basename(liveRun), path.basename(unrelated)].sort(), 'an unowned name is never touched');
  } finally {
    await fs.rm(tmp, { recursive: true, force: true });
  }
});
