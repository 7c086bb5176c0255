import assert from 'node:assert/strict';
import { test } from 'node:test';
import { pidsCgroupsOfThisProcess } from '../../../../src/core/sandbox/processLimit';

const V1_MOUNTS = [
  '35 31 0:30 / /sys/fs/cgroup/memory rw,relatime - cgroup cgroup rw,memory',
  '39 31 0:36 / /sys/fs/cgroup/pids rw,relatime - cgroup cgroup rw,pids',
  '41 31 0:38 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw',
].join('\n');

test('v1: the pids hierarchy at this process own cgroup', () => {
  const cgroup = ['8:pids:/service.slice/app', '4:memory:/x', '0::/'].join('\n');
  assert.deepEqual(pidsCgroupsOfThisProcess(V1_MOUNTS, cgroup), ['/sys/fs/cgroup/pids/service.slice/app']);
});

test('v2 only where pids is delegated (cgroup.subtree_control lists it); none without a pids hierarchy', () => {
  // /sys/fs/cgroup/unified/ here has no controllers, so the v2 mount offers nothing.
  assert.deepEqual(pidsCgroupsOfThisProcess('41 31 0:38 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw', '0::/'), []);
  assert.deepEqual(pidsCgroupsOfThisProcess('', ''), []);
});
