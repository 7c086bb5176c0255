import assert from 'node:assert/strict';
import { test } from 'node:test';
import { allocateConnectionInfo, ConnectionInfo } from '../../../../src/core/kernel/connectionInfo';

const portsOf = (info: ConnectionInfo): number[] => [info.shell_port, info.iopub_port, info.stdin_port, info.control_port, info.hb_port];

test('a port handed to a starting kernel is not handed out again, even after its probe closed', async () => {
  // Each allocation closes its probes before the next one starts, so the OS is free to offer the same
  // ports again; among a thousand picks it would, were they not remembered.
  const seen = new Set<number>();
  for (let i = 0; i < 200; i++) {
    for (const port of portsOf(await allocateConnectionInfo('python3'))) {
      assert.ok(!seen.has(port), `port ${port} handed out twice`);
      seen.add(port);
    }
  }
});

test('allocations at the same time never share a port', async () => {
  const infos = await Promise.all(Array.from({ length: 20 }, () => allocateConnectionInfo('python3')));
  const ports = infos.flatMap(portsOf);
  assert.equal(new Set(ports).size, ports.length);
  for (const info of infos) assert.equal(info.ip, '127.0.0.1');
});
