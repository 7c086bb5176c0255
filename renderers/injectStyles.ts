/** Adds a renderer's stylesheet to the webview once: every output of the renderer shares it. */
export function injectStylesOnce(document: Document, id: string, css: string): void {
  if (document.getElementById(id)) return;
  const style = document.createElement('style');
  style.id = id;
  style.textContent = css;
  document.head.appendChild(style);
}
