/**
 * The in-host test entry: VS Code's extension host `require`s this file (extensionTestsPath) and awaits
 * `run()`. Mocha runs every `*.test.js` beside it; each result is printed as one line starting with
 * RESULT_PREFIX, which the harness on the Node side reads back (see test/vscode/harness/inHostRun.ts).
 * CELLBRIDGE_VSCODE_GREP (a regular expression) narrows the run to matching test titles.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import Mocha from 'mocha';
import { RESULT_PREFIX } from './resultLine';

export async function run(): Promise<void> {
  const mocha = new Mocha({ ui: 'bdd', timeout: 90_000, color: false, reporter: LineReporter });
  const grep = process.env.CELLBRIDGE_VSCODE_GREP;
  if (grep) mocha.grep(new RegExp(grep));
  for (const file of fs.readdirSync(__dirname).sort()) if (file.endsWith('.test.js')) mocha.addFile(path.join(__dirname, file));
  const failures = await new Promise<number>((resolve) => mocha.run(resolve));
  if (failures > 0) throw new Error(`${failures} in-host test(s) failed`);
}

/** One JSON line per finished test, and one for the whole run. */
class LineReporter extends Mocha.reporters.Base {
  constructor(runner: Mocha.Runner, options?: Mocha.MochaOptions) {
    super(runner, options);
    const emit = (record: Record<string, unknown>): void => console.log(RESULT_PREFIX + JSON.stringify(record));
    runner.on('pass', (test) => emit({ event: 'pass', title: test.fullTitle(), ms: test.duration }));
    runner.on('fail', (test, error: Error) => emit({ event: 'fail', title: test.fullTitle(), error: String(error?.stack ?? error) }));
    runner.on('pending', (test) => emit({ event: 'skip', title: test.fullTitle() }));
    runner.on('end', () => emit({ event: 'end', stats: this.stats }));
  }
}
