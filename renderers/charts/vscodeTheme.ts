/**
 * The VS Code theme as a chart renderer needs it: its kind (the notebook webview's body carries
 * `vscode-light`, `vscode-dark` or `vscode-high-contrast`) and its colours and font, read from the
 * `--vscode-*` variables VS Code sets on the webview. Charts draw with these so they sit on the editor's
 * background in every theme, and draw again when the theme changes.
 */
import type { ChartTheme, ThemeKind } from './chartTheme';

export type { ChartTheme } from './chartTheme';

export function currentTheme(document: Document): ChartTheme {
  const classes = document.body.classList;
  const kind: ThemeKind = classes.contains('vscode-high-contrast') || classes.contains('vscode-high-contrast-light') ? 'high-contrast' : classes.contains('vscode-dark') ? 'dark' : 'light';
  const style = getComputedStyle(document.documentElement);
  const variable = (name: string, fallback: string): string => style.getPropertyValue(name).trim() || fallback;
  const foreground = variable('--vscode-editor-foreground', variable('--vscode-foreground', kind === 'light' ? '#333333' : '#cccccc'));
  return {
    kind,
    foreground,
    background: variable('--vscode-editor-background', kind === 'light' ? '#ffffff' : '#1e1e1e'),
    gridColor: kind === 'high-contrast' ? foreground : faint(document, foreground),
    fontFamily: variable('--vscode-font-family', 'sans-serif'),
    fontSize: Number.parseFloat(variable('--vscode-font-size', '13')) || 13,
  };
}

/** Calls `listener` when VS Code switches theme (it changes the body's classes); returns the way to stop. */
export function onThemeChange(document: Document, listener: () => void): () => void {
  const observer = new MutationObserver(() => listener());
  observer.observe(document.body, { attributes: true, attributeFilter: ['class'] });
  return () => observer.disconnect();
}

/**
 * The colour at 18% opacity, as `rgba(...)`: chart libraries parse colours themselves and know no `color-mix`,
 * so the browser resolves the theme's colour (hex, rgb, a name) into channels first.
 */
function faint(document: Document, color: string): string {
  const probe = document.createElement('span');
  probe.style.color = color;
  probe.style.display = 'none';
  document.body.appendChild(probe);
  const resolved = getComputedStyle(probe).color;
  probe.remove();
  const [r, g, b] = (resolved.match(/[\d.]+/g) ?? []).map(Number);
  return r === undefined || g === undefined || b === undefined ? color : `rgba(${r}, ${g}, ${b}, 0.18)`;
}
