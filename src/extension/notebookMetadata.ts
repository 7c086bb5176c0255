import type * as vscode from 'vscode';
import { WIDGET_STATE_MIME, type WidgetStateMetadata } from '../core/outputs/widgetState';

/**
 * What the ipynb metadata says, read the ways VS Code's ipynb support has stored it: nbformat's notebook
 * metadata sits under `metadata` (or `custom.metadata` in older versions), a cell's under `metadata`.
 */
type Json = Record<string, unknown>;

function objectAt(value: unknown, key: string): Json | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const inner = (value as Json)[key];
  return typeof inner === 'object' && inner !== null && !Array.isArray(inner) ? (inner as Json) : undefined;
}

function nbformatMetadataOf(notebook: vscode.NotebookDocument): Json {
  return objectAt(notebook.metadata, 'metadata') ?? objectAt(objectAt(notebook.metadata, 'custom'), 'metadata') ?? {};
}

/** The kernelspec name the notebook was saved with, if any. */
export function kernelspecNameOf(notebook: vscode.NotebookDocument): string | undefined {
  const name = objectAt(nbformatMetadataOf(notebook), 'kernelspec')?.name;
  return typeof name === 'string' && name !== '' ? name.toLowerCase() : undefined;
}

/** The display name of the kernelspec the notebook was saved with: for an environment, what identifies it. */
export function kernelspecDisplayNameOf(notebook: vscode.NotebookDocument): string | undefined {
  const name = objectAt(nbformatMetadataOf(notebook), 'kernelspec')?.display_name;
  return typeof name === 'string' && name !== '' ? name : undefined;
}

/** The kernel language the notebook was saved with (language_info, else the kernelspec's). */
export function notebookLanguageOf(notebook: vscode.NotebookDocument): string | undefined {
  const metadata = nbformatMetadataOf(notebook);
  const language = objectAt(metadata, 'language_info')?.name ?? objectAt(metadata, 'kernelspec')?.language;
  return typeof language === 'string' ? language.toLowerCase() : undefined;
}

/** The cell's nbformat tags (`raises-exception` lets the queue go on past an expected error). */
export function tagsOf(cell: vscode.NotebookCell): string[] {
  const tags = objectAt(cell.metadata, 'metadata')?.tags ?? (cell.metadata as Json).tags;
  return Array.isArray(tags) ? tags.filter((tag): tag is string => typeof tag === 'string') : [];
}

/** nbformat's `metadata.kernelspec`: what Jupyter reads to know which kernel runs the notebook. */
export interface SavedKernelspec {
  name: string;
  display_name: string;
  language: string;
}

/**
 * The notebook's metadata with `kernelspec` set, or undefined when it already says that. Kept under the key
 * VS Code's ipynb support reads it from (`metadata`, or `custom.metadata` in older versions).
 */
export function withKernelspec(notebook: vscode.NotebookDocument, kernelspec: SavedKernelspec): Record<string, unknown> | undefined {
  const current = objectAt(nbformatMetadataOf(notebook), 'kernelspec');
  if (current?.name === kernelspec.name && current.display_name === kernelspec.display_name && current.language === kernelspec.language) return undefined;
  return withNbformatMetadata(notebook, { ...nbformatMetadataOf(notebook), kernelspec });
}

/**
 * The notebook's metadata with `language_info` as the kernel reported it (kernel_info_reply), or undefined when
 * it already says that.
 */
export function withLanguageInfo(notebook: vscode.NotebookDocument, languageInfo: Record<string, unknown>): Record<string, unknown> | undefined {
  const current = objectAt(nbformatMetadataOf(notebook), 'language_info');
  if (current && JSON.stringify(current) === JSON.stringify(languageInfo)) return undefined;
  return withNbformatMetadata(notebook, { ...nbformatMetadataOf(notebook), language_info: languageInfo });
}

/** The notebook's metadata with its nbformat part replaced, under the key VS Code's ipynb support reads it from. */
function withNbformatMetadata(notebook: vscode.NotebookDocument, metadata: Json): Record<string, unknown> {
  const custom = objectAt(notebook.metadata, 'custom');
  if (custom && objectAt(custom, 'metadata') && !objectAt(notebook.metadata, 'metadata')) return { ...notebook.metadata, custom: { ...custom, metadata } };
  return { ...notebook.metadata, metadata };
}

/** The widget state the notebook was saved with (`metadata.widgets`, as Jupyter saves it), if any. */
export function savedWidgetState(notebook: vscode.NotebookDocument): WidgetStateMetadata | undefined {
  const state = objectAt(objectAt(nbformatMetadataOf(notebook), 'widgets'), WIDGET_STATE_MIME);
  return state && objectAt(state, 'state') ? (state as unknown as WidgetStateMetadata) : undefined;
}

/** The notebook's metadata with `state` as its widget state (none: removed), under the key VS Code's ipynb support reads. */
export function withWidgetStateOf(notebook: vscode.NotebookDocument, state: WidgetStateMetadata | undefined): Record<string, unknown> {
  const metadata = { ...nbformatMetadataOf(notebook) };
  const widgets: Json = { ...objectAt(metadata, 'widgets') };
  if (state) widgets[WIDGET_STATE_MIME] = state;
  else delete widgets[WIDGET_STATE_MIME];
  if (Object.keys(widgets).length > 0) metadata.widgets = widgets;
  else delete metadata.widgets;
  return withNbformatMetadata(notebook, metadata);
}
