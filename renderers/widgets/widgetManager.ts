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
/** How long a view waits for a model its kernel has not opened here yet, before it says the widget is gone. */
const MODEL_ARRIVAL_MS = 5_000;
/** The widget protocol ipywidgets 7 and 8 speak (@jupyter-widgets/schema); ipywidgets 6 and older speak 1. */
const PROTOCOL_MAJOR = '2';

/** ipywidgets 6 and older drew their controls with this library, and spoke widget protocol 1. */
const IPYWIDGETS6_MODULE = 'jupyter-js-widgets';

export class ModuleNotBundledError extends Error {
  constructor(moduleName: string, moduleVersion: string) {
    const hint = moduleName === IPYWIDGETS6_MODULE ? " It is ipywidgets 6 or older: upgrading ipywidgets in the kernel's environment makes these widgets show." : '';
    super(`The widget library ${moduleName} ${moduleVersion} is not bundled with CellBridge, which draws ipywidgets 7 and 8 controls and outputs, offline.${hint}`);
    this.name = 'ModuleNotBundledError';
  }
}

export class RendererWidgetManager extends HTMLManager {
  private readonly comms = new Map<string, RendererComm>();
  private openComms = new Set<string>();
  private stateApplied = false;
  /** Models of an older widget protocol, never made: why not, for their views. */
  private readonly refused = new Map<string, Error>();
  /** Views waiting for their model's comm_open, by model id. */
  private readonly arrivals = new Map<string, Set<() => void>>();
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

  /** Whether the extension's first state has been taken in (until then no widget can be drawn). */
  get hasState(): boolean {
    return this.stateApplied;
  }

  /** A message of the extension's. Never throws: a bad message is logged, and the rest go on. */
  async receive(message: ToRenderer): Promise<void> {
    switch (message.type) {
      case 'state':
        // The first state makes the models; a later one (the editor back in view after missing traffic) brings them up to date.
        await (this.stateApplied ? this.catchUp(message.models, message.openComms, message.live) : this.applyState(message.models, message.openComms, message.live));
        return;
      case 'comm_open': {
        if (message.targetName !== WIDGET_TARGET) return;
        // A kernel (again): views made from now on take input.
        this.connected = true;
        const refusal = olderProtocolError(message.metadata, message.data);
        if (refusal) {
          this.refused.set(message.commId, refusal);
          this.arrived(message.commId);
          return;
        }
        this.openComms.add(message.commId);
        const comm = (await this._create_comm(message.targetName, message.commId)) as RendererComm;
        const made = this.handle_comm_open(comm, {
          content: { comm_id: message.commId, target_name: message.targetName, data: message.data },
          metadata: message.metadata,
          buffers: message.buffers.map((buffer) => new DataView(base64ToBytes(buffer).buffer)),
          header: { msg_type: 'comm_open' },
          parent_header: {},
        } as never);
        // Registered (has_model) as soon as handle_comm_open returns; a waiting view then awaits the model itself.
        this.arrived(message.commId);
        await made;
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
    const making = Object.entries(models).map(([modelId, saved]) => this.makeModel(modelId, saved));
    for (const modelId of Object.keys(models)) this.arrived(modelId);
    await Promise.all(making);
    if (!live) this.markKernelGone();
    this.stateApplied = true;
    this.markReady();
  }

  /**
   * Brings the models up to a state sent again (this editor's webview was kept while out of view, and kernel
   * traffic goes only to visible editors): known models take their values, new ones are made, views stay.
   */
  private async catchUp(models: Record<string, SavedModel>, openComms: string[], live: boolean): Promise<void> {
    this.openComms = new Set(openComms);
    if (live) this.connected = true;
    await Promise.all(
      Object.entries(models).map(async ([modelId, saved]) => {
        if (!this.has_model(modelId)) {
          await this.makeModel(modelId, saved);
          return;
        }
        try {
          const model = await this.get_model(modelId);
          const state = await (model.constructor as typeof WidgetModel)._deserialize_state(stateWithBuffers(saved) as never, this);
          model.set_state(state);
        } catch (error) {
          console.error(`CellBridge widgets: model ${modelId} not brought up to date:`, error);
        }
      }),
    );
    for (const modelId of Object.keys(models)) this.arrived(modelId);
    if (!live && this.connected) this.markKernelGone();
  }

  /** A model from its saved form, connected to its comm when that is open; a failure is kept for its views. */
  private makeModel(modelId: string, saved: SavedModel): Promise<unknown> {
    const live = this.openComms.has(modelId);
    return this.new_model(
      {
        model_id: modelId,
        model_name: saved.model_name,
        model_module: saved.model_module,
        model_module_version: saved.model_module_version,
        ...(live ? { comm: this.commFor(WIDGET_TARGET, modelId) } : {}),
      },
      stateWithBuffers(saved),
    ).catch((error: unknown) => {
      // Its views say why (a library not bundled), rather than that it is gone.
      this.refused.set(modelId, error instanceof Error ? error : new Error(String(error)));
      console.error(`CellBridge widgets: model ${modelId} (${saved.model_module} ${saved.model_name}):`, error);
    });
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
    // No model comes any more: views waiting for one learn now that it is gone.
    for (const modelId of [...this.arrivals.keys()]) this.arrived(modelId);
    for (const listener of this.disconnectedListeners) listener();
  }

  /** The model a view shows, or why there is none. */
  async modelFor(modelId: string): Promise<WidgetModel | undefined> {
    await this.ready;
    // A view can arrive before its model: the cell's output and the kernel's comm_open reach this webview by different paths.
    if (this.connected && !this.has_model(modelId) && !this.refused.has(modelId)) await this.arrivalOf(modelId);
    const refused = this.refused.get(modelId);
    if (refused) throw refused;
    return this.has_model(modelId) ? this.get_model(modelId) : undefined;
  }

  /** Resolves when the model's comm_open has been taken in, or after MODEL_ARRIVAL_MS (then it is gone). */
  private arrivalOf(modelId: string): Promise<void> {
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        this.arrivals.get(modelId)?.delete(done);
        resolve();
      };
      const timer = setTimeout(done, MODEL_ARRIVAL_MS);
      const waiting = this.arrivals.get(modelId) ?? new Set();
      waiting.add(done);
      this.arrivals.set(modelId, waiting);
    });
  }

  private arrived(modelId: string): void {
    const waiting = this.arrivals.get(modelId);
    this.arrivals.delete(modelId);
    for (const done of waiting ?? []) done();
  }
}

/**
 * Why a model opened with another protocol than 2 cannot be made (ipywidgets 6's: its state flat in `data`,
 * no `version` in the metadata, its library jupyter-js-widgets), or undefined for protocol 2.
 */
function olderProtocolError(metadata: Record<string, unknown>, data: Record<string, unknown>): Error | undefined {
  const version = typeof metadata.version === 'string' ? metadata.version : '';
  if (version.split('.', 1)[0] === PROTOCOL_MAJOR) return undefined;
  const state = typeof data.state === 'object' && data.state !== null ? (data.state as Record<string, unknown>) : data;
  const named = (key: string): string => (typeof state[key] === 'string' ? (state[key] as string) : '(unnamed)');
  return new ModuleNotBundledError(named('_model_module'), named('_model_module_version'));
}

/** A saved model's state with its binary values put back at their paths, as the kernel sends them. */
function stateWithBuffers(saved: SavedModel): Record<string, unknown> {
  const state = structuredClone(saved.state);
  if (saved.buffers?.length) {
    put_buffers(state as never, saved.buffers.map((buffer) => buffer.path), saved.buffers.map((buffer) => new DataView(base64ToBytes(buffer.data).buffer)));
  }
  return state;
}
