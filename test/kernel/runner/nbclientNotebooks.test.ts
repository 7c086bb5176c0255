import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, describe, test } from 'node:test';
import type { RunResponse } from '../../../src/runner/runResponse';
import { assertValidNbformat } from '../../shared/nbformatValidation';
import { runCli } from '../helpers/cli';
import { assertNotebookOutputsMatch, NBCLIENT_NOTEBOOKS, writeClearedCopy } from '../helpers/nbclientNormalisation';

/**
 * nbclient's own test notebooks (../shared/reference/nbclient-notebooks, SOURCE.md there), run the way its
 * `test_run_all_notebooks` runs them: outputs and counts cleared, executed, then compared with the outputs
 * stored in them under nbclient's normalisation. These are the Debian-stack ones; JupyterWidgets and
 * Other Comms need ipywidgets and comm, and run on the current stack in widgetState.test.ts.
 */

/** nbclient's options per notebook, in our flags: it raises on an error unless allow_errors; we stop on one. */
const CASES: Array<{ name: string; args: string[]; expect?: Partial<RunResponse['cells'][number]>[] }> = [
  { name: 'Clear Output.ipynb', args: ['--stop-on-error'] },
  { name: 'Empty Cell.ipynb', args: ['--stop-on-error'] },
  { name: 'Factorials.ipynb', args: ['--stop-on-error'] },
  { name: 'HelloWorld.ipynb', args: ['--stop-on-error'] },
  { name: 'Inline Image.ipynb', args: ['--stop-on-error'] },
  // nbclient: timeout=3, interrupt_on_timeout=True, allow_errors=True.
  { name: 'Interrupt.ipynb', args: ['--cell-timeout', '3'] },
  { name: 'Skip Exceptions with Cell Tags.ipynb', args: ['--stop-on-error'] },
  // nbclient: allow_errors=True.
  { name: 'Skip Exceptions.ipynb', args: [] },
  { name: 'Skip Execution with Cell Tag.ipynb', args: ['--stop-on-error'] },
  { name: 'SVG.ipynb', args: ['--stop-on-error'] },
  { name: 'Unicode.ipynb', args: ['--stop-on-error'] },
  { name: 'UnicodePy3.ipynb', args: ['--stop-on-error'] },
  { name: 'update-display-id.ipynb', args: ['--stop-on-error'] },
  { name: 'Check History in Memory.ipynb', args: ['--stop-on-error'] },
];

interface StoredNotebook {
  cells: Array<{ cell_type: string; execution_count?: number | null; outputs?: unknown[] }>;
}

const work = mkdtempSync(path.join(os.tmpdir(), 'cellbridge-nbclient-'));
after(() => rmSync(work, { recursive: true, force: true }));
// Inline Image.ipynb reads python.png from the notebook's folder, which is where a notebook runs.
copyFileSync(path.join(NBCLIENT_NOTEBOOKS, 'python.png'), path.join(work, 'python.png'));

describe("nbclient's test notebooks through cellbridge run", () => {
  for (const { name, args } of CASES) {
    test(name, { timeout: 60_000 }, async () => {
      const { input, expected } = writeClearedCopy<StoredNotebook>(name, work);
      const output = path.join(work, `executed-${name}`);
      const result = await runCli(['run', input, '--output', output, ...args], { cwd: work });
      assert.deepEqual(result.leftovers, []);
      const response = JSON.parse(result.stdout) as RunResponse;
      assert.notEqual(response.status, 'SandboxError', response.message);
      assertValidNbformat(output);
      assertNotebookOutputsMatch(expected, JSON.parse(readFileSync(output, 'utf8')));
    });
  }

  test('Interrupt.ipynb: the timed-out cell shows only the kernel\'s KeyboardInterrupt, and says timeout', { timeout: 60_000 }, async () => {
    const { input } = writeClearedCopy<StoredNotebook>('Interrupt.ipynb', work);
    const result = await runCli(['run', input, '--cell-timeout', '3', '--pretty'], { cwd: work });
    assert.match(result.stdout, /── cell 1 \[1\] timed out/);
    assert.match(result.stdout, /note\s+│ interrupted: it ran past its time limit/);
    assert.doesNotMatch(result.stdout, /CellTimeoutError/, 'no invented error next to the kernel\'s own');
    assert.match(result.stdout, /KeyboardInterrupt/);
    assert.match(result.stdout, /── cell 2 \[2\] ok/);
  });

  test('blank and skip-execution cells are never sent: no count, and the response says ok with nothing', { timeout: 60_000 }, async () => {
    const notebook = {
      nbformat: 4,
      nbformat_minor: 5,
      metadata: { kernelspec: { name: 'python3', display_name: 'Python 3', language: 'python' } },
      cells: [
        { id: 'a', cell_type: 'code', source: '1', metadata: {}, outputs: [], execution_count: null },
        { id: 'b', cell_type: 'code', source: '  \n\t\n', metadata: {}, outputs: [], execution_count: null },
        {
          id: 'c',
          cell_type: 'code',
          source: 'raise SystemExit("must not run")',
          metadata: { tags: ['skip-execution'] },
          outputs: [{ output_type: 'stream', name: 'stdout', text: 'kept from before\n' }],
          execution_count: 7,
        },
        { id: 'd', cell_type: 'code', source: '2', metadata: {}, outputs: [], execution_count: null },
      ],
    };
    const input = path.join(work, 'skips.ipynb');
    writeFileSync(input, JSON.stringify(notebook));
    const output = path.join(work, 'skips-out.ipynb');
    const result = await runCli(['run', input, '--output', output], { cwd: work });
    assert.equal(result.code, 0, result.stderr);
    const response = JSON.parse(result.stdout) as RunResponse;
    assert.deepEqual(response.cells.map((c) => [c.status, c.execution_count, c.outputs.length]), [
      ['ok', 1, 1],
      ['ok', null, 0],
      ['ok', null, 0],
      ['ok', 2, 1],
    ]);
    const saved = JSON.parse(readFileSync(output, 'utf8')) as StoredNotebook;
    assert.deepEqual(saved.cells.map((c) => c.execution_count), [1, null, 7, 2], 'a skipped cell is left as it was');
    assert.deepEqual(saved.cells[2]?.outputs, [{ output_type: 'stream', name: 'stdout', text: ['kept from before\n'] }]);
  });
});
