import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ToRenderer } from '../../../renderers/widgets/bridgeProtocol';
import { appendToBatch } from '../../../renderers/widgets/messageBatch';

const update = (commId: string, state: Record<string, unknown>, extra: Partial<Extract<ToRenderer, { type: 'comm_msg' }>> = {}): ToRenderer => ({
  type: 'comm_msg',
  commId,
  data: { method: 'update', state, buffer_paths: [] },
  metadata: {},
  buffers: [],
  parentMsgId: 'cell-1',
  ...extra,
});

test("a loop's updates of one model merge into one, later keys winning; other models and messages keep their order", () => {
  const batch: ToRenderer[] = [];
  for (let i = 0; i < 1000; i++) appendToBatch(batch, update('slider', { value: i }));
  appendToBatch(batch, update('slider', { description: 'done' }));
  assert.equal(batch.length, 1);
  const merged = batch[0];
  assert.ok(merged?.type === 'comm_msg');
  assert.deepEqual(merged.data.state, { value: 999, description: 'done' });
  appendToBatch(batch, update('other', { value: 1 }));
  appendToBatch(batch, update('slider', { value: 5 }));
  appendToBatch(batch, { type: 'kernelGone' });
  assert.deepEqual(batch.map((message) => (message.type === 'comm_msg' ? message.commId : message.type)), ['slider', 'other', 'slider', 'kernelGone']);
});

test('updates with binary parts, of another parent, or echoes after updates are never merged', () => {
  const batch: ToRenderer[] = [];
  appendToBatch(batch, update('image', { value: 1 }));
  appendToBatch(batch, update('image', {}, { buffers: ['AAE='], data: { method: 'update', state: {}, buffer_paths: [['value']] } }));
  appendToBatch(batch, update('image', { width: 2 }, { parentMsgId: 'cell-2' }));
  appendToBatch(batch, update('image', { width: 3 }, { parentMsgId: 'cell-2', data: { method: 'echo_update', state: { width: 3 }, buffer_paths: [] } }));
  assert.equal(batch.length, 4);
});
