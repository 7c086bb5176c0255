/**
 * ipywidgets' HTML manager (which brings the models and views of @jupyter-widgets/base, controls and output,
 * for ipywidgets 8 and 7) with its comms over renderer messaging instead of a kernel connection, and no
 * module loading from a CDN: a model whose module is not bundled fails with a message that names it.
 */
// The manager alone: the package's index also brings its embedding script, which loads modules from a CDN.
import { HTMLManager } from '@jupyter-widgets/html-manager/lib/htmlmanager';
import type { WidgetModel } from '@jupyter-widgets/base';
import { put_buffers } from '@jupyter-widgets/base';
import { base64ToBytes, type FromRenderer, type SavedModel, type ToRenderer } from './bridgeProtocol';
import { RendererComm } from './rendererComm';

const WIDGET_TARGET = 'jupyter.widget';

export class ModuleNotBundledError extends Error {
  constructor(moduleName: string, moduleVersion: string) {
    super(`The widget library ${moduleName} ${moduleVersion} is not bundled with CellBridge, which draws ipywidgets 7 and 8 controls and outputs, offline.`);
    this.name = 'ModuleNotBundledError';
  }
}

export class RendererWidgetManager extends HTMLManager {
  private readonly comms = new Map<string, RendererComm>();
  private openComms = new Set<string>();
  private connected = false;
  /** Resolves once the first state has been applied: views asked for before that wait for it. */
  readonly ready: Promise<void>;
  private markReady!: () => void;
  private readonly disconnectedListeners = new Set<() => void>();

  constructor(private readonly post: (message: FromRenderer) => void) {
    super({
      loader: (moduleName: string, moduleVersion: string) => Promise.reject(new ModuleNotBundledError(moduleName, moduleVersion)),
    });
    this.ready = new Promise((resolve) => (this.markReady = resolve));
  }

  get isConnected(): boolean {
    return this.connected;
  }

  /** Called when the kernel goes: views grey out. */
  onDisconnected(listener: () => void): () => void {
    this.disconnectedListeners.add(listener);
    return () => this.disconnectedListeners.delete(listener);
  }

  override _get_comm_info(): Promise<Record<string, { target_name: string }>> {
    return Promise.resolve(Object.fromEntries([...this.openComms].map((id) => [id, { target_name: WIDGET_TARGET }])));
  }

  override _create_comm(targetName: string, modelId: string, data?: unknown, metadata?: unknown, buffers?: ArrayBuffer[] | ArrayBufferView[]): Promise<RendererComm> {
    const comm = this.commFor(targetName, modelId);
    // With data, the model is made here and the kernel must learn of it; without, the kernel made it.
    if (data !== undefined) comm.open(data, undefined, metadata, buffers);
    return Promise.resolve(comm);
  }

  private commFor(targetName: string, modelId: string): RendererComm {
    const comm = new RendererComm(modelId, targetName, this.post);
    this.comms.set(modelId, comm);
    return comm;
  }

  /** A message of the extension's. Never throws: a bad message is logged, and the rest go on. */
  async receive(message: ToRenderer): Promise<void> {
    switch (message.type) {
      case 'state':
        await this.applyState(message.models, message.openComms, message.live);
        return;
      case 'comm_open': {
        if (message.targetName !== WIDGET_TARGET) return;
        // A kernel (again): views made from now on take input.
        this.connected = true;
        this.openComms.add(message.commId);
        const comm = (await this._create_comm(message.targetName, message.commId)) as RendererComm;
        await this.handle_comm_open(comm, {
          content: { comm_id: message.commId, target_name: message.targetName, data: message.data },
          metadata: message.metadata,
          buffers: message.buffers.map((buffer) => new DataView(base64ToBytes(buffer).buffer)),
          header: { msg_type: 'comm_open' },
          parent_header: {},
        } as never);
        return;
      }
      case 'comm_msg':
        this.comms.get(message.commId)?.receive(message.data, message.metadata, message.buffers, message.parentMsgId);
        return;
      case 'handled':
        this.comms.get(message.commId)?.handled(message.msgId);
        return;
      case 'comm_close':
        this.openComms.delete(message.commId);
        this.comms.get(message.commId)?.closedByKernel(message.data);
        this.comms.delete(message.commId);
        return;
      case 'kernelGone':
        this.markKernelGone();
        return;
      case 'batch':
        for (const inner of message.messages) await this.receive(inner);
        return;
    }
  }

  /** Replaces every model by those of the state; comms of those still open are live again. */
  private async applyState(models: Record<string, SavedModel>, openComms: string[], live: boolean): Promise<void> {
    await this.clear_state();
    this.comms.clear();
    this.openComms = new Set(openComms);
    this.connected = live;
    // Not ManagerBase.set_state: it never connects a model to its live comm (it looks up the key 'model_id'
    // instead of the id, ipywidgets 8.1), so a widget drawn from state could not talk to its kernel. Each
    // model is registered synchronously, before any awaits, so references between models resolve.
    await Promise.all(
      Object.entries(models).map(([modelId, saved]) => {
        const state = structuredClone(saved.state);
        if (saved.buffers?.length) {
          put_buffers(state as never, saved.buffers.map((buffer) => buffer.path), saved.buffers.map((buffer) => new DataView(base64ToBytes(buffer.data).buffer)));
        }
        const live = this.openComms.has(modelId);
        return this.new_model(
          {
            model_id: modelId,
            model_name: saved.model_name,
            model_module: saved.model_module,
            model_module_version: saved.model_module_version,
            ...(live ? { comm: this.commFor(WIDGET_TARGET, modelId) } : {}),
          },
          state,
        ).catch((error: unknown) => console.error(`CellBridge widgets: model ${modelId} (${saved.model_module} ${saved.model_name}):`, error));
      }),
    );
    if (!live) this.markKernelGone();
    this.markReady();
  }

  /**
   * The kernel is gone: models stay with their last state, so their views stay drawn (closing their comms would
   * close the models and remove the views); ManagerBase.disconnect marks each model's comm dead.
   */
  private markKernelGone(): void {
    this.connected = false;
    for (const comm of this.comms.values()) comm.kernelGone();
    this.comms.clear();
    this.disconnect();
    this.openComms.clear();
    for (const listener of this.disconnectedListeners) listener();
  }

  /** The model a view shows, or why there is none. */
  async modelFor(modelId: string): Promise<WidgetModel | undefined> {
    await this.ready;
    return this.has_model(modelId) ? this.get_model(modelId) : undefined;
  }
}
