import * as path from 'node:path';

/**
 * The checkout's root. The bundle runs from dist/, the sources from bench/: both sit one level below it.
 */
export const REPO_ROOT = path.resolve(__dirname, '..');
export const PYTHON_DIR = path.join(REPO_ROOT, 'bench', 'python');
export const RESULTS_FILE = path.join(REPO_ROOT, 'bench', 'results', 'latest.json');
