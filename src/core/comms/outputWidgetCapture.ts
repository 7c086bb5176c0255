/**
 * ipywidgets' Output widget (`OutputModel` of `@jupyter-widgets/output`). Inside `with out:` the kernel sets
 * the widget's `msg_id` to the id of the request that runs, and expects the frontend to take every output
 * message of that request, while it is set, into the widget instead of the cell, and to sync the widget's
 * `outputs` back. JupyterLab does this in its widget manager; here it is done once, in the engine, for every
 * face: a headless run records the captured outputs in the widget state, and VS Code's widget renderer draws
 * them from that state.
 */
import { type Disposable, DisposableStore } from '../common/disposable';
import { Emitter, type Event } from '../common/emitter';
import type { CellOutputs } from '../outputs/cellOutputs';
import type { Output } from '../outputs/nbformat';
import { KernelMessage } from '@jupyterlab/services';
import type { KernelHandle } from '../kernel/kernelHandle';
import { outputEventOf, toOutputEvent } from '../outputs/outputEvent';
import type { CommEvent, KernelComms } from './kernelComms';

const OUTPUT_MODEL = 'OutputModel';
const OUTPUT_MODULE = '@jupyter-widgets/output';
/** A capture that prints in a loop is synced to the kernel at most this often, not once per line. */
const SYNC_DELAY_MS = 50;

interface OutputWidget {
  /** The request whose outputs it takes, or '' when it takes none. */
  msgId: string;
  /** When its `msg_id` was last set, to find the innermost of nested `with` blocks. */
  capturingSince: number;
  readonly outputs: CellOutputs;
  /** Outputs taken since the last sync to the kernel. */
  unsynced: boolean;
}

export interface OutputWidgetChange {
  commId: string;
  outputs: readonly Output[];
}

export class OutputWidgetCapture implements Disposable {
  private readonly widgets = new Map<string, OutputWidget>();
  private readonly disposables = new DisposableStore();
  private readonly changes = new Emitter<OutputWidgetChange>();
  /** The outputs of a widget changed by a capture (not by the kernel, whose own updates arrive as comm messages). */
  readonly onDidChangeOutputs: Event<OutputWidgetChange> = this.changes.event;
  private syncTimer: NodeJS.Timeout | undefined;
  private order = 0;
  /** Set while a widget's outputs are rebuilt from the kernel's own list: that is no change to send back. */
  private rebuilding = false;

  /**
   * `newOutputs`: an outputs reducer for a widget, the document's, so display updates and limits apply there
   * too. Every output message of the kernel is looked at, not only a cell's: `interact` runs its function for
   * a widget's comm message, inside its Output widget, with no cell running.
   */
  constructor(kernel: KernelHandle, private readonly comms: KernelComms, private readonly newOutputs: () => CellOutputs) {
    this.disposables.add(comms.onDidReceive((event) => this.onComm(event)));
    const onIopub = (_: unknown, msg: KernelMessage.IIOPubMessage): void => {
      const widget = this.capturing((msg.parent_header as Partial<KernelMessage.IHeader>).msg_id);
      const event = widget && toOutputEvent(msg);
      if (event) widget.outputs.apply(event);
    };
    kernel.connection.iopubMessage.connect(onIopub);
    this.disposables.add({ dispose: () => kernel.connection.iopubMessage.disconnect(onIopub) });
  }

  /** Whether an Output widget takes the outputs of request `parentMsgId` now: then they are not its cell's. */
  takes(parentMsgId: string): boolean {
    return this.capturing(parentMsgId) !== undefined;
  }

  /** The widget capturing a request now: the innermost, when `with` blocks nest. */
  private capturing(parentMsgId: string | undefined): OutputWidget | undefined {
    if (!parentMsgId) return undefined;
    let capturing: OutputWidget | undefined;
    for (const widget of this.widgets.values()) {
      if (widget.msgId === parentMsgId && (!capturing || widget.capturingSince > capturing.capturingSince)) capturing = widget;
    }
    return capturing;
  }

  /** Sends every widget's new outputs to the kernel now: before the next request, which may read them. */
  flush(): void {
    clearTimeout(this.syncTimer);
    this.syncTimer = undefined;
    for (const [commId, widget] of this.widgets) {
      if (!widget.unsynced) continue;
      widget.unsynced = false;
      const outputs = widget.outputs.outputs;
      if (this.comms.openComms.has(commId)) {
        try {
          this.comms.send(commId, { method: 'update', state: { outputs: outputs as never }, buffer_paths: [] });
        } catch {
          // The kernel is gone: nothing to sync with.
        }
      }
      this.changes.fire({ commId, outputs });
    }
  }

  dispose(): void {
    clearTimeout(this.syncTimer);
    this.disposables.dispose();
    for (const widget of this.widgets.values()) widget.outputs.dispose();
    this.widgets.clear();
    this.changes.dispose();
  }

  private onComm(event: CommEvent): void {
    switch (event.type) {
      case 'open': {
        const state = event.data.state as Record<string, unknown> | undefined;
        if (state?._model_name !== OUTPUT_MODEL || state._model_module !== OUTPUT_MODULE) return;
        const outputs = this.newOutputs();
        const widget: OutputWidget = { msgId: '', capturingSince: 0, outputs, unsynced: false };
        this.disposables.add(outputs.onDidChange(() => this.changed(widget)));
        this.widgets.set(event.commId, widget);
        this.applyState(widget, state);
        return;
      }
      case 'msg': {
        const widget = this.widgets.get(event.commId);
        // `echo_update` is the kernel repeating a change a frontend made (ours among them): nothing new.
        if (!widget || event.data.method !== 'update') return;
        this.applyState(widget, (event.data.state ?? {}) as Record<string, unknown>);
        return;
      }
      case 'close': {
        this.widgets.get(event.commId)?.outputs.dispose();
        this.widgets.delete(event.commId);
        return;
      }
      case 'kernelGone':
        return;
    }
  }

  /** The kernel's own changes: where it captures now, and outputs it set itself (`append_stdout`, `outputs = ()`). */
  private applyState(widget: OutputWidget, state: Record<string, unknown>): void {
    if (typeof state.msg_id === 'string') {
      widget.msgId = state.msg_id;
      widget.capturingSince = ++this.order;
    }
    if (Array.isArray(state.outputs)) {
      this.rebuilding = true;
      try {
        widget.outputs.clear();
        for (const output of state.outputs) {
          const event = outputEventOf(output);
          if (event) widget.outputs.apply(event);
        }
      } finally {
        this.rebuilding = false;
      }
    }
  }

  private changed(widget: OutputWidget): void {
    if (this.rebuilding) return;
    widget.unsynced = true;
    this.syncTimer ??= setTimeout(() => this.flush(), SYNC_DELAY_MS);
  }
}
