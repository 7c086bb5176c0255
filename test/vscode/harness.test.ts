import * as assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { runInHostSuite, type InHostRunOptions } from './harness/inHostRun';

// Proves the in-host harness end to end with a do-nothing extension and three tiny suites (passing, failing,
// hanging) under test/vscode/harness/selfTest/. Each run starts a real code-server and Chromium (~10 s,
// ~1.7 GiB), so the runs go one after the other.

const REPO = path.resolve(__dirname, '..', '..', '..');
const SELF_TEST = path.join(REPO, 'test', 'vscode', 'harness', 'selfTest');
const EXTENSION = path.join(SELF_TEST, 'extension');
const WORKSPACE = path.join(SELF_TEST, 'workspace');
const OUTPUT = path.join(REPO, '.test-output', 'vscode-harness');

function options(suite: string, overrides: Partial<InHostRunOptions> = {}): InHostRunOptions {
  return {
    extensionDevelopmentPath: EXTENSION,
    extensionTestsPath: path.join(EXTENSION, 'suite', `${suite}.js`),
    workspaceFixture: WORKSPACE,
    outputDir: path.join(OUTPUT, suite),
    timeoutMs: 90_000,
    ...overrides,
  };
}

test('a passing suite exits 0 and its console lines reach the log', async (t) => {
  const token = randomBytes(8).toString('hex');
  const streamed: string[] = [];
  const leaks = await watchLeftovers(async () => {
    const result = await runInHostSuite(options('pass', { env: { CELLBRIDGE_SELFTEST_TOKEN: token }, onLog: (line) => streamed.push(line) }));
    const shown = result.log.join('\n');
    assert.equal(result.exitCode, 0, shown);
    assert.deepEqual(streamed, result.log);
    t.diagnostic(`timings (ms): ${JSON.stringify(result.timings)}`);
    for (const line of [
      'selftest: vscode 1.100.3',
      `selftest: env token ${token}`,
      '  ✔ selftest: mocha-style line', // Format string applied, ANSI colour removed.
      'selftest: first of two',
      'selftest: second of two',
      'selftest: raw stdout write',
      'selftest: pass',
    ]) {
      assert.ok(result.log.includes(line), `missing ${JSON.stringify(line)} in:\n${shown}`);
    }
    assert.ok(result.log.indexOf('selftest: first of two') < result.log.indexOf('selftest: pass'), 'lines keep their order');
    assert.ok(readFileSync(path.join(OUTPUT, 'pass', 'inhost.log'), 'utf8').includes('selftest: pass'));
    assert.ok(existsSync(path.join(OUTPUT, 'pass', 'code-server-logs')), 'server-side logs are copied out');
  });
  assert.deepEqual(leaks, []);
  assert.ok(!existsSync(path.join(WORKSPACE, 'written-by-suite.txt')), 'the suite wrote into a copy, not the fixture');
});

test('a throwing suite gives a non-zero exit code and its error in the log', async () => {
  const leaks = await watchLeftovers(async () => {
    const result = await runInHostSuite(options('fail'));
    const shown = result.log.join('\n');
    assert.notEqual(result.exitCode, 0, shown);
    assert.ok(result.log.includes('selftest: about to fail'), shown);
    assert.ok(result.log.some((line) => line.includes('selftest: deliberate failure')), shown);
  });
  assert.deepEqual(leaks, []);
});

test('a suite that never finishes is cut off at the timeout, with a screenshot and nothing left running', async () => {
  const leaks = await watchLeftovers(async () => {
    await assert.rejects(runInHostSuite(options('hang', { timeoutMs: 25_000 })), /did not finish within 25000 ms/);
    assert.ok(existsSync(path.join(OUTPUT, 'hang', 'timeout.png')));
  });
  assert.deepEqual(leaks, []);
});

/**
 * Runs `body`, then lists what it left behind: live code-server/Chromium processes and harness temp dirs that
 * were not there before (so that other runs on the machine do not count).
 */
async function watchLeftovers(body: () => Promise<void>): Promise<string[]> {
  const before = { processes: new Set(harnessProcesses()), dirs: new Set(harnessTempDirs()) };
  await body();
  return [
    ...harnessProcesses().filter((p) => !before.processes.has(p)).map((p) => `process ${p}`),
    ...harnessTempDirs().filter((d) => !before.dirs.has(d)).map((d) => `temp dir ${d}`),
  ];
}

function harnessProcesses(): string[] {
  const found: string[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    try {
      if (readFileSync(`/proc/${entry}/stat`, 'utf8').replace(/^.*\) /s, '').startsWith('Z')) continue;
      const cmdline = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0').join(' ');
      if (/code-server|chromium|cellbridge-(inhost|chromium|code-server)-/.test(cmdline)) found.push(`${entry} ${cmdline.slice(0, 160)}`);
    } catch {
      // Gone meanwhile.
    }
  }
  return found;
}

function harnessTempDirs(): string[] {
  return readdirSync(os.tmpdir()).filter((name) => /^cellbridge-(inhost|chromium|code-server)-/.test(name));
}
