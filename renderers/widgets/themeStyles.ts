/**
 * ipywidgets colour and size their controls with JupyterLab's CSS variables (`--jp-*`), whose defaults
 * (labvariables.css, bundled with the controls) are JupyterLab's light theme: in a dark VS Code, labels and
 * readouts came out black on black. These rules, placed after ipywidgets' own styles, set those variables from
 * the VS Code theme variables every notebook webview has (`--vscode-*`), so widgets follow light, dark and
 * high-contrast themes and change with them. Each falls back to JupyterLab's value where a theme leaves a
 * VS Code variable unset.
 */
export const THEME_STYLES = `:root {
  --jp-ui-font-family: var(--vscode-font-family);
  --jp-ui-font-size1: var(--vscode-font-size, 13px);
  --jp-content-font-color0: var(--vscode-foreground);
  --jp-content-font-color1: var(--vscode-foreground);
  --jp-ui-font-color0: var(--vscode-foreground);
  --jp-ui-font-color1: var(--vscode-foreground);
  --jp-ui-font-color2: var(--vscode-descriptionForeground);
  --jp-ui-font-color3: var(--vscode-disabledForeground, var(--vscode-descriptionForeground));
  --jp-ui-inverse-font-color0: var(--vscode-button-foreground);
  --jp-ui-inverse-font-color1: var(--vscode-button-foreground);
  --jp-inverse-ui-font-color0: var(--vscode-button-foreground);
  --jp-inverse-ui-font-color1: var(--vscode-button-foreground);
  --jp-layout-color0: var(--vscode-editor-background);
  --jp-layout-color1: var(--vscode-editor-background);
  --jp-layout-color2: var(--vscode-button-secondaryBackground, var(--vscode-editorWidget-background));
  --jp-layout-color3: var(--vscode-scrollbarSlider-activeBackground, var(--vscode-input-border, #9e9e9e));
  --jp-border-color0: var(--vscode-contrastBorder, var(--vscode-widget-border, #616161));
  --jp-border-color1: var(--vscode-input-border, var(--vscode-widget-border, #9e9e9e));
  --jp-border-color2: var(--vscode-widget-border, var(--vscode-input-border, #e0e0e0));
  --jp-brand-color0: var(--vscode-button-hoverBackground, var(--vscode-button-background));
  --jp-brand-color1: var(--vscode-button-background);
  --jp-brand-color2: var(--vscode-focusBorder);
  --jp-error-color0: var(--vscode-errorForeground);
  --jp-error-color1: var(--vscode-errorForeground);
  --jp-warn-color0: var(--vscode-editorWarning-foreground);
  --jp-warn-color1: var(--vscode-editorWarning-foreground);
  --jp-widgets-input-color: var(--vscode-input-foreground);
  --jp-widgets-input-background-color: var(--vscode-input-background);
  --jp-widgets-input-border-color: var(--vscode-input-border, var(--vscode-widget-border, #9e9e9e));
  --jp-widgets-input-focus-border-color: var(--vscode-focusBorder);
}
/* A plain button as VS Code draws a secondary one; .mod-primary and the other styles keep their own colours (more specific). */
.jupyter-button {
  color: var(--vscode-button-secondaryForeground, var(--vscode-foreground));
  background-color: var(--vscode-button-secondaryBackground, var(--vscode-editorWidget-background));
}`;
