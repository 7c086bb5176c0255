/**
 * The state of the Jupyter widgets a kernel created, in the shape a notebook saves it
 * (`metadata.widgets["application/vnd.jupyter.widget-state+json"]`, @jupyter-widgets/schema v2/state.schema.json),
 * so a saved notebook shows its widgets without a kernel, as nbclient records it.
 *
 * Widget protocol v2 (ipywidgets 7 and 8, @jupyter-widgets/schema messages.md): a `comm_open` to the
 * `jupyter.widget` target creates a model from `data.state`; a `comm_msg` whose `data.method` is `update` sets
 * the keys it names; a `comm_close` ends the model. Binary values travel as message buffers, each placed in
 * the state at its `data.buffer_paths` entry; they are kept base64-encoded in the model's `buffers` list.
 */
import { Disposable, DisposableStore } from '../common/disposable';
import type { Event } from '../common/emitter';
import { isJsonObject } from '../formats/jsonInput';
import type { CommEvent } from '../comms/kernelComms';
import type { OutputWidgetCapture } from '../comms/outputWidgetCapture';

export const WIDGET_STATE_MIME = 'application/vnd.jupyter.widget-state+json';
/** The comm target ipywidgets (and other widget libraries) open one comm per model on. */
const WIDGET_COMM_TARGET = 'jupyter.widget';

/** An object key or list index, from the state's top level down to one binary value. */
export type BufferPath = Array<string | number>;

export interface WidgetBuffer {
  path: BufferPath;
  data: string;
  encoding: 'base64';
}

export interface SavedWidgetModel {
  model_name: string;
  model_module: string;
  model_module_version: string;
  state: Record<string, unknown>;
  buffers?: WidgetBuffer[];
}

export interface WidgetStateMetadata {
  version_major: 2;
  version_minor: 0;
  /** Model id (the comm id) → model. */
  state: Record<string, SavedWidgetModel>;
}

/** The comm messages that change widget state, as one union; converted once, at `toWidgetEvent`. */
export type WidgetEvent =
  | { type: 'open'; commId: string; state: Record<string, unknown>; buffers: WidgetBuffer[] }
  | { type: 'update'; commId: string; state: Record<string, unknown>; buffers: WidgetBuffer[] }
  | { type: 'close'; commId: string };

/**
 * The widget event a comm event carries; undefined for other comm targets, custom widget messages and the
 * kernel's end. Updates of comms the recorder did not see open (another target) are ignored by the recorder.
 */
export function toWidgetEvent(event: CommEvent): WidgetEvent | undefined {
  switch (event.type) {
    case 'open':
      if (event.targetName !== WIDGET_COMM_TARGET) return undefined;
      // Protocol 1 (ipywidgets 6 and older) sends the state itself as `data`: kept as it came, so a renderer can say which library it needs.
      return { type: 'open', commId: event.commId, state: isJsonObject(event.data.state) ? event.data.state : event.data, buffers: buffersOf(event.data.buffer_paths, event.buffers) };
    case 'msg': {
      const { data } = event;
      // `echo_update` is ipywidgets 8's copy of a state change the kernel accepted from a frontend: state all the same.
      if ((data.method !== 'update' && data.method !== 'echo_update') || !isJsonObject(data.state)) return undefined;
      return { type: 'update', commId: event.commId, state: data.state, buffers: buffersOf(data.buffer_paths, event.buffers) };
    }
    case 'close':
      return { type: 'close', commId: event.commId };
    case 'kernelGone':
      return undefined;
  }
}

/** What the recorder needs of a kernel's comms (KernelComms): their events. */
export interface CommSource {
  readonly onDidReceive: Event<CommEvent>;
}

interface LiveModel {
  state: Record<string, unknown>;
  /** By path (as JSON), so a later update of the same value replaces its buffer. */
  buffers: Map<string, WidgetBuffer>;
}

/**
 * Keeps the state of every open widget model of the kernels it observes. Models of a kernel that was replaced
 * (after a timeout) stay: the outputs of the cells that ran on it still show their views.
 */
export class WidgetStateRecorder implements Disposable {
  private readonly models = new Map<string, LiveModel>();
  private readonly observations = new DisposableStore();

  /**
   * Feeds every widget event of a kernel's comms (whichever cell, or none, it belongs to) to `apply`, and
   * the outputs its Output widgets capture (which the kernel echoes late, or not at all before ipywidgets 8).
   */
  observe(comms: CommSource, outputWidgets?: OutputWidgetCapture): Disposable {
    const observation = new DisposableStore();
    observation.add(
      comms.onDidReceive((commEvent) => {
        const event = toWidgetEvent(commEvent);
        if (event) this.apply(event);
      }),
    );
    if (outputWidgets) observation.add(outputWidgets.onDidChangeOutputs(({ commId, outputs }) => this.apply({ type: 'update', commId, state: { outputs: [...outputs] }, buffers: [] })));
    return this.observations.add(observation);
  }

  apply(event: WidgetEvent): void {
    switch (event.type) {
      case 'open':
        this.models.set(event.commId, { state: {}, buffers: new Map() });
        this.update(event.commId, event.state, event.buffers);
        return;
      case 'update':
        this.update(event.commId, event.state, event.buffers);
        return;
      case 'close':
        this.models.delete(event.commId);
        return;
    }
  }

  /** Takes the models of a saved state (a notebook reopened), as if they had been opened and set so. */
  restore(saved: WidgetStateMetadata): void {
    for (const [modelId, model] of Object.entries(saved.state)) {
      if (!isJsonObject(model) || !isJsonObject(model.state)) continue;
      const buffers = Array.isArray(model.buffers) ? model.buffers.filter((buffer) => isBufferPath(buffer.path) && typeof buffer.data === 'string') : [];
      this.models.set(modelId, { state: { ...model.state }, buffers: new Map(buffers.map((buffer) => [JSON.stringify(buffer.path), buffer])) });
    }
  }

  /**
   * The notebook metadata for the open models, or undefined when there are none (nothing to save, as
   * nbclient). Only models that name their class (`_model_name`) can be rebuilt, so only those are saved.
   */
  toMetadata(): WidgetStateMetadata | undefined {
    const saved: Record<string, SavedWidgetModel> = {};
    for (const [modelId, model] of this.models) {
      const name = model.state._model_name;
      if (typeof name !== 'string') continue;
      const buffers = [...model.buffers.values()];
      saved[modelId] = {
        model_name: name,
        model_module: stringOrEmpty(model.state._model_module),
        model_module_version: stringOrEmpty(model.state._model_module_version),
        state: { ...model.state },
        ...(buffers.length > 0 ? { buffers } : {}),
      };
    }
    return Object.keys(saved).length > 0 ? { version_major: 2, version_minor: 0, state: saved } : undefined;
  }

  dispose(): void {
    this.observations.dispose();
  }

  /** Comms this recorder never saw open (another target, or opened before it observed) are not widgets of ours. */
  private update(commId: string, state: Record<string, unknown>, buffers: WidgetBuffer[]): void {
    const model = this.models.get(commId);
    if (!model) return;
    // A key an update names is replaced whole, binary parts included: drop the buffers stored under it.
    const replaced = new Set<string | number>([...Object.keys(state), ...buffers.map((buffer) => buffer.path[0]!)]);
    for (const [key, buffer] of model.buffers) {
      if (replaced.has(buffer.path[0]!)) model.buffers.delete(key);
    }
    Object.assign(model.state, state);
    for (const buffer of buffers) {
      // A top-level binary value is absent from `state`; an older JSON value under its key is stale.
      if (buffer.path.length === 1) delete model.state[String(buffer.path[0])];
      model.buffers.set(JSON.stringify(buffer.path), buffer);
    }
  }
}

/** Pairs `buffer_paths` with the message's buffers; a malformed path (or a missing buffer) is skipped. */
function buffersOf(paths: unknown, buffers: readonly Uint8Array[]): WidgetBuffer[] {
  if (!Array.isArray(paths)) return [];
  const result: WidgetBuffer[] = [];
  paths.forEach((path: unknown, i) => {
    const buffer = buffers[i];
    if (buffer === undefined || !isBufferPath(path)) return;
    result.push({ path: [...path], data: Buffer.from(buffer.buffer, buffer.byteOffset, buffer.byteLength).toString('base64'), encoding: 'base64' });
  });
  return result;
}

function isBufferPath(path: unknown): path is BufferPath {
  return Array.isArray(path) && path.length > 0 && path.every((part) => typeof part === 'string' || typeof part === 'number');
}

function stringOrEmpty(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

/**
 * The notebook with the widget state saved in its metadata (`widgets`), replacing what an earlier run saved
 * there; without state (the run made no widget) the notebook is returned as it was, as nbclient leaves it.
 */
export function withWidgetState<T extends { metadata: Record<string, unknown> }>(notebook: T, state: WidgetStateMetadata | undefined): T {
  if (!state) return notebook;
  const widgets = isJsonObject(notebook.metadata.widgets) ? notebook.metadata.widgets : {};
  return { ...notebook, metadata: { ...notebook.metadata, widgets: { ...widgets, [WIDGET_STATE_MIME]: state } } };
}
