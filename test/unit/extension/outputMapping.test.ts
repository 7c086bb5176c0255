import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ERROR_MIME, mapMimeBundle, mapOutput, STDERR_MIME, STDOUT_MIME } from '../../../src/extension/outputMapping';

const text = (data: Uint8Array): string => new TextDecoder().decode(data);

test('MIME items come richest first: widgets and vnd types, html, images, json, unknown, plain text last', () => {
  const items = mapMimeBundle({
    'text/plain': 'p',
    'application/x-custom': 'c',
    'application/json': { a: 1 },
    'image/png': 'iVBORw0KGgo=',
    'text/html': '<b>h</b>',
    'application/vnd.jupyter.widget-view+json': { model_id: 'm' },
  });
  assert.deepEqual(
    items.map((i) => i.mime),
    ['application/vnd.jupyter.widget-view+json', 'text/html', 'image/png', 'application/json', 'application/x-custom', 'text/plain'],
  );
});

test('base64 images become bytes, JSON objects become JSON text, line lists are joined, SVG stays text', () => {
  const [png] = mapMimeBundle({ 'image/png': Buffer.from([0x89, 0x50, 0x4e, 0x47]).toString('base64') });
  assert.deepEqual([...png!.data], [0x89, 0x50, 0x4e, 0x47]);
  const [json] = mapMimeBundle({ 'application/vnd.custom+json': { x: [1, 2] } });
  assert.equal(text(json!.data), '{"x":[1,2]}');
  const [lines] = mapMimeBundle({ 'text/html': ['<p>\n', 'hi</p>'] });
  assert.equal(text(lines!.data), '<p>\nhi</p>');
  const [svg] = mapMimeBundle({ 'image/svg+xml': '<svg/>' });
  assert.equal(text(svg!.data), '<svg/>');
});

test('streams use the notebook stream MIME types', () => {
  assert.equal(mapOutput({ output_type: 'stream', name: 'stdout', text: 'a\n' }).items[0]?.mime, STDOUT_MIME);
  const err = mapOutput({ output_type: 'stream', name: 'stderr', text: 'e' });
  assert.equal(err.items[0]?.mime, STDERR_MIME);
  assert.equal(text(err.items[0]!.data), 'e');
});

test('rich outputs keep output type, execution count, metadata and the display id', () => {
  const mapped = mapOutput({
    output_type: 'execute_result',
    execution_count: 7,
    data: { 'text/plain': '1' },
    metadata: { 'image/png': { width: 10 } },
    transient: { display_id: 'd1' },
  });
  assert.deepEqual(mapped.metadata, { outputType: 'execute_result', executionCount: 7, metadata: { 'image/png': { width: 10 } }, transient: { display_id: 'd1' } });
});

test('errors become the error MIME with name, message and the ANSI traceback as stack; nbformat fields kept', () => {
  const mapped = mapOutput({ output_type: 'error', ename: 'ValueError', evalue: 'bad', traceback: ['\u001b[31mline1\u001b[0m', 'line2'] });
  assert.equal(mapped.items[0]?.mime, ERROR_MIME);
  assert.deepEqual(JSON.parse(text(mapped.items[0]!.data)), { name: 'ValueError', message: 'bad', stack: '\u001b[31mline1\u001b[0m\nline2' });
  assert.deepEqual(mapped.metadata.originalError, { ename: 'ValueError', evalue: 'bad', traceback: ['\u001b[31mline1\u001b[0m', 'line2'] });
});

test('a chart output carries its text for the chart renderer to show when it cannot draw; Plotly and Vega-Lite come before their HTML', () => {
  const mapped = mapOutput({
    output_type: 'display_data',
    data: { 'text/html': '<div>needs a CDN</div>', 'text/plain': ['<VegaLite 6 ', 'object>'], 'application/vnd.vegalite.v6.json': { mark: 'bar' } },
    metadata: {},
  });
  assert.equal(mapped.metadata.fallbackText, '<VegaLite 6 object>');
  assert.deepEqual(
    mapped.items.map((item) => item.mime),
    ['application/vnd.vegalite.v6.json', 'text/html', 'text/plain'],
  );
  assert.deepEqual(JSON.parse(text(mapped.items[0]!.data)), { mark: 'bar' }, "Altair 6's '.json' type (not '+json') still travels as JSON");
  const plain = mapOutput({ output_type: 'display_data', data: { 'text/html': '<b>x</b>', 'text/plain': 'x' }, metadata: {} });
  assert.equal(plain.metadata.fallbackText, undefined, 'other outputs carry nothing extra');
});
