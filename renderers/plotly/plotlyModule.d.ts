/** The part of plotly.js (the `plotly.js-dist-min` bundle, which ships no types) the Plotly renderer uses. */
declare module 'plotly.js-dist-min' {
  export function react(root: HTMLElement, data: unknown[], layout: Record<string, unknown>, config: Record<string, unknown>): Promise<HTMLElement>;
  export function purge(root: HTMLElement): void;
  /** The figure as drawn, as a `data:` URL. */
  export function toImage(root: HTMLElement, options: { format: 'png' | 'svg'; width?: number; height?: number; scale?: number }): Promise<string>;
  export const Plots: { resize(root: HTMLElement): Promise<void> | void };
}
