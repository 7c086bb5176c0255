import type * as vscode from 'vscode';
import { isJsonObject } from '../../core/formats/jsonInput';
import { WIDGET_STATE_MIME, type WidgetStateMetadata } from '../../core/outputs/widgetState';

/**
 * Where VS Code's ipynb serializer keeps a notebook's own metadata: `metadata.metadata` since VS Code 1.74,
 * `metadata.custom.metadata` before. Widget state lives there, under `widgets`, as Jupyter saves it.
 */
function notebookMetadataOf(metadata: Record<string, unknown>): { holder: 'metadata' | 'custom'; value: Record<string, unknown> } {
  if (isJsonObject(metadata.metadata)) return { holder: 'metadata', value: metadata.metadata };
  const custom = metadata.custom;
  if (isJsonObject(custom) && isJsonObject(custom.metadata)) return { holder: 'custom', value: custom.metadata };
  return { holder: 'metadata', value: {} };
}

/** The widget state a notebook was saved with, if any. */
export function savedWidgetState(notebook: vscode.NotebookDocument): WidgetStateMetadata | undefined {
  const widgets = notebookMetadataOf(notebook.metadata).value.widgets;
  const state = isJsonObject(widgets) ? widgets[WIDGET_STATE_MIME] : undefined;
  return isJsonObject(state) && isJsonObject(state.state) ? (state as unknown as WidgetStateMetadata) : undefined;
}

/** The notebook's document metadata with `state` saved as its widget state (or removed, when undefined). */
export function metadataWithWidgetState(metadata: Record<string, unknown>, state: WidgetStateMetadata | undefined): Record<string, unknown> {
  const { holder, value } = notebookMetadataOf(metadata);
  const widgets = isJsonObject(value.widgets) ? { ...value.widgets } : {};
  if (state) widgets[WIDGET_STATE_MIME] = state;
  else delete widgets[WIDGET_STATE_MIME];
  const notebookMetadata = { ...value };
  if (Object.keys(widgets).length > 0) notebookMetadata.widgets = widgets;
  else delete notebookMetadata.widgets;
  if (holder === 'custom') return { ...metadata, custom: { ...(metadata.custom as Record<string, unknown>), metadata: notebookMetadata } };
  return { ...metadata, metadata: notebookMetadata };
}
