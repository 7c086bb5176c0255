import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { killMentioning, onExitCleanup, removeDirSync } from './processes';

/** Debian's Chromium: playwright's own browser downloads cannot be reached here. */
export const CHROMIUM_BIN = '/usr/bin/chromium';

const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox', // Runs as root in containers, where the setuid sandbox is unavailable.
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export interface Browser {
  readonly page: Page;
  readonly context: BrowserContext;
  /** Closes the browser (all its processes) and removes the profile dir. Safe to call twice. */
  close(): Promise<void>;
}

/**
 * A headless Chromium with a fresh profile in a temp dir and one 1400x900 page. A persistent context rather
 * than launch()+newContext(): it is the only way to choose the profile dir, and with it the browser is one
 * object to close.
 */
export async function openBrowser(): Promise<Browser> {
  const tempDir = await fs.mkdtemp(path.join(os.tmpdir(), 'cellbridge-chromium-'));
  const profileDir = path.join(tempDir, 'profile');
  const home = path.join(tempDir, 'home');
  await fs.mkdir(home);
  // Playwright kills the browser itself when this process exits; the profile dir is ours to remove.
  const forgetExitCleanup = onExitCleanup(() => removeDirSync(tempDir));
  let context: BrowserContext;
  try {
    context = await chromium.launchPersistentContext(profileDir, {
      executablePath: CHROMIUM_BIN,
      // Debian's launcher script and Chromium's crash handler write under $HOME/.config/chromium otherwise.
      env: { ...process.env, HOME: home, XDG_CONFIG_HOME: path.join(home, '.config') },
      headless: true,
      args: CHROMIUM_ARGS,
      viewport: { width: 1400, height: 900 },
      timeout: 30_000,
    });
  } catch (error) {
    await killMentioning(tempDir, 2000);
    await fs.rm(tempDir, { recursive: true, force: true });
    forgetExitCleanup();
    throw error;
  }
  let closed: Promise<void> | undefined;
  const close = (): Promise<void> =>
    (closed ??= (async () => {
      await context.close().catch(() => undefined);
      // Chromium's crash handlers daemonize (parent init, own group), out of playwright's reach; the profile
      // and HOME in tempDir are on their command lines.
      await killMentioning(tempDir, 2000);
      await fs.rm(tempDir, { recursive: true, force: true });
      forgetExitCleanup();
    })());
  try {
    const page = context.pages()[0] ?? (await context.newPage());
    return { page, context, close };
  } catch (error) {
    await close();
    throw error;
  }
}
