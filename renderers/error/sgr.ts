/**
 * The text style SGR ("select graphic rendition", `ESC [ … m`) sequences set, and how one sequence changes it.
 * Only what a notebook output can show is modelled; blink, conceal, fonts and the like are ignored on purpose,
 * so such text still shows, in the style it had.
 */

/** Palette indexes 0–15 are the theme's 16 ANSI colours; 16–255 are xterm's fixed 256-colour palette. */
export type AnsiColor =
  | { readonly kind: 'palette'; readonly index: number }
  | { readonly kind: 'rgb'; readonly r: number; readonly g: number; readonly b: number };

export interface AnsiStyle {
  readonly bold: boolean;
  readonly dim: boolean;
  readonly italic: boolean;
  readonly underline: boolean;
  readonly inverse: boolean;
  readonly strikethrough: boolean;
  readonly foreground?: AnsiColor | undefined;
  readonly background?: AnsiColor | undefined;
}

export const PLAIN_STYLE: AnsiStyle = { bold: false, dim: false, italic: false, underline: false, inverse: false, strikethrough: false };

type MutableStyle = { -readonly [K in keyof AnsiStyle]: AnsiStyle[K] };

function sameColor(a: AnsiColor | undefined, b: AnsiColor | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  if (a.kind === 'palette') return b.kind === 'palette' && a.index === b.index;
  return b.kind === 'rgb' && a.r === b.r && a.g === b.g && a.b === b.b;
}

export function sameStyle(a: AnsiStyle, b: AnsiStyle): boolean {
  return (
    a.bold === b.bold &&
    a.dim === b.dim &&
    a.italic === b.italic &&
    a.underline === b.underline &&
    a.inverse === b.inverse &&
    a.strikethrough === b.strikethrough &&
    sameColor(a.foreground, b.foreground) &&
    sameColor(a.background, b.background)
  );
}

/** A colour channel or palette index: an integer 0–255, else nothing (the colour is then ignored). */
function byte(value: string | undefined): number | undefined {
  if (value === undefined || !/^\d{1,3}$/.test(value)) return undefined;
  const n = Number(value);
  return n <= 255 ? n : undefined;
}

function paletteColor(index: string | undefined): AnsiColor | undefined {
  const n = byte(index);
  return n === undefined ? undefined : { kind: 'palette', index: n };
}

function rgbColor(r: string | undefined, g: string | undefined, b: string | undefined): AnsiColor | undefined {
  const [red, green, blue] = [byte(r), byte(g), byte(b)];
  return red === undefined || green === undefined || blue === undefined ? undefined : { kind: 'rgb', r: red, g: green, b: blue };
}

/**
 * The colour of a colon form (`38:5:n`, `38:2::r:g:b` per ITU T.416, or `38:2:r:g:b` as many programs write it);
 * `parts` starts after the 38/48.
 */
function colonColor(parts: readonly string[]): AnsiColor | undefined {
  if (parts[0] === '5') return paletteColor(parts[1]);
  if (parts[0] !== '2') return undefined;
  const channels = parts.length >= 5 ? parts.slice(2, 5) : parts.slice(1, 4);
  return rgbColor(channels[0], channels[1], channels[2]);
}

/** Applies one plain numeric code; codes for styles a notebook does not show change nothing. */
function applyCode(style: MutableStyle, code: number): void {
  if (code >= 30 && code <= 37) style.foreground = { kind: 'palette', index: code - 30 };
  else if (code >= 90 && code <= 97) style.foreground = { kind: 'palette', index: code - 90 + 8 };
  else if (code >= 40 && code <= 47) style.background = { kind: 'palette', index: code - 40 };
  else if (code >= 100 && code <= 107) style.background = { kind: 'palette', index: code - 100 + 8 };
  else {
    switch (code) {
      case 0:
        Object.assign(style, PLAIN_STYLE, { foreground: undefined, background: undefined });
        break;
      case 1:
        style.bold = true;
        break;
      case 2:
        style.dim = true;
        break;
      case 3:
        style.italic = true;
        break;
      case 4:
      case 21: // double underline; shown as a single one
        style.underline = true;
        break;
      case 7:
        style.inverse = true;
        break;
      case 9:
        style.strikethrough = true;
        break;
      case 22: // "normal intensity" ends both bold and dim
        style.bold = false;
        style.dim = false;
        break;
      case 23:
        style.italic = false;
        break;
      case 24:
        style.underline = false;
        break;
      case 27:
        style.inverse = false;
        break;
      case 29:
        style.strikethrough = false;
        break;
      case 39:
        style.foreground = undefined;
        break;
      case 49:
        style.background = undefined;
        break;
    }
  }
}

/**
 * The style after the SGR sequence whose parameter string (between `ESC [` and `m`) is `params`. An empty
 * parameter means 0, as in terminals (`ESC [ m` and `ESC [ ; 1 m` both reset first).
 */
export function applySgr(current: AnsiStyle, params: string): AnsiStyle {
  const style: MutableStyle = { ...current };
  const codes = params.split(';');
  for (let i = 0; i < codes.length; i++) {
    const item = codes[i] ?? '';
    if (item.includes(':')) {
      const [head, ...rest] = item.split(':');
      if (head === '38') style.foreground = colonColor(rest) ?? style.foreground;
      else if (head === '48') style.background = colonColor(rest) ?? style.background;
      else if (head === '4') style.underline = rest[0] !== '0'; // 4:0 is "no underline", 4:1…4:5 are kinds of it
      // Anything else with sub-parameters (58:… underline colour, …) is not shown.
      continue;
    }
    const code = item === '' ? 0 : Number(item);
    if (code === 38 || code === 48 || code === 58) {
      // The extended forms take their arguments from the following parameters; 58 (underline colour) is
      // consumed the same way so that its arguments are not misread as styles.
      const mode = codes[i + 1];
      let color: AnsiColor | undefined;
      if (mode === '5') {
        color = paletteColor(codes[i + 2]);
        i += 2;
      } else if (mode === '2') {
        color = rgbColor(codes[i + 2], codes[i + 3], codes[i + 4]);
        i += 4;
      }
      if (color && code === 38) style.foreground = color;
      if (color && code === 48) style.background = color;
      continue;
    }
    if (Number.isInteger(code)) applyCode(style, code);
  }
  // Unset colours are left out rather than kept as `undefined` keys, so equal styles have equal shapes.
  const { foreground, background, ...attributes } = style;
  return { ...attributes, ...(foreground ? { foreground } : {}), ...(background ? { background } : {}) };
}
