import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { CgroupSupport } from '../../../../src/core/sandbox/cgroupProbe';
import { SERVICE_KERNEL_LIMITS } from '../../../../src/core/sandbox/kernelLimits';
import { sandboxGuarantees } from '../../../../src/core/sandbox/sandboxGuarantees';

describe('sandboxGuarantees', () => {
  test('with every controller, every limit holds, and nothing is said to be missing', () => {
    const support: CgroupSupport = { parents: [{ dir: '/cg', version: 2, controllers: ['pids', 'memory', 'cpu'] }], missing: new Map() };
    const { hold, missing } = sandboxGuarantees(support, SERVICE_KERNEL_LIMITS);
    assert.deepEqual(missing, []);
    assert.equal(hold.length, 5, hold.join('\n'));
    assert.match(hold.join('\n'), /512 processes.*\n.*4096 MB.*tmpfs.*\n.*1 CPU.*\n.*1024 MB.*\n.*cgroups and PID namespace/);
  });

  test('without cgroups, what does not hold is said with the reason, and the fallbacks are named', () => {
    const reason = 'no cgroup controller for this process';
    const support: CgroupSupport = { parents: [], missing: new Map([['pids', reason], ['memory', reason], ['cpu', reason]]) };
    const { hold, missing } = sandboxGuarantees(support, SERVICE_KERNEL_LIMITS);
    assert.equal(missing.length, 3);
    assert.ok(missing.every((line) => line.includes(reason)));
    assert.match(missing[1]!, /resident memory is sampled instead/);
    assert.deepEqual(hold, ['no file over 1024 MB (RLIMIT_FSIZE)', 'everything a kernel starts, detached or not, is killed with its PID namespace when its run ends']);
  });

  test('a limit turned off (0) is neither promised nor reported missing', () => {
    const { hold, missing } = sandboxGuarantees({ parents: [], missing: new Map() }, { processes: 0, memoryBytes: 0, cpus: 0, fileSizeBytes: 0 });
    assert.deepEqual(missing, []);
    assert.equal(hold.length, 1);
  });
});
