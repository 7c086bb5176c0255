import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, linkSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, beforeEach, describe, test } from 'node:test';
import type { Resolution } from '../../../src/runner/folderHandle';
import { readRunFiles, UploadRefusedError, writeRunFiles } from '../../../src/runner/runFiles';

/**
 * Files into and out of a run's directory, against what a hostile cell can leave there: symlinks in any part
 * of a path, hard links to files outside, FIFOs, folders swapped for links while the service reads. Each case
 * runs with both ways of resolving names: from folder descriptors (Linux) and from paths (elsewhere).
 */
const top = mkdtempSync(path.join(os.tmpdir(), 'cellbridge-run-files-'));
after(() => rmSync(top, { recursive: true, force: true }));

let run: string;
let outside: string;
beforeEach(() => {
  const case_ = mkdtempSync(path.join(top, 'case-'));
  run = path.join(case_, 'run');
  outside = path.join(case_, 'outside');
  mkdirSync(run);
  mkdirSync(outside);
  writeFileSync(path.join(outside, 'secret'), 'SECRET');
});

const b64 = (text: string): string => Buffer.from(text).toString('base64');
const text = (base64: string | undefined): string | undefined => (base64 === undefined ? undefined : Buffer.from(base64, 'base64').toString());

async function refusal(promise: Promise<unknown>): Promise<UploadRefusedError> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof UploadRefusedError, `expected an UploadRefusedError, got ${String(error)}`);
    return error;
  }
  assert.fail('the upload was written');
}

for (const resolution of ['descriptor', 'path'] as Resolution[]) {
  describe(`uploads (names resolved by ${resolution})`, () => {
    test('are written with their folders made on the way', async () => {
      await writeRunFiles(run, { 'a/b/c.txt': b64('deep'), 'a/x.txt': b64('shallow'), 'top.bin': b64('top') }, resolution);
      assert.equal(readFileSync(path.join(run, 'a/b/c.txt'), 'utf8'), 'deep');
      assert.equal(readFileSync(path.join(run, 'a/x.txt'), 'utf8'), 'shallow');
      assert.equal(readFileSync(path.join(run, 'top.bin'), 'utf8'), 'top');
    });

    test('are never written through a symlinked folder, at any depth', async () => {
      symlinkSync(outside, path.join(run, 'a'));
      const first = await refusal(writeRunFiles(run, { 'a/b/c': b64('x') }, resolution));
      assert.match(first.message, /^files\["a\/b\/c"\] could not be written: its folder 'a' is a symbolic link/);
      rmSync(path.join(run, 'a'));
      mkdirSync(path.join(run, 'a'));
      symlinkSync(outside, path.join(run, 'a', 'b'));
      const deeper = await refusal(writeRunFiles(run, { 'a/b/c': b64('x') }, resolution));
      assert.match(deeper.message, /its folder 'a\/b' is a symbolic link/);
      assert.deepEqual(readdirSync(outside), ['secret'], 'nothing was written outside');
    });

    test('never replace a file, a symlink (even one leading nowhere) or a hard link already there', async () => {
      symlinkSync(path.join(outside, 'secret'), path.join(run, 'link'));
      symlinkSync(path.join(outside, 'new'), path.join(run, 'dangling'));
      linkSync(path.join(outside, 'secret'), path.join(run, 'hard'));
      for (const name of ['link', 'dangling', 'hard']) {
        const error = await refusal(writeRunFiles(run, { [name]: b64('overwritten') }, resolution));
        assert.match(error.message, /already exists in the run's directory/);
      }
      assert.equal(readFileSync(path.join(outside, 'secret'), 'utf8'), 'SECRET');
      assert.ok(!existsSync(path.join(outside, 'new')));
    });

    test('a file where a folder is needed is named', async () => {
      writeFileSync(path.join(run, 'a'), '');
      const error = await refusal(writeRunFiles(run, { 'a/b': b64('x') }, resolution));
      assert.match(error.message, /its folder 'a' (is not a folder|cannot be made)/);
    });
  });

  describe(`fetches (names resolved by ${resolution})`, () => {
    test('read regular files back, keyed as the client spelled them', async () => {
      mkdirSync(path.join(run, 'sub'));
      writeFileSync(path.join(run, 'sub', 'n.txt'), '42');
      writeFileSync(path.join(run, '__proto__'), 'proto');
      const fetched = await readRunFiles(run, ['./sub/n.txt', 'sub//n.txt', '__proto__'], undefined, resolution);
      assert.deepEqual(Object.keys(fetched.files), ['./sub/n.txt', 'sub//n.txt', '__proto__']);
      assert.equal(text(fetched.files['./sub/n.txt']), '42');
      assert.equal(text(fetched.files['__proto__']), 'proto');
      assert.deepEqual(fetched.errors, {});
    });

    test('refuse a symlink in any part of the path, saying which part', async () => {
      symlinkSync(outside, path.join(run, 'dir-link'));
      mkdirSync(path.join(run, 'real'));
      symlinkSync(outside, path.join(run, 'real', 'inner-link'));
      symlinkSync(path.join(outside, 'secret'), path.join(run, 'file-link'));
      writeFileSync(path.join(run, 'real', 'ok'), 'ok');
      symlinkSync('ok', path.join(run, 'real', 'link-inside'));
      const fetched = await readRunFiles(run, ['dir-link/secret', 'real/inner-link/secret', 'file-link', 'real/link-inside'], undefined, resolution);
      assert.deepEqual(fetched.files, {});
      assert.match(fetched.errors['dir-link/secret']!, /^its folder 'dir-link' is a symbolic link, and files are never read through links$/);
      assert.match(fetched.errors['real/inner-link/secret']!, /^its folder 'real\/inner-link' is a symbolic link/);
      assert.match(fetched.errors['file-link']!, /^it is a symbolic link/);
      assert.match(fetched.errors['real/link-inside']!, /^it is a symbolic link/, 'even a link to a file inside the run');
    });

    test('refuse a hard link, to a file outside the run or not', async () => {
      linkSync(path.join(outside, 'secret'), path.join(run, 'shadow'));
      writeFileSync(path.join(run, 'a'), 'a');
      linkSync(path.join(run, 'a'), path.join(run, 'b'));
      const fetched = await readRunFiles(run, ['shadow', 'a'], undefined, resolution);
      assert.deepEqual(fetched.files, {});
      assert.match(fetched.errors.shadow!, /^it has 2 hard links/);
      assert.match(fetched.errors.a!, /^it has 2 hard links/);
    });

    test('name what is missing, and what is not a regular file', async () => {
      mkdirSync(path.join(run, 'folder'));
      execFileSync('mkfifo', [path.join(run, 'pipe')]);
      writeFileSync(path.join(run, 'plain'), '');
      const fetched = await readRunFiles(run, ['missing', 'nowhere/x', 'folder', 'pipe', 'plain/x'], undefined, resolution);
      assert.deepEqual(fetched.files, {});
      assert.deepEqual(fetched.errors, {
        missing: 'it does not exist',
        'nowhere/x': "its folder 'nowhere' does not exist",
        folder: 'it is a folder, not a regular file',
        pipe: 'it is a FIFO, not a regular file',
        'plain/x': "its folder 'plain' is not a folder",
      });
    });

    test('stop at the fetch limit file by file: the file over it is refused, later smaller ones still come', async () => {
      writeFileSync(path.join(run, 'first'), Buffer.alloc(600, 'a'));
      writeFileSync(path.join(run, 'second'), Buffer.alloc(600, 'b'));
      writeFileSync(path.join(run, 'third'), Buffer.alloc(400, 'c'));
      writeFileSync(path.join(run, 'huge'), Buffer.alloc(1001, 'd'));
      const fetched = await readRunFiles(run, ['first', 'second', 'third', 'huge'], 1000, resolution);
      assert.deepEqual(Object.keys(fetched.files), ['first', 'third']);
      assert.equal(text(fetched.files.third), 'c'.repeat(400));
      assert.equal(fetched.errors.second, 'it is 600 bytes, more than the 400 bytes left of the fetch limit of 1000 bytes per run (files listed before it took the rest)');
      assert.equal(fetched.errors.huge, 'it is 1001 bytes, more than the 0 bytes left of the fetch limit of 1000 bytes per run (files listed before it took the rest)');
      const alone = await readRunFiles(run, ['huge'], 1000, resolution);
      assert.deepEqual(alone, { files: {}, errors: { huge: 'it is 1001 bytes, over the fetch limit of 1000 bytes per run' } });
    });
  });
}

describe('a folder swapped for a symlink while the service works (descriptor resolution)', () => {
  /**
   * A process flips `d` between a real folder and a symlink to `outside` as fast as it can (renames are
   * atomic), as a cell's background thread could while its files are fetched. Resolving `d/…` by path and
   * checking it first (realpath, lstat) loses this race now and then; resolving from the folder held open never does.
   */
  function flipper(): { stop: () => Promise<void> } {
    mkdirSync(path.join(run, 'd-real'));
    writeFileSync(path.join(run, 'd-real', 'secret'), 'inside');
    symlinkSync(outside, path.join(run, 'd-link'));
    const script = `
      const fs = require('fs'); process.chdir(${JSON.stringify(run)});
      const flip = (from, to) => { try { fs.renameSync(from, to); } catch {} };
      const end = Date.now() + 30000;
      while (Date.now() < end) {
        flip('d-real', 'd'); flip('d', 'd-real');
        flip('d-link', 'd'); flip('d', 'd-link');
      }`;
    const child = spawn(process.execPath, ['-e', script], { stdio: 'ignore' });
    const exited = new Promise((resolve) => child.once('exit', resolve));
    return {
      stop: async () => {
        child.kill('SIGKILL');
        await exited;
      },
    };
  }

  test('a fetch through it never reads the file outside', async () => {
    const flipping = flipper();
    const seen = new Set<string>();
    try {
      for (let i = 0; i < 1500; i++) {
        const fetched = await readRunFiles(run, ['d/secret'], undefined, 'descriptor');
        const content = text(fetched.files['d/secret']);
        seen.add(content ?? fetched.errors['d/secret']!.replace(/\(.*\)/, ''));
      }
    } finally {
      await flipping.stop();
    }
    assert.ok(!seen.has('SECRET'), `read the file outside: ${[...seen].join(' | ')}`);
    assert.ok(seen.has('inside'), `the race was run at all: ${[...seen].join(' | ')}`);
  });

  test('an upload through it never lands outside', async () => {
    const flipping = flipper();
    try {
      for (let i = 0; i < 500; i++) await writeRunFiles(run, { [`d/f${i}`]: b64('x') }, 'descriptor').catch(() => undefined);
    } finally {
      await flipping.stop();
    }
    assert.deepEqual(readdirSync(outside), ['secret']);
    // Into `d-real` through `d`, or into a `d` the upload made itself while neither was there: inside, either way.
    const landed = readdirSync(run, { recursive: true }).map(String).filter((name) => /^d[^/]*\/f\d+$/.test(name));
    assert.ok(landed.length > 0, 'some uploads were written at all');
  });
});
