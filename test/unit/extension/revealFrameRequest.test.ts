import assert from 'node:assert/strict';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { parseRevealFrame } from '../../../src/extension/revealFrameRequest';

test('a cell link gives its execution count and line; a file link an absolute path, ~ expanded', () => {
  assert.deepEqual(parseRevealFrame({ type: 'cellbridge.revealFrame', executionCount: 3, line: 2 }), { kind: 'cell', executionCount: 3, line: 2 });
  assert.deepEqual(parseRevealFrame({ type: 'cellbridge.revealFrame', executionCount: 3 }), { kind: 'cell', executionCount: 3 });
  assert.deepEqual(parseRevealFrame({ type: 'cellbridge.revealFrame', file: '/usr/lib/x.py', line: 10 }), { kind: 'file', path: '/usr/lib/x.py', line: 10 });
  assert.deepEqual(parseRevealFrame({ type: 'cellbridge.revealFrame', file: '~/mod.py' }), { kind: 'file', path: path.join(os.homedir(), 'mod.py') });
});

test('anything else from the webview is refused', () => {
  for (const message of [
    null,
    'cellbridge.revealFrame',
    { type: 'other', executionCount: 1 },
    { type: 'cellbridge.revealFrame', executionCount: -1 },
    { type: 'cellbridge.revealFrame', executionCount: '1' },
    { type: 'cellbridge.revealFrame', executionCount: 1.5 },
    { type: 'cellbridge.revealFrame', file: 'relative/x.py' },
    { type: 'cellbridge.revealFrame', file: 'javascript:alert(1)' },
    { type: 'cellbridge.revealFrame', file: '/x\0y' },
    { type: 'cellbridge.revealFrame' },
  ]) {
    assert.equal(parseRevealFrame(message), undefined, JSON.stringify(message));
  }
  assert.deepEqual(parseRevealFrame({ type: 'cellbridge.revealFrame', executionCount: 2, line: 0 }), { kind: 'cell', executionCount: 2 }, 'a bad line is dropped');
});
