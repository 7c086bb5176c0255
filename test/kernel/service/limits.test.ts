import assert from 'node:assert/strict';
import * as net from 'node:net';
import { after, before, describe, test } from 'node:test';
import type { RunResponse } from '../../../src/runner/runResponse';
import { until } from '../helpers/cellWaits';
import { Gate, KERNEL_KEY_CELL, Metrics, TestService } from '../helpers/service';

/** Each limit of the service, over real HTTP, one request at a time (the service runs one at once, queues one). */
const OUTPUT_CAP = 1000;
const FETCH_CAP = 1000;
const BODY_DEADLINE_MS = 5000;
let service: TestService;

before(async () => {
  service = await TestService.start({ maxConcurrency: 1, maxQueue: 1, maxOutputCharsPerCell: OUTPUT_CAP, maxFetchBytes: FETCH_CAP, bodyTimeoutMs: BODY_DEADLINE_MS });
});

after(async () => {
  assert.deepEqual(await service.close(), []);
});

interface Health {
  running: number;
  waiting: number;
  pool: { ready: number };
}

async function untilHealth(condition: (health: Health) => boolean, what: string): Promise<void> {
  let health: Health | undefined;
  await until(() => health !== undefined && condition(health), what, async () => {
    health = (await service.request<Health>('/health')).body;
  });
}

const statuses = (response: RunResponse): string[] => response.cells.map((cell) => cell.status);
/** Which kernel runs the cell (see KERNEL_KEY_CELL). */
const WHICH_KERNEL = KERNEL_KEY_CELL;

describe('cell_timeout', () => {
  test('the cell is interrupted and reported as timeout; later cells run in the same kernel', async () => {
    const response = await service.runOk({ cells: ['x = 1', WHICH_KERNEL, 'import time; time.sleep(60)', WHICH_KERNEL, 'print(x + 1)'], cell_timeout: 1 });
    assert.equal(response.status, 'Success');
    assert.equal(response.driver.status, 'Finished');
    assert.deepEqual(statuses(response), ['ok', 'ok', 'timeout', 'ok', 'ok']);
    // The kernel's own KeyboardInterrupt, and no invented error beside it: the status says it was a timeout.
    assert.deepEqual(response.cells[2]?.error.map((e) => e.ename), ['KeyboardInterrupt']);
    assert.equal(response.cells[1]?.stdout, response.cells[3]?.stdout, 'the kernel survived the interrupt');
    assert.equal(response.cells[4]?.stdout, '2\n');
  });

  test('a cell that ignores SIGINT: its kernel is killed, and later cells run on a new one', async () => {
    const ignoring = 'import signal, time\nsignal.signal(signal.SIGINT, signal.SIG_IGN)\ntime.sleep(60)';
    const response = await service.runOk({ cells: ['x = 1', WHICH_KERNEL, ignoring, WHICH_KERNEL, 'print(globals().get("x", "gone"))'], cell_timeout: 1 });
    assert.equal(response.status, 'Success');
    assert.deepEqual(statuses(response), ['ok', 'ok', 'timeout', 'ok', 'ok']);
    assert.notEqual(response.cells[1]?.stdout, response.cells[3]?.stdout, 'a new kernel');
    assert.equal(response.cells[4]?.stdout, 'gone\n');
    assert.equal(response.cells[3]?.execution_count, 1, 'the new kernel counts from 1');
  });

  test('on xpython, which dies of SIGINT, later cells still run on a new kernel', async () => {
    const response = await service.runOk({ kernel: 'xpython', cells: ['x = 1', 'import time; time.sleep(60)', 'print(globals().get("x", "gone"))'], cell_timeout: 1 });
    assert.deepEqual(statuses(response), ['ok', 'timeout', 'ok']);
    assert.equal(response.cells[2]?.stdout, 'gone\n');
  });
});

describe('total_timeout', () => {
  test('the cells finished so far are returned, the run is Failed with TimeLimitExceeded', async () => {
    const response = await service.runOk({ cells: ['print("first")', 'print("second", flush=True)\nimport time; time.sleep(60)', 'print("never")'], total_timeout: 1.5 });
    assert.equal(response.status, 'Failed');
    assert.equal(response.driver.status, 'TimeLimitExceeded');
    assert.equal(response.driver.return_code, 1);
    assert.match(response.message, /total timeout of 1\.5 s/);
    assert.deepEqual(statuses(response), ['ok', 'timeout', 'cancelled']);
    assert.equal(response.cells[0]?.stdout, 'first\n');
    assert.equal(response.cells[1]?.stdout, 'second\n', 'what the cut-off cell printed is kept');
    assert.equal(response.cells[2]?.stdout, '');
  });
});

describe('memory_limit_MB', () => {
  test('a kernel over its limit is killed; the run is Failed with driver Error (statuses SandboxFusion accepts), the cell memory_limit', async () => {
    // Grows in steps (at most 2 GB, should the limit not hold) so the kernel is over 200 MB for a while.
    const hog = 'import time\nchunks = []\nfor _ in range(40):\n    chunks.append(b"x" * 50_000_000)\n    time.sleep(0.05)';
    const response = await service.runOk({ cells: ['print("before")', hog, 'print("after")'], memory_limit_MB: 200 });
    assert.equal(response.status, 'Failed');
    assert.equal(response.driver.status, 'Error');
    assert.match(response.message, /memory limit of 200 MB/);
    assert.deepEqual(statuses(response), ['ok', 'memory_limit', 'cancelled']);
    assert.ok(response.cells[1]?.error.some((e) => /memory limit/.test(e.evalue)), JSON.stringify(response.cells[1]?.error));
  });

  test('a run within its limit is not disturbed', async () => {
    const response = await service.runOk({ cells: ['x = b"x" * 10_000_000', 'print(len(x))'], memory_limit_MB: 400 });
    assert.equal(response.status, 'Success');
    assert.equal(response.cells[1]?.stdout, '10000000\n');
  });
});

describe('the output cap per cell', () => {
  test('stream text past the cap is cut, with a marker saying how much was dropped', async () => {
    const response = await service.runOk({ cells: ['for i in range(50):\n    print("y" * 99)', 'print("next cell")'] });
    const [loud, next] = response.cells;
    assert.equal(loud?.status, 'ok');
    // 50 lines of 100 characters: 1,000 kept, 4,000 dropped.
    assert.ok(loud?.stdout.startsWith(`${'y'.repeat(99)}\n`.repeat(10)), loud?.stdout.slice(0, 200));
    assert.match(loud?.stdout ?? '', /4,000 more characters of stdout were dropped \(limit 1,000 characters per cell\)/);
    assert.ok((loud?.stdout.length ?? 0) < OUTPUT_CAP + 200);
    const shown = loud?.outputs.map((o) => (o.output_type === 'stream' ? o.text : '')).join('') ?? '';
    assert.match(shown, /4,000 more characters/);
    assert.equal(next?.stdout, 'next cell\n', 'the cap is per cell');
  });

  test('a display flood keeps the displays that fit, then a note counting the rest; the cells after it run and report', { timeout: 120_000 }, async () => {
    // 3,000 HTML displays of 10 KB: 30 MB, a tenth of the flood that once made the service answer 500.
    const bigFlood = "from IPython.display import display, HTML\nfor i in range(3000):\n    display(HTML('<p>' + 'x' * 10_000 + '</p>'))";
    const smallFlood = "for i in range(2000):\n    display({'text/html': f'<p>{i:04}</p>' + 'x' * 80}, raw=True)";
    const answer = await service.run({ cells: [smallFlood, bigFlood, 'print("after")'] });
    assert.equal(answer.status, 200);
    assert.ok(Number(answer.headers.get('content-length')) < 20_000, `${answer.headers.get('content-length')} bytes`);
    const [small, big, after] = answer.body.cells;
    assert.deepEqual(statuses(answer.body), ['ok', 'ok', 'ok']);
    const note = /^\[CellBridge: output truncated: ([\d,]+) displays \(([\d,]+) characters\) were dropped \(limit 1,000 characters of display data per cell\)\]$/;
    const kept = small!.display.slice(0, -1);
    assert.ok(kept.length >= 5 && kept.length < 20, `${kept.length} displays kept`);
    assert.deepEqual(kept.map((bundle) => String(bundle['text/html']).slice(0, 11)), kept.map((_, i) => `<p>${String(i).padStart(4, '0')}</p>`), 'the first ones, in order');
    const [, dropped] = note.exec(String(small!.display.at(-1)?.['text/plain'])) ?? [];
    assert.equal(Number(dropped?.replaceAll(',', '')) + kept.length, 2000, 'every display kept or counted');
    const shownNote = small!.outputs.at(-1);
    assert.equal(shownNote?.output_type === 'display_data' && shownNote.data['text/plain'], small!.display.at(-1)?.['text/plain'], 'the same note among the outputs');
    assert.equal(big!.display.length, 1, 'nothing of 10 KB fits: only the note');
    assert.match(String(big!.display[0]?.['text/plain']), /^\[CellBridge: output truncated: 3,000 displays \(30,[\d,]+ characters\) were dropped/);
    assert.equal(after?.stdout, 'after\n');
  });

  test('updates that would pass the cap are not applied: the display keeps the last that fit, and a note counts the rest', async () => {
    const updates = "h = display({'text/plain': 'start'}, raw=True, display_id=True)\nfor i in range(1, 201):\n    h.update({'text/plain': 'y' * (i * 10)}, raw=True)";
    const response = await service.runOk({ cells: [updates, 'print("after")'] });
    const [updated, after] = response.cells;
    assert.equal(updated?.display.length, 2);
    const shown = String(updated?.display[0]?.['text/plain']);
    assert.match(shown, /^y+$/);
    assert.ok(shown.length > 900 && shown.length <= 1000, `${shown.length} characters shown`);
    const notApplied = 200 - shown.length / 10;
    assert.match(String(updated?.display[1]?.['text/plain']), new RegExp(`^\\[CellBridge: output truncated: ${notApplied} display updates \\([\\d,]+ characters\\) were not applied \\(limit 1,000 characters`));
    assert.equal(after?.stdout, 'after\n');
  });

  test('a huge error is cut to the cap, its name and the start of its message kept, with a note saying how much is missing', { timeout: 120_000 }, async () => {
    // 20 MB of message, which ipykernel sends twice (value and traceback).
    const answer = await service.run({ cells: ["raise ValueError('m' * 20_000_000)", 'print("after")'] });
    assert.equal(answer.status, 200);
    assert.ok(Number(answer.headers.get('content-length')) < 20_000, `${answer.headers.get('content-length')} bytes`);
    const [failed, after] = answer.body.cells;
    assert.equal(failed?.status, 'error');
    assert.equal(failed?.error.length, 1);
    const error = failed!.error[0]!;
    assert.equal(error.ename, 'ValueError');
    const cutNote = /… \[CellBridge: error truncated: ([\d,]+) more characters of this error were dropped \(limit 1,000 characters of errors per cell\)\]$/;
    assert.match(error.evalue, /^m{300}/);
    assert.match(error.evalue, cutNote);
    assert.ok(Number(cutNote.exec(error.evalue)![1]!.replaceAll(',', '')) > 39_000_000, 'both copies of the message counted');
    assert.match(error.traceback.at(-1) ?? '', /^\[CellBridge: error truncated: /);
    const shown = failed!.outputs.find((output) => output.output_type === 'error');
    assert.deepEqual(shown?.output_type === 'error' && [shown.ename, shown.evalue], ['ValueError', error.evalue], 'cut alike among the outputs');
    assert.equal(after?.status, 'ok');
  });
});

describe('the concurrency limit', () => {
  test('one runs, one waits, the third is refused with 429 and Retry-After', async () => {
    // The slot of an answered run is held until its kernel is shut down; start from an idle service.
    await untilHealth((h) => h.running === 0 && h.waiting === 0, 'the service to be idle');
    const gate = Gate.create(service.tmp);
    try {
      const slow = { cells: [gate.waitCode, 'print("done")'] };
      const answers = [service.run(slow), service.run(slow), service.run(slow)];
      const first = await Promise.race(answers.map((answer, index) => answer.then(() => index)));
      const refused = await answers[first]!;
      assert.equal(refused.status, 429);
      assert.ok(Number(refused.headers.get('retry-after')) > 0);
      const health = await service.request<Health>('/health');
      assert.deepEqual([health.body.running, health.body.waiting], [1, 1]);
      gate.open();
      const others = await Promise.all(answers.filter((_, index) => index !== first));
      for (const answer of others) {
        assert.equal(answer.status, 200);
        assert.equal(answer.body.status, 'Success');
        assert.equal(answer.body.cells[1]?.stdout, 'done\n');
      }
      assert.ok((await service.metrics()).count('cellbridge_rejected_total', { reason: '429' }) >= 1);
    } finally {
      gate.dispose();
    }
  });

  test('a waiting request whose client hangs up gives its place in the queue to the next', async () => {
    // The slot of an answered run is held until its kernel is shut down; start from an idle service.
    await untilHealth((h) => h.running === 0 && h.waiting === 0, 'the service to be idle');
    const gate = Gate.create(service.tmp);
    try {
      const running = service.run({ cells: [gate.waitCode] });
      await untilHealth((h) => h.running === 1, 'the first request to run');
      const leaving = new AbortController();
      const abandoned = service.run({ cells: ['print("never")'] }, { signal: leaving.signal }).catch((error: unknown) => error);
      await untilHealth((h) => h.waiting === 1, 'the second request to wait');
      leaving.abort();
      assert.ok((await abandoned) instanceof Error);
      await untilHealth((h) => h.waiting === 0, 'the queue to empty');
      const next = service.run({ cells: ['print("my turn")'] });
      gate.open();
      assert.equal((await running).status, 200);
      const answer = await next;
      assert.equal(answer.status, 200, JSON.stringify(answer.body));
      assert.equal(answer.body.cells[0]?.stdout, 'my turn\n');
    } finally {
      gate.dispose();
    }
  });
});

describe('the fetch limit', () => {
  test('a file past it is left out with its reason; the files after it that fit, and every cell, still come', async () => {
    const response = await service.runOk({
      cells: ['open("a.bin", "wb").write(b"a" * 600)\nopen("b.bin", "wb").write(b"b" * 600)\nopen("c.bin", "wb").write(b"c" * 300)\nprint("wrote")', 'print("after")'],
      fetch_files: ['a.bin', 'b.bin', 'c.bin'],
    });
    assert.equal(response.status, 'Success', response.message);
    assert.deepEqual(response.cells.map((cell) => cell.stdout), ['wrote\n', 'after\n']);
    assert.deepEqual(Object.keys(response.files), ['a.bin', 'c.bin']);
    assert.equal(Buffer.from(response.files['c.bin']!, 'base64').toString(), 'c'.repeat(300));
    assert.deepEqual(response.file_errors, {
      'b.bin': 'it is 600 bytes, more than the 400 bytes left of the fetch limit of 1000 bytes per run (files listed before it took the rest)',
    });
  });
});

function connect(): net.Socket {
  const url = new URL(service.url);
  return net.connect(Number(url.port), url.hostname);
}

/** What a raw HTTP exchange got back, and when. */
interface RawAnswer {
  status: number;
  body: string;
  at: number;
}

/**
 * A client that sends its headers and the start of a body it never finishes, a byte now and then (slowloris),
 * until the service answers.
 */
function slowClient(socket = connect()): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    let received = '';
    let trickle: NodeJS.Timeout | undefined;
    socket.on('connect', () => {
      socket.write(`POST /run_jupyter HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"cells": ["`);
      trickle = setInterval(() => socket.write(' '), 200);
    });
    socket.setEncoding('utf8').on('data', (chunk: string) => (received += chunk));
    socket.on('error', () => undefined); // A write after the service closed the connection.
    socket.on('close', () => {
      clearInterval(trickle);
      const status = /^HTTP\/1\.1 (\d{3}) /.exec(received);
      if (!status) reject(new Error(`not an HTTP answer: ${JSON.stringify(received.slice(0, 200))}`));
      else resolve({ status: Number(status[1]), body: received.slice(received.indexOf('\r\n\r\n') + 4), at: Date.now() });
    });
  });
}

describe('slow clients', () => {
  test('two that never finish their bodies hold no run slot: a third runs at once, and they get 408 at the deadline', async () => {
    await untilHealth((h) => h.running === 0 && h.waiting === 0 && h.pool.ready === 1, 'the service to be idle, its pool full');
    const before = await service.metrics();
    const sent = Date.now();
    const slow = [slowClient(), slowClient()];
    let reading = 0;
    await until(() => reading === 2, 'both slow bodies to be arriving', async () => {
      reading = (await service.metrics()).count('cellbridge_requests_reading');
    });
    // One run at a time and one waiting at most: had the slow ones taken the slot and the place in the queue, this would be 429.
    const third = await service.run({ cells: ['print("not blocked")'] });
    const thirdAt = Date.now();
    assert.equal(third.status, 200, JSON.stringify(third.body));
    assert.equal(third.body.cells[0]?.stdout, 'not blocked\n');
    for (const answer of await Promise.all(slow)) {
      assert.equal(answer.status, 408, answer.body);
      assert.match((JSON.parse(answer.body) as { error: string }).error, /did not arrive whole within 5 s/);
      assert.ok(answer.at > thirdAt, 'the third was answered before the slow ones were turned away');
      assert.ok(answer.at - sent >= BODY_DEADLINE_MS - 100, `408 at the deadline, not after ${answer.at - sent} ms`);
    }
    // A request is counted once its connection has closed on the service's side too.
    const increase = (metrics: Metrics, name: string, labels: Record<string, string>): number => metrics.count(name, labels) - before.count(name, labels);
    let after = before;
    await until(() => increase(after, 'cellbridge_requests_total', { route: '/run_jupyter', code: '408' }) === 2, 'both 408s counted', async () => {
      after = await service.metrics();
    });
    assert.equal(increase(after, 'cellbridge_rejected_total', { reason: '408' }), 2);
    assert.equal(after.count('cellbridge_requests_reading'), 0);
  });

  test('one that gives up before its body is whole is counted as a client that left (499), and holds nothing', async () => {
    const before = await service.metrics();
    const socket = connect();
    const answer = slowClient(socket).catch((error: unknown) => error);
    let reading = 0;
    await until(() => reading === 1, 'the slow body to be arriving', async () => {
      reading = (await service.metrics()).count('cellbridge_requests_reading');
    });
    socket.destroy();
    assert.ok((await answer) instanceof Error, 'no answer reached a client that left');
    let after = before;
    await until(() => after.count('cellbridge_requests_total', { route: '/run_jupyter', code: '499' }) > before.count('cellbridge_requests_total', { route: '/run_jupyter', code: '499' }), 'the 499 counted', async () => {
      after = await service.metrics();
    });
    assert.equal(after.count('cellbridge_rejected_total', { reason: '499' }) - before.count('cellbridge_rejected_total', { reason: '499' }), 1);
    assert.equal(after.count('cellbridge_requests_reading'), 0);
    const health = (await service.request<Health>('/health')).body;
    assert.deepEqual([health.running, health.waiting], [0, 0]);
  });
});

test('the limits hit are counted on /metrics by kind', async () => {
  const metrics = await service.metrics();
  assert.equal(metrics.count('cellbridge_timeouts_total', { kind: 'cell' }), 3);
  assert.equal(metrics.count('cellbridge_timeouts_total', { kind: 'total' }), 1);
  assert.equal(metrics.count('cellbridge_timeouts_total', { kind: 'memory' }), 1);
  assert.equal(metrics.count('cellbridge_cells_total', { status: 'memory_limit' }), 1);
});
