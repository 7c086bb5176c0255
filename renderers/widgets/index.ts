/**
 * The widget renderer's entry (notebook renderer API): draws `application/vnd.jupyter.widget-view+json`
 * outputs with ipywidgets' own views, live through the extension's relay to the kernel, or from the state
 * saved in the notebook when no kernel runs. One activation per notebook webview, so one manager per editor.
 * A widget that cannot be drawn shows why, inline; it never stops the others.
 */
// Before the widget manager: ipywidgets 7's controls need jQuery UI set up on a global jQuery.
import './jqueryUi';
import type { ActivationFunction, OutputItem } from '../rendererApi';
import { type FromRenderer, isMessage, type ToRenderer } from './bridgeProtocol';
import { THEME_STYLES } from './themeStyles';
import { RendererWidgetManager } from './widgetManager';

const STYLE_LINK_ID = 'cellbridge-widget-styles';
const DISCONNECTED_CLASS = 'cellbridge-widget-disconnected';
/** How often, and how many times at most, the renderer asks for the widgets' state until it has it. */
const READY_RETRY_MS = 1000;
const READY_ATTEMPTS = 30;
const MESSAGE_TYPES: ReadonlyArray<ToRenderer['type']> = ['state', 'comm_open', 'comm_msg', 'comm_close', 'handled', 'kernelGone', 'batch'];

/** ipywidgets' styles (and their fonts), bundled beside this module by esbuild. */
function linkStylesOnce(document: Document): void {
  if (document.getElementById(STYLE_LINK_ID)) return;
  const link = document.createElement('link');
  link.id = STYLE_LINK_ID;
  link.rel = 'stylesheet';
  link.href = new URL('./widgets.css', import.meta.url).href;
  document.head.appendChild(link);
  const style = document.createElement('style');
  // After the link, so that at equal specificity the theme's values win whenever the stylesheet loads.
  style.textContent = `${THEME_STYLES}
.${DISCONNECTED_CLASS} { opacity: 0.55; pointer-events: none; filter: grayscale(1); }
.cellbridge-widget-problem { font-family: var(--vscode-editor-font-family); color: var(--vscode-errorForeground); padding: 4px 0; }`;
  document.head.appendChild(style);
}

function showProblem(element: HTMLElement, text: string): void {
  const box = document.createElement('div');
  box.className = 'cellbridge-widget-problem';
  box.textContent = text;
  element.replaceChildren(box);
}

export const activate: ActivationFunction = (context) => {
  linkStylesOnce(document);
  const post = (message: FromRenderer): void => context.postMessage?.(message);
  const manager = new RendererWidgetManager(post);
  const containers = new Set<HTMLElement>();
  manager.onDisconnected(() => {
    for (const container of containers) {
      container.classList.add(DISCONNECTED_CLASS);
      container.title = 'Its kernel is gone: this widget shows its last state and takes no input.';
    }
  });
  context.onDidReceiveMessage?.((message) => {
    if (!isMessage<ToRenderer>(message, MESSAGE_TYPES)) return;
    manager.receive(message).catch((error: unknown) => console.error('CellBridge widgets:', error));
  });
  post({ type: 'ready' });
  // VS Code drops renderer messages it cannot deliver yet (postMessage only reports it), and without the
  // extension's answer (the state) no widget is ever drawn: ask again until it comes.
  let asked = 1;
  const askAgain = setInterval(() => {
    if (manager.hasState || asked++ >= READY_ATTEMPTS) clearInterval(askAgain);
    else post({ type: 'ready' });
  }, READY_RETRY_MS);

  return {
    async renderOutputItem(item: OutputItem, element: HTMLElement, signal?: AbortSignal): Promise<void> {
      const modelId = (item.json() as { model_id?: unknown } | undefined)?.model_id;
      if (typeof modelId !== 'string') return showProblem(element, 'This widget output names no model.');
      if (!context.postMessage) return showProblem(element, 'Widgets need the CellBridge extension running.');
      let model;
      try {
        model = await manager.modelFor(modelId);
      } catch (error) {
        return showProblem(element, `Cannot show this widget: ${error instanceof Error ? error.message : String(error)}`);
      }
      if (!model) return showProblem(element, 'This widget is gone: its kernel was restarted or the notebook was saved without its state. Run the cell again to see it.');
      // ipywidgets stands an error model in for one it could not make (its JavaScript is not bundled): say why, plainly.
      if (model.get('_view_name') === 'ErrorWidgetView') {
        const error: unknown = model.get('error');
        return showProblem(element, `Cannot show this widget: ${error instanceof Error ? error.message : String(model.get('msg') ?? error)}`);
      }
      const container = document.createElement('div');
      element.replaceChildren(container);
      try {
        const view = await manager.create_view(model, {});
        await manager.display_view(view, container);
        containers.add(container);
        if (!manager.isConnected) container.classList.add(DISCONNECTED_CLASS);
        signal?.addEventListener('abort', () => {
          containers.delete(container);
          view.remove();
        });
      } catch (error) {
        showProblem(element, `Cannot show this widget: ${error instanceof Error ? error.message : String(error)}`);
      }
    },
  };
};
