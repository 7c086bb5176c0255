/**
 * The first Run after opening a notebook, with kernels forked from a fork server and with kernels spawned
 * (`cellbridge.kernelStart`, read at each kernel start, switched between rounds): from the run command until
 * the cell's output is in, the kernel's start included. The notebook is opened, its controller selected
 * (which starts the fork server), and Run comes a few seconds later, as a person reads before running. Each
 * round closes the notebook, which shuts its kernel down.
 */
import * as vscode from 'vscode';
import { closeAllEditors, openNotebook, selectController } from '../suite/notebooks';
import type { BenchCase } from './benchCases';
import { timeInVsCode, writeBenchNotebook } from './benchNotebook';

const NOTEBOOK = 'first-run.ipynb';
/** Between opening and Run: long enough for a fork server to start (about 1.2 s here). */
const OPEN_TO_RUN_MS = 3000;

const FIRST_CELL: BenchCase = {
  name: 'first Run after opening',
  cellIndex: 0,
  code: 'import numpy, pandas, matplotlib.pyplot\nprint("first output")',
  isComplete: (text) => text.includes('first output'),
  repeats: 5,
  quickRepeats: 2,
};

export interface FirstRunTimes {
  fork: number[];
  spawn: number[];
}

export async function measureFirstRun(quick: boolean): Promise<FirstRunTimes> {
  await writeBenchNotebook(NOTEBOOK, [FIRST_CELL.code]);
  const configuration = (): vscode.WorkspaceConfiguration => vscode.workspace.getConfiguration('cellbridge');
  const times: FirstRunTimes = { fork: [], spawn: [] };
  const rounds = quick ? FIRST_CELL.quickRepeats : FIRST_CELL.repeats;
  try {
    // One unmeasured round each first: files into the page cache.
    for (let round = -1; round < rounds; round++) {
      const order: Array<keyof FirstRunTimes> = round % 2 === 0 ? ['fork', 'spawn'] : ['spawn', 'fork'];
      for (const mode of order) {
        await configuration().update('kernelStart', mode, vscode.ConfigurationTarget.Global);
        const notebook = await openNotebook(NOTEBOOK);
        await selectController();
        await new Promise((resolve) => setTimeout(resolve, OPEN_TO_RUN_MS));
        const { ms } = await timeInVsCode(notebook, FIRST_CELL);
        if (round >= 0) times[mode].push(ms);
        await closeAllEditors();
      }
    }
  } finally {
    await configuration().update('kernelStart', undefined, vscode.ConfigurationTarget.Global);
  }
  return times;
}
