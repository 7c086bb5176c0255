/**
 * What a chart renderer shows when it cannot draw: a clear line saying why, and under it the output's own
 * text fallback when the kernel sent one, never a blank area. The text is in the item's metadata for outputs
 * made in this session (outputMapping.ts); for a notebook read from a file the renderer asks the extension,
 * which reads it from the cell's output.
 */
import type { OutputItem, RendererContext } from '../rendererApi';
import type { FallbackTextReply, FallbackTextRequest } from './chartMessages';

/** How long to wait for the extension's answer; without one the problem line stands alone. */
const ASK_TIMEOUT_MS = 5_000;

/** The output's `text/plain` as outputMapping.ts put it into the item's metadata, if it did. */
export function fallbackTextOf(item: OutputItem): string | undefined {
  const metadata = item.metadata as { fallbackText?: unknown } | undefined;
  return typeof metadata?.fallbackText === 'string' ? metadata.fallbackText : undefined;
}

/** Asks the extension for the output's `text/plain`; undefined without messaging, without text, or without an answer in time. */
function askForFallbackText(context: RendererContext, outputId: string): Promise<string | undefined> {
  const { postMessage, onDidReceiveMessage } = context;
  if (!postMessage || !onDidReceiveMessage) return Promise.resolve(undefined);
  return new Promise((resolve) => {
    const finish = (text: string | undefined): void => {
      clearTimeout(timer);
      subscription.dispose();
      resolve(text);
    };
    const timer = setTimeout(() => finish(undefined), ASK_TIMEOUT_MS);
    const subscription = onDidReceiveMessage.call(context, (message) => {
      const reply = message as Partial<FallbackTextReply> | undefined;
      if (reply?.type === 'fallbackText' && reply.outputId === outputId) finish(typeof reply.text === 'string' ? reply.text : undefined);
    });
    postMessage.call(context, { type: 'fallbackText', outputId } satisfies FallbackTextRequest);
  });
}

export function showChartProblem(context: RendererContext, element: HTMLElement, item: OutputItem, what: string, error: unknown): void {
  const box = element.ownerDocument.createElement('div');
  box.className = 'cellbridge-chart-problem';
  const message = element.ownerDocument.createElement('div');
  message.style.color = 'var(--vscode-errorForeground)';
  message.style.fontFamily = 'var(--vscode-editor-font-family)';
  message.textContent = `Cannot draw this ${what}: ${error instanceof Error ? error.message : String(error)}`;
  box.appendChild(message);
  element.replaceChildren(box);
  const known = fallbackTextOf(item);
  const text = known !== undefined ? Promise.resolve(known) : askForFallbackText(context, item.id);
  void text.then((fallback) => {
    if (!fallback || !box.isConnected) return;
    const pre = element.ownerDocument.createElement('pre');
    pre.style.whiteSpace = 'pre-wrap';
    pre.textContent = fallback;
    box.appendChild(pre);
  });
}
