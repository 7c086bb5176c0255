import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { TestService } from '../helpers/service';

/** The cap on a whole answer, over real HTTP: a service whose answers may be at most 64 KiB. */
const ANSWER_CAP = 64 * 1024;
let service: TestService;

before(async () => {
  service = await TestService.start({ maxResponseBytes: ANSWER_CAP, maxOutputCharsPerCell: 100_000 });
});

after(async () => {
  assert.deepEqual(await service.close(), []);
});

test('an answer past its cap still comes as 200, every cell with its status; outputs that do not fit are left out, each saying so', async () => {
  const loud = 'print("a" * 20_000)';
  const cells = [loud, loud, loud, 'raise ValueError("late")', loud, 'print("last")'];
  const answer = await service.run({ cells });
  assert.equal(answer.status, 200);
  const length = Number(answer.headers.get('content-length'));
  assert.ok(length <= ANSWER_CAP, `${length} bytes`);
  const response = answer.body;
  assert.equal(response.status, 'Success');
  assert.deepEqual(response.cells.map((cell) => cell.status), ['ok', 'ok', 'ok', 'error', 'ok', 'ok']);
  assert.deepEqual(response.cells.map((cell) => cell.execution_count), [1, 2, 3, 4, 5, 6]);
  // Each loud cell is 40 KB as JSON (stdout, and its stream output): the first fits, the others do not.
  assert.equal(response.cells[0]?.stdout, `${'a'.repeat(20_000)}\n`);
  for (const index of [1, 2, 4]) {
    const cell = response.cells[index]!;
    assert.equal(cell.stdout, '');
    assert.match(cell.stderr, /^\[CellBridge: output left out: this cell's output \(at least 40,\d{3} bytes of JSON\) would take the answer past its size limit of 65,536 bytes\]\n$/);
  }
  assert.equal(response.cells[3]?.error[0]?.evalue, 'late', 'a small cell after a left-out one still fits');
  assert.equal(response.cells[5]?.stdout, 'last\n');
  assert.equal(response.message, 'The answer would pass its size limit of 65,536 bytes: the outputs of 3 of 6 cells were left out, each saying so in its stderr.');
});

test('an answer within its cap is not touched', async () => {
  const response = await service.runOk({ cells: ['print("small")'] });
  assert.equal(response.message, '');
  assert.equal(response.cells[0]?.stdout, 'small\n');
});
