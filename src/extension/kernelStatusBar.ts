import * as vscode from 'vscode';
import type { Disposable } from '../core/common/disposable';
import { DisposableStore } from '../core/common/disposable';
import type { SessionStatus } from '../core/execution/kernelSession';
import type { NotebookSessions } from './notebookSessions';

const LOOK: Record<SessionStatus, { icon: string; words: string }> = {
  notStarted: { icon: '$(circle-outline)', words: 'not started' },
  starting: { icon: '$(loading~spin)', words: 'starting' },
  idle: { icon: '$(circle-outline)', words: 'idle' },
  busy: { icon: '$(circle-filled)', words: 'busy' },
  dead: { icon: '$(error)', words: 'dead' },
};

/** The state of the active notebook's kernel (starting, idle, busy, dead), shown while a CellBridge kernel serves it. */
export class KernelStatusBar implements Disposable {
  private readonly item = vscode.window.createStatusBarItem('cellbridge.kernelStatus', vscode.StatusBarAlignment.Left, 100);
  private readonly subscriptions = new DisposableStore();

  constructor(private readonly sessions: NotebookSessions) {
    this.item.name = 'CellBridge kernel';
    this.item.command = 'cellbridge.showLog';
    this.subscriptions.add(vscode.window.onDidChangeActiveNotebookEditor(() => this.refresh()));
    this.subscriptions.add(sessions.onDidChangeStatus(({ session }) => session.notebook === this.activeNotebook() && this.refresh()));
    this.refresh();
  }

  private activeNotebook(): vscode.NotebookDocument | undefined {
    return vscode.window.activeNotebookEditor?.notebook;
  }

  private refresh(): void {
    const notebook = this.activeNotebook();
    const session = notebook && this.sessions.get(notebook);
    if (!session) {
      this.item.hide();
      return;
    }
    const status = session.runner.session.status;
    const look = LOOK[status];
    this.item.text = `${look.icon} ${session.choice.label}: ${look.words}`;
    this.item.tooltip = `CellBridge kernel '${session.choice.kernelName}' ${session.choice.description} is ${look.words}. Click for the log.`;
    this.item.backgroundColor = status === 'dead' ? new vscode.ThemeColor('statusBarItem.errorBackground') : undefined;
    this.item.show();
  }

  dispose(): void {
    this.subscriptions.dispose();
    this.item.dispose();
  }
}
