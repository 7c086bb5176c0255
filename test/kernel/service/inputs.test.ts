import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as http from 'node:http';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { RunResponse } from '../../../src/runner/runResponse';
import { TestService } from '../helpers/service';

/** Bad requests over real HTTP: each answered with a status and a JSON body naming the cause, no kernel started. */
const TOKEN = 'secret-token-for-tests';
const LIMIT = 64 * 1024;
let service: TestService;

/** A kernelspec whose kernel exits at once, found through JUPYTER_PATH. */
const brokenSpecs = mkdtempSync(path.join(os.tmpdir(), 'cellbridge-broken-kernelspec-'));

before(async () => {
  const spec = path.join(brokenSpecs, 'kernels', 'broken');
  mkdirSync(spec, { recursive: true });
  const argv = ['/usr/bin/python3', '-c', 'import sys; sys.stderr.write("this kernel cannot start\\n"); sys.exit(3)', '{connection_file}'];
  writeFileSync(path.join(spec, 'kernel.json'), JSON.stringify({ argv, display_name: 'Broken', language: 'python' }));
  process.env.JUPYTER_PATH = brokenSpecs;
  // No pool: any kernel started is one a request started.
  service = await TestService.start({ token: TOKEN, poolSize: 0, maxBodyBytes: LIMIT });
});

after(async () => {
  delete process.env.JUPYTER_PATH;
  rmSync(brokenSpecs, { recursive: true, force: true });
  assert.deepEqual(await service.close(), []);
});

async function assertNoKernelStarted(): Promise<void> {
  assert.equal(service.tracker.started.length, 0);
  assert.equal((await service.metrics()).value('cellbridge_kernels_started_total'), 0);
}

interface ErrorBody {
  error: string;
  field?: string;
}

describe('malformed requests get 400 naming the field, and start no kernel', () => {
  const cases: Array<[string, string | object, string, RegExp?]> = [
    ['malformed JSON', '{"cells": ["1"', 'body', /JSON/],
    ['a body that is not an object', '["print(1)"]', 'request'],
    ['no cells', { kernel: 'python3' }, 'cells', /required/],
    ['cells not a list', { cells: 'print(1)' }, 'cells', /list/],
    ['a cell that is not a string', { cells: ['1', 2] }, 'cells[1]', /string/],
    ['a negative cell_timeout', { cells: ['1'], cell_timeout: -1 }, 'cell_timeout'],
    ['a cell_timeout given as text', { cells: ['1'], cell_timeout: '5' }, 'cell_timeout', /number/],
    ['a total_timeout that is not a number', { cells: ['1'], total_timeout: [] }, 'total_timeout'],
    ['a memory_limit_MB given as text', { cells: ['1'], memory_limit_MB: '512' }, 'memory_limit_MB'],
    ['a kernel name that is a path', { cells: ['1'], kernel: '../python3' }, 'kernel'],
    ['files as a list', { cells: ['1'], files: ['a.txt'] }, 'files'],
    ['a file path with ..', { cells: ['1'], files: { '../x': 'eA==' } }, 'files["../x"]', /outside/],
    ['a file path that escapes further down', { cells: ['1'], files: { 'a/../../x': 'eA==' } }, 'files["a/../../x"]', /outside/],
    ['an absolute file path', { cells: ['1'], files: { '/etc/passwd': 'eA==' } }, 'files["/etc/passwd"]', /absolute/],
    ['content that is not base64', { cells: ['1'], files: { 'a.txt': 'not base64!' } }, 'files["a.txt"]', /base64/],
    ['a fetch_files path with ..', { cells: ['1'], fetch_files: ['../../etc/passwd'] }, 'fetch_files[0]', /outside/],
    ['stop_on_error given as text', { cells: ['1'], stop_on_error: 'yes' }, 'stop_on_error'],
  ];
  for (const [what, body, field, detail] of cases) {
    test(what, async () => {
      const answer = await service.run<ErrorBody>(body);
      assert.equal(answer.status, 400, JSON.stringify(answer.body));
      assert.match(answer.headers.get('content-type') ?? '', /^application\/json/);
      assert.equal(answer.body.field, field);
      if (detail) assert.match(answer.body.error, detail);
    });
  }

  test('none of them started a kernel', assertNoKernelStarted);
});

describe('the body size limit', () => {
  test('a declared Content-Length over the limit is refused with 413 before the body is sent', async () => {
    const request = http.request(`${service.url}/run_jupyter`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json', 'content-length': String(50 * 1024 * 1024) },
    });
    request.on('error', () => undefined); // The server may close the connection before we hang up.
    const response = new Promise<http.IncomingMessage>((resolve) => request.once('response', resolve));
    request.flushHeaders();
    const answer = await response;
    const body = JSON.parse(await readAll(answer)) as ErrorBody;
    request.destroy();
    assert.equal(answer.statusCode, 413);
    assert.match(body.error, /limit/);
  });

  test('a chunked body (no Content-Length) is refused with 413 once it passes the limit', async () => {
    const request = http.request(`${service.url}/run_jupyter`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json', 'transfer-encoding': 'chunked' },
    });
    request.on('error', () => undefined);
    const response = new Promise<http.IncomingMessage>((resolve) => request.once('response', resolve));
    let answered = false;
    void response.then(() => (answered = true));
    // Ten times the limit at most: a server that buffered it all would answer 400 (not JSON), not 413.
    const chunk = Buffer.alloc(16 * 1024, 'a');
    for (let sent = 0; sent < 10 * LIMIT && !answered && !request.destroyed; sent += chunk.length) {
      if (!request.write(chunk)) await new Promise((resolve) => setTimeout(resolve, 5));
    }
    if (!request.destroyed) request.end();
    const answer = await response;
    const body = JSON.parse(await readAll(answer)) as ErrorBody;
    assert.equal(answer.statusCode, 413);
    assert.match(body.error, /limit/);
  });

  test('a Content-Length that understates the body cannot smuggle more in: only the declared bytes are read', async () => {
    const json = JSON.stringify({ cells: ['print(1)'.repeat(20_000)] });
    const head = `POST /run_jupyter HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${TOKEN}\r\nContent-Type: application/json\r\nContent-Length: 20\r\n\r\n`;
    const reply = await rawExchange(service.url, head + json);
    // The first 20 bytes are not JSON, and the rest is not a request: the connection is refused with 400.
    assert.match(reply, /^HTTP\/1\.1 400 /);
    assert.doesNotMatch(reply, /HTTP\/1\.1 200/);
  });

  test('none of them started a kernel', assertNoKernelStarted);
});

describe('routes, methods and the token', () => {
  test('without the token, or with a wrong one, /run_jupyter and /metrics answer 401', async () => {
    const missing = await service.run<ErrorBody>({ cells: ['1'] }, { auth: false });
    assert.equal(missing.status, 401);
    assert.equal(missing.headers.get('www-authenticate'), 'Bearer');
    assert.match(missing.body.error, /token/);
    const wrong = await service.run<ErrorBody>({ cells: ['1'] }, { auth: false, headers: { authorization: `Bearer ${TOKEN}x` } });
    assert.equal(wrong.status, 401);
    const notBearer = await service.run<ErrorBody>({ cells: ['1'] }, { auth: false, headers: { authorization: TOKEN } });
    assert.equal(notBearer.status, 401);
    // As many characters as the token, more bytes: still a plain 401, not a failed comparison.
    const wide = await service.run<ErrorBody>({ cells: ['1'] }, { auth: false, headers: { authorization: `Bearer ${'é'.repeat(TOKEN.length)}` } });
    assert.equal(wide.status, 401);
    assert.equal((await service.request('/metrics', {}, false)).status, 401);
  });

  test('/health stays open without the token', async () => {
    const health = await service.request<{ status: string }>('/health', {}, false);
    assert.equal(health.status, 200);
    assert.equal(health.body.status, 'ok');
  });

  test('a wrong method answers 405 with Allow', async () => {
    const get = await service.request<ErrorBody>('/run_jupyter');
    assert.equal(get.status, 405);
    assert.equal(get.headers.get('allow'), 'POST');
    const postHealth = await service.request('/health', { method: 'POST', body: '{}' });
    assert.equal(postHealth.status, 405);
    assert.equal(postHealth.headers.get('allow'), 'GET');
    assert.equal((await service.request('/metrics', { method: 'DELETE' })).status, 405);
  });

  test('an unknown route answers 404 naming the routes there are', async () => {
    const answer = await service.request<ErrorBody>('/run');
    assert.equal(answer.status, 404);
    assert.match(answer.body.error, /\/run_jupyter/);
  });

  test('an unknown kernel answers SandboxError naming the kernels there are, and starts nothing', async () => {
    const answer = await service.run({ cells: ['1'], kernel: 'nosuchkernel' });
    assert.equal(answer.status, 200);
    assert.equal(answer.body.status, 'SandboxError');
    assert.match(answer.body.message, /nosuchkernel/);
    assert.match(answer.body.message, /python3/);
    assert.match(answer.body.message, /xpython/);
    assert.deepEqual(answer.body.cells, []);
    await assertNoKernelStarted();
  });

  test('a kernel that fails to start answers SandboxError with its reason', async () => {
    const answer = await service.run({ cells: ['1'], kernel: 'broken' });
    assert.equal(answer.status, 200);
    assert.equal(answer.body.status, 'SandboxError');
    assert.match(answer.body.message, /exited during start-up/);
    assert.match(answer.body.message, /this kernel cannot start/);
    await assertNoKernelStarted();
  });

  test('the refusals are counted by reason, on routes there are', async () => {
    const metrics = await service.metrics();
    assert.ok(metrics.count('cellbridge_rejected_total', { reason: '400' }) >= 17);
    assert.ok(metrics.count('cellbridge_rejected_total', { reason: '413' }) >= 2);
    assert.ok(metrics.count('cellbridge_rejected_total', { reason: '401' }) >= 5);
    assert.equal(metrics.count('cellbridge_errors_total'), 0);
    assert.ok(metrics.count('cellbridge_requests_total', { route: '/run_jupyter', code: '400' }) >= 17);
    // A route nobody serves does not become a label of its own: anyone could grow the page without end.
    assert.doesNotMatch(metrics.text, /route="\/run"/);
    assert.ok(metrics.count('cellbridge_requests_total', { route: 'other', code: '404' }) >= 1);
  });

  test('with the token, a well-formed request runs', async () => {
    const answer = await service.run<RunResponse>({ cells: ['print(6 * 7)'] });
    assert.equal(answer.status, 200);
    assert.equal(answer.body.status, 'Success');
    assert.equal(answer.body.cells[0]?.stdout, '42\n');
    assert.equal(service.tracker.started.length, 1);
  });
});

function readAll(stream: NodeJS.ReadableStream): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = '';
    stream.setEncoding('utf8');
    stream.on('data', (chunk: string) => (text += chunk));
    stream.on('end', () => resolve(text));
    stream.on('error', reject);
  });
}

/** Writes raw bytes to the service and returns everything it answers until it closes the connection. */
function rawExchange(url: string, bytes: string): Promise<string> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = net.connect(Number(port), hostname, () => socket.end(bytes));
    let reply = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => (reply += chunk));
    socket.on('close', () => resolve(reply));
    socket.on('error', (error: NodeJS.ErrnoException) => (error.code === 'ECONNRESET' || error.code === 'EPIPE' ? undefined : reject(error)));
  });
}
