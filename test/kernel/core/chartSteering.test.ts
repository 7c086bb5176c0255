import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import type { CellRun } from '../../../src/core/execution/cellRun';
import { silentLogger } from '../../../src/core/common/logger';
import { steerCharts } from '../../../src/core/kernel/chartSteering';
import { CURRENT_STACK_KERNEL, useCurrentStackKernel } from '../helpers/currentStack';
import { shownStream, type TestDocument, useTestDocument } from '../helpers/kernels';

/**
 * The chart steering the VS Code face installs when it starts a kernel, on real kernels: with default settings
 * Altair 6.3 and Plotly 7.1 (current stack) send the MIME types CellBridge draws offline, a user's own choice
 * wins, nothing is left in the namespace and nothing counts; on a kernel without either library it changes nothing.
 */

function mimesOf(run: CellRun): string[] {
  return run.outputs.outputs.flatMap((output) => ('data' in output ? Object.keys(output.data) : []));
}

async function steered(doc: TestDocument): Promise<void> {
  await steerCharts(await doc.runner.session.kernel(), silentLogger);
}

describe('chart steering with Altair and Plotly installed', () => {
  before(() => void useCurrentStackKernel());
  const document = useTestDocument(CURRENT_STACK_KERNEL);

  test('default settings: Altair sends Vega-Lite, Plotly its own MIME type and no HTML; no names are left, and the first cell is [1]', async () => {
    const doc = document();
    await steered(doc);
    const chart = await doc.runOne('import altair as alt\nimport pandas as pd\nalt.Chart(pd.DataFrame({"a": [1, 2]})).mark_point().encode(x="a")');
    assert.equal(chart.executionCount, 1, 'the steering did not count');
    assert.deepEqual(mimesOf(chart), ['application/vnd.vegalite.v6.json', 'text/plain']);
    const figure = await doc.runOne('import plotly.express as px\npx.scatter(x=[1, 2], y=[3, 4])');
    assert.deepEqual(mimesOf(figure), ['application/vnd.plotly.v1+json']);
    const names = await doc.runOne("print(sorted(name for name in dir() if 'cellbridge' in name.lower()))");
    assert.equal(shownStream(names, 'stdout'), '[]\n');
  });

  test("a user's own renderer wins after the import", async () => {
    const doc = document();
    const chosen = await doc.runOne('import plotly.io as pio\npio.renderers.default = "json"\nalt.renderers.enable("json")\nprint(pio.renderers.default, alt.renderers.active)');
    assert.equal(shownStream(chosen, 'stdout'), 'json json\n');
    const figure = await doc.runOne('px.scatter(x=[1, 2], y=[3, 4])');
    assert.deepEqual(mimesOf(figure), ['application/json']);
  });
});

// On the second pass `python3` is the current stack's, which has both.
describe('chart steering on a kernel without them', { skip: process.env.CELLBRIDGE_TEST_STACK === 'current' }, () => {
  const document = useTestDocument('python3');

  test('Debian\'s python3 (no altair, no plotly): imports fail as before, other code is untouched', async () => {
    const doc = document();
    await steered(doc);
    const missing = await doc.runOne('try:\n    import altair\nexcept ImportError as error:\n    print(type(error).__name__)');
    assert.equal(shownStream(missing, 'stdout'), 'ModuleNotFoundError\n');
    const ordinary = await doc.runOne('import json\nprint(json.dumps([1]))');
    assert.equal(shownStream(ordinary, 'stdout'), '[1]\n');
  });
});
