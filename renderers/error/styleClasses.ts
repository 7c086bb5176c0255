/**
 * An ANSI style → the class names and inline style of the `<span>` that shows it. The 16 theme colours become
 * classes whose colours the stylesheet takes from VS Code's terminal theme (`--vscode-terminal-ansi*`), so
 * light, dark and high-contrast themes each get their own tuned palette. The fixed 256-colour palette and
 * truecolor have no theme equivalent: their `rgb()` goes inline, into a custom property (`--cb-fg`, `--cb-bg`)
 * that the stylesheet reads, so each theme can adjust it for contrast. Only numbers reach the inline style,
 * never traceback text.
 */
import type { AnsiColor, AnsiStyle } from './sgr';

export interface SpanAttributes {
  /** Space-separated class names, empty for none. */
  readonly className: string;
  /** An inline style declaration, empty for none. */
  readonly style: string;
}

/** The six levels of each channel in xterm's 6×6×6 colour cube (palette 16–231). */
const CUBE_LEVELS = [0, 95, 135, 175, 215, 255] as const;

/** xterm's RGB for palette indexes 16–255: the colour cube, then a 24-step grey ramp. */
export function paletteRgb(index: number): { r: number; g: number; b: number } {
  if (index >= 232) {
    const grey = 8 + (index - 232) * 10;
    return { r: grey, g: grey, b: grey };
  }
  const cube = index - 16;
  const level = (n: number): number => CUBE_LEVELS[n] ?? 0;
  return { r: level(Math.floor(cube / 36)), g: level(Math.floor(cube / 6) % 6), b: level(cube % 6) };
}

function rgbOf(color: AnsiColor): { r: number; g: number; b: number } {
  return color.kind === 'rgb' ? color : paletteRgb(color.index);
}

const isThemeColor = (color: AnsiColor): color is { kind: 'palette'; index: number } => color.kind === 'palette' && color.index < 16;

export function spanAttributes(style: AnsiStyle): SpanAttributes {
  const classes: string[] = [];
  const declarations: string[] = [];
  if (style.bold) classes.push('cb-bold');
  if (style.dim) classes.push('cb-dim');
  if (style.italic) classes.push('cb-italic');
  if (style.underline) classes.push('cb-underline');
  if (style.strikethrough) classes.push('cb-strike');

  const foreground = style.inverse ? style.background : style.foreground;
  const background = style.inverse ? style.foreground : style.background;
  if (foreground === undefined) {
    // Inverse without an explicit background: the text takes the page's background colour.
    if (style.inverse) classes.push('cb-fg-inverse');
  } else if (isThemeColor(foreground)) {
    classes.push(`cb-fg-${foreground.index}`);
  } else {
    const { r, g, b } = rgbOf(foreground);
    classes.push('cb-fg-rgb');
    declarations.push(`--cb-fg: rgb(${r}, ${g}, ${b})`);
  }
  if (background === undefined) {
    if (style.inverse) classes.push('cb-bg-inverse');
  } else if (isThemeColor(background)) {
    // A background of its own is shown as a tint, a swapped one (inverse) solid: see errorStyles.ts.
    classes.push(style.inverse ? `cb-bg-solid-${background.index}` : `cb-bg-${background.index}`);
  } else {
    const { r, g, b } = rgbOf(background);
    classes.push(style.inverse ? 'cb-bg-rgb-solid' : 'cb-bg-rgb');
    declarations.push(`--cb-bg: rgb(${r}, ${g}, ${b})`);
  }
  return { className: classes.join(' '), style: declarations.join('; ') };
}
