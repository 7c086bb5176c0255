import assert from 'node:assert/strict';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { CancellationTokenSource } from '../../../../src/core/common/cancellation';
import { BodyBudget } from '../../../../src/runner/service/bodyBudget';
import { BodyLimits, HttpError, readBody, sendError } from '../../../../src/runner/service/httpJson';

/** readBody behind a loopback HTTP server: what it resolves or rejects with is sent back as the answer. */
const LIMIT = 1024;
let server: http.Server;
let url: string;
/** Set by a test to stop the read of the next request. */
let nextStop: CancellationTokenSource | undefined;
/** Set by a test for the limits of the next read (the default: LIMIT bytes, a long deadline, no budget). */
let nextLimits: BodyLimits | undefined;
const outcomes: Array<Promise<HttpError | Buffer>> = [];

before(async () => {
  server = http.createServer((request, response) => {
    const outcome = readBody(request, nextLimits ?? { maxBytes: LIMIT, timeoutMs: 60_000 }, nextStop?.token).then(
      (body) => body,
      (error: HttpError) => error,
    );
    outcomes.push(outcome);
    void outcome.then((result) => {
      if (result instanceof HttpError) sendError(response, result);
      else response.end(`got ${result.length}`);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
});

after(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

function send(headers: http.OutgoingHttpHeaders, write: (request: http.ClientRequest) => void): Promise<{ status: number; body: string; connection?: string }> {
  return new Promise((resolve, reject) => {
    const request = http.request(url, { method: 'POST', headers }, (response) => {
      let body = '';
      response.setEncoding('utf8').on('data', (chunk: string) => (body += chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body, ...(response.headers.connection ? { connection: response.headers.connection } : {}) }));
    });
    request.on('error', reject);
    write(request);
  });
}

describe('readBody', () => {
  test('reads a body within the limit', async () => {
    const answer = await send({}, (request) => request.end('x'.repeat(LIMIT)));
    assert.equal(answer.status, 200);
    assert.equal(answer.body, `got ${LIMIT}`);
  });

  test('refuses a declared length over the limit before reading, and closes the connection', async () => {
    const answer = await send({ 'content-length': LIMIT + 1 }, (request) => request.flushHeaders());
    assert.equal(answer.status, 413);
    assert.match(answer.body, /limit is 1024/);
    assert.equal(answer.connection, 'close');
  });

  test('refuses a chunked body once it passes the limit', async () => {
    const answer = await send({ 'transfer-encoding': 'chunked' }, (request) => {
      request.write('x'.repeat(LIMIT));
      request.write('y');
    });
    assert.equal(answer.status, 413);
    assert.match(answer.body, /exceeds the limit of 1024 bytes/);
  });

  test('gives up with 503 when stopped before the body is complete', async () => {
    nextStop = new CancellationTokenSource();
    const stop = nextStop;
    const answer = send({ 'content-length': 10 }, (request) => {
      request.write('12345');
      setTimeout(() => stop.cancel(), 20);
    });
    assert.equal((await answer).status, 503);
    nextStop = undefined;
  });

  test('refuses with 408 a body still incomplete at its deadline, and closes the connection', async () => {
    nextLimits = { maxBytes: LIMIT, timeoutMs: 300 };
    const started = Date.now();
    let trickle: NodeJS.Timeout | undefined;
    const answer = await send({ 'content-length': 100 }, (request) => {
      // A byte every 50 ms, as a slowloris client sends: never idle long, never done.
      trickle = setInterval(() => request.write('x'), 50);
    });
    clearInterval(trickle);
    nextLimits = undefined;
    assert.equal(answer.status, 408);
    assert.match(answer.body, /did not arrive whole within 0\.3 s/);
    assert.equal(answer.connection, 'close');
    assert.ok(Date.now() - started >= 300, 'not before the deadline');
  });

  test('charges the bytes to the budget as they arrive, and refuses with 429 when it cannot spare them', async () => {
    const budget = new BodyBudget(LIMIT);
    const other = budget.allowance();
    assert.ok(other.take(LIMIT - 10), 'another request holds most of the budget');
    nextLimits = { maxBytes: LIMIT, timeoutMs: 60_000, allowance: budget.allowance() };
    const refused = await send({ 'content-length': 20 }, (request) => request.end('x'.repeat(20)));
    assert.equal(refused.status, 429);
    assert.match(refused.body, /too many request bodies/);
    other.release();
    const allowance = budget.allowance();
    nextLimits = { maxBytes: LIMIT, timeoutMs: 60_000, allowance };
    const accepted = await send({ 'content-length': 20 }, (request) => request.end('x'.repeat(20)));
    nextLimits = undefined;
    assert.equal(accepted.status, 200);
    assert.equal(budget.heldBytes, 20, 'held until the request gives it back');
    allowance.release();
    allowance.release();
    assert.equal(budget.heldBytes, 0);
  });

  test('a client that hangs up mid-body makes the read fail (400), not hang', async () => {
    const before = outcomes.length;
    const request = http.request(url, { method: 'POST', headers: { 'content-length': 100 } });
    request.on('error', () => undefined);
    request.write('12345');
    while (outcomes.length === before) await new Promise((resolve) => setTimeout(resolve, 5));
    request.destroy();
    const outcome = await outcomes[before]!;
    assert.ok(outcome instanceof HttpError);
    assert.equal(outcome.status, 400);
  });
});
