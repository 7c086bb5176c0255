import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CancellationTokenSource } from '../../../../src/core/common/cancellation';
import { DisposableStore, toDisposable } from '../../../../src/core/common/disposable';

test('each cancellation source owns its own state', () => {
  const first = new CancellationTokenSource();
  const second = new CancellationTokenSource();
  let fired = 0;
  first.token.onCancellationRequested(() => fired++);
  first.cancel();
  assert.equal(first.token.isCancellationRequested, true);
  assert.equal(second.token.isCancellationRequested, false);
  assert.equal(fired, 1);
  let late = 0;
  first.token.onCancellationRequested(() => late++);
  assert.equal(late, 1, 'a listener added after cancellation is called at once');
});

test('a disposable store disposes newest first, once, and disposes items added after it is disposed', () => {
  const order: string[] = [];
  const store = new DisposableStore();
  store.add(toDisposable(() => order.push('a')));
  store.add(toDisposable(() => order.push('b')));
  store.dispose();
  store.dispose();
  store.add(toDisposable(() => order.push('late')));
  assert.deepEqual(order, ['b', 'a', 'late']);
});
