import assert from 'node:assert/strict';
import { mkdtempSync, readlinkSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { KernelDiedError } from '../../../src/core/common/errors';
import { ForkServers } from '../../../src/core/kernel/fork/forkServers';
import { LocalKernel } from '../../../src/core/kernel/localKernel';
import { SERVICE_KERNEL_LIMITS } from '../../../src/core/sandbox/kernelLimits';
import { RUN_DIR_PREFIX } from '../../../src/core/kernel/staleConnectionDirs';
import { until } from '../helpers/cellWaits';
import { assertKernelDiesWithItsOwner } from '../helpers/kernelOwner';
import { KernelTracker, logger, TestDocument, transcriptOf } from '../helpers/kernels';

// Sandboxed kernels forked into a sandbox bubblewrap made (fork/sandboxedFork.ts) must be what bubblewrap
// would have started: the same kernel, compared field by field with a spawned sandboxed kernel on the same
// host. On the python3 of the pass (Debian's ipykernel 6.17, or 7.4 on the current-stack pass).

const KERNEL = 'python3';
const NAMESPACES = ['user', 'mnt', 'pid', 'net', 'ipc', 'uts', 'cgroup'];

/** What a kernel knows of where it runs. Paths of its own run are written RUN, its HOME HOME. */
const PROBE = String.raw`
import json, os, resource, subprocess, sys, socket
def status(field):
    for line in open('/proc/self/status'):
        if line.startswith(field + ':'):
            return line.split(':', 1)[1].strip()
def plain(text):
    return text.replace(os.getcwd(), 'RUN').replace(os.environ['HOME'], 'HOME')
mounts = sorted(plain(line.split()[4]) for line in open('/proc/self/mountinfo'))
fds = {}
for fd in os.listdir('/proc/self/fd'):
    try:
        fds[fd] = os.readlink('/proc/self/fd/' + fd)
    except OSError:
        pass
userns = subprocess.run(['unshare', '-U', 'true'], capture_output=True).returncode
try:
    socket.create_connection(('1.1.1.1', 53), timeout=1)
    network = 'reached'
except OSError as error:
    network = error.errno
print(json.dumps({
    'pid': os.getpid(), 'ppid': os.getppid(), 'uid': os.getuid(), 'gid': os.getgid(), 'groups': os.getgroups(),
    'caps': {name: status(name) for name in ('CapInh', 'CapPrm', 'CapEff', 'CapAmb', 'CapBnd')},
    'noNewPrivs': status('NoNewPrivs'), 'seccomp': status('Seccomp'),
    'pids': sorted(int(entry) for entry in os.listdir('/proc') if entry.isdigit()),
    'mounts': mounts, 'cwd': plain(os.getcwd()), 'home': sorted(os.listdir(os.environ['HOME'])),
    'env': {name: plain(value) for name, value in os.environ.items()},
    'rlimits': {name: getattr(resource, name) and resource.getrlimit(getattr(resource, name)) for name in ('RLIMIT_CORE', 'RLIMIT_FSIZE', 'RLIMIT_NOFILE', 'RLIMIT_NPROC')},
    'cgroup': open('/proc/self/cgroup').read(), 'hostname': socket.gethostname(),
    'namespaces': {name: os.readlink('/proc/self/ns/' + name) for name in ${JSON.stringify(NAMESPACES)}},
    'fds': fds, 'userns': userns, 'network': network, 'sysPath': [plain(entry) for entry in sys.path],
}))
`;

interface Probe {
  pid: number;
  ppid: number;
  uid: number;
  gid: number;
  groups: number[];
  caps: Record<string, string>;
  noNewPrivs: string;
  seccomp: string;
  pids: number[];
  mounts: string[];
  cwd: string;
  home: string[];
  env: Record<string, string>;
  rlimits: Record<string, number[]>;
  cgroup: string;
  hostname: string;
  namespaces: Record<string, string>;
  fds: Record<string, string>;
  userns: number;
  network: number | string;
  sysPath: string[];
}

describe(`sandboxed kernels forked into their sandboxes (${KERNEL})`, () => {
  let servers: ForkServers;
  let runs: string;
  const target = (): { sandbox: true; cwd: string; limits: typeof SERVICE_KERNEL_LIMITS; historyInMemory: true } => ({
    sandbox: true,
    cwd: mkdtempSync(path.join(runs, RUN_DIR_PREFIX)),
    limits: SERVICE_KERNEL_LIMITS,
    historyInMemory: true,
  });
  before(() => {
    servers = new ForkServers({ logger, waitForStart: true });
    runs = mkdtempSync(path.join(os.tmpdir(), 'cellbridge-forked-sandbox-'));
  });
  after(() => {
    servers.dispose();
    rmSync(runs, { recursive: true, force: true });
  });

  async function probe(tracker: KernelTracker): Promise<{ probe: Probe; kernel: LocalKernel }> {
    const doc = new TestDocument(tracker, KERNEL, {}, target());
    try {
      const run = await doc.runOne(PROBE);
      const transcript = transcriptOf(run);
      assert.equal(run.state, 'done', JSON.stringify(transcript));
      const kernel = doc.session.kernelIfStarted;
      assert.ok(kernel instanceof LocalKernel);
      return { probe: JSON.parse(transcript.stdout) as Probe, kernel };
    } finally {
      await doc.close();
    }
  }

  test('a forked sandboxed kernel is the kernel bubblewrap would have started: same user, mounts, environment, limits, cgroup; no capability, no host descriptor', { timeout: 120_000 }, async () => {
    const forkedTracker = new KernelTracker(servers);
    const spawnedTracker = new KernelTracker(null);
    const forked = await probe(forkedTracker);
    const spawned = await probe(spawnedTracker);
    assert.ok(forked.kernel.forked, 'the first kernel was forked');
    assert.ok(!spawned.kernel.forked, 'the second was spawned');
    forkedTracker.assertNothingLeft();
    spawnedTracker.assertNothingLeft();
    const [f, s] = [forked.probe, spawned.probe];

    for (const field of ['uid', 'gid', 'groups', 'noNewPrivs', 'seccomp', 'mounts', 'cwd', 'home', 'env', 'rlimits', 'cgroup', 'hostname', 'userns', 'network', 'sysPath'] as const) {
      assert.deepEqual(f[field], s[field], `${field} is the same forked as spawned`);
    }
    assert.equal(f.uid, 65534, 'nobody');
    assert.equal(f.noNewPrivs, '1');
    assert.notEqual(f.userns, 0, 'no user namespace of its own can be made');
    assert.notEqual(f.network, 'reached');
    assert.deepEqual(f.home, s.home, 'HOME is the sandbox’s own, empty of what the server wrote on the host');
    for (const name of ['CapInh', 'CapPrm', 'CapEff', 'CapAmb']) assert.equal(f.caps[name], s.caps[name], name);
    assert.match(f.caps.CapEff!, /^0+$/, 'no capability left, though entering a user namespace grants them all');
    assert.match(f.caps.CapBnd!, /^0+$/, 'none to regain either (stricter than bwrap, which keeps the bounding set)');
    // Its own PID namespace: bwrap's init (1), the placeholder (2), itself. The parent (the server) is outside.
    assert.deepEqual(f.pids, [1, 2, f.pid], `only its sandbox's processes: ${JSON.stringify(f.pids)}`);
    assert.equal(f.ppid, 0, 'its parent, the fork server, is not in its PID namespace');
    for (const name of NAMESPACES) {
      assert.notEqual(f.namespaces[name], readlinkSync(`/proc/self/ns/${name}`), `its ${name} namespace is not the host's`);
    }
    const strays = Object.entries(f.fds).filter(([, target]) => !/^(socket|pipe|anon_inode):|^\/dev\/null$|^\/run\/k\/kernel\.stderr$|^\/proc\//.test(target));
    assert.deepEqual(strays, [], 'no descriptor of the server’s (nor of the host’s) is left open in the kernel');
  });

  test('the sandbox and the kernel end together: ending the sandbox kills the kernel, which is seen to die', { timeout: 60_000 }, async () => {
    const tracker = new KernelTracker(servers);
    const doc = new TestDocument(tracker, KERNEL, {}, target());
    try {
      await doc.runOne('print("up")');
      const kernel = doc.session.kernelIfStarted;
      assert.ok(kernel instanceof LocalKernel && kernel.forked);
      const died = new Promise<KernelDiedError>((resolve) => kernel.onDidDie((error) => resolve(error)));
      // The placeholder is pid 2 of the sandbox: a cell can kill it, which ends its own sandbox and itself.
      void doc.runOne('import os, signal\nos.kill(2, signal.SIGKILL)\nimport time\ntime.sleep(30)');
      const error = await died;
      assert.ok(error instanceof KernelDiedError, String(error));
    } finally {
      await doc.close();
    }
    tracker.assertNothingLeft();
  });

  test('a sandboxed forked kernel dies with the process that asked for it, though it has no lifeline and its parent is the server', { timeout: 60_000 }, async () => {
    await assertKernelDiesWithItsOwner(KERNEL, target().cwd);
  });

  test('with its server down, a sandboxed kernel is spawned into its sandbox, and the next one is forked again', { timeout: 120_000 }, async () => {
    const own = new ForkServers({ logger, waitForStart: true });
    const tracker = new KernelTracker(own);
    try {
      const first = await probe(tracker);
      assert.ok(first.kernel.forked);
      const serverPid = own.states()[0]?.pid;
      assert.ok(serverPid);
      process.kill(serverPid, 'SIGKILL');
      await until(() => own.states()[0]?.state.kind === 'down', 'the server to be seen down');
      const second = await probe(tracker);
      assert.ok(!second.kernel.forked, 'spawned while the server is down');
      assert.deepEqual(second.probe.env, first.probe.env, 'in the same environment');
      await until(() => own.states()[0]?.state.kind === 'ready', 'the server to be back', undefined, 30_000);
      const third = await probe(tracker);
      assert.ok(third.kernel.forked, 'forked again');
    } finally {
      own.dispose();
    }
    tracker.assertNothingLeft();
  });
});
