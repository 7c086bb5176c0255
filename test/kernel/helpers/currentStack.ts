import { execFileSync } from 'node:child_process';
import * as path from 'node:path';
import { REPO } from './cli';

/** The kernelspec of scripts/setupCurrentStack.sh: ipykernel 7, ipywidgets 8 and comm, which Debian's Python lacks. */
export const CURRENT_STACK_KERNEL = 'python3-current';
const JUPYTER_DATA_DIR = path.join(REPO, '.test-venvs', 'jupyter');
/** The venv itself (ipykernel 7.4 on the python3 of PATH), for tests of environments. */
export const CURRENT_STACK_VENV = path.join(REPO, '.test-venvs', 'current');

/**
 * Makes sure the current-stack venv and its kernelspec exist (well under a second once they do; scripts/test.sh
 * runs the script first, so only a bare `node --test` of one file pays for the install here), and puts its
 * kernelspec on JUPYTER_PATH for this process and the CLIs it starts.
 */
export function useCurrentStackKernel(): string {
  try {
    execFileSync('bash', [path.join(REPO, 'scripts', 'setupCurrentStack.sh')], { stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8' });
  } catch (error) {
    const stderr = (error as { stderr?: string }).stderr ?? String(error);
    throw new Error(`scripts/setupCurrentStack.sh failed; the widget and comm tests need its kernel:\n${stderr.trim().split('\n').slice(-10).join('\n')}`);
  }
  const others = process.env.JUPYTER_PATH ? [process.env.JUPYTER_PATH] : [];
  process.env.JUPYTER_PATH = [JUPYTER_DATA_DIR, ...others].join(path.delimiter);
  return CURRENT_STACK_KERNEL;
}
