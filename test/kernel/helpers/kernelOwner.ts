import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as path from 'node:path';
import { until } from './cellWaits';
import { REPO } from './cli';
import { processesInGroup } from './kernels';

/** A separate Node process that starts one forked kernel (sandboxed when given a run folder), prints its pid, and waits. */
const OWNER = `
const [out, name, runFolder] = process.argv.slice(1);
const { ForkServers } = require(out + '/src/core/kernel/fork/forkServers');
const { LocalKernel } = require(out + '/src/core/kernel/localKernel');
const { findKernelspec } = require(out + '/src/core/kernel/kernelspec');
const { silentLogger } = require(out + '/src/core/common/logger');
(async () => {
  const spec = await findKernelspec(name);
  const forkServers = new ForkServers({ logger: silentLogger, waitForStart: true });
  const kernel = await LocalKernel.start(spec, { logger: silentLogger, forkServers, ...(runFolder ? { sandbox: true, cwd: runFolder } : {}) });
  if (!kernel.forked) throw new Error('not forked');
  console.log('kernel ' + kernel.pid);
  setInterval(() => undefined, 1000);
})();
`;

/**
 * Starts a forked kernel of `kernelName` from another Node process, SIGKILLs that process, and waits for the
 * kernel's process group to be gone: a kernel lives and dies with the process that asked for it, whoever its
 * parent is.
 */
export async function assertKernelDiesWithItsOwner(kernelName: string, sandboxRunFolder?: string): Promise<void> {
  const owner = spawn(process.execPath, ['-e', OWNER, path.join(REPO, 'out'), kernelName, ...(sandboxRunFolder ? [sandboxRunFolder] : [])], { stdio: ['ignore', 'pipe', 'inherit'], env: process.env });
  let output = '';
  owner.stdout.setEncoding('utf8');
  owner.stdout.on('data', (chunk: string) => (output += chunk));
  await until(() => /kernel (\d+)/.test(output), 'the owner to start a forked kernel', undefined, 40_000);
  const kernelPid = Number(/kernel (\d+)/.exec(output)![1]);
  assert.ok(processesInGroup(kernelPid).length > 0, 'the kernel runs');
  owner.kill('SIGKILL');
  await until(() => processesInGroup(kernelPid).length === 0, 'the kernel to die with its owner', undefined, 10_000);
}
