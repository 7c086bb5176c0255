/**
 * What a chart renderer shows when it cannot draw: a clear line saying why, and under it the output's own
 * text fallback when the kernel sent one (the extension passes it in the output item's metadata), never a
 * blank area.
 */
import type { OutputItem } from '../rendererApi';

/** The output's `text/plain`, which the extension puts in the output's metadata for chart outputs (outputMapping.ts). */
export function fallbackTextOf(item: OutputItem): string | undefined {
  const metadata = item.metadata as { fallbackText?: unknown } | undefined;
  return typeof metadata?.fallbackText === 'string' ? metadata.fallbackText : undefined;
}

export function showChartProblem(element: HTMLElement, what: string, error: unknown, fallbackText: string | undefined): void {
  const box = element.ownerDocument.createElement('div');
  box.className = 'cellbridge-chart-problem';
  const message = element.ownerDocument.createElement('div');
  message.style.color = 'var(--vscode-errorForeground)';
  message.style.fontFamily = 'var(--vscode-editor-font-family)';
  message.textContent = `Cannot draw this ${what}: ${error instanceof Error ? error.message : String(error)}`;
  box.appendChild(message);
  if (fallbackText) {
    const text = element.ownerDocument.createElement('pre');
    text.style.whiteSpace = 'pre-wrap';
    text.textContent = fallbackText;
    box.appendChild(text);
  }
  element.replaceChildren(box);
}
