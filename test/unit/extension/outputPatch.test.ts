import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Output } from '../../../src/core/outputs/nbformat';
import { outputPatch, patchSize } from '../../../src/extension/outputPatch';

const stream = (text: string, name: 'stdout' | 'stderr' = 'stdout'): Output => ({ output_type: 'stream', name, text });
const display = (text: string): Output => ({ output_type: 'display_data', data: { 'text/plain': text }, metadata: {} });
const shown = (...outputs: Output[]) => outputs.map((source) => ({ source }));

test('nothing changed: no steps, even though stream outputs are rebuilt objects', () => {
  const rich = display('x');
  assert.deepEqual(outputPatch(shown(stream('a\n'), rich), [stream('a\n'), rich]), []);
});

test('a stream that only grew sends just the new text', () => {
  const after = stream('a\nb\n');
  assert.deepEqual(outputPatch(shown(stream('a\n')), [after]), [{ kind: 'appendStreamText', index: 0, text: 'b\n', output: after }]);
});

test('a stream rewritten by \\r replaces its items', () => {
  const after = stream('step 2');
  assert.deepEqual(outputPatch(shown(stream('step 1')), [after]), [{ kind: 'replaceItems', index: 0, output: after }]);
});

test('an updated display replaces its items in place; new outputs are appended after it', () => {
  const updated = display('new');
  const added = stream('x');
  assert.deepEqual(outputPatch(shown(display('old')), [updated, added]), [
    { kind: 'replaceItems', index: 0, output: updated },
    { kind: 'append', outputs: [added] },
  ]);
});

test('clear_output(wait) then a new output of the same kind reuses the output: no flicker through an empty cell', () => {
  const next = stream('frame 2\n');
  assert.deepEqual(outputPatch(shown(stream('frame 1\n')), [next]), [{ kind: 'replaceItems', index: 0, output: next }]);
});

test('fewer outputs, or another kind in a place, replace the whole list', () => {
  assert.deepEqual(outputPatch(shown(stream('a'), display('b')), []), [{ kind: 'replaceAll', outputs: [] }]);
  const next = [display('d')];
  assert.deepEqual(outputPatch(shown(stream('a')), next), [{ kind: 'replaceAll', outputs: next }]);
  const otherStream = [stream('a', 'stderr')];
  assert.deepEqual(outputPatch(shown(stream('a')), otherStream), [{ kind: 'replaceAll', outputs: otherStream }]);
});

test('patchSize counts the characters a patch sends', () => {
  assert.equal(patchSize([{ kind: 'appendStreamText', index: 0, text: 'abc', output: stream('xabc') }, { kind: 'append', outputs: [display('12345')] }]), 8);
});
