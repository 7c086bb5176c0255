import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { formatError } from '../../../renderers/error/formatError';
import { parseErrorPayload } from '../../../renderers/error/errorPayload';
import { mapOutput } from '../../../src/extension/outputMapping';
import type { CellRun } from '../../../src/core/execution/cellRun';
import { useTestDocument } from '../helpers/kernels';

// The renderer against the kernels installed here, not only the stored fixtures: a traceback made now by
// ipykernel must link its frames to the cells that made them, and carry no escape code into the HTML.

describe('tracebacks from the installed ipykernel, through the controller mapping and the renderer', () => {
  const doc = useTestDocument('python3');

  function renderedErrorOf(run: CellRun): string {
    const error = run.outputs.outputs.find((output) => output.output_type === 'error');
    assert.ok(error, 'the cell has an error output');
    const [item] = mapOutput(error).items;
    return formatError(parseErrorPayload(new TextDecoder().decode(item!.data)));
  }

  test('a frame in an earlier cell links to that cell and line, the failing cell to its own', async () => {
    const [define, fail] = await doc().run('def fails():\n    return 1 / 0', 'x = 1\nfails()');
    const html = renderedErrorOf(fail!);
    assert.ok(!html.includes('\u001b'), 'no escape code in the HTML');
    assert.match(html, new RegExp(`data-cell-execution-count="${define!.executionCount}" data-line="2"`));
    assert.match(html, new RegExp(`data-cell-execution-count="${fail!.executionCount}" data-line="2"`));
    assert.match(html, /ZeroDivisionError/);
  });

  test('a library frame links to its file and line, and hides behind the full-traceback toggle', async () => {
    const run = await doc().runOne("import json\njson.loads('{')");
    const html = renderedErrorOf(run);
    assert.match(html, /data-file="[^"]*json\/decoder\.py" data-line="\d+"/);
    assert.match(html, /<details/);
  });
});
