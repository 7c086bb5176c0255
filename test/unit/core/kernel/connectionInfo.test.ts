import assert from 'node:assert/strict';
import { test } from 'node:test';
import { allocateConnectionInfo, channelUrl, ConnectionInfo, ipcConnectionInfo } from '../../../../src/core/kernel/connectionInfo';

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

test('endpoints are written as jupyter_client writes them: tcp://ip:port, ipc://path-port', () => {
  const ipc = ipcConnectionInfo('python3', '/tmp/cellbridge-kernel-1-abc');
  assert.equal(channelUrl(ipc, 'shell'), 'ipc:///tmp/cellbridge-kernel-1-abc/kernel-1');
  assert.equal(channelUrl(ipc, 'hb'), 'ipc:///tmp/cellbridge-kernel-1-abc/kernel-5');
  assert.equal(new Set([ipc.shell_port, ipc.iopub_port, ipc.stdin_port, ipc.control_port, ipc.hb_port]).size, 5);
  const tcp: ConnectionInfo = { ...ipc, transport: 'tcp', ip: '127.0.0.1', shell_port: 40001 };
  assert.equal(channelUrl(tcp, 'shell'), 'tcp://127.0.0.1:40001');
});
