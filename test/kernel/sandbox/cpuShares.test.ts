import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { before, describe, test } from 'node:test';
import { ForkServers } from '../../../src/core/kernel/fork/forkServers';
import { KernelPool } from '../../../src/core/kernel/kernelPool';
import { LocalKernel } from '../../../src/core/kernel/localKernel';
import { type CgroupParent, KERNEL_CGROUP_PATTERN, probeCgroups } from '../../../src/core/sandbox/cgroupProbe';
import { SERVICE_KERNEL_LIMITS } from '../../../src/core/sandbox/kernelLimits';
import { until } from '../helpers/cellWaits';
import { KernelTracker, logger } from '../helpers/kernels';

// A pool's sandboxed kernels start at a low CPU weight, so that refilling the pool does not slow the cells of the
// request being served; the kernel a request takes gets a high one; a kernel being killed the lowest
// (kernelCgroup.ts's CpuShare). Read from each kernel's own cgroup on the host, for forked and spawned kernels.

const KERNEL = 'python3';
/** The weight of a cgroup nobody set: v1 cpu.shares, v2 cpu.weight. */
const DEFAULT_WEIGHT = { 1: 1024, 2: 100 } as const;

/** The CPU weight of the cgroup a process is in, as its cgroup file says. */
function cpuWeightOf(pid: number, cpu: CgroupParent): number {
  const lines = readFileSync(`/proc/${pid}/cgroup`, 'utf8').trim().split('\n');
  const line = cpu.version === 2 ? lines.find((l) => l.startsWith('0::')) : lines.find((l) => (l.split(':')[1] ?? '').split(',').includes('cpu'));
  const name = path.posix.basename(line?.split(':')[2] ?? '');
  assert.match(name, KERNEL_CGROUP_PATTERN, `pid ${pid} is not in a kernel's cgroup: ${lines.join(' | ')}`);
  return Number(readFileSync(path.join(cpu.dir, name, cpu.version === 2 ? 'cpu.weight' : 'cpu.shares'), 'utf8'));
}

describe('CPU weights of a pool’s sandboxed kernels', () => {
  let cpu: CgroupParent | undefined;
  before(async () => {
    cpu = (await probeCgroups()).parents.find((parent) => parent.controllers.includes('cpu'));
  });

  for (const way of ['forked', 'spawned'] as const) {
    test(`${way}: low while waiting in the pool, high once taken, lowest when being killed; the refill low again`, { timeout: 120_000 }, async (t) => {
      if (!cpu) return t.skip('no cpu cgroup can be made here: kernels have no weight to set');
      const servers = way === 'forked' ? new ForkServers({ logger, waitForStart: true }) : null;
      const tracker = new KernelTracker(servers);
      const pool = new KernelPool({ launcher: tracker.launcher, logger, size: 1, target: { sandbox: true, limits: SERVICE_KERNEL_LIMITS, historyInMemory: true } });
      try {
        pool.warm(KERNEL);
        await until(() => pool.readyCount(KERNEL) === 1, 'the pool to fill', undefined, 60_000);
        const waiting = tracker.started[0];
        assert.ok(waiting instanceof LocalKernel && waiting.pid !== undefined);
        assert.equal(waiting.forked, way === 'forked');
        const ahead = cpuWeightOf(waiting.pid, cpu);
        assert.ok(ahead < DEFAULT_WEIGHT[cpu.version], `a pooled kernel's weight ${ahead} is below the default`);

        const fresh = await pool.take(KERNEL);
        assert.equal(fresh.kernel, waiting);
        const running = cpuWeightOf(waiting.pid, cpu);
        assert.ok(running > DEFAULT_WEIGHT[cpu.version], `a taken kernel's weight ${running} is above the default (the host's own processes')`);

        // The take refilled the pool: the new kernel waits at the low weight.
        await until(() => pool.readyCount(KERNEL) === 1, 'the pool to refill', undefined, 60_000);
        const refill = tracker.started[1];
        assert.ok(refill instanceof LocalKernel && refill.pid !== undefined);
        assert.equal(cpuWeightOf(refill.pid, cpu), ahead);

        fresh.kernel.setCpuShare('ending');
        const ending = cpuWeightOf(waiting.pid, cpu);
        assert.ok(ending < ahead, `a dying kernel's weight ${ending} is below a pooled one's`);
        await fresh.kernel.shutdown({ now: true });
      } finally {
        await pool.shutdown();
        servers?.dispose();
      }
      tracker.assertNothingLeft();
    });
  }
});
