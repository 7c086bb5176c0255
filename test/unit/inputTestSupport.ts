/** Assertions and fixture paths shared by the unit tests of inputs: file formats and run requests. */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { InvalidInputError } from '../../src/core/common/errors';

/** Asserts that `run` throws an InvalidInputError for `field`, with a message matching `detail` if given. */
export function assertInvalid(run: () => unknown, field: string, detail?: RegExp): void {
  assert.throws(run, (error: unknown) => {
    assert.ok(error instanceof InvalidInputError, `expected an InvalidInputError, got ${String(error)}`);
    assert.equal(error.field, field);
    if (detail) assert.match(error.message, detail);
    return true;
  });
}

/** Reads a file by its path from the repository root, wherever the compiled test runs from. */
export function readRepoFile(relativePath: string): string {
  return readFileSync(join(repoRoot(), relativePath), 'utf8');
}

function repoRoot(): string {
  let dir = __dirname;
  while (!existsSync(join(dir, 'package.json'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`no package.json above ${__dirname}`);
    dir = parent;
  }
  return dir;
}
