import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { cgroupCandidates } from '../../../../src/core/sandbox/cgroupProbe';

const V1_MOUNTS = [
  '34 31 0:29 / /sys/fs/cgroup/cpu,cpuacct rw,relatime - cgroup cgroup rw,cpu,cpuacct',
  '35 31 0:30 / /sys/fs/cgroup/memory rw,relatime - cgroup cgroup rw,memory',
  '36 31 0:31 / /sys/fs/cgroup/freezer rw,relatime - cgroup cgroup rw,freezer',
  '39 31 0:36 / /sys/fs/cgroup/pids rw,relatime - cgroup cgroup rw,pids',
  '41 31 0:38 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw',
].join('\n');

const nothingDelegated = (): string[] => [];

describe('cgroupCandidates', () => {
  test('v1: each hierarchy of pids, memory and cpu at this process own cgroup there; others ignored', () => {
    const cgroup = ['8:pids:/service.slice/app', '4:memory:/process_api/abc', '3:cpu,cpuacct:/', '2:freezer:/', '0::/'].join('\n');
    assert.deepEqual(cgroupCandidates(V1_MOUNTS, cgroup, nothingDelegated), [
      { dir: '/sys/fs/cgroup/cpu,cpuacct', version: 1, controllers: ['cpu'] },
      { dir: '/sys/fs/cgroup/memory/process_api/abc', version: 1, controllers: ['memory'] },
      { dir: '/sys/fs/cgroup/pids/service.slice/app', version: 1, controllers: ['pids'] },
    ]);
  });

  test('v2: one cgroup, with the controllers it delegates (cgroup.subtree_control); a mount below the root is taken into account', () => {
    const mount = '41 31 0:38 /user.slice /sys/fs/cgroup rw,relatime - cgroup2 cgroup2 rw';
    const delegated = (dir: string): string[] => (dir === '/sys/fs/cgroup/app.service' ? ['cpu', 'memory', 'pids', 'io'] : []);
    assert.deepEqual(cgroupCandidates(mount, '0::/user.slice/app.service', delegated), [{ dir: '/sys/fs/cgroup/app.service', version: 2, controllers: ['pids', 'memory', 'cpu'] }]);
  });

  test('none without controllers: a v2 mount that delegates nothing, or no cgroups at all', () => {
    assert.deepEqual(cgroupCandidates('41 31 0:38 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw', '0::/', nothingDelegated), []);
    assert.deepEqual(cgroupCandidates('', '', nothingDelegated), []);
  });
});
