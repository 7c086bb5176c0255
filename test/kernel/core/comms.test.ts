import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { type CommEvent, CommClosedError, KernelComms } from '../../../src/core/comms/kernelComms';
import type { KernelHandle } from '../../../src/core/kernel/kernelHandle';
import { until } from '../helpers/cellWaits';
import { CURRENT_STACK_KERNEL, useCurrentStackKernel } from '../helpers/currentStack';
import { shownStream, type TestDocument, useTestDocument } from '../helpers/kernels';

/**
 * The comm layer against a real kernel with the current stack (ipykernel 7.4, ipywidgets 8.1.9, comm): the
 * widget protocol's round trips both ways, binary buffers included, a target the kernel registers, and the
 * kernel's death.
 */
before(() => void useCurrentStackKernel());
const document = useTestDocument(CURRENT_STACK_KERNEL);
let doc: TestDocument;
let kernel: KernelHandle;
let comms: KernelComms;
const events: CommEvent[] = [];

before(async () => {
  doc = document();
  kernel = await doc.session.kernel();
  comms = new KernelComms(kernel);
  comms.onDidReceive((event) => events.push(event));
});

after(() => comms.dispose());

async function stdoutOf(code: string): Promise<string> {
  const run = await doc.runOne(code);
  assert.equal(run.state, 'done', JSON.stringify(run.outputs.outputs));
  return shownStream(run, 'stdout');
}

function eventsFor(commId: string): CommEvent[] {
  return events.filter((event) => event.type !== 'kernelGone' && event.commId === commId);
}

/** The comm id of the widget a Python expression names (its model id is its comm id). */
async function modelIdOf(expression: string): Promise<string> {
  return (await stdoutOf(`print(${expression}.model_id)`)).trim();
}

describe('widget comms (ipywidgets 8)', () => {
  test('a widget made in the kernel opens a comm with its state; a change in Python arrives as an update', async () => {
    await stdoutOf('import ipywidgets as widgets\nslider = widgets.IntSlider(value=3, min=0, max=10)');
    const id = await modelIdOf('slider');
    const opened = eventsFor(id)[0];
    assert.equal(opened?.type, 'open');
    assert.ok(opened.type === 'open' && opened.targetName === 'jupyter.widget');
    assert.equal(comms.openComms.get(id), 'jupyter.widget');
    const state = (opened.type === 'open' ? opened.data.state : undefined) as Record<string, unknown>;
    assert.equal(state._model_name, 'IntSliderModel');
    assert.equal(state.value, 3);
    await stdoutOf('slider.value = 5');
    const update = eventsFor(id).find((event) => event.type === 'msg');
    assert.deepEqual(update?.type === 'msg' && update.data, { method: 'update', state: { value: 5 }, buffer_paths: [] });
  });

  test("an update sent from this side reaches the Python model, and the kernel's echo names our message as its parent", async () => {
    const id = await modelIdOf('slider');
    const before = eventsFor(id).length;
    const sent = comms.send(id, { method: 'update', state: { value: 7 }, buffer_paths: [] });
    assert.equal(await stdoutOf('print(slider.value)'), '7\n');
    const echo = eventsFor(id).slice(before).find((event) => event.type === 'msg' && event.data.method === 'echo_update');
    assert.ok(echo, 'ipywidgets 8 echoes a state change it accepted from a frontend');
    assert.equal(echo.type === 'msg' && echo.parentMsgId, sent);
  });

  test('binary buffers stay bytes both ways: an Image widget value out, and in', async () => {
    await stdoutOf("image = widgets.Image(value=bytes([0, 1, 2, 255]), format='png')");
    const id = await modelIdOf('image');
    const opened = eventsFor(id)[0];
    assert.ok(opened?.type === 'open');
    assert.deepEqual(opened.data.buffer_paths, [['value']]);
    assert.deepEqual([...opened.buffers[0]!], [0, 1, 2, 255]);
    comms.send(id, { method: 'update', state: {}, buffer_paths: [['value']] }, [new Uint8Array([9, 8, 7])]);
    assert.equal(await stdoutOf('print(list(image.value))'), '[9, 8, 7]\n');
  });

  test("comm_info_request lists the kernel's open widget comms; a closed widget leaves the list and closes here", async () => {
    const id = await modelIdOf('slider');
    assert.equal((await comms.commInfo('jupyter.widget'))[id]?.target_name, 'jupyter.widget');
    await stdoutOf('slider.close()');
    assert.equal(eventsFor(id).at(-1)?.type, 'close');
    assert.equal(comms.openComms.has(id), false);
    assert.equal((await comms.commInfo())[id], undefined);
    assert.throws(() => comms.send(id, { method: 'update', state: { value: 1 }, buffer_paths: [] }), CommClosedError);
  });
});

describe('a comm this side opens', () => {
  test("to a target the kernel registered: it opens there, and the kernel's answers (with buffers) come back on it", async () => {
    await stdoutOf(
      [
        'from comm import get_comm_manager',
        'def on_open(comm, msg):',
        '    comm.on_msg(lambda m: comm.send({"echo": m["content"]["data"]}, buffers=[bytes(b)[::-1] for b in m["buffers"]]))',
        '    comm.send({"opened_with": msg["content"]["data"]})',
        'get_comm_manager().register_target("cellbridge.echo", on_open)',
      ].join('\n'),
    );
    const id = comms.openComm('cellbridge.echo', { hello: 1 });
    await until(() => eventsFor(id).length >= 1, 'the kernel to answer the open');
    const first = eventsFor(id)[0];
    assert.ok(first?.type === 'msg');
    assert.deepEqual(first.data, { opened_with: { hello: 1 } });
    comms.send(id, { n: 2 }, [new Uint8Array([1, 2, 3])]);
    await until(() => eventsFor(id).length >= 2, 'the echo');
    const echo = eventsFor(id)[1];
    assert.ok(echo?.type === 'msg');
    assert.deepEqual(echo.data, { echo: { n: 2 } });
    assert.deepEqual([...echo.buffers[0]!], [3, 2, 1]);
    assert.equal((await comms.commInfo('cellbridge.echo'))[id]?.target_name, 'cellbridge.echo');
    comms.close(id);
    assert.equal(comms.openComms.has(id), false);
  });
});

describe('the end of the kernel', () => {
  test('its death closes every comm at once, with one kernelGone; nothing can be sent after', async () => {
    await stdoutOf('keep = widgets.Button(description="still open")');
    const id = await modelIdOf('keep');
    assert.ok(comms.openComms.has(id));
    await doc.runOne('import os; os._exit(1)');
    await until(() => events.some((event) => event.type === 'kernelGone'), 'the kernel to be gone');
    assert.equal(events.filter((event) => event.type === 'kernelGone').length, 1);
    assert.equal(comms.openComms.size, 0);
    assert.throws(() => comms.openComm('jupyter.widget'), /gone/);
  });
});
