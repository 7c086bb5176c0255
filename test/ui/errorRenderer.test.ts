import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import { test } from 'node:test';
import { mapOutput } from '../../src/extension/outputMapping';
import { fixtureCase, loadFixture } from '../unit/renderers/rendererFixtures';
import { openBrowser } from '../vscode/harness/chromium';

// The built renderer (dist/renderers/error.js, `npm run build`) in real Chromium, called as VS Code calls it:
// `activate(context)` then `renderOutputItem(item, element)` with the bytes the controller produces for real
// ipykernel tracebacks and a hostile one. Screenshots (light and dark theme colours) go to .test-output/ui/.

const REPO = path.resolve(__dirname, '..', '..', '..');
const OUTPUT = path.join(REPO, '.test-output', 'ui');
const RENDERER = path.join(REPO, 'dist', 'renderers', 'error.js');

const THEMES = {
  light: { background: '#ffffff', foreground: '#333333', red: '#cd3131', green: '#00bc00', yellow: '#949800', blue: '#0451a5', cyan: '#0598bc' },
  dark: { background: '#1e1e1e', foreground: '#cccccc', red: '#f14c4c', green: '#23d18b', yellow: '#f5f543', blue: '#3b8eea', cyan: '#29b8db' },
};

function page(themeName: string, theme: (typeof THEMES)[keyof typeof THEMES], outputs: { id: string; json: string }[]): string {
  const variables = [
    `--vscode-editor-background: ${theme.background}`,
    `--vscode-editor-foreground: ${theme.foreground}`,
    `--vscode-foreground: ${theme.foreground}`,
    `--vscode-textLink-foreground: ${theme.blue}`,
    ...(['red', 'green', 'yellow', 'blue', 'cyan'] as const).flatMap((name) => {
      const cap = name[0]!.toUpperCase() + name.slice(1);
      return [`--vscode-terminal-ansi${cap}: ${theme[name]}`, `--vscode-terminal-ansiBright${cap}: ${theme[name]}`];
    }),
  ].join('; ');
  return `<!doctype html><html><head><meta charset="utf-8"></head>
<body class="vscode-${themeName}" style="${variables}; background: ${theme.background}; color: ${theme.foreground}; font-family: monospace; width: 1100px">
${outputs.map((o) => `<div class="output" id="out-${o.id}"></div>`).join('\n')}
<script type="module">
  import { activate } from '/error.js';
  window.posted = [];
  const renderer = activate({ postMessage: (message) => window.posted.push(message) });
  const outputs = ${JSON.stringify(outputs).replace(/</g, '\\u003c')};
  for (const o of outputs) {
    const bytes = new TextEncoder().encode(o.json);
    renderer.renderOutputItem({ id: o.id, mime: 'application/vnd.code.notebook.error', data: () => bytes, text: () => o.json, json: () => JSON.parse(o.json), blob: () => new Blob([bytes]), metadata: {} }, document.getElementById('out-' + o.id));
  }
  window.rendered = true;
</script></body></html>`;
}

/** The page's getComputedStyle, typed here without the DOM library. */
interface StyleReader {
  getComputedStyle(element: unknown): { color: string };
}

function itemJson(id: string): string {
  const output = fixtureCase(loadFixture('ipykernel.json'), id).output;
  return new TextDecoder().decode(mapOutput(output).items[0]!.data);
}

test('the built error renderer shows real tracebacks in colour, with live links, and keeps hostile text inert', { timeout: 120_000 }, async () => {
  await fs.mkdir(OUTPUT, { recursive: true });
  const rendererJs = await fs.readFile(RENDERER, 'utf8');
  const outputs = [
    { id: 'nested', json: itemJson('nested-function') },
    { id: 'library', json: itemJson('library-raise') },
    { id: 'hostile', json: itemJson('hostile-message') },
    {
      id: 'forged',
      json: JSON.stringify({
        name: '<img src=x onerror="window.pwned=1">',
        message: '"><script>window.pwned=2</script>',
        stack: 'File \u001b[0;32m/tmp/a"onmouseover="window.pwned=3.py:1\u001b[0m\n\u001b]8;;javascript:window.pwned=4\u0007click\u001b]8;;\u0007 \u001b[2J\u001b[?25l\u009b31mX',
      }),
    },
  ];
  let html = '';
  const server = http.createServer((request, response) => {
    if (request.url === '/error.js') return void response.writeHead(200, { 'content-type': 'text/javascript' }).end(rendererJs);
    response.writeHead(200, { 'content-type': 'text/html' }).end(html);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  const browser = await openBrowser();
  try {
    for (const [name, theme] of Object.entries(THEMES)) {
      html = page(name, theme, outputs);
      const tab = browser.page;
      const pageErrors: string[] = [];
      tab.on('pageerror', (error) => pageErrors.push(error.message));
      await tab.goto(url);
      await tab.waitForFunction('window.rendered === true', undefined, { timeout: 10_000 });
      await tab.screenshot({ path: path.join(OUTPUT, `error-renderer-${name}.png`), fullPage: true });
      assert.deepEqual(pageErrors, []);

      const text = await tab.locator('body').innerText();
      assert.ok(!/[\u001b\u0080-\u009f]/.test(text), 'no escape or C1 control reaches the page');
      assert.ok(text.includes('ZeroDivisionError'), 'the error is shown');
      assert.ok(text.includes('ValueError: <img src=x onerror=alert(1)> click'), 'hostile markup from a real kernel is shown as text');
      assert.ok(text.includes('/tmp/a"onmouseover="window.pwned=3.py:1'), 'a hostile file name is shown as text');
      assert.equal(await tab.locator('img, script:not([type=module]), iframe').count(), 0, 'no element came from the traceback');
      assert.equal(await tab.evaluate('window.pwned'), undefined, 'nothing injected ran');
      // Typed through an attribute reader: @types/react (a dependency of the widget packages) declares empty DOM element interfaces for Node code.
      const hrefs = await tab.locator('a').evaluateAll((links) => links.map((link) => (link as unknown as { getAttribute(name: string): string | null }).getAttribute('href')));
      assert.ok(hrefs.length > 0 && hrefs.every((href) => href === '#'), `links never carry traceback text in href: ${hrefs.join(', ')}`);
      assert.equal(await tab.locator('[onmouseover], [onerror], [onclick]').count(), 0, 'no event-handler attribute');

      const coloured = await tab.locator('#out-nested span').evaluateAll((spans) => spans.map((span) => (globalThis as unknown as StyleReader).getComputedStyle(span).color));
      assert.ok(new Set(coloured).size >= 3, `ANSI colours are shown (${[...new Set(coloured)].join(', ')})`);

      const cellLink = tab.locator('#out-nested a[data-cell-execution-count]').first();
      await cellLink.click();
      const posted = (await tab.evaluate('window.posted')) as unknown[];
      assert.equal(posted.length, 1);
      assert.deepEqual(Object.keys(posted[0] as object).sort(), ['executionCount', 'line', 'type']);
      tab.removeAllListeners('pageerror');
    }
  } finally {
    await browser.close();
    await new Promise((resolve) => server.close(resolve));
  }
});
