import { describe, it } from 'mocha';
import * as vscode from 'vscode';
import { childKernelPids, closeAllEditors, describeProcess, openNotebook, runCells, selectController, waitFor } from './notebooks';

// First of the suite's files (mocha loads them by name). VS Code may keep a notebook document open for a while
// after its editor closes once it has been opened many times; opening it fresh here shows what a person sees.
describe('closing a notebook', () => {
  it('shuts its kernel down, also when opened again', async () => {
    for (const round of [1, 2]) {
      await closeAllEditors();
      const before = new Set(childKernelPids());
      const notebook = await openNotebook('lifecycle.ipynb');
      await selectController();
      await runCells(notebook, [1]);
      const startedNow = (): number[] => childKernelPids().filter((pid) => !before.has(pid));
      // The notebook's fork server starts when it opens; while it starts, it has a throwaway kernel of its own
      // (to learn what a kernel imports), which ends by itself: one process stays, the notebook's kernel.
      await waitFor(() => startedNow().length === 1, () => `round ${round}: one kernel process was started for the notebook: ${startedNow().map(describeProcess).join('; ')}`, 15_000);
      const started = startedNow();
      await closeAllEditors();
      const openState = (): string =>
        `open notebooks: ${vscode.workspace.notebookDocuments.map((n) => `${n.uri.path} dirty=${n.isDirty}`).join(', ')}; tabs: ${vscode.window.tabGroups.all.flatMap((g) => g.tabs.map((t) => `${t.label} dirty=${t.isDirty}`)).join(', ')}`;
      await waitFor(() => !childKernelPids().includes(started[0]!), () => `round ${round}: the kernel process to exit after the notebook closed; ${openState()}`, 30_000);
    }
  });
});
