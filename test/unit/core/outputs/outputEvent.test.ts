import assert from 'node:assert/strict';
import { test } from 'node:test';
import { KernelMessage } from '@jupyterlab/services';
import { toOutputEvent } from '../../../../src/core/outputs/outputEvent';

function iopub<T extends KernelMessage.IOPubMessageType>(msgType: T, content: KernelMessage.IIOPubMessage<T>['content']): KernelMessage.IIOPubMessage {
  return KernelMessage.createMessage({ msgType, channel: 'iopub', session: 's', content } as never) as KernelMessage.IIOPubMessage;
}

test('each output-carrying iopub message becomes its event; others carry none', () => {
  assert.deepEqual(toOutputEvent(iopub('stream', { name: 'stderr', text: 'x' })), { type: 'stream', name: 'stderr', text: 'x' });
  assert.deepEqual(toOutputEvent(iopub('clear_output', { wait: true })), { type: 'clear_output', wait: true });
  assert.deepEqual(toOutputEvent(iopub('display_data', { data: { 'text/plain': 'a' }, metadata: {}, transient: { display_id: 'd' } })), {
    type: 'display_data',
    data: { 'text/plain': 'a' },
    metadata: {},
    displayId: 'd',
  });
  assert.equal(toOutputEvent(iopub('status', { execution_state: 'idle' })), undefined);
  assert.equal(toOutputEvent(iopub('update_display_data', { data: {}, metadata: {}, transient: {} })), undefined, 'an update needs a display id');
});

test("xeus-python's class-repr ename reads like ipykernel's class name", () => {
  const event = toOutputEvent(iopub('error', { ename: "<class 'pkg.mod.CustomError'>", evalue: 'v', traceback: ['t'] }));
  assert.deepEqual(event, { type: 'error', ename: 'CustomError', evalue: 'v', traceback: ['t'] });
  const plain = toOutputEvent(iopub('error', { ename: 'ValueError', evalue: 'v', traceback: [] }));
  assert.equal(plain?.type === 'error' && plain.ename, 'ValueError');
});
