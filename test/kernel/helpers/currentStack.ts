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
  setUp('setupCurrentStack.sh', 'the widget and comm tests need its kernel');
  addToJupyterPath(JUPYTER_DATA_DIR);
  return CURRENT_STACK_KERNEL;
}

/** The kernelspec of scripts/setupIpywidgets6.sh: Debian's python3 with Debian's ipywidgets 6.0.0 unpacked beside it. */
export const IPYWIDGETS6_KERNEL = 'python3-ipywidgets6';

/** As useCurrentStackKernel, for the ipywidgets 6 kernel (a widget library CellBridge does not draw). */
export function useIpywidgets6Kernel(): string {
  setUp('setupIpywidgets6.sh', 'the test of an undrawn widget library needs its kernel');
  addToJupyterPath(path.join(REPO, '.test-venvs', 'ipywidgets6', 'jupyter'));
  return IPYWIDGETS6_KERNEL;
}

function setUp(script: string, why: string): void {
  try {
    execFileSync('bash', [path.join(REPO, 'scripts', script)], { stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8' });
  } catch (error) {
    const stderr = (error as { stderr?: string }).stderr ?? String(error);
    throw new Error(`scripts/${script} failed; ${why}:\n${stderr.trim().split('\n').slice(-10).join('\n')}`);
  }
}

function addToJupyterPath(dir: string): void {
  const entries = (process.env.JUPYTER_PATH ?? '').split(path.delimiter).filter(Boolean);
  if (!entries.includes(dir)) process.env.JUPYTER_PATH = [dir, ...entries].join(path.delimiter);
}
