/**
 * The writer's pacing and blocking, in Node. The sink stands in for a NotebookCellExecution (no real one
 * exists outside VS Code's extension host); what VS Code then shows is covered by the in-host suite.
 */
import assert from 'node:assert/strict';
import { afterEach, beforeEach, mock, test } from 'node:test';
import type { CellOutputs } from '../../../src/core/outputs/cellOutputs';
import { DocumentOutputs } from '../../../src/core/outputs/documentOutputs';
import type { Output } from '../../../src/core/outputs/nbformat';
import { CellOutputWriter, type OutputFactory, type OutputSink, type SinkLease, type WritePacing } from '../../../src/extension/cellOutputWriter';

interface FakeOutput {
  readonly id: number;
  readonly source: Output;
}
type FakeItem = string;
type Call = { call: 'replaceOutput' | 'appendOutput'; outputs: number[] } | { call: 'replaceOutputItems' | 'appendOutputItems'; items: FakeItem[]; output: number };

let nextId = 0;
const factory: OutputFactory<FakeOutput, FakeItem> = {
  output: (source) => ({ id: nextId++, source }),
  items: (source) => [JSON.stringify(source)],
  streamItem: (stream, text) => `${stream}:${text}`,
};

class RecordingSink implements OutputSink<FakeOutput, FakeItem> {
  readonly calls: Call[] = [];
  failNext = false;

  private record(call: Call): Thenable<void> {
    if (this.failNext) {
      this.failNext = false;
      return Promise.reject(new Error('the execution has ended'));
    }
    this.calls.push(call);
    return Promise.resolve();
  }

  replaceOutput(outputs: readonly FakeOutput[]): Thenable<void> {
    return this.record({ call: 'replaceOutput', outputs: outputs.map((o) => o.id) });
  }
  appendOutput(outputs: readonly FakeOutput[]): Thenable<void> {
    return this.record({ call: 'appendOutput', outputs: outputs.map((o) => o.id) });
  }
  replaceOutputItems(items: readonly FakeItem[], output: FakeOutput): Thenable<void> {
    return this.record({ call: 'replaceOutputItems', items: [...items], output: output.id });
  }
  appendOutputItems(items: readonly FakeItem[], output: FakeOutput): Thenable<void> {
    return this.record({ call: 'appendOutputItems', items: [...items], output: output.id });
  }
}

const PACING: WritePacing = { minDelayMs: 16, charsPerMs: 1000 };

interface Setup {
  outputs: CellOutputs;
  sink: RecordingSink;
  writer: CellOutputWriter<FakeOutput, FakeItem>;
  failures: unknown[];
  /** Whether the cell can be written now (false: its next run is queued). */
  writable: { now: boolean };
}

function setup(): Setup {
  const outputs = new DocumentOutputs().createCell();
  const sink = new RecordingSink();
  const failures: unknown[] = [];
  const writable = { now: true };
  const lease: SinkLease<FakeOutput, FakeItem> = async (write) => {
    if (!writable.now) return false;
    await write(sink);
    return true;
  };
  const writer = new CellOutputWriter(outputs, lease, factory, (error) => failures.push(error), PACING);
  return { outputs, sink, writer, failures, writable };
}

/** Lets the timer's write and its promise chain run. */
async function advance(ms: number): Promise<void> {
  mock.timers.tick(ms);
  for (let i = 0; i < 10; i++) await Promise.resolve();
}

const print = (outputs: CellOutputs, text: string): void => outputs.apply({ type: 'stream', name: 'stdout', text });

beforeEach(() => mock.timers.enable({ apis: ['setTimeout'] }));
afterEach(() => mock.timers.reset());

test('a burst of messages becomes one write, a frame later', async () => {
  const { outputs, sink } = setup();
  for (let i = 0; i < 1000; i++) print(outputs, `line ${i}\n`);
  assert.equal(sink.calls.length, 0, 'nothing is written before the frame ends');
  await advance(15);
  assert.equal(sink.calls.length, 0);
  await advance(1);
  assert.equal(sink.calls.length, 1);
  assert.equal(sink.calls[0]!.call, 'appendOutput');
});

test('a stream that grows sends only its new text, as one more item of the output already shown', async () => {
  const { outputs, sink } = setup();
  print(outputs, 'a\n');
  await advance(16);
  const shown = sink.calls[0];
  assert.ok(shown?.call === 'appendOutput');
  print(outputs, 'b\n');
  print(outputs, 'c\n');
  await advance(16);
  assert.deepEqual(sink.calls[1], { call: 'appendOutputItems', items: ['stdout:b\nc\n'], output: shown.outputs[0] });
});

test('after a large write the next waits as long as the renderer needs for it', async () => {
  const { outputs, sink } = setup();
  print(outputs, 'x'.repeat(100_000)); // 100 ms at 1,000 chars/ms
  await advance(16);
  assert.equal(sink.calls.length, 1);
  print(outputs, 'y');
  await advance(16);
  assert.equal(sink.calls.length, 1, 'not after one frame');
  await advance(80);
  assert.equal(sink.calls.length, 1, 'not before 100 ms');
  await advance(4);
  assert.equal(sink.calls.length, 2);
  print(outputs, 'z');
  await advance(16);
  assert.equal(sink.calls.length, 3, 'a small write brings the pace back to one frame');
});

test('a cell that cannot be written waits for its owner, and then gets everything at once', async () => {
  const { outputs, sink, writer, writable } = setup();
  writable.now = false;
  print(outputs, 'a\n');
  await advance(16);
  print(outputs, 'b\n');
  await advance(1000);
  assert.equal(sink.calls.length, 0, 'a blocked writer does not retry on its own');
  writable.now = true;
  await writer.flush();
  assert.equal(sink.calls.length, 1);
  assert.equal(sink.calls[0]!.call, 'appendOutput');
  assert.deepEqual(outputs.outputs, [{ output_type: 'stream', name: 'stdout', text: 'a\nb\n' }]);
});

test('flush writes at once what is due, and nothing when nothing changed', async () => {
  const { outputs, sink, writer } = setup();
  await writer.flush();
  assert.equal(sink.calls.length, 0);
  print(outputs, 'a');
  await writer.flush();
  assert.equal(sink.calls.length, 1);
  await advance(100);
  assert.equal(sink.calls.length, 1, 'the timer of the flushed change is gone');
});

test('changes during a write are written after it', async () => {
  const { outputs, sink, writer } = setup();
  print(outputs, 'a');
  const flushing = writer.flush();
  print(outputs, 'b');
  await flushing;
  assert.equal(sink.calls.length, 1);
  await advance(16);
  assert.equal(sink.calls.length, 2);
  assert.deepEqual(sink.calls[1], { call: 'appendOutputItems', items: ['stdout:b'], output: (sink.calls[0] as { outputs: number[] }).outputs[0] });
});

test('a failed write is reported, and later changes are still written', async () => {
  const { outputs, sink, failures } = setup();
  sink.failNext = true;
  print(outputs, 'a');
  await advance(16);
  assert.equal(failures.length, 1);
  assert.match(String(failures[0]), /the execution has ended/);
  outputs.apply({ type: 'display_data', data: { 'text/plain': 'shown' }, metadata: {} });
  await advance(16);
  assert.equal(sink.calls.length, 1, 'the writer goes on after a failure');
  assert.equal(sink.calls[0]!.call, 'appendOutput');
});

test('an updated display replaces its items in place; a clear replaces all outputs', async () => {
  const documentOutputs = new DocumentOutputs();
  const outputs = documentOutputs.createCell();
  const sink = new RecordingSink();
  const writer = new CellOutputWriter(outputs, async (write) => (await write(sink), true), factory, () => undefined, PACING);
  outputs.apply({ type: 'display_data', data: { 'text/plain': 'v1' }, metadata: {}, displayId: 'd' });
  await advance(16);
  outputs.apply({ type: 'update_display_data', data: { 'text/plain': 'v2' }, metadata: {}, displayId: 'd' });
  await advance(16);
  const update = sink.calls[1];
  assert.equal(update?.call, 'replaceOutputItems');
  assert.match(String((update as { items: string[] }).items[0]), /v2/);
  outputs.apply({ type: 'clear_output', wait: false });
  await advance(16);
  assert.deepEqual(sink.calls[2], { call: 'replaceOutput', outputs: [] });
  writer.dispose();
});

test('a disposed writer writes nothing more, even with a write due', async () => {
  const { outputs, sink, writer } = setup();
  print(outputs, 'a');
  writer.dispose();
  await advance(100);
  await writer.flush();
  print(outputs, 'b');
  await advance(100);
  assert.equal(sink.calls.length, 0);
});
