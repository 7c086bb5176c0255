import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseErrorPayload } from '../../../renderers/error/errorPayload';
import { REVEAL_FRAME, revealFrameMessage } from '../../../renderers/error/revealFrame';

test('the controller shape {name, message, stack} is read as is', () => {
  assert.deepEqual(parseErrorPayload('{"name":"E","message":"m","stack":"s"}'), { name: 'E', message: 'm', stack: 's' });
});

test('nbformat {ename, evalue, traceback} is accepted too, the traceback joined by newlines', () => {
  assert.deepEqual(parseErrorPayload('{"ename":"E","evalue":"m","traceback":["a","b"]}'), { name: 'E', message: 'm', stack: 'a\nb' });
});

test('anything else still shows: not JSON, not an object, wrong types', () => {
  assert.deepEqual(parseErrorPayload('boom <b>'), { name: 'Error', message: 'boom <b>' });
  assert.deepEqual(parseErrorPayload('[1]'), { name: 'Error', message: '', stack: undefined });
  assert.deepEqual(parseErrorPayload('"text"'), { name: 'Error', message: '"text"' });
  assert.deepEqual(parseErrorPayload('{"name":1,"message":null,"stack":["x"]}'), { name: 'Error', message: '', stack: undefined });
});

test('a link dataset becomes a reveal message with numbers only; anything else is no message', () => {
  assert.deepEqual(revealFrameMessage({ cellExecutionCount: '3', line: '2' }), { type: REVEAL_FRAME, executionCount: 3, line: 2 });
  assert.deepEqual(revealFrameMessage({ cellExecutionCount: '3' }), { type: REVEAL_FRAME, executionCount: 3 });
  assert.deepEqual(revealFrameMessage({ file: '/a"b.py', line: '7' }), { type: REVEAL_FRAME, file: '/a"b.py', line: 7 });
  assert.deepEqual(revealFrameMessage({ file: '/a.py', line: '7x' }), { type: REVEAL_FRAME, file: '/a.py' });
  assert.equal(revealFrameMessage({ cellExecutionCount: '-1' }), undefined);
  assert.equal(revealFrameMessage({ cellExecutionCount: '1e3' }), undefined);
  assert.equal(revealFrameMessage({}), undefined);
});
