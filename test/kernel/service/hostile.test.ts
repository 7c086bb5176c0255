import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { after, afterEach, before, describe, test } from 'node:test';
import type { RunResponse } from '../../../src/runner/runResponse';
import { until } from '../helpers/cellWaits';
import { REPO } from '../helpers/cli';
import { ServedCli } from '../helpers/serveCli';
import { assertRunJupyterAnswer, fileInARunDir, Gate, processesMentioning } from '../helpers/service';

/**
 * The attacks of issue 13, each as the cells of a request to `cellbridge serve` run with its defaults (the
 * sandbox on), over real HTTP. Each cell tries what an attacker would; the test checks on the host that it
 * reached nothing outside its own run, and afterwards that the service still answers correctly. The
 * service's temp dir is under /var/tmp, not /tmp, so that hiding it is the sandbox's doing and not a side
 * effect of the sandbox's private /tmp.
 */
const TOKEN = `hostile-suite-token-${process.pid}`;
const TMP_PARENT = '/var/tmp';
let cli: ServedCli;
let url: string;

before(async () => {
  ({ cli, url } = await ServedCli.start([], { env: { CELLBRIDGE_TOKEN: TOKEN }, tmpParent: TMP_PARENT }));
});

afterEach(async () => {
  // Whatever a cell tried, the service is still there and answers the next request correctly.
  assert.ok(cli.running, `the service is still running:\n${cli.stderr}`);
  const answer = await runOk({ cells: ['print(6 * 7)'] });
  assert.equal(answer.status, 'Success', answer.message);
  assert.equal(answer.cells[0]?.stdout, '42\n');
});

after(async () => {
  const exit = await cli.stop();
  assert.deepEqual(exit.leftovers, [], 'no process, run directory or connection file is left behind');
  // Only there if an attack got through.
  for (const target of [...WRITE_TARGETS, '/dev/shm/hostile-fill']) rmSync(target, { force: true });
});

async function post(body: object): Promise<{ status: number; body: RunResponse }> {
  const response = await fetch(`${url}/run_jupyter`, { method: 'POST', headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const answer = (await response.json()) as RunResponse;
  assertRunJupyterAnswer(response.status, answer);
  return { status: response.status, body: answer };
}

async function runOk(body: object): Promise<RunResponse> {
  const { status, body: answer } = await post(body);
  assert.equal(status, 200, JSON.stringify(answer));
  return answer;
}

/** The JSON a probing cell printed last on stdout. */
function reportOf<T>(answer: RunResponse, cell = 0): T {
  const stdout = answer.cells[cell]?.stdout ?? '';
  assert.ok(stdout.trim(), `cell ${cell} reported nothing: ${JSON.stringify(answer.cells[cell])}`);
  return JSON.parse(stdout.trim().split('\n').at(-1)!) as T;
}

const py = (text: string): string => JSON.stringify(text);

/** Python that lists the files under the folders a cell would search, as far as it can see them. */
const WALK = `
import os
def walk(tops, wanted):
    found = []
    for top in tops:
        for root, dirs, files in os.walk(top):
            found += [os.path.join(root, f) for f in files if wanted(f)]
    return found
`;

/** Python that tries to overwrite each path with `text`; the paths it could write. */
const TRY_WRITE = `
def try_write(paths, text):
    written = []
    for path in paths:
        try:
            with open(path, 'w') as f:
                f.write(text)
            written.append(path)
        except OSError:
            pass
    return written
`;

describe("another request's kernel", () => {
  test('a cell finds no other kernel to take over: no connection file but its own, no host port, no process but its own', async () => {
    const gate = Gate.create(cli.tmp);
    try {
      // A kernel busy with another request, and the pool's ready ones, are there to be attacked.
      const busy = post({ cells: [`open('busy', 'w').close()\n${gate.waitCode}`, "print('pwned' in globals())"] });
      await until(() => fileInARunDir(cli.tmp, 'busy') !== undefined, 'the other request to be running');
      const attack = `${WALK}
import json, socket
from ipykernel.connect import get_connection_file
own = os.path.realpath(get_connection_file())
keys = walk(['/tmp', '/run', '/var/tmp', '/dev/shm', ${py(cli.tmp)}], lambda f: f.startswith('kernel-') and f.endswith('.json'))
taken = []
for key in keys:
    if os.path.realpath(key) == own:
        continue
    try:
        from jupyter_client import BlockingKernelClient
        client = BlockingKernelClient(connection_file=key)
        client.load_connection_file()
        client.start_channels()
        client.execute_interactive('pwned = True', timeout=5)
        client.stop_channels()
        taken.append(key)
    except Exception as error:
        pass
port = int(${py(new URL(url).port)})
try:
    socket.create_connection(('127.0.0.1', port), timeout=2).close()
    service = 'reached'
except OSError as error:
    service = type(error).__name__
pids = [int(p) for p in os.listdir('/proc') if p.isdigit()]
cgroups = walk(['/sys/fs/cgroup'], lambda f: f == 'cgroup.procs')
mounts = [line.split(' ')[4] for line in open('/proc/self/mountinfo').read().splitlines()]
print(json.dumps({'others': [k for k in keys if os.path.realpath(k) != own], 'taken': taken, 'service': service, 'pids': pids, 'cgroups': cgroups, 'mounts': mounts, 'own': own}))`;
      const report = reportOf<{ others: string[]; taken: string[]; service: string; pids: number[]; cgroups: string[]; mounts: string[]; own: string }>(await runOk({ cells: [attack] }));
      // Seen once in CI on the current stack and not reproduced since: the kernel's own mount points say whether its sandbox was whole.
      assert.deepEqual(report.others, [], `no connection file of another kernel is visible (the cell's connection file ${report.own}; its mount points: ${report.mounts.join(' ')})`);
      assert.deepEqual(report.taken, []);
      assert.notEqual(report.service, 'reached', 'the service port on the host loopback is out of reach');
      assert.ok(!report.pids.includes(cli.pid!), 'the service is not among the processes it sees');
      assert.ok(report.pids.length < 10, `only its own sandbox's processes: ${report.pids.join(' ')}`);
      assert.deepEqual(report.cgroups, [], "no host cgroup lists other kernels' processes");
      gate.open();
      const other = (await busy).body;
      assert.equal(other.cells[1]?.stdout, 'False\n', 'the other kernel was not touched');
      // The next request gets a pooled kernel that was there during the attack: untouched too.
      const next = await runOk({ cells: ["print('pwned' in globals())"] });
      assert.equal(next.cells[0]?.stdout, 'False\n');
    } finally {
      gate.dispose();
    }
  });
});

describe("another request's files", () => {
  test("a concurrent request's uploads cannot be found, read or overwritten", async () => {
    const gate = Gate.create(cli.tmp);
    try {
      const secret = Buffer.from('the other client\n').toString('base64');
      const victim = post({ cells: [gate.waitCode, "print(open('victim-secret.txt').read(), end='')"], files: { 'victim-secret.txt': secret }, fetch_files: ['victim-secret.txt'] });
      await until(() => fileInARunDir(cli.tmp, 'victim-secret.txt') !== undefined, 'the victim to be running');
      const attack = `${WALK}${TRY_WRITE}
import json, glob
found = walk(['/tmp', '/var/tmp', '/run', '/dev/shm', ${py(cli.tmp)}], lambda f: f == 'victim-secret.txt')
found += glob.glob(${py(cli.tmp)} + '/*/victim-secret.txt')
written = try_write(found, 'overwritten')
print(json.dumps({'found': sorted(set(found)), 'written': written}))`;
      const report = reportOf<{ found: string[]; written: string[] }>(await runOk({ cells: [attack] }));
      assert.deepEqual(report, { found: [], written: [] });
      gate.open();
      const answer = (await victim).body;
      assert.equal(answer.cells[1]?.stdout, 'the other client\n');
      assert.equal(answer.files['victim-secret.txt'], secret);
    } finally {
      gate.dispose();
    }
  });

  test("links planted for the next client's uploads lead nowhere: uploads land in the run, nothing outside is written", async () => {
    const outside = path.join(cli.tmp, 'outside-target');
    const plant = `import os, glob, json
planted = []
for run in glob.glob(${py(cli.tmp)} + '/cellbridge-run-*') + glob.glob('/tmp/cellbridge-run-*') + glob.glob('/var/tmp/*/cellbridge-run-*'):
    if os.path.realpath(run) == os.getcwd():
        continue
    try:
        os.symlink(${py(outside)}, os.path.join(run, 'upload.txt'))
        os.symlink(${py(outside)}, os.path.join(run, 'sub'))
        planted.append(run)
    except OSError:
        pass
# And in its own folder, in case its directory were handed on.
os.symlink(${py(outside)}, 'upload.txt')
print(json.dumps(planted))`;
    assert.deepEqual(reportOf<string[]>(await runOk({ cells: [plant] })), []);
    const upload = Buffer.from('mine\n').toString('base64');
    const answer = await runOk({ cells: ["import os\nprint(open('upload.txt').read(), open('sub/x.txt').read(), os.path.islink('upload.txt'), sep='|')"], files: { 'upload.txt': upload, 'sub/x.txt': upload } });
    assert.equal(answer.cells[0]?.stdout, 'mine\n|mine\n|False\n');
    assert.equal(existsSync(outside), false, 'nothing was written through a link');
  });
});

describe('the service itself', () => {
  test('a cell cannot kill the service, or every process of its user', async () => {
    const attack = `import os, signal
for target in (os.getppid(), 1, ${cli.pid}):
    try:
        os.kill(target, signal.SIGKILL)
    except OSError:
        pass
try:
    os.kill(-1, signal.SIGKILL)
except OSError:
    pass
print('still here')`;
    const answer = await runOk({ cells: [attack, 'print("after")'] });
    assert.ok(cli.running, 'the service survived');
    // Its own kernel may have died with its sandbox: that is its own loss, reported as such.
    assert.ok(['ok', 'kernel_died'].includes(answer.cells[0]!.status), JSON.stringify(answer.cells[0]));
  });

  test("the service's token is nowhere a cell can read it: not its environment, nor any process's command line or environment", async () => {
    const attack = `import os, json
token = ${py(TOKEN)}
found = [name for name, value in os.environ.items() if token in value]
for pid in [p for p in os.listdir('/proc') if p.isdigit()]:
    for part in ('cmdline', 'environ'):
        try:
            if token.encode() in open(f'/proc/{pid}/{part}', 'rb').read():
                found.append(f'/proc/{pid}/{part}')
        except OSError:
            pass
try:
    if token.encode() in open('/proc/${cli.pid}/environ', 'rb').read():
        found.append('service environ')
except OSError:
    pass
print(json.dumps(found))`;
    assert.deepEqual(reportOf<string[]>(await runOk({ cells: [attack] })), []);
  });
});

const WRITE_TARGETS = ['/etc/cellbridge-pwned', '/usr/local/lib/cellbridge-pwned', path.join(REPO, 'cellbridge-pwned'), path.join(TMP_PARENT, 'cellbridge-pwned')];

describe('the host', () => {
  test('a cell can write nowhere but its run: not /etc, site-packages, kernelspecs, the checkout or the temp dir', async () => {
    const attack = `import os, sys, json, sysconfig
from jupyter_core.paths import jupyter_path
targets = ${JSON.stringify(WRITE_TARGETS)}
targets.append(os.path.join(sysconfig.get_paths()['purelib'], 'cellbridge_pwned.pth'))
targets += [os.path.join(folder, 'cellbridge-pwned') for folder in jupyter_path('kernels')]
written = []
for target in targets:
    try:
        os.makedirs(os.path.dirname(target), exist_ok=True)
        with open(target, 'w') as f:
            f.write('import os; os.system("touch /tmp/pwned")')
        written.append(target)
    except OSError:
        pass
print(json.dumps({'targets': targets, 'written': written}))`;
    const report = reportOf<{ targets: string[]; written: string[] }>(await runOk({ cells: [attack] }));
    // Writes into the sandbox's private tmpfs (/tmp, /home) are allowed and vanish; none may reach the host.
    const onHost = report.targets.filter((target) => existsSync(target));
    for (const target of onHost) rmSync(target, { force: true });
    assert.deepEqual(onHost, [], `written on the host: ${onHost.join(', ')}`);
    assert.ok(report.targets.length >= WRITE_TARGETS.length + 2, 'site-packages and at least one kernelspec folder were tried');
  });
});

describe('as deployed', () => {
  test('the kernels every attack here meets are forked from a warm server, each into a sandbox of its own', async () => {
    assert.match(cli.stderr, /forked from a warm server into their sandboxes/);
    // bwrap's init is 1 and its placeholder (cat) 2 of the sandbox's PID namespace; the forked kernel comes after.
    const answer = await runOk({ cells: ["import os\nprint(open('/proc/2/cmdline').read().split('\\0')[0], os.getpid() > 2, os.getppid())"] });
    assert.equal(answer.cells[0]?.stdout, 'cat True 0\n');
  });
});

describe('shared caches', () => {
  test("matplotlib's font list, built once and shared, cannot be changed by a cell to poison the next kernel's", async () => {
    const attack = `${TRY_WRITE}
import glob, json, os
folder = os.environ['MPLCONFIGDIR']
lists = glob.glob(folder + '/fontlist-*.json')
changed = try_write(lists, '{}')
open(folder + '/other-cache', 'w').write('matplotlib may still keep its other files here')
print(json.dumps({'lists': lists, 'changed': changed}))`;
    const draw = 'import matplotlib.pyplot as plt\nplt.plot([1, 2])\nplt.show()';
    const answer = await runOk({ cells: [attack, draw] });
    const report = reportOf<{ lists: string[]; changed: string[] }>(answer);
    assert.equal(report.lists.length, 1, 'one shared font list');
    assert.deepEqual(report.changed, []);
    assert.equal(answer.cells[1]?.stderr, '', 'matplotlib takes the shared list without a warning');
    assert.ok(answer.cells[1]?.display.some((bundle) => 'image/png' in bundle), 'and draws');
  });
});

describe('processes and resources', () => {
  test('nothing a cell started outlives its run: a detached session, a double fork', async () => {
    const marker = `hostile-leftover-${process.pid}-${Date.now()}`;
    const attack = `import os, subprocess, sys
subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(600)', ${py(marker)}], start_new_session=True)
if os.fork() == 0:
    os.setsid()
    if os.fork() == 0:
        os.execv(sys.executable, [sys.executable, '-c', 'import time; time.sleep(600)', ${py(marker)}])
    os._exit(0)
import time; time.sleep(0.5)
print('started')`;
    const answer = await runOk({ cells: [attack] });
    assert.equal(answer.cells[0]?.stdout, 'started\n');
    await until(() => processesMentioning(marker).length === 0, 'every process the cell started to be gone', undefined, 15_000);
  });

  test("a detached child's memory counts against memory_limit_MB: the kernel is stopped", async () => {
    // Forked twice, the child is no longer the kernel's descendant: only a cgroup still counts it.
    const attack = `import os, sys, time
if os.fork() == 0:
    os.setsid()
    if os.fork() == 0:
        x = bytearray(700 * 1024 * 1024)
        time.sleep(60)
    os._exit(0)
time.sleep(30)
print('not stopped')`;
    const answer = await runOk({ cells: [attack, 'print("after")'], memory_limit_MB: 300 });
    assert.deepEqual(answer.cells.map((cell) => cell.status), ['memory_limit', 'cancelled']);
    assert.match(answer.message, /memory limit of 300 MB/);
  });

  test('/dev/shm and /tmp pages count against memory_limit_MB, and nothing of them is left on the host', async () => {
    const shmBefore = readdirSync('/dev/shm');
    const attack = `f = open('/dev/shm/hostile-fill', 'wb')
for _ in range(60):
    f.write(b'x' * 10_000_000)
print('filled')`;
    const answer = await runOk({ cells: [attack], memory_limit_MB: 300 });
    assert.equal(answer.cells[0]?.status, 'memory_limit', JSON.stringify(answer.cells[0]));
    assert.deepEqual(readdirSync('/dev/shm'), shmBefore);
  });

  test('a fork bomb stops at the process limit with EAGAIN, and the kernel goes on', async () => {
    const bomb = `import os, time
children = 0
try:
    for _ in range(5000):
        if os.fork() == 0:
            time.sleep(30)
            os._exit(0)
        children += 1
except OSError as e:
    print('stopped', e.errno, children)`;
    const answer = await runOk({ cells: [bomb, 'print("still here")'] });
    assert.match(answer.cells[0]?.stdout ?? '', /^stopped 11 \d+\n$/, JSON.stringify(answer.cells[0]));
    assert.equal(answer.cells[1]?.stdout, 'still here\n');
  });

  test('a kernel gets one CPU at once, however many processes it runs', async () => {
    const attack = `import multiprocessing as mp, os, time, json
def spin(seconds):
    end = time.time() + seconds
    while time.time() < end:
        pass
started = time.time()
workers = [mp.get_context('fork').Process(target=spin, args=(3,)) for _ in range(2)]
for w in workers: w.start()
for w in workers: w.join()
usage = os.times()
print(json.dumps({'wall': time.time() - started, 'cpu': usage.children_user + usage.children_system}))`;
    const { wall, cpu } = reportOf<{ wall: number; cpu: number }>(await runOk({ cells: [attack] }));
    // Two spinning processes on two cores would use about 6 CPU-seconds in 3 s; capped, about 3.
    assert.ok(cpu < 4.2, `${cpu.toFixed(2)} CPU-seconds in ${wall.toFixed(2)} s`);
  });

  test('no file in the run may pass the file size limit: EFBIG, without filling the disk', async () => {
    const attack = `import errno
try:
    with open('huge', 'wb') as f:
        f.seek(2 * 1024 ** 3)
        f.write(b'x')
    print('written')
except OSError as e:
    print(errno.errorcode[e.errno])`;
    const answer = await runOk({ cells: [attack, 'print("after")'] });
    assert.equal(answer.cells[0]?.stdout, 'EFBIG\n');
    assert.equal(answer.cells[1]?.stdout, 'after\n');
  });
});

describe('a token file', () => {
  test('is hidden from the kernels even where the system is readable', async () => {
    const folder = path.join(REPO, '.test-output');
    mkdirSync(folder, { recursive: true });
    const tokenFile = path.join(folder, `hostile-token-${process.pid}`);
    writeFileSync(tokenFile, `${TOKEN}-file\n`, { mode: 0o600 });
    const { cli: served, url: servedUrl } = await ServedCli.start(['--token-file', tokenFile, '--kernel-pool', '1', '--warm-up', ''], { tmpParent: TMP_PARENT });
    try {
      const response = await fetch(`${servedUrl}/run_jupyter`, {
        method: 'POST',
        headers: { authorization: `Bearer ${TOKEN}-file`, 'content-type': 'application/json' },
        body: JSON.stringify({ cells: [`try:\n    print(${py(TOKEN)} in open(${py(tokenFile)}).read())\nexcept OSError as e:\n    print(type(e).__name__)`] }),
      });
      const answer = (await response.json()) as RunResponse;
      assert.equal(response.status, 200);
      assert.equal(answer.cells[0]?.stdout, 'PermissionError\n', 'a device node no sandbox may open stands where the token file is');
    } finally {
      assert.deepEqual((await served.stop()).leftovers, []);
      rmSync(tokenFile, { force: true });
    }
  });
});
