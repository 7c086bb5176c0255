/**
 * The renderer's stylesheet, as text (the DOM layer injects it once per document). Colours come only from
 * VS Code's theme variables (`--vscode-*`), so light, dark and high-contrast themes each read well: the 16 ANSI
 * colours from the terminal palette, links, buttons and notes from the workbench's own colours. VS Code's
 * webviews mark the theme on `<body>` (class and `data-vscode-theme-kind`), which the contrast rules key on.
 */

const ANSI_NAMES = ['Black', 'Red', 'Green', 'Yellow', 'Blue', 'Magenta', 'Cyan', 'White'] as const;

/** `--vscode-terminal-ansiRed`, `--vscode-terminal-ansiBrightRed`, … for palette indexes 0–15. */
export function themeColorVariable(index: number): string {
  const name = ANSI_NAMES[index % 8] ?? 'White';
  return `--vscode-terminal-ansi${index >= 8 ? 'Bright' : ''}${name}`;
}

/**
 * Backgrounds are a tint, not solid: IPython marks the failing expression with a yellow background on the
 * default (and grey) text, which on solid yellow is unreadable in dark themes. A quarter of the colour keeps the
 * mark visible and the text on it legible in every theme. Swapped colours (inverse) stay solid: their text
 * colour is picked to stand on them.
 */
const BACKGROUND_TINT = '25%';

/**
 * How much of a colour is kept when it is pulled toward the theme's text colour for contrast: fixed colours in
 * dark themes (IPython's 256-colour scheme has pure blue and dark greys, made for light backgrounds), and every
 * colour in high-contrast themes (whose terminal blue is #0000ee on black). VS Code's terminal does the same
 * with its minimum contrast ratio.
 */
const CONTRAST_KEEP = '50%';

const DARK = ['body.vscode-dark', 'body[data-vscode-theme-kind="vscode-dark"]'];
const HIGH_CONTRAST = ['body.vscode-high-contrast', 'body.vscode-high-contrast-light', 'body[data-vscode-theme-kind^="vscode-high-contrast"]'];

const within = (themes: readonly string[], selector: string): string => themes.map((theme) => `${theme} ${selector}`).join(', ');
const towardText = (color: string): string => `color-mix(in srgb, ${color} ${CONTRAST_KEEP}, var(--vscode-editor-foreground))`;

function paletteRules(): string {
  const rules: string[] = [];
  for (let index = 0; index < 16; index++) {
    const color = `var(${themeColorVariable(index)})`;
    rules.push(
      `.cb-error .cb-fg-${index} { color: ${color}; }`,
      `.cb-error .cb-bg-${index} { background-color: color-mix(in srgb, ${color} ${BACKGROUND_TINT}, transparent); }`,
      `.cb-error .cb-bg-solid-${index} { background-color: ${color}; }`,
      `${within(HIGH_CONTRAST, `.cb-error .cb-fg-${index}`)} { color: ${towardText(color)}; }`,
    );
  }
  return rules.join('\n');
}

export const ERROR_STYLES = `
.cb-error { position: relative; }
.cb-error .cb-traceback {
  margin: 0;
  padding: 2px 0;
  font-family: var(--vscode-editor-font-family, monospace);
  font-size: var(--vscode-editor-font-size, 13px);
  line-height: 1.4;
  white-space: pre-wrap;
  overflow-wrap: anywhere;
  color: var(--vscode-editor-foreground);
}
.cb-error .cb-bold { font-weight: bold; }
.cb-error .cb-dim { opacity: 0.7; }
.cb-error .cb-italic { font-style: italic; }
.cb-error .cb-underline { text-decoration-line: underline; }
.cb-error .cb-strike { text-decoration-line: line-through; }
.cb-error .cb-underline.cb-strike { text-decoration-line: underline line-through; }
.cb-error .cb-fg-inverse { color: var(--vscode-editor-background); }
.cb-error .cb-bg-inverse { background-color: var(--vscode-editor-foreground); }
${paletteRules()}
.cb-error .cb-fg-rgb { color: var(--cb-fg); }
.cb-error .cb-bg-rgb { background-color: color-mix(in srgb, var(--cb-bg) ${BACKGROUND_TINT}, transparent); }
.cb-error .cb-bg-rgb-solid { background-color: var(--cb-bg); }
${within([...DARK, ...HIGH_CONTRAST], '.cb-error .cb-fg-rgb')} { color: ${towardText('var(--cb-fg)')}; }
/* Link colour wins over the colours of the text inside the link, in every theme. */
.cb-error a.cb-link, .cb-error a.cb-link span { color: var(--vscode-textLink-foreground) !important; }
.cb-error a.cb-link { text-decoration: underline; cursor: pointer; }
.cb-error a.cb-link:hover, .cb-error a.cb-link:hover span { color: var(--vscode-textLink-activeForeground) !important; }
.cb-error a.cb-link:focus-visible { outline: 1px solid var(--vscode-focusBorder); outline-offset: 1px; }
.cb-error .cb-elided { color: var(--vscode-descriptionForeground); font-style: italic; }
.cb-error .cb-full > summary {
  cursor: pointer;
  margin-top: 4px;
  color: var(--vscode-textLink-foreground);
  font-family: var(--vscode-font-family, sans-serif);
  font-size: var(--vscode-font-size, 13px);
}
.cb-error .cb-full > summary:focus-visible { outline: 1px solid var(--vscode-focusBorder); }
.cb-error .cb-copy {
  position: absolute;
  top: 0;
  right: 0;
  padding: 1px 8px;
  font-family: var(--vscode-font-family, sans-serif);
  font-size: var(--vscode-font-size, 12px);
  color: var(--vscode-button-secondaryForeground);
  background: var(--vscode-button-secondaryBackground);
  border: 1px solid var(--vscode-button-border, var(--vscode-contrastBorder, transparent));
  border-radius: 2px;
  cursor: pointer;
  opacity: 0;
}
.cb-error:hover .cb-copy, .cb-error .cb-copy:focus-visible { opacity: 1; }
.cb-error .cb-copy:hover { background: var(--vscode-button-secondaryHoverBackground); }
.cb-error .cb-copy:focus-visible { outline: 1px solid var(--vscode-focusBorder); }
${within(HIGH_CONTRAST, '.cb-error .cb-copy')} { opacity: 1; }
`;
