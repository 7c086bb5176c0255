/**
 * Relays Jupyter widget traffic between each notebook's kernel (the engine's KernelComms) and the widget
 * renderer of each of its editors, over VS Code's stable renderer messaging (no proposed API). It keeps each
 * notebook's widget state (every model, of this kernel and of those before it), answers a renderer that
 * starts with it (or with the state saved in the file when no kernel runs), and saves it into the notebook
 * when the notebook is saved.
 */
import * as vscode from 'vscode';
import { base64ToBytes, bytesToBase64, type FromRenderer, isMessage, type ToRenderer, WIDGET_RENDERER_ID } from '../../../renderers/widgets/bridgeProtocol';
import { appendToBatch } from '../../../renderers/widgets/messageBatch';
import type { CommEvent, KernelComms } from '../../core/comms/kernelComms';
import { DisposableStore } from '../../core/common/disposable';
import { errorMessage } from '../../core/common/errors';
import type { Logger } from '../../core/common/logger';
import type { AttachedKernel } from '../../core/execution/documentRunner';
import { WidgetStateRecorder } from '../../core/outputs/widgetState';
import type { NotebookSession } from '../notebookSession';
import type { NotebookSessions } from '../notebookSessions';
import { savedWidgetState, withWidgetStateOf } from '../notebookMetadata';

const FROM_RENDERER: ReadonlyArray<FromRenderer['type']> = ['ready', 'comm_open', 'comm_msg', 'comm_close'];
/** About a frame: kernel traffic reaches a renderer at most this often. */
const BATCH_DELAY_MS = 16;

/** One notebook's widgets: the state of all its models, and the comms of its live kernel, if any. */
interface NotebookWidgets {
  readonly recorder: WidgetStateRecorder;
  kernel: AttachedKernel | undefined;
  readonly subscriptions: DisposableStore;
}

export class WidgetBridge implements vscode.Disposable {
  private readonly messaging = vscode.notebooks.createRendererMessaging(WIDGET_RENDERER_ID);
  private readonly notebooks = new Map<vscode.NotebookDocument, NotebookWidgets>();
  private readonly subscriptions = new DisposableStore();
  private readonly batches = new Map<vscode.NotebookDocument, ToRenderer[]>();
  private batchTimer: NodeJS.Timeout | undefined;

  constructor(sessions: NotebookSessions, private readonly logger: Logger) {
    this.subscriptions.add(this.messaging.onDidReceiveMessage(({ editor, message }) => this.fromRenderer(editor, message)));
    this.subscriptions.add(sessions.onDidOpenSession((session) => this.track(session)));
    this.subscriptions.add(vscode.workspace.onDidCloseNotebookDocument((notebook) => this.forget(notebook)));
    // Kernel traffic goes to visible editors only; one that comes back into view (its webview kept) catches up.
    let visible = new Set(vscode.window.visibleNotebookEditors);
    this.subscriptions.add(
      vscode.window.onDidChangeVisibleNotebookEditors((editors) => {
        for (const editor of editors) if (!visible.has(editor) && this.notebooks.has(editor.notebook)) this.sendState(editor);
        visible = new Set(editors);
      }),
    );
    this.subscriptions.add(
      vscode.workspace.onWillSaveNotebookDocument((event) => {
        const widgets = this.notebooks.get(event.notebook);
        if (!widgets) return;
        const edit = new vscode.WorkspaceEdit();
        edit.set(event.notebook.uri, [vscode.NotebookEdit.updateNotebookMetadata(withWidgetStateOf(event.notebook, widgets.recorder.toMetadata()))]);
        event.waitUntil(Promise.resolve(edit));
      }),
    );
  }

  private track(session: NotebookSession): void {
    const notebook = session.notebook;
    const widgets = this.widgetsOf(notebook);
    widgets.subscriptions.add(
      session.runner.onDidAttachKernel((attached) => {
        widgets.kernel = attached;
        widgets.subscriptions.add(widgets.recorder.observe(attached.comms, attached.outputWidgets));
        widgets.subscriptions.add(attached.comms.onDidReceive((event) => this.toRenderers(notebook, fromComm(event))));
        // What Output widgets captured: ipywidgets 8 echoes it too, 7 does not; a renderer takes either.
        widgets.subscriptions.add(
          attached.outputWidgets.onDidChangeOutputs(({ commId, outputs }) =>
            this.toRenderers(notebook, { type: 'comm_msg', commId, data: { method: 'update', state: { outputs: [...outputs] }, buffer_paths: [] }, metadata: {}, buffers: [] }),
          ),
        );
      }),
    );
  }

  private widgetsOf(notebook: vscode.NotebookDocument): NotebookWidgets {
    let widgets = this.notebooks.get(notebook);
    if (!widgets) {
      const recorder = new WidgetStateRecorder();
      // Reopened with a kernel: the saved models are kept beside the new ones until they are replaced.
      const saved = savedWidgetState(notebook);
      if (saved) recorder.restore(saved);
      widgets = { recorder, kernel: undefined, subscriptions: new DisposableStore() };
      widgets.subscriptions.add(recorder);
      this.notebooks.set(notebook, widgets);
    }
    return widgets;
  }

  private forget(notebook: vscode.NotebookDocument): void {
    this.notebooks.get(notebook)?.subscriptions.dispose();
    this.notebooks.delete(notebook);
  }

  private fromRenderer(editor: vscode.NotebookEditor, message: unknown): void {
    if (!isMessage<FromRenderer>(message, FROM_RENDERER)) return;
    const notebook = editor.notebook;
    if (message.type === 'ready') {
      this.sendState(editor);
      return;
    }
    const comms = this.liveComms(notebook);
    if (!comms) return;
    try {
      switch (message.type) {
        case 'comm_msg': {
          const msgId = comms.send(message.commId, message.data as never, message.buffers.map(base64ToBytes), message.msgId);
          // The renderer's widget manager sends a model's next change only once the kernel has handled this one.
          // Behind the kernel's answers to it (an echo), in the same batches.
          void comms.whenHandled(msgId).then(() => this.toRenderers(notebook, { type: 'handled', commId: message.commId, msgId }));
          return;
        }
        case 'comm_open':
          comms.openComm(message.targetName, message.data as never, message.buffers.map(base64ToBytes), message.commId);
          return;
        case 'comm_close':
          comms.close(message.commId, message.data as never);
          return;
      }
    } catch (error) {
      // A comm closed or a kernel gone meanwhile: the renderer learns it from the kernel's own messages.
      this.logger.debug(`Widget message ${message.type} not relayed: ${errorMessage(error)}`);
    }
  }

  /** Every model this notebook has (or was saved with), and which are live, for a renderer that starts. */
  private sendState(editor: vscode.NotebookEditor): void {
    // What is still queued is in the state already; sent after it, it would arrive twice.
    this.flushBatches();
    const widgets = this.notebooks.get(editor.notebook);
    const comms = this.liveComms(editor.notebook);
    const state = widgets ? widgets.recorder.toMetadata() : savedWidgetState(editor.notebook);
    this.post({ type: 'state', live: comms !== undefined, models: state?.state ?? {}, openComms: comms ? [...comms.openComms.keys()] : [] }, editor);
  }

  private liveComms(notebook: vscode.NotebookDocument): KernelComms | undefined {
    const kernel = this.notebooks.get(notebook)?.kernel;
    return kernel && !kernel.kernel.diedWith && kernel.kernel.status !== 'dead' ? kernel.comms : undefined;
  }

  /** Kernel traffic for a notebook's renderers, posted in batches once a frame (messageBatch.ts), in order. */
  private toRenderers(notebook: vscode.NotebookDocument, message: ToRenderer): void {
    const batch = this.batches.get(notebook) ?? [];
    appendToBatch(batch, message);
    this.batches.set(notebook, batch);
    this.batchTimer ??= setTimeout(() => this.flushBatches(), BATCH_DELAY_MS);
  }

  private flushBatches(): void {
    this.batchTimer = undefined;
    const batches = [...this.batches];
    this.batches.clear();
    for (const [notebook, messages] of batches) {
      const message: ToRenderer = messages.length === 1 ? messages[0]! : { type: 'batch', messages };
      for (const editor of vscode.window.visibleNotebookEditors) {
        if (editor.notebook === notebook) this.post(message, editor);
      }
    }
  }

  private post(message: ToRenderer, editor: vscode.NotebookEditor): void {
    this.messaging.postMessage(message, editor).then(undefined, (error: unknown) => this.logger.debug(`Widget message not delivered: ${errorMessage(error)}`));
  }

  dispose(): void {
    clearTimeout(this.batchTimer);
    this.subscriptions.dispose();
    for (const widgets of this.notebooks.values()) widgets.subscriptions.dispose();
    this.notebooks.clear();
  }
}

function fromComm(event: CommEvent): ToRenderer {
  switch (event.type) {
    case 'open':
      return { type: 'comm_open', commId: event.commId, targetName: event.targetName, data: event.data, metadata: event.metadata, buffers: event.buffers.map(bytesToBase64) };
    case 'msg':
      return { type: 'comm_msg', commId: event.commId, data: event.data, metadata: event.metadata, buffers: event.buffers.map(bytesToBase64), ...(event.parentMsgId ? { parentMsgId: event.parentMsgId } : {}) };
    case 'close':
      return { type: 'comm_close', commId: event.commId, data: event.data };
    case 'kernelGone':
      return { type: 'kernelGone' };
  }
}
