import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { CancellationTokenSource } from '../../../../src/core/common/cancellation';
import { Admission } from '../../../../src/runner/service/admission';

/** Lets pending promise callbacks run. */
const settle = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('Admission', () => {
  test('admits up to the limit at once, queues the next ones, refuses beyond the queue', async () => {
    const admission = new Admission(2, 1);
    const first = await admission.enter();
    const second = await admission.enter();
    assert.ok(first && second);
    let thirdAdmitted = false;
    const third = admission.enter().then((release) => {
      thirdAdmitted = true;
      return release;
    });
    await settle();
    assert.equal(thirdAdmitted, false);
    assert.deepEqual([admission.runningCount, admission.waitingCount], [2, 1]);
    assert.equal(await admission.enter(), undefined, 'the queue is full');
    first();
    const release = await third;
    assert.ok(release);
    assert.deepEqual([admission.runningCount, admission.waitingCount], [2, 0]);
    second();
    release();
    assert.deepEqual([admission.runningCount, admission.waitingCount], [0, 0]);
  });

  test('waiters get their turn in arrival order', async () => {
    const admission = new Admission(1, 3);
    const running = await admission.enter();
    const order: number[] = [];
    const waiters = [1, 2, 3].map((n) =>
      admission.enter().then((release) => {
        order.push(n);
        release?.();
      }),
    );
    running?.();
    await Promise.all(waiters);
    assert.deepEqual(order, [1, 2, 3]);
    assert.equal(admission.runningCount, 0);
  });

  test('releasing twice frees one slot only', async () => {
    const admission = new Admission(1, 1);
    const release = await admission.enter();
    release?.();
    release?.();
    assert.equal(admission.runningCount, 0);
    const again = await admission.enter();
    assert.ok(again);
    assert.equal(admission.runningCount, 1);
  });

  test('a waiter that leaves frees its place in the queue at once, and gets no slot', async () => {
    const admission = new Admission(1, 1);
    const running = await admission.enter();
    const leave = new CancellationTokenSource();
    const leaving = admission.enter(leave.token);
    await settle();
    assert.equal(admission.waitingCount, 1);
    leave.cancel();
    assert.equal(await leaving, undefined);
    assert.equal(admission.waitingCount, 0);
    const next = admission.enter();
    assert.equal(admission.waitingCount, 1, 'the freed place is taken by the next request');
    running?.();
    assert.ok(await next);
    assert.equal(admission.runningCount, 1);
  });

  test('a request that has already left is not admitted; leaving after admission changes nothing', async () => {
    const admission = new Admission(1, 1);
    const gone = new CancellationTokenSource();
    gone.cancel();
    assert.equal(await admission.enter(gone.token), undefined);
    assert.equal(admission.runningCount, 0);
    const stays = new CancellationTokenSource();
    const release = await admission.enter(stays.token);
    stays.cancel();
    assert.equal(admission.runningCount, 1, 'the caller still owns the slot and releases it');
    release?.();
    assert.equal(admission.runningCount, 0);
  });
});
