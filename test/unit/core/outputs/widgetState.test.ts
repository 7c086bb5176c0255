import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { CommEvent } from '../../../../src/core/comms/kernelComms';
import { Emitter } from '../../../../src/core/common/emitter';
import { toWidgetEvent, WidgetStateRecorder } from '../../../../src/core/outputs/widgetState';

type Data = Record<string, unknown>;

/** The comm events KernelComms makes of the messages ipywidgets 8 sends, by shape. */
const open = (commId: string, state: Data, bufferPaths: unknown[] = [], buffers: Uint8Array[] = [], targetName = 'jupyter.widget'): CommEvent =>
  ({ type: 'open', commId, targetName, data: { state, buffer_paths: bufferPaths } as never, metadata: {}, buffers, parentMsgId: undefined });
const message = (commId: string, data: Data, buffers: Uint8Array[] = []): CommEvent => ({ type: 'msg', commId, data: data as never, metadata: {}, buffers, parentMsgId: undefined });
const update = (commId: string, state: Data, bufferPaths: unknown[] = [], buffers: Uint8Array[] = []) => message(commId, { method: 'update', state, buffer_paths: bufferPaths }, buffers);
const custom = (commId: string, content: Data) => message(commId, { method: 'custom', content });
const close = (commId: string): CommEvent => ({ type: 'close', commId, data: {}, parentMsgId: undefined });

const model = (name: string, module: string, version: string, extra: Data = {}): Data => ({
  _model_name: name,
  _model_module: module,
  _model_module_version: version,
  ...extra,
});

function record(events: CommEvent[]): WidgetStateRecorder {
  const recorder = new WidgetStateRecorder();
  for (const commEvent of events) {
    const event = toWidgetEvent(commEvent);
    if (event) recorder.apply(event);
  }
  return recorder;
}

test('a Label, its layout and style become three models; a later update merges; custom messages change nothing', () => {
  const layout = model('LayoutModel', '@jupyter-widgets/base', '2.0.0', { width: null });
  const style = model('LabelStyleModel', '@jupyter-widgets/controls', '2.0.0', { font_size: null });
  const label = model('LabelModel', '@jupyter-widgets/controls', '2.0.0', { value: 'Hello', layout: 'IPY_MODEL_l', style: 'IPY_MODEL_s' });
  const recorder = record([
    open('l', layout),
    open('s', style),
    open('w', label),
    custom('w', { msg: 'Hello' }),
    update('w', { value: 'Hello World' }),
  ]);
  assert.deepEqual(recorder.toMetadata(), {
    version_major: 2,
    version_minor: 0,
    state: {
      l: { model_name: 'LayoutModel', model_module: '@jupyter-widgets/base', model_module_version: '2.0.0', state: layout },
      s: { model_name: 'LabelStyleModel', model_module: '@jupyter-widgets/controls', model_module_version: '2.0.0', state: style },
      w: {
        model_name: 'LabelModel',
        model_module: '@jupyter-widgets/controls',
        model_module_version: '2.0.0',
        state: { ...label, value: 'Hello World' },
      },
    },
  });
});

test('nothing is recorded without a widget model: other comm targets, custom messages and non-comm messages are not widgets', () => {
  const recorder = record([
    open('c', model('X', 'm', '1'), [], [], 'this-comm-tests-a-missing-handler'),
    message('c', { id: 'bar' }),
    update('c', model('X', 'm', '1')),
    close('c'),
  ]);
  assert.equal(recorder.toMetadata(), undefined);
  assert.equal(toWidgetEvent({ type: 'kernelGone' }), undefined);
  assert.equal(toWidgetEvent(message('w', { method: 'request_state' })), undefined);
});

test('comm_close removes the model; later updates to it are ignored, other models stay', () => {
  const recorder = record([
    open('a', model('IntSliderModel', '@jupyter-widgets/controls', '2.0.0', { value: 1 })),
    open('b', model('LayoutModel', '@jupyter-widgets/base', '2.0.0')),
    close('a'),
    update('a', { value: 2 }),
  ]);
  assert.deepEqual(Object.keys(recorder.toMetadata()!.state), ['b']);
  assert.equal(record([open('a', model('M', 'm', '1')), close('a')]).toMetadata(), undefined, 'no model left, no metadata');
});

test("ipywidgets 6's comm_open (protocol 1: the state itself as data) is kept as it came, its library named", () => {
  const flat = model('IntSliderModel', 'jupyter-js-widgets', '~2.1.4', { value: 3 });
  const recorder = record([{ type: 'open', commId: 'six', targetName: 'jupyter.widget', data: flat as never, metadata: {}, buffers: [], parentMsgId: undefined }]);
  assert.deepEqual(recorder.toMetadata()!.state.six, { model_name: 'IntSliderModel', model_module: 'jupyter-js-widgets', model_module_version: '~2.1.4', state: flat });
});

test('a model that never names its class cannot be rebuilt and is left out', () => {
  const recorder = record([open('anonymous', { value: 1 }), open('named', model('M', 'm', '1'))]);
  assert.deepEqual(Object.keys(recorder.toMetadata()!.state), ['named']);
  assert.equal(record([open('anonymous', { value: 1 })]).toMetadata(), undefined);
});

test('binary buffers are kept base64 at their buffer paths, top-level and nested', () => {
  const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x00, 0xff]);
  const recorder = record([
    open(
      'img',
      model('ImageModel', '@jupyter-widgets/controls', '2.0.0', { format: 'png', points: { xs: [null, 3] } }),
      [['value'], ['points', 'xs', 0]],
      [png, new Uint8Array([1, 2, 3])],
    ),
  ]);
  const saved = recorder.toMetadata()!.state.img!;
  assert.deepEqual(saved.buffers, [
    { path: ['value'], data: png.toString('base64'), encoding: 'base64' },
    { path: ['points', 'xs', 0], data: 'AQID', encoding: 'base64' },
  ]);
  assert.equal('value' in saved.state, false, 'a top-level binary value lives in `buffers` only');
  assert.deepEqual(saved.state.points, { xs: [null, 3] });
});

test('a buffer is replaced by a later update of its value, and dropped when the value turns into JSON', () => {
  const recorder = record([
    open('img', model('ImageModel', '@jupyter-widgets/controls', '2.0.0', { format: 'png' }), [['value']], [Buffer.from('old')]),
    update('img', {}, [['value']], [Buffer.from('new')]),
  ]);
  assert.deepEqual(recorder.toMetadata()!.state.img!.buffers, [{ path: ['value'], data: Buffer.from('new').toString('base64'), encoding: 'base64' }]);
  recorder.apply(toWidgetEvent(update('img', { value: 'now text' }))!);
  const saved = recorder.toMetadata()!.state.img!;
  assert.equal(saved.buffers, undefined);
  assert.equal(saved.state.value, 'now text');
  // And back to binary: the stale JSON value goes, so a loader does not see both.
  recorder.apply(toWidgetEvent(update('img', {}, [['value']], [Buffer.from('bin')]))!);
  assert.equal('value' in recorder.toMetadata()!.state.img!.state, false);
});

test('buffers that are views into a larger message (KernelComms makes them of the WebSocket\'s DataViews) encode only their bytes', () => {
  const whole = new Uint8Array([9, 9, 1, 2, 3, 9]).buffer;
  const recorder = record([open('w', model('M', 'm', '1'), [['b']], [new Uint8Array(whole, 2, 3)])]);
  assert.equal(recorder.toMetadata()!.state.w!.buffers![0]!.data, 'AQID');
});

test('a malformed buffer path or a missing buffer is skipped, not thrown on', () => {
  const recorder = record([open('w', model('M', 'm', '1'), [[], 'x', ['ok'], ['missing']], [Buffer.from('a'), Buffer.from('b'), Buffer.from('c')])]);
  assert.deepEqual(recorder.toMetadata()!.state.w!.buffers, [{ path: ['ok'], data: Buffer.from('c').toString('base64'), encoding: 'base64' }]);
});

test("ipywidgets 8's echo_update changes state as an update does", () => {
  const recorder = record([
    open('w', model('M', 'm', '1', { value: 1 })),
    message('w', { method: 'echo_update', state: { value: 5 }, buffer_paths: [] }),
  ]);
  assert.equal(recorder.toMetadata()!.state.w!.state.value, 5);
});

test('observe() feeds every comm event of a kernel, whatever cell it belongs to, until disposed', () => {
  const events = new Emitter<CommEvent>();
  const comms = { onDidReceive: events.event };
  const recorder = new WidgetStateRecorder();
  const observation = recorder.observe(comms);
  events.fire(open('w', model('M', 'm', '1', { value: 1 })));
  events.fire(update('w', { value: 2 }));
  observation.dispose();
  events.fire(update('w', { value: 3 }));
  assert.equal(recorder.toMetadata()!.state.w!.state.value, 2);
  recorder.observe(comms);
  recorder.dispose();
  events.fire(update('w', { value: 4 }));
  assert.equal(recorder.toMetadata()!.state.w!.state.value, 2, 'disposing the recorder ends every observation');
});
