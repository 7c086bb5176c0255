import { execFile } from 'node:child_process';
import * as path from 'node:path';
import { benchEnv, JUPYTER_PYTHON } from './benchConfig';
import { PYTHON_DIR } from './benchPaths';
import { trackKernelPid } from './kernelPids';

export interface NbclientResult {
  seconds: number;
  cells: number;
  ok: boolean;
  pid: number | null;
}

/** Runs bench/python/nbclient_cells.py: nbclient executing a notebook of `cells` copies of `code`. */
export function runNbclient(cells: number, code: string, kernelName: string): Promise<NbclientResult> {
  const script = path.join(PYTHON_DIR, 'nbclient_cells.py');
  return new Promise((resolve, reject) => {
    execFile(JUPYTER_PYTHON, [script, String(cells), code, kernelName], { cwd: PYTHON_DIR, env: benchEnv(), timeout: 600_000 }, (error, stdout, stderr) => {
      // The kernel shares our stdout; the script's result is its last JSON line.
      const line = stdout.split('\n').filter((l) => l.startsWith('{')).pop();
      if (error || !line) return reject(new Error(`nbclient run failed: ${String(error ?? 'no result')}\n${stderr.slice(-2000)}`));
      const result = JSON.parse(line) as NbclientResult;
      trackKernelPid(result.pid);
      resolve(result);
    });
  });
}
