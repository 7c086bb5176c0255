import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MAX_TIMEOUT_SECONDS, parseRunRequest, safeRelativePath } from '../../../src/runner/runRequest';
import { HttpError } from '../../../src/runner/service/httpJson';
import { parseServiceRequest } from '../../../src/runner/service/serviceRequest';
import { assertInvalid } from '../inputTestSupport';

const base64 = (text: string): string => Buffer.from(text).toString('base64');

test('the SandboxFusion Jupyter-mode example request parses with the contract defaults', () => {
  // The request of shared/reference/000_da4b2b10bdf72df8.txt, as its Python client sends it.
  const cells = [
    '\na = 123\n# display stream\na\n    ',
    '\n# stdout & stderr stream\nprint(a)\nimport sys\nsys.stderr.write(str(a))\n    ',
    '\nraise Exception("This exception doesn\'t interrupt cell execution")\n    ',
    '\nimport matplotlib.pyplot as plt\n\nplt.plot([1, 2, 3], [1, 2, 3])\n    ',
  ];
  assert.deepEqual(parseRunRequest(JSON.parse(JSON.stringify({ cells, kernel: 'python3' }))), {
    cells,
    kernel: 'python3',
    cellTimeoutSeconds: 0,
    totalTimeoutSeconds: 45,
    memoryLimitMB: -1,
    files: {},
    fetchFiles: [],
    stopOnError: false,
  });
});

test('every field of the contract is read, and unknown fields are ignored', () => {
  const request = parseRunRequest({
    cells: ['print(1)'],
    kernel: 'xpython',
    cell_timeout: 2.5,
    total_timeout: 0,
    memory_limit_MB: 512,
    files: { 'data/in.txt': base64('hello') },
    fetch_files: ['out.csv'],
    stop_on_error: true,
    language: 'python',
    config: { anything: true },
  });
  assert.deepEqual(request, {
    cells: ['print(1)'],
    kernel: 'xpython',
    cellTimeoutSeconds: 2.5,
    totalTimeoutSeconds: 0,
    memoryLimitMB: 512,
    files: { 'data/in.txt': base64('hello') },
    fetchFiles: ['out.csv'],
    stopOnError: true,
  });
});

test('null means "not given", as Python clients send None', () => {
  const request = parseRunRequest({ cells: [], kernel: null, cell_timeout: null, files: null, fetch_files: null, stop_on_error: null });
  assert.equal(request.kernel, 'python3');
  assert.equal(request.cellTimeoutSeconds, 0);
  assert.deepEqual(request.files, {});
  assert.deepEqual(request.fetchFiles, []);
  assert.equal(request.stopOnError, false);
});

test('the body must be an object with a list of string cells', () => {
  assertInvalid(() => parseRunRequest(['print(1)']), 'request', /JSON object, got an array/);
  assertInvalid(() => parseRunRequest(null), 'request', /got null/);
  assertInvalid(() => parseRunRequest({}), 'cells', /required/);
  assertInvalid(() => parseRunRequest({ cells: 'print(1)' }), 'cells', /list of strings, got a string/);
  assertInvalid(() => parseRunRequest({ cells: ['a = 1', 'b = 2', 3] }), 'cells[2]', /got a number/);
  assertInvalid(() => parseRunRequest({ cells: [null] }), 'cells[0]', /got null/);
});

test('numbers must be finite and not negative; the memory limit may be -1', () => {
  assertInvalid(() => parseRunRequest({ cells: [], cell_timeout: '10' }), 'cell_timeout', /must be a number, got a string/);
  assertInvalid(() => parseRunRequest({ cells: [], cell_timeout: -1 }), 'cell_timeout', /positive number of seconds/);
  assertInvalid(() => parseRunRequest({ cells: [], total_timeout: Number.POSITIVE_INFINITY }), 'total_timeout', /Infinity/);
  assertInvalid(() => parseRunRequest({ cells: [], total_timeout: Number.NaN }), 'total_timeout', /NaN/);
  assertInvalid(() => parseRunRequest({ cells: [], memory_limit_MB: -2 }), 'memory_limit_MB', /-1 \(no limit\)/);
  assertInvalid(() => parseRunRequest({ cells: [], memory_limit_MB: true }), 'memory_limit_MB', /got a boolean/);
  assert.equal(parseRunRequest({ cells: [], memory_limit_MB: -1 }).memoryLimitMB, -1);
  assert.equal(parseRunRequest({ cells: [], memory_limit_MB: 0 }).memoryLimitMB, -1, '0 MB reads as no limit');
});

test('kernel is a kernelspec name and stop_on_error a boolean', () => {
  assertInvalid(() => parseRunRequest({ cells: [], kernel: 3 }), 'kernel', /got a number/);
  assertInvalid(() => parseRunRequest({ cells: [], kernel: '' }), 'kernel', /not a kernel name/);
  assertInvalid(() => parseRunRequest({ cells: [], kernel: '../../bin/sh' }), 'kernel', /not a kernel name/);
  assertInvalid(() => parseRunRequest({ cells: [], kernel: '..' }), 'kernel', /not a kernel name/);
  assert.equal(parseRunRequest({ cells: [], kernel: 'python3.11_venv-x' }).kernel, 'python3.11_venv-x');
  assertInvalid(() => parseRunRequest({ cells: [], stop_on_error: 'yes' }), 'stop_on_error', /true or false/);
});

test('safeRelativePath normalizes paths that stay inside the working directory', () => {
  assert.equal(safeRelativePath('p', 'a.txt'), 'a.txt');
  assert.equal(safeRelativePath('p', './a/./b//c.txt'), 'a/b/c.txt');
  assert.equal(safeRelativePath('p', 'a/../b.txt'), 'b.txt');
  assert.equal(safeRelativePath('p', '..data'), '..data', 'a name that starts with two dots is not a parent');
});

test('safeRelativePath rejects paths that leave the working directory or name no file', () => {
  assertInvalid(() => safeRelativePath('p', ''), 'p', /empty/);
  assertInvalid(() => safeRelativePath('p', '../x'), 'p', /outside/);
  assertInvalid(() => safeRelativePath('p', 'a/../../b'), 'p', /outside/);
  assertInvalid(() => safeRelativePath('p', '..'), 'p', /outside/);
  assertInvalid(() => safeRelativePath('p', '/etc/passwd'), 'p', /absolute/);
  assertInvalid(() => safeRelativePath('p', 'C:/Windows/win.ini'), 'p', /absolute/);
  assertInvalid(() => safeRelativePath('p', '..\\x'), 'p', /backslash/);
  assertInvalid(() => safeRelativePath('p', 'a\0.txt'), 'p', /NUL/);
  assertInvalid(() => safeRelativePath('p', '.'), 'p', /folder/);
  assertInvalid(() => safeRelativePath('p', 'a/..'), 'p', /folder/);
  assertInvalid(() => safeRelativePath('p', 'out/'), 'p', /folder/);
});

test('files: each key is checked as a path and named in the error', () => {
  const content = base64('x');
  assertInvalid(() => parseRunRequest({ cells: [], files: { '../x': content } }), 'files["../x"]', /outside/);
  assertInvalid(() => parseRunRequest({ cells: [], files: { '/etc/passwd': content } }), 'files["/etc/passwd"]', /absolute/);
  assertInvalid(() => parseRunRequest({ cells: [], files: { 'a/../../b': content } }), 'files["a/../../b"]', /outside/);
  assertInvalid(() => parseRunRequest({ cells: [], files: { '': content } }), 'files[""]', /empty/);
  assertInvalid(() => parseRunRequest({ cells: [], files: ['a.txt'] }), 'files', /got an array/);
  assert.deepEqual(parseRunRequest({ cells: [], files: { './in/a.txt': content } }).files, { 'in/a.txt': content });
});

test('files: two spellings of one path, or a file used as a folder, are refused', () => {
  const content = base64('x');
  assertInvalid(() => parseRunRequest({ cells: [], files: { 'a/b': content, 'a/./b': content } }), 'files["a/b"]', /twice/);
  assertInvalid(() => parseRunRequest({ cells: [], files: { a: content, 'a/b': content } }), 'files["a/b"]', /folder 'a'/);
});

test('files: a file named __proto__ is kept as data', () => {
  const files = parseRunRequest(JSON.parse(`{"cells": [], "files": {"__proto__": "${base64('p')}"}}`)).files;
  assert.deepEqual(Object.keys(files), ['__proto__']);
  assert.equal(Object.getPrototypeOf(files), Object.prototype);
});

test('files: values must be standard base64; wrapped lines and empty files are fine', () => {
  const parse = (value: unknown): unknown => parseRunRequest({ cells: [], files: { 'f.bin': value } }).files['f.bin'];
  assert.equal(parse(''), '');
  assert.equal(parse('aGVsbG8='), 'aGVsbG8=');
  assert.equal(parse('aGVsbG8'), 'aGVsbG8', 'padding is optional');
  assert.equal(parse('aGVs\nbG8=\n'), 'aGVsbG8=', 'Python base64.encodebytes wraps lines');
  for (const bad of ['not base64!', 'aGVsbG8==', 'a', 'aGVsbG8=x', '====', 'aGVsbG8_']) {
    assertInvalid(() => parse(bad), 'files["f.bin"]', /not valid base64/);
  }
  assertInvalid(() => parse(42), 'files["f.bin"]', /got a number/);
  assertInvalid(() => parse(null), 'files["f.bin"]', /got null/);
});

test('files: validating many megabytes of base64 neither throws nor takes long', () => {
  const big = Buffer.alloc(12 * 1024 * 1024, 7).toString('base64');
  const started = Date.now();
  assert.equal(parseRunRequest({ cells: [], files: { 'big.bin': big } }).files['big.bin']?.length, big.length);
  assertInvalid(() => parseRunRequest({ cells: [], files: { 'big.bin': big + '!' } }), 'files["big.bin"]', /base64/);
  assert.ok(Date.now() - started < 5000, 'validation is linear');
});

test('fetch_files: the same path rule, and the client spelling kept for the response', () => {
  assert.deepEqual(parseRunRequest({ cells: [], fetch_files: ['./out.csv', 'plots/a.png'] }).fetchFiles, ['./out.csv', 'plots/a.png']);
  assertInvalid(() => parseRunRequest({ cells: [], fetch_files: ['ok.txt', '../secret'] }), 'fetch_files[1]', /outside/);
  assertInvalid(() => parseRunRequest({ cells: [], fetch_files: ['/etc/passwd'] }), 'fetch_files[0]', /absolute/);
  assertInvalid(() => parseRunRequest({ cells: [], fetch_files: [7] }), 'fetch_files[0]', /got a number/);
  assertInvalid(() => parseRunRequest({ cells: [], fetch_files: 'out.csv' }), 'fetch_files', /list of relative paths/);
});

test('hostile inputs get a clear error: JSON nested too deep, a kernel name too long, a lone surrogate', () => {
  const deep = `{"cells": ${'['.repeat(300)}${']'.repeat(300)}}`;
  assert.throws(() => parseServiceRequest(Buffer.from(deep), { remoteKernels: false, memoryCeilingMB: 0 }), (error: unknown) => error instanceof HttpError && error.status === 400 && /nests arrays and objects 301 deep/.test(error.message));
  // Brackets inside strings are text, not nesting.
  assert.deepEqual(parseRunRequest(JSON.parse(JSON.stringify({ cells: ['['.repeat(200)] }))).cells, ['['.repeat(200)]);
  assert.equal(parseServiceRequest(Buffer.from(JSON.stringify({ cells: ['x = "[[[{{{"'] })), { remoteKernels: false, memoryCeilingMB: 0 }).cells.length, 1);
  assert.throws(() => parseRunRequest({ cells: ['1'], kernel: 'k'.repeat(129) }), /kernel: is 129 characters long/);
  assert.throws(() => parseRunRequest({ cells: ['print(1)', 'x = "\ud800"'] }), /cells\[1\]: holds invalid Unicode: a lone surrogate \(\\ud800\) at character 5/);
  assert.equal(parseRunRequest({ cells: ['x = "😀"'] }).cells[0], 'x = "😀"', 'a whole pair is fine');
});

test('timeouts longer than a timer can hold are clamped to its longest, not fired at once', () => {
  const request = parseRunRequest({ cells: ['1'], cell_timeout: 1e12, total_timeout: 3e9 });
  assert.equal(request.cellTimeoutSeconds, MAX_TIMEOUT_SECONDS);
  assert.equal(request.totalTimeoutSeconds, MAX_TIMEOUT_SECONDS);
  assert.ok(MAX_TIMEOUT_SECONDS * 1000 <= 2 ** 31 - 1);
});
