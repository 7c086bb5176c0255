import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import {
  assertContractFields,
  assertRunAnswer,
  assertSandboxFusionResponse,
  contractProblems,
  errorBodyProblems,
  sandboxFusionProblems,
} from '../../shared/sandboxFusionSchema';

type Json = Record<string, any>;

const REPO = path.resolve(__dirname, '..', '..', '..', '..');
/** The answer printed by SandboxFusion's Jupyter-mode docs (shared/reference/000_*.txt), byte for byte. */
const SANDBOX_FUSION_EXAMPLE: Json = JSON.parse(readFileSync(path.join(REPO, 'test', 'fixtures', 'sandboxfusion_example_answer.json'), 'utf8'));

/** The doc's answer with our own fields added, as CellBridge answers the doc's request. */
function ours(): Json {
  const answer = structuredClone(SANDBOX_FUSION_EXAMPLE);
  const [first, second, third, fourth] = answer.cells as Json[];
  Object.assign(first!, {
    status: 'ok',
    execution_count: 1,
    execution_time: 0.004,
    outputs: [{ output_type: 'execute_result', execution_count: 1, data: { 'text/plain': '123' }, metadata: {} }],
  });
  Object.assign(second!, {
    status: 'ok',
    execution_count: 2,
    execution_time: 0.002,
    outputs: [
      { output_type: 'stream', name: 'stdout', text: '123\n' },
      { output_type: 'stream', name: 'stderr', text: '123' },
      { output_type: 'execute_result', execution_count: 2, data: { 'text/plain': '3' }, metadata: {} },
    ],
  });
  Object.assign(third!, { status: 'error', execution_count: 3, execution_time: 0, outputs: [{ output_type: 'error', ...structuredClone(third!.error[0]) }] });
  Object.assign(fourth!, {
    status: 'ok',
    execution_count: 4,
    execution_time: 0.5,
    outputs: [
      { output_type: 'execute_result', execution_count: 4, data: structuredClone(fourth!.display[0]), metadata: {} },
      { output_type: 'display_data', data: { ...fourth!.display[1], 'application/json': { a: [1, null] } }, metadata: { 'image/png': { width: 640 } } },
    ],
  });
  answer.files = { 'out.txt': Buffer.from('hello').toString('base64') };
  return answer;
}

function changed(mutate: (answer: Json) => void): Json {
  const answer = ours();
  mutate(answer);
  return answer;
}

/** Asserts that exactly one problem is found, and that it names `path`. */
function assertOneProblemAt(problems: string[], path: string): void {
  assert.equal(problems.length, 1, `one problem, not: ${JSON.stringify(problems)}`);
  assert.ok(problems[0]!.startsWith(`${path} `), `the problem names ${path}: ${problems[0]}`);
}

describe("SandboxFusion's response models", () => {
  test("accept the answer of SandboxFusion's own docs", () => {
    assert.deepEqual(sandboxFusionProblems(SANDBOX_FUSION_EXAMPLE), []);
    assertSandboxFusionResponse(SANDBOX_FUSION_EXAMPLE);
  });

  test('accept our answer to the same request, our fields included', () => {
    assert.deepEqual(sandboxFusionProblems(ours()), []);
    assert.deepEqual(contractProblems(ours()), []);
    assert.equal(assertRunAnswer(ours()).cells.length, 4);
  });

  test('accept what the models leave optional: no driver, a null driver field, no cells, no files, extra fields', () => {
    for (const answer of [
      changed((a) => (a.driver = null)),
      changed((a) => delete a.driver),
      changed((a) => (a.driver = { status: 'Error' })),
      changed((a) => (a.driver.return_code = null)),
      changed((a) => delete a.cells),
      changed((a) => delete a.files),
      changed((a) => delete a.executor_pod_name),
      changed((a) => (a.executor_pod_name = 'pod-7')),
      changed((a) => (a.anything_else = [1, 2])),
    ]) {
      assert.deepEqual(sandboxFusionProblems(answer), [], JSON.stringify(answer).slice(0, 200));
    }
  });

  const rejected: Array<[string, (answer: Json) => void, string]> = [
    ['a driver status the enum lacks (MemoryLimitExceeded)', (a) => (a.driver.status = 'MemoryLimitExceeded'), 'driver.status'],
    ['a driver without a status', (a) => delete a.driver.status, 'driver.status'],
    ['a run status the enum lacks', (a) => (a.status = 'Timeout'), 'status'],
    ['a run status in the wrong case', (a) => (a.status = 'success'), 'status'],
    ['no message', (a) => delete a.message, 'message'],
    ['a null message', (a) => (a.message = null), 'message'],
    ['a float return_code', (a) => (a.driver.return_code = 1.5), 'driver.return_code'],
    ['a return_code as text', (a) => (a.driver.return_code = '0'), 'driver.return_code'],
    ['a boolean return_code', (a) => (a.driver.return_code = false), 'driver.return_code'],
    ['an execution_time as text', (a) => (a.driver.execution_time = '2.68'), 'driver.execution_time'],
    ['a NaN execution_time', (a) => (a.driver.execution_time = Number.NaN), 'driver.execution_time'],
    ['an infinite execution_time', (a) => (a.driver.execution_time = Number.POSITIVE_INFINITY), 'driver.execution_time'],
    ['driver stdout that is not text', (a) => (a.driver.stdout = ['x']), 'driver.stdout'],
    ['a driver that is a list', (a) => (a.driver = []), 'driver'],
    ['cells that are not a list', (a) => (a.cells = {}), 'cells'],
    ['a null cells', (a) => (a.cells = null), 'cells'],
    ['a cell that is not an object', (a) => (a.cells[1] = 'print(1)'), 'cells[1]'],
    ['a null stdout in a cell', (a) => (a.cells[0].stdout = null), 'cells[0].stdout'],
    ['a cell without stderr', (a) => delete a.cells[2].stderr, 'cells[2].stderr'],
    ['a cell without display', (a) => delete a.cells[3].display, 'cells[3].display'],
    ['a null error list', (a) => (a.cells[2].error = null), 'cells[2].error'],
    ['a display entry that is not a dict', (a) => (a.cells[0].display = ['123']), 'cells[0].display[0]'],
    ['an error entry that is a list', (a) => (a.cells[2].error = [['Exception']]), 'cells[2].error[0]'],
    ['an executor_pod_name that is a number', (a) => (a.executor_pod_name = 7), 'executor_pod_name'],
    ['files as a list', (a) => (a.files = ['out.txt']), 'files'],
    ['a file whose content is not text', (a) => (a.files['out.txt'] = null), 'files["out.txt"]'],
  ];
  for (const [what, mutate, at] of rejected) {
    test(`reject ${what}, naming ${at}`, () => {
      const answer = changed(mutate);
      assertOneProblemAt(sandboxFusionProblems(answer), at);
      assert.throws(() => assertSandboxFusionResponse(answer), { name: 'AssertionError', message: new RegExp(`client would reject[^]*\\n  ${escape(at)} `) });
      assert.throws(() => assertRunAnswer(answer), { name: 'AssertionError' });
    });
  }

  test('reject an answer that is not an object', () => {
    for (const answer of [null, undefined, [], 'Success', 42]) assertOneProblemAt(sandboxFusionProblems(answer), '(the answer)');
  });

  test('list every problem of an answer, not only the first', () => {
    const answer = changed((a) => {
      a.status = 'Done';
      a.driver.status = 'MemoryLimitExceeded';
      a.cells[1].stdout = null;
    });
    assert.deepEqual(
      sandboxFusionProblems(answer).map((problem) => problem.split(' ')[0]),
      ['status', 'driver.status', 'cells[1].stdout'],
    );
  });
});

describe('our contract, beyond the models', () => {
  test("rejects the doc's answer for lacking our per-cell fields", () => {
    const problems = contractProblems(SANDBOX_FUSION_EXAMPLE);
    for (const field of ['status', 'execution_count', 'execution_time', 'outputs']) {
      assert.ok(problems.some((p) => p.startsWith(`cells[0].${field} is required`)), `${field}: ${problems.join('; ')}`);
    }
    assert.throws(() => assertContractFields(SANDBOX_FUSION_EXAMPLE), { message: /cells\[3\]\.outputs is required/ });
  });

  test('accepts file_errors naming the files left out, and why', () => {
    assert.deepEqual(contractProblems(changed((a) => (a.file_errors = { 'missing.txt': 'it does not exist' }))), []);
  });

  test('accepts every cell status of the contract, and null execution counts', () => {
    for (const status of ['ok', 'error', 'timeout', 'memory_limit', 'stopped', 'cancelled', 'kernel_died']) {
      assert.deepEqual(contractProblems(changed((a) => Object.assign(a.cells[0], { status, execution_count: null }))), [], status);
    }
  });

  const rejected: Array<[string, (answer: Json) => void, string]> = [
    ['a cell status not in the contract', (a) => (a.cells[0].status = 'skipped'), 'cells[0].status'],
    ['a driver status as a cell status', (a) => (a.cells[0].status = 'TimeLimitExceeded'), 'cells[0].status'],
    ['a cell without status', (a) => delete a.cells[1].status, 'cells[1].status'],
    ['a float execution_count', (a) => (a.cells[0].execution_count = 1.5), 'cells[0].execution_count'],
    ['an execution_count as text', (a) => (a.cells[0].execution_count = '1'), 'cells[0].execution_count'],
    ['a missing execution_count', (a) => delete a.cells[0].execution_count, 'cells[0].execution_count'],
    ['a negative execution_time', (a) => (a.cells[2].execution_time = -0.001), 'cells[2].execution_time'],
    ['a null execution_time', (a) => (a.cells[2].execution_time = null), 'cells[2].execution_time'],
    ['outputs that are not a list', (a) => (a.cells[0].outputs = {}), 'cells[0].outputs'],
    ['an output type nbformat lacks', (a) => (a.cells[0].outputs[0].output_type = 'result'), 'cells[0].outputs[0].output_type'],
    ['an output with transient (not saved by nbformat)', (a) => (a.cells[0].outputs[0].transient = { display_id: 'x' }), 'cells[0].outputs[0].transient'],
    ['an execute_result without metadata', (a) => delete a.cells[0].outputs[0].metadata, 'cells[0].outputs[0].metadata'],
    ['an execute_result with a float count', (a) => (a.cells[0].outputs[0].execution_count = 0.5), 'cells[0].outputs[0].execution_count'],
    ['a stream that is not stdout or stderr', (a) => (a.cells[1].outputs[0].name = 'stdin'), 'cells[1].outputs[0].name'],
    ['stream text that is a number', (a) => (a.cells[1].outputs[1].text = 123), 'cells[1].outputs[1].text'],
    ['an error output without traceback', (a) => delete a.cells[2].outputs[0].traceback, 'cells[2].outputs[0].traceback'],
    ['output data keyed by something else than a MIME type', (a) => (a.cells[3].outputs[1].data.png = ''), 'cells[3].outputs[1].data["png"]'],
    ['an image that is not base64 text', (a) => (a.cells[3].outputs[1].data['image/png'] = 42), 'cells[3].outputs[1].data["image/png"]'],
    ['JSON output data holding NaN', (a) => (a.cells[3].outputs[1].data['application/json'] = { a: Number.NaN }), 'cells[3].outputs[1].data["application/json"]["a"]'],
    ['a display value that is a list of lines', (a) => (a.cells[0].display[0]['text/plain'] = ['1', '23']), 'cells[0].display[0]["text/plain"]'],
    ['an error entry without ename', (a) => delete a.cells[2].error[0].ename, 'cells[2].error[0].ename'],
    ['a traceback line that is not text', (a) => (a.cells[2].error[0].traceback[1] = null), 'cells[2].error[0].traceback[1]'],
    ['no driver', (a) => delete a.driver, 'driver'],
    ['a null driver', (a) => (a.driver = null), 'driver'],
    ['a driver without return_code', (a) => delete a.driver.return_code, 'driver.return_code'],
    ['a negative driver execution_time', (a) => (a.driver.execution_time = -1), 'driver.execution_time'],
    ['no files', (a) => delete a.files, 'files'],
    ['no executor_pod_name', (a) => delete a.executor_pod_name, 'executor_pod_name'],
    ['a fetched file that is not base64', (a) => (a.files['out.txt'] = 'hello!'), 'files["out.txt"]'],
    ['file_errors that are not an object', (a) => (a.file_errors = ['x']), 'file_errors'],
    ['file_errors present but empty', (a) => (a.file_errors = {}), 'file_errors'],
    ['a file error that is not text', (a) => (a.file_errors = { 'x.txt': 1 }), 'file_errors["x.txt"]'],
    ['a file error for a file that was fetched', (a) => (a.file_errors = { 'out.txt': 'it is a symbolic link' }), 'file_errors["out.txt"]'],
    ['Success with a driver that did not finish', (a) => (a.driver.status = 'Error'), 'driver.status'],
    ['Failed with a driver that finished', (a) => (a.status = 'Failed'), 'driver.status'],
    ['Success with a non-zero return_code', (a) => (a.driver.return_code = 1), 'driver.return_code'],
  ];
  for (const [what, mutate, at] of rejected) {
    test(`rejects ${what}, naming ${at}`, () => {
      const answer = changed(mutate);
      assert.deepEqual(sandboxFusionProblems(answer), [], "SandboxFusion's models accept it: the contract is stricter");
      assertOneProblemAt(contractProblems(answer), at);
      assert.throws(() => assertRunAnswer(answer), { name: 'AssertionError', message: new RegExp(`\\n  ${escape(at)} `) });
    });
  }
});

describe('refusals', () => {
  test('a refusal body has an error and may name a field', () => {
    assert.deepEqual(errorBodyProblems({ error: 'cells is required', field: 'cells' }), []);
    assert.deepEqual(errorBodyProblems({ error: 'Too many requests' }), []);
    assertOneProblemAt(errorBodyProblems({ message: 'x' }), 'error');
    assertOneProblemAt(errorBodyProblems({ error: 'x', field: 3 }), 'field');
  });
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
