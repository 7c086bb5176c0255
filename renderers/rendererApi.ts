/**
 * The part of VS Code's notebook renderer API (the `vscode-notebook-renderer` package's types) this renderer
 * uses, declared here so that the renderer needs no extra dependency. Shapes follow VS Code's
 * `src/vscode-notebook-renderer/index.d.ts`; a renderer may use fewer members than VS Code passes.
 */
export interface OutputItem {
  readonly id: string;
  readonly mime: string;
  readonly metadata: unknown;
  text(): string;
  json(): unknown;
  data(): Uint8Array;
}

export interface RendererContext {
  /** Present when the extension that contributed the renderer is running (`requiresMessaging: "optional"`). */
  postMessage?(message: unknown): void;
  /** Messages the extension posts to this renderer (present with `requiresMessaging`). */
  onDidReceiveMessage?(listener: (message: unknown) => void): { dispose(): void };
  readonly workspace: { readonly isTrusted: boolean };
}

export interface RendererApi {
  renderOutputItem(outputItem: OutputItem, element: HTMLElement, signal?: AbortSignal): void | Promise<void>;
  disposeOutputItem?(id?: string): void;
}

export type ActivationFunction = (context: RendererContext) => RendererApi | Promise<RendererApi> | undefined;
