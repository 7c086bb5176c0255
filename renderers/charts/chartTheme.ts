/** The VS Code theme as charts use it (read by vscodeTheme.ts); no DOM here, so layouts can be tested in Node. */
export type ThemeKind = 'light' | 'dark' | 'high-contrast';

export interface ChartTheme {
  kind: ThemeKind;
  foreground: string;
  background: string;
  /** Grid lines, axes: the foreground, faint. */
  gridColor: string;
  fontFamily: string;
  fontSize: number;
}
