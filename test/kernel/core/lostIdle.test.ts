import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { shownStream, useTestDocument } from '../helpers/kernels';

/**
 * A kernel starved of CPU may drop iopub messages at its high-water mark (xeus-python does, and Python's
 * jupyter_client then waits forever). To lose the idle status on demand, the cell patches ipykernel's own
 * status publisher so that the idle of this very request is never sent: a real kernel, really losing it.
 */
const SUPPRESS_OWN_IDLE = `
k = get_ipython().kernel
_original_publish_status = k._publish_status
def _drop_idle(status, *args, **kwargs):
    if status != 'idle':
        return _original_publish_status(status, *args, **kwargs)
k._publish_status = _drop_idle
print("idle suppressed")
`;

describe('a lost idle status does not hang the cell', () => {
  const doc = useTestDocument('python3');

  test('the cell ends after the reply and a silent grace, with its output; the next cell runs normally', { timeout: 30_000 }, async () => {
    const [lost, next] = await doc().run(SUPPRESS_OWN_IDLE, 'k._publish_status = _original_publish_status\nprint("restored")');
    assert.equal(lost?.state, 'done');
    assert.equal(shownStream(lost!, 'stdout'), 'idle suppressed\n');
    assert.ok(lost!.durationSeconds >= 2, `ended after the grace, not before the reply (${lost!.durationSeconds} s)`);
    assert.equal(next?.state, 'done');
    assert.equal(shownStream(next!, 'stdout'), 'restored\n');
  });
});
