/**
 * The traceback fixtures (fixtures/*.json): real kernels' error outputs captured by fixtures/capture.mjs, and
 * hand-written ones for IPython versions not installed here. Each is turned into the renderer's input the way
 * the controller does it (src/extension/outputMapping.ts), so the tests see exactly what the renderer gets.
 */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import type { ErrorOutput } from '../../../src/core/outputs/nbformat';
import { mapOutput } from '../../../src/extension/outputMapping';
import { parseErrorPayload } from '../../../renderers/error/errorPayload';
import type { ErrorPayload } from '../../../renderers/error/formatError';

export interface FixtureCase {
  readonly id: string;
  readonly source: string;
  readonly execution_count: number;
  readonly output: ErrorOutput;
}

export interface Fixture {
  readonly kernel: string;
  readonly captured: string;
  /** The HOME and hostile directory of the capture run (real captures only). */
  readonly home?: string;
  readonly hostileDir?: string;
  /** The kernel's standard library directory (captures from before this was recorded: Debian's). */
  readonly stdlib?: string;
  readonly cases: readonly FixtureCase[];
}

/** Tests run from out/test/unit/renderers/; the fixtures stay in the source tree. */
const FIXTURES = path.resolve(__dirname, '..', '..', '..', '..', 'test', 'unit', 'renderers', 'fixtures');

export const CAPTURED = ['ipykernel.json', 'ipykernel7-ipython9.json', 'xeus-python.json', 'xeus-python-raw.json'] as const;
export const HAND_WRITTEN = ['ipython7.json', 'ipython8.0.json', 'ipython8-later.json'] as const;

export function loadFixture(name: string): Fixture {
  return JSON.parse(readFileSync(path.join(FIXTURES, name), 'utf8')) as Fixture;
}

export function fixtureCase(fixture: Fixture, id: string): FixtureCase {
  const found = fixture.cases.find((c) => c.id === id);
  if (!found) throw new Error(`no case ${id} in the ${fixture.kernel} fixture`);
  return found;
}

/** The error output as the renderer receives it: the controller's output item bytes, parsed by the renderer. */
export function payloadOf(fixtureCase: FixtureCase): ErrorPayload {
  const [item] = mapOutput(fixtureCase.output).items;
  if (!item) throw new Error(`case ${fixtureCase.id} mapped to no output item`);
  return parseErrorPayload(new TextDecoder().decode(item.data));
}
