/**
 * The workbench as a person sees it, for the Playwright UI tests: code-server on a fresh workspace holding the
 * given files, with CellBridge installed from its .vsix or loaded as F5 "Run Extension" loads it
 * (extensionDevelopmentPath, this checkout's dist/), opened in Chromium.
 */
import { execFile } from 'node:child_process';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import type { FrameLocator, Locator, Page } from 'playwright-core';
import { openBrowser } from '../vscode/harness/chromium';
import { CodeServer } from '../vscode/harness/codeServer';
import { repoRoot } from '../vscode/harness/repoRoot';
import { until } from '../kernel/helpers/cellWaits';

export const REPO = repoRoot();
export const UI_OUTPUT = path.join(REPO, '.test-output', 'ui');

export interface Workbench {
  readonly page: Page;
  /** The workspace folder the files were copied into. */
  readonly workspace: string;
  close(): Promise<void>;
}

export interface WorkbenchOptions {
  /** Tall enough for the cells to check: the notebook renders only those in view. */
  height?: number;
  /** Install this .vsix as a user would, instead of loading the checkout as F5 does. */
  vsix?: string;
  /** Extra environment for code-server and its extension host (JUPYTER_PATH for another kernel, say). */
  env?: Record<string, string>;
  /** User settings over the harness's defaults (a colour theme, say). */
  settings?: Record<string, unknown>;
}

/** `files`: paths to copy into the workspace. */
export async function openWorkbench(files: readonly string[], options: WorkbenchOptions = {}): Promise<Workbench> {
  await fs.mkdir(UI_OUTPUT, { recursive: true });
  const workspace = await fs.mkdtemp(path.join(os.tmpdir(), 'cellbridge-ui-'));
  for (const file of files) await fs.copyFile(file, path.join(workspace, path.basename(file)));
  const server = await CodeServer.start({
    workspaceDir: workspace,
    env: { PYDEVD_DISABLE_FILE_VALIDATION: '1', ...options.env },
    ...(options.vsix ? { extensionsToInstall: [options.vsix] } : {}),
    ...(options.settings ? { settings: options.settings } : {}),
  });
  const browser = await openBrowser().catch(async (error: unknown) => {
    await server.stop();
    throw error;
  });
  await browser.page.setViewportSize({ width: 1400, height: options.height ?? 1400 });
  const payload = options.vsix ? [] : [['extensionDevelopmentPath', `vscode-remote://127.0.0.1:${server.port}${REPO}`]];
  await browser.page.goto(`${server.url}/?folder=${encodeURIComponent(workspace)}&payload=${encodeURIComponent(JSON.stringify(payload))}`);
  return {
    page: browser.page,
    workspace,
    close: async () => {
      await browser.close();
      await server.stop();
      await fs.rm(workspace, { recursive: true, force: true });
    },
  };
}

/**
 * Opens a workbench, runs `body` on its page, and closes everything whatever happens; on a failure the page is
 * saved as `.test-output/ui/<name>-failure.png` first, so the reason can be seen.
 */
export async function withWorkbench(name: string, files: readonly string[], options: WorkbenchOptions, body: (page: Page, workspace: string) => Promise<void>): Promise<void> {
  const workbench = await openWorkbench(files, options);
  try {
    await body(workbench.page, workbench.workspace);
  } catch (error) {
    await workbench.page.screenshot({ path: path.join(UI_OUTPUT, `${name}-failure.png`) }).catch(() => undefined);
    throw error;
  } finally {
    await workbench.close();
  }
}

/** Packages the checkout (after `npm run build`) into a .vsix with vsce, as `npm run package` does. */
export async function packageExtension(): Promise<string> {
  const vsix = path.join(UI_OUTPUT, 'cellbridge.vsix');
  await fs.mkdir(UI_OUTPUT, { recursive: true });
  await promisify(execFile)('npx', ['--no-install', 'vsce', 'package', '--allow-missing-repository', '--skip-license', '--out', vsix], { cwd: REPO });
  return vsix;
}

/**
 * Opens the file from the Explorer until it shows in the notebook editor (a click before the workbench has
 * read the built-in extensions opens an .ipynb as JSON text), then waits for the toolbar to name the kernel
 * CellBridge picked for it, as a person would before pressing Run.
 */
export async function openNotebookFromExplorer(page: Page, name: string, kernelLabel = 'Python 3 (ipykernel)'): Promise<void> {
  const item = page.getByRole('treeitem', { name });
  await item.waitFor({ timeout: 60_000 });
  let opened = false;
  for (let attempt = 1; attempt <= 5 && !opened; attempt++) {
    await item.dblclick();
    opened = await page
      .locator('.notebookOverlay')
      .first()
      .waitFor({ timeout: 5_000 })
      .then(() => true)
      .catch(() => false);
    if (!opened) {
      await page.keyboard.press('Control+KeyW');
      await page.waitForTimeout(1_000);
    }
  }
  if (!opened) throw new Error(`${name} never opened in the notebook editor`);
  await page.locator('.notebook-toolbar-container').getByText(kernelLabel).waitFor({ timeout: 60_000 });
}

export async function clickRunAll(page: Page): Promise<void> {
  await page.locator('.notebook-toolbar-container').getByRole('button', { name: /Run All/ }).click({ timeout: 30_000 });
}

/** The frame the notebook renders its outputs in. */
export function outputFrame(page: Page): FrameLocator {
  return page.frameLocator('.notebookOverlay iframe.webview.ready').frameLocator('#active-frame');
}

/** Waits until the cells' `[N]` labels read [1]..[count]. */
export async function waitForExecutionCounts(page: Page, count: number): Promise<void> {
  const expected = Array.from({ length: count }, (_, i) => `[${i + 1}]`);
  const deadline = Date.now() + 90_000;
  let labels: string[] = [];
  while (Date.now() < deadline) {
    labels = (await page.locator('.execution-count-label').allInnerTexts()).map((label) => label.trim()).filter(Boolean);
    if (expected.every((label) => labels.includes(label))) return;
    await page.waitForTimeout(200);
  }
  throw new Error(`execution counts ${expected.join(' ')} expected, the notebook shows ${labels.join(' ') || 'none'}`);
}

/**
 * Switches VS Code's colour theme as a person does (Ctrl+K Ctrl+T, the theme's name, Enter), and waits for the
 * workbench to wear it. The `workbench.colorTheme` setting does not work here: code-server keeps Light+.
 * `focusOn` is something harmless to click first, so the keys reach the workbench and not a webview.
 */
export async function selectColorTheme(page: Page, label: string, themeClass: string, focusOn = page.locator('.part.statusbar')): Promise<void> {
  await focusOn.first().click({ position: { x: 3, y: 3 } });
  await page.keyboard.press('Control+KeyK');
  await page.keyboard.press('Control+KeyT');
  await page.locator('.quick-input-widget').waitFor({ state: 'visible', timeout: 10_000 });
  await page.keyboard.type(label);
  await page.keyboard.press('Enter');
  await page.locator(`.monaco-workbench.${themeClass}`).waitFor({ timeout: 10_000 });
}

/** The label of the current stack's kernel (scripts/setupCurrentStack.sh) in the kernel picker and in test notebooks. */
export const CURRENT_STACK_LABEL = 'Python 3 (current Jupyter stack)';

/** An unrun nbformat 4.5 notebook of these code cells, saved with the kernelspec `kernelName`. */
export function notebookJson(cells: readonly string[], kernelName: string, displayName = CURRENT_STACK_LABEL): string {
  return JSON.stringify({
    nbformat: 4,
    nbformat_minor: 5,
    metadata: { kernelspec: { name: kernelName, display_name: displayName, language: 'python' } },
    cells: cells.map((source, i) => ({ id: `cell-${i}`, cell_type: 'code', source, metadata: {}, outputs: [], execution_count: null })),
  });
}

/** Runs `body` with a fresh temporary folder, removed afterwards whatever happens. */
export async function withTempFolder<T>(prefix: string, body: (folder: string) => Promise<T>): Promise<T> {
  const folder = await fs.mkdtemp(path.join(os.tmpdir(), prefix));
  try {
    return await body(folder);
  } finally {
    await fs.rm(folder, { recursive: true, force: true });
  }
}

/**
 * Every request the page makes from now on to somewhere off this machine. The webview's own resources
 * (`*.vscode-resource.vscode-cdn.net`) count as local: its service worker answers them from the local server.
 */
export function requestsLeavingMachine(page: Page): string[] {
  const outside: string[] = [];
  page.on('request', (request) => {
    const url = new URL(request.url());
    const local = ['127.0.0.1', 'localhost'].includes(url.hostname) || url.hostname.includes('.vscode-resource.') || ['data:', 'blob:'].includes(url.protocol) || url.protocol.startsWith('vscode');
    if (!local) outside.push(request.url());
  });
  return outside;
}

/** Saves the notebook in view (Ctrl+S, as a person does) and returns the file's text once `ready` holds for it. */
export async function saveNotebook(page: Page, file: string, ready: (text: string) => boolean, what: string): Promise<string> {
  await page.locator('.notebookOverlay').first().click({ position: { x: 5, y: 5 } });
  await page.keyboard.press('Control+KeyS');
  let saved = '';
  await until(() => ready(saved), what, async () => {
    saved = await fs.readFile(file, 'utf8').catch(() => '');
  });
  return saved;
}

/**
 * Scrolls the notebook (mouse wheel over its list, as a person does) until `target`, inside the output webview
 * or not, is wholly in the window: the webview's own scrolling does not move VS Code's notebook list.
 */
export async function scrollNotebookTo(page: Page, target: Locator): Promise<void> {
  const viewport = page.viewportSize();
  if (!viewport) throw new Error('the page has no viewport size');
  const list = await page.locator('.notebook-editor .monaco-list').first().boundingBox();
  if (!list) throw new Error('no notebook list to scroll');
  await page.mouse.move(list.x + list.width / 2, list.y + list.height / 2);
  for (let step = 0; step < 40; step += 1) {
    const box = await target.boundingBox();
    if (box && box.y >= list.y && box.y + box.height <= list.y + list.height) return;
    const delta = box ? Math.max(-600, Math.min(600, box.y + box.height - (list.y + list.height) + 20)) : 400;
    await page.mouse.wheel(0, box && box.y < list.y ? box.y - list.y - 20 : delta);
    await page.waitForTimeout(150);
  }
  throw new Error('could not scroll the notebook to the element');
}
