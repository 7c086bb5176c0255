/**
 * The renderer's entry (notebook renderer API): the thin DOM layer over the pure formatter. It puts the
 * formatter's HTML (escaped before any markup was built) into the output element, injects the stylesheet once,
 * and handles clicks: a traceback link asks the extension to reveal its cell or file, the copy button copies
 * the traceback's plain text. Everything it listens to is let go when VS Code disposes the output.
 */
import { parseErrorPayload } from './errorPayload';
import { ERROR_STYLES } from './errorStyles';
import { errorPlainText, formatError } from './formatError';
import { injectStylesOnce } from '../injectStyles';
import type { ActivationFunction, RendererContext } from '../rendererApi';
import { revealFrameMessage } from './revealFrame';

const STYLE_ELEMENT_ID = 'cellbridge-error-renderer-styles';
/** How long the copy button says "Copied" before it reads "Copy" again. */
const COPIED_FEEDBACK_MS = 1500;


function showCopyResult(button: HTMLElement, label: string, signal: AbortSignal): void {
  button.textContent = label;
  const timer = setTimeout(() => {
    button.textContent = 'Copy';
  }, COPIED_FEEDBACK_MS);
  signal.addEventListener('abort', () => clearTimeout(timer), { once: true });
}

function copyPlainText(button: HTMLElement, plainText: string, signal: AbortSignal): void {
  // Undefined outside secure contexts, whatever the DOM types say.
  const clipboard: Clipboard | undefined = navigator.clipboard;
  if (!clipboard) {
    showCopyResult(button, 'Copy failed', signal);
    return;
  }
  // The promise's outcome is shown on the button; nothing else waits for it.
  clipboard.writeText(plainText).then(
    () => showCopyResult(button, 'Copied', signal),
    () => showCopyResult(button, 'Copy failed', signal),
  );
}

function onClick(event: MouseEvent, plainText: string, context: RendererContext, signal: AbortSignal): void {
  const target = event.target instanceof Element ? event.target : null;
  const link = target?.closest<HTMLElement>('a.cb-link');
  if (link) {
    event.preventDefault();
    const message = revealFrameMessage(link.dataset);
    if (message) context.postMessage?.(message);
    return;
  }
  const copyButton = target?.closest<HTMLElement>('button.cb-copy');
  if (copyButton) copyPlainText(copyButton, plainText, signal);
}

export const activate: ActivationFunction = (context) => {
  /** Per output id, what stops its listeners and timers. */
  const rendered = new Map<string, AbortController>();
  const dispose = (id: string): void => {
    rendered.get(id)?.abort();
    rendered.delete(id);
  };
  return {
    renderOutputItem(outputItem, element) {
      dispose(outputItem.id);
      const controller = new AbortController();
      rendered.set(outputItem.id, controller);
      injectStylesOnce(element.ownerDocument, STYLE_ELEMENT_ID, ERROR_STYLES);
      const error = parseErrorPayload(outputItem.text());
      // Links only when a click can reach the extension; without it they would look live and do nothing.
      element.innerHTML = formatError(error, { links: context.postMessage !== undefined });
      const plainText = errorPlainText(error);
      element.addEventListener('click', (event) => onClick(event, plainText, context, controller.signal), { signal: controller.signal });
    },
    disposeOutputItem(id) {
      if (id !== undefined) dispose(id);
      else for (const key of [...rendered.keys()]) dispose(key);
    },
  };
};
