import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { test } from 'node:test';
import { KernelMessage } from '@jupyterlab/services';
import { WireCodec } from '../../../../src/core/kernel/wire/wireCodec';

const request = KernelMessage.createMessage({ msgType: 'kernel_info_request', channel: 'shell', session: 's1', content: {} });

test('encode signs header, parent, metadata and content with HMAC-SHA256, as the wire protocol says', () => {
  const frames = new WireCodec('secret').encode(request).map(String);
  assert.equal(frames[0], '<IDS|MSG>');
  const expected = createHmac('sha256', 'secret').update(frames[2]!).update(frames[3]!).update(frames[4]!).update(frames[5]!).digest('hex');
  assert.equal(frames[1], expected);
  assert.deepEqual(JSON.parse(frames[2]!), request.header);
});

test('decode round-trips a message, skipping routing identities before the delimiter', () => {
  const codec = new WireCodec('secret');
  const frames = [Buffer.from('identity'), ...codec.encode(request).map((f) => Buffer.from(f))];
  const decoded = codec.decode(frames, 'shell');
  assert.ok(decoded);
  assert.equal(decoded.channel, 'shell');
  assert.deepEqual(decoded.header, request.header);
  assert.deepEqual(decoded.content, {});
});

test('decode refuses a message signed with another key, or with too few frames', () => {
  const forged = new WireCodec('other').encode(request).map((f) => Buffer.from(f));
  assert.equal(new WireCodec('secret').decode(forged, 'shell'), undefined);
  assert.equal(new WireCodec('secret').decode([Buffer.from('<IDS|MSG>'), Buffer.from('sig')], 'shell'), undefined);
});

test('binary buffers travel as extra frames', () => {
  const codec = new WireCodec('k');
  const withBuffers = { ...request, buffers: [new Uint8Array([1, 2, 3])] };
  const frames = codec.encode(withBuffers).map((f) => (typeof f === 'string' ? Buffer.from(f) : f));
  const decoded = codec.decode(frames, 'iopub');
  assert.deepEqual([...(decoded?.buffers?.[0] as Buffer)], [1, 2, 3]);
});
