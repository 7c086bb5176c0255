import * as path from 'node:path';
import { test } from 'node:test';
import { useCurrentStackKernel } from '../kernel/helpers/currentStack';
import { runInHostSuite } from './harness/inHostRun';
import { RESULT_PREFIX } from './suite/resultLine';

// Runs the in-host suite (test/vscode/suite/, mocha inside VS Code's extension host) in a real code-server
// and reports each of its tests here. One code-server serves the whole suite: a start costs ~10 s.
// CELLBRIDGE_VSCODE_GREP narrows the suite to matching titles.

const REPO = path.resolve(__dirname, '..', '..', '..');

interface ResultLine {
  event: 'pass' | 'fail' | 'skip' | 'end';
  title?: string;
  error?: string;
  ms?: number;
}

test('the notebook controller in a real VS Code', { timeout: 20 * 60_000 }, async (t) => {
  const results: ResultLine[] = [];
  // The widget tests need ipywidgets: the current stack's kernelspec, on JUPYTER_PATH.
  useCurrentStackKernel();
  const result = await runInHostSuite({
    extensionDevelopmentPath: REPO,
    extensionTestsPath: path.join(REPO, 'out', 'test', 'vscode', 'suite', 'index.js'),
    workspaceFixture: path.join(REPO, 'test', 'fixtures', 'vscode-workspace'),
    outputDir: path.join(REPO, '.test-output', 'vscode', 'notebookController'),
    timeoutMs: Number(process.env.CELLBRIDGE_VSCODE_TIMEOUT_MS ?? 15 * 60_000),
    env: { PYDEVD_DISABLE_FILE_VALIDATION: '1', JUPYTER_PATH: process.env.JUPYTER_PATH ?? '', ...(process.env.CELLBRIDGE_VSCODE_GREP ? { CELLBRIDGE_VSCODE_GREP: process.env.CELLBRIDGE_VSCODE_GREP } : {}) },
    onLog: (line) => {
      if (line.startsWith(RESULT_PREFIX)) results.push(JSON.parse(line.slice(RESULT_PREFIX.length)) as ResultLine);
    },
  });
  for (const line of results) {
    if (line.event === 'end' || !line.title) continue;
    await t.test(line.title, { skip: line.event === 'skip' }, () => {
      if (line.event === 'fail') throw new Error(line.error);
    });
  }
  const tail = result.log.slice(-60).join('\n');
  if (!results.some((line) => line.event === 'end')) throw new Error(`The in-host suite did not finish (exit ${result.exitCode}):\n${tail}`);
  if (result.exitCode !== 0) throw new Error(`The in-host suite failed (exit ${result.exitCode}); see .test-output/vscode/notebookController/inhost.log`);
});
