import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { HttpError } from '../../../../src/runner/service/httpJson';
import { parseServiceRequest } from '../../../../src/runner/service/serviceRequest';

function refusal(body: string, remoteKernels = false): HttpError {
  try {
    parseServiceRequest(Buffer.from(body), { remoteKernels, memoryCeilingMB: 0 });
  } catch (error) {
    assert.ok(error instanceof HttpError, String(error));
    return error;
  }
  assert.fail('the body was accepted');
}

describe('parseServiceRequest', () => {
  test('a valid body gives the typed request with the contract defaults', () => {
    const request = parseServiceRequest(Buffer.from(JSON.stringify({ cells: ['1'], language: 'python' })), { remoteKernels: false, memoryCeilingMB: 0 });
    assert.deepEqual(request.cells, ['1']);
    assert.equal(request.kernel, 'python3');
    assert.equal(request.totalTimeoutSeconds, 45);
  });

  test('bad JSON is a 400 on the body', () => {
    const error = refusal('{"cells": [');
    assert.equal(error.status, 400);
    assert.equal(error.field, 'body');
  });

  test('a field at fault is named', () => {
    const error = refusal(JSON.stringify({ cells: ['1'], cell_timeout: 'soon' }));
    assert.equal(error.status, 400);
    assert.equal(error.field, 'cell_timeout');
    assert.match(error.message, /^cell_timeout: must be a number/);
  });

  test('with kernels on a Jupyter Server, files and fetch_files are refused', () => {
    assert.equal(refusal(JSON.stringify({ cells: ['1'], files: { 'a.txt': 'eA==' } }), true).field, 'files');
    assert.equal(refusal(JSON.stringify({ cells: ['1'], fetch_files: ['a.txt'] }), true).field, 'fetch_files');
    assert.doesNotThrow(() => parseServiceRequest(Buffer.from(JSON.stringify({ cells: ['1'], files: {} })), { remoteKernels: true, memoryCeilingMB: 0 }));
  });
});

test("the service's memory ceiling: the limit of a request that sets none or more, never raised past it; not for a Jupyter Server's kernels", () => {
  const limitOf = (body: object, remoteKernels = false): number => parseServiceRequest(Buffer.from(JSON.stringify({ cells: ['1'], ...body })), { remoteKernels, memoryCeilingMB: 1024 }).memoryLimitMB;
  assert.equal(limitOf({}), 1024);
  assert.equal(limitOf({ memory_limit_MB: -1 }), 1024);
  assert.equal(limitOf({ memory_limit_MB: 4096 }), 1024);
  assert.equal(limitOf({ memory_limit_MB: 200 }), 200);
  assert.equal(limitOf({}, true), -1);
});
